import { userInfo } from 'node:os';
import type { AppRunnerClient } from '@aws-sdk/client-apprunner';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SdkAppRunner } from '../../lib/app-runner/sdk';
import { UsageError } from './args';
import { isMissingRegion, missingRegionError } from './errors';

/**
 * AWS clients for the CLI. Standard SDK configuration only: the credential chain, `AWS_REGION` or the
 * profile's region (or `--region`), and `AWS_ENDPOINT_URL_<SERVICE>` for endpoints.
 */

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Network bounds for the CLI's own calls: fail in seconds rather than hang at 03:00. */
const requestHandler = { requestTimeout: 10_000, connectionTimeout: 3_000, throwOnRequestTimeout: true };

/**
 * The region to use: `--region`, else what the SDK finds (`AWS_REGION`, or the profile's `region`; the JS
 * SDK does not read AWS_DEFAULT_REGION), else `fallback` (e.g. the region of a state machine ARN).
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
  throw missingRegionError();
}

export function sfnClient(region: string): SFNClient {
  return new SFNClient({ region, maxAttempts: 3, requestHandler });
}

export function cloudFormationClient(region: string): CloudFormationClient {
  return new CloudFormationClient({ region, maxAttempts: 3, requestHandler });
}

/** The App Runner port (the same SDK adapter the Lambdas use); each call follows its ARN's or given region. */
export function appRunner(): SdkAppRunner {
  return new SdkAppRunner({ maxAttempts: 3, requestTimeoutMs: 10_000 });
}

export type { AppRunnerClient };

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
