import { userInfo } from 'node:os';
import { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SdkAppRunner } from '../../lib/app-runner/sdk';
import { UsageError } from './args';
import { ENDPOINT_VARIABLES, isLocalEndpoint } from './env';
import { fromAwsError, isMissingRegion, missingRegionError, REQUEST_TIMEOUT_MS } from './errors';

/**
 * AWS clients for the CLI. Standard SDK configuration only: the credential chain, `AWS_REGION` or the
 * profile's region (or `--region`), and `AWS_ENDPOINT_URL_<SERVICE>` for endpoints.
 */

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Network bounds for the CLI's own calls: fail in seconds rather than hang at 03:00. */
const requestHandler = {
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionTimeout: 3_000,
  throwOnRequestTimeout: true,
};

/**
 * Practising against the emulator (or moto) needs no AWS account: a client whose endpoint variable points
 * at this machine signs with these placeholder credentials (local endpoints check no signature), and the
 * region defaults to the emulator's own.
 */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_DEFAULT_REGION = 'us-east-1';

function credentialsFor(endpointVariable: string): { credentials?: typeof LOCAL_CREDENTIALS } {
  return isLocalEndpoint(endpointVariable) ? { credentials: LOCAL_CREDENTIALS } : {};
}

/**
 * The region to use: `--region`, else what the SDK finds (`AWS_REGION`, or the profile's `region`; the JS
 * SDK does not read AWS_DEFAULT_REGION), else `fallback` (e.g. the region of a state machine ARN), else
 * the emulator's region when App Runner is redirected to this machine.
 * @throws CliError when none is configured
 */
export async function resolveRegion(flag: string | undefined, fallback?: string): Promise<string> {
  if (flag) {
    if (!REGION.test(flag)) throw new UsageError(`--region "${flag}" is not an AWS region such as eu-west-1`);
    return flag;
  }
  const probe = new SFNClient({});
  try {
    const region = await probe.config.region();
    if (region) return region;
  } catch (error) {
    if (!isMissingRegion(error)) throw error;
  } finally {
    probe.destroy();
  }
  if (fallback) return fallback;
  if (isLocalEndpoint(ENDPOINT_VARIABLES.appRunner)) return LOCAL_DEFAULT_REGION;
  throw missingRegionError();
}

export function sfnClient(region: string): SFNClient {
  return new SFNClient({ region, maxAttempts: 3, requestHandler, ...credentialsFor(ENDPOINT_VARIABLES.sfn) });
}

export function cloudFormationClient(region: string): CloudFormationClient {
  return new CloudFormationClient({
    region,
    maxAttempts: 3,
    requestHandler,
    ...credentialsFor(ENDPOINT_VARIABLES.cloudFormation),
  });
}

/** How patient a client is: by default 3 attempts of {@link REQUEST_TIMEOUT_MS} each. */
export interface Patience {
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

export function ssmClient(region: string, patience: Patience = {}): SSMClient {
  return new SSMClient({
    region,
    maxAttempts: patience.maxAttempts ?? 3,
    requestHandler: { ...requestHandler, requestTimeout: patience.requestTimeoutMs ?? REQUEST_TIMEOUT_MS },
    ...credentialsFor(ENDPOINT_VARIABLES.ssm),
  });
}

export function schedulerClient(region: string, patience: Patience = {}): SchedulerClient {
  return new SchedulerClient({
    region,
    maxAttempts: patience.maxAttempts ?? 3,
    requestHandler: { ...requestHandler, requestTimeout: patience.requestTimeoutMs ?? REQUEST_TIMEOUT_MS },
    ...credentialsFor(ENDPOINT_VARIABLES.scheduler),
  });
}

/** The App Runner port (the same SDK adapter the Lambdas use); each call follows its ARN's or given region. */
export function appRunner(): SdkAppRunner {
  const local = credentialsFor(ENDPOINT_VARIABLES.appRunner);
  return new SdkAppRunner({
    maxAttempts: 3,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    // The adapter builds one client per region with the SDK's default credentials; against a local
    // endpoint, build it again with the placeholder ones (same region, retries and time-outs).
    ...(local.credentials
      ? {
          instrument: (client: AppRunnerClient) => {
            const region = client.config.region;
            client.destroy();
            return new AppRunnerClient({ region, maxAttempts: 3, requestHandler, ...local });
          },
        }
      : {}),
  });
}

/**
 * Fails at once when the SDK's credential chain finds no credentials (no AWS call is made). For commands
 * whose first AWS call would otherwise come late, after things have started (`run --aws`).
 * @throws CliError "No AWS credentials found." (exit 2)
 */
export async function checkCredentials(region: string): Promise<void> {
  // The default chain, as the runner's own clients use it (placeholder credentials are only for the CLI's).
  const client = new AppRunnerClient({ region });
  try {
    await client.config.credentials();
  } catch (error) {
    throw fromAwsError(error, { service: 'App Runner', operation: '(credentials)' });
  } finally {
    client.destroy();
  }
}

/** `user:<OS user>`, reduced to the characters the execution input allows in requestedBy. */
export function defaultRequester(): string {
  let name = 'unknown';
  try {
    name = userInfo().username || 'unknown';
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return `user:${name.replace(/[^\w.@+=,-]/g, '_').slice(0, 120)}`;
}

/** The Step Functions console page of an execution. */
export function consoleUrl(executionArn: string): string {
  const region = executionArn.split(':')[3] ?? 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}
