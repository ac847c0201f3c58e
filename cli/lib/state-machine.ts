import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ExitCode } from '../exit-codes';
import { UsageError } from './args';
import { cloudFormationClient } from './aws';
import { envVar } from './env';
import { CliError, fromAwsError, isMissingCredentials, isMissingRegion } from './errors';

/** Where the state machine ARN may come from, in the order they are tried. */
export const STATE_MACHINE_ENV = 'APPRUNNER_SCHEDULER_STATE_MACHINE_ARN';
export const STACK_OUTPUT = 'StateMachineArn';

const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}(?::[A-Za-z0-9_$.-]{1,80})?$/;

export interface StateMachineLocation {
  arn: string;
  region: string;
  /** How it was found, for messages: "--state-machine-arn", "$APPRUNNER_…", "stack apprunner-scheduler-dev". */
  source: string;
}

export interface LocateOptions {
  stateMachineArn?: string;
  stage: string;
  /** Region for the CloudFormation look-up (resolved lazily: only needed when the stack is read). */
  region: () => Promise<string>;
  env?: Record<string, string | undefined>;
}

/**
 * Checks a `--stage` value: it names the stack `apprunner-scheduler-<stage>` and the freeze parameter.
 * @throws UsageError
 */
export function checkStage(stage: string): string {
  if (!/^[a-zA-Z0-9][-a-zA-Z0-9]{0,99}$/.test(stage)) {
    throw new UsageError(`--stage "${stage}" is not a stage name (letters, digits and -, as in dev or prod)`);
  }
  return stage;
}

/** The CloudFormation stack name of a stage (the serverless service name plus the stage). */
export function stackName(stage: string): string {
  return `apprunner-scheduler-${stage}`;
}

/** The region part of a state machine ARN, or undefined when the text is not one. */
export function regionOfStateMachineArn(arn: string): string | undefined {
  return STATE_MACHINE_ARN.exec(arn)?.[1];
}

/**
 * Finds the state machine: `--state-machine-arn`, else `$APPRUNNER_SCHEDULER_STATE_MACHINE_ARN`, else the
 * `StateMachineArn` output of the stack `apprunner-scheduler-<stage>`. A failure says what was tried.
 */
export async function locateStateMachine(options: LocateOptions): Promise<StateMachineLocation> {
  const tried: string[] = [];
  for (const [source, value] of [
    ['--state-machine-arn', options.stateMachineArn],
    [`$${STATE_MACHINE_ENV}`, options.env ? options.env[STATE_MACHINE_ENV] : envVar(STATE_MACHINE_ENV)],
  ] as const) {
    if (value === undefined || value === '') {
      tried.push(`${source}: not set`);
      continue;
    }
    const region = regionOfStateMachineArn(value);
    if (!region) {
      throw new UsageError(
        `${source} "${value}" is not a Step Functions state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)`,
      );
    }
    return { arn: value, region, source };
  }

  const stack = stackName(options.stage);
  if (!/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(stack)) {
    throw new UsageError(`--stage "${options.stage}" does not make a valid stack name (${stack})`);
  }
  let region: string;
  try {
    region = await options.region();
  } catch (error) {
    throw withTried(error as Error, tried, `stack ${stack}: no region to look in`);
  }
  const client = cloudFormationClient(region);
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stack }));
    const outputs = out.Stacks?.[0]?.Outputs ?? [];
    const arn = outputs.find((o) => o.OutputKey === STACK_OUTPUT)?.OutputValue;
    if (!arn) {
      tried.push(
        `stack ${stack} in ${region}: has no ${STACK_OUTPUT} output (outputs: ${outputs.map((o) => o.OutputKey).join(', ') || 'none'})`,
      );
      throw notFound(tried);
    }
    const arnRegion = regionOfStateMachineArn(arn);
    if (!arnRegion) {
      throw new CliError(
        `stack ${stack} output ${STACK_OUTPUT} "${arn}" is not a state machine ARN`,
        ExitCode.Usage,
      );
    }
    return { arn, region: arnRegion, source: `stack ${stack} (${region})` };
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (isStackMissing(error)) {
      tried.push(`stack ${stack} in ${region}: does not exist`);
      throw notFound(tried);
    }
    if (isMissingCredentials(error) || isMissingRegion(error)) throw fromAwsError(error, cfSite);
    const mapped = fromAwsError(error, cfSite);
    tried.push(`stack ${stack} in ${region}: ${mapped.message}`);
    throw new CliError(notFoundText(tried), mapped.exitCode, mapped.hint ?? HINT, { cause: error });
  } finally {
    client.destroy();
  }
}

/** DescribeStacks' answer for a stack name that does not exist (or was deleted). */
function isStackMissing(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationError' && /does not exist/i.test(e.message ?? '');
}

/**
 * Checks that a stage is deployed in a region: its stack `apprunner-scheduler-<stage>` exists. For commands
 * that write something for a stage (the freeze), so that a typo in --stage fails instead of writing a
 * value nothing reads.
 * @throws CliError exit 2 naming the stage when the stack does not exist; else as every AWS error maps
 */
export async function checkStageDeployed(stage: string, region: string): Promise<void> {
  const stack = stackName(stage);
  const client = cloudFormationClient(region);
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stack }));
    // Only an answer that names the stack proves it: an empty one (a proxy's page the SDK read as nothing)
    // must not let a freeze be written for a stage nothing reads.
    if (!out.Stacks?.some((s) => s.StackName === stack)) {
      throw new CliError(
        `CloudFormation DescribeStacks answered without the stack ${stack}: cannot tell whether stage "${stage}" is deployed in ${region}.`,
        ExitCode.ServicesFailed,
        'If AWS_ENDPOINT_URL_CLOUDFORMATION is set, check that it points at CloudFormation.',
      );
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (isStackMissing(error)) {
      throw new CliError(
        `No stage "${stage}" in ${region}: the stack ${stack} does not exist.`,
        ExitCode.Usage,
        'Check --stage and --region: the stage and region the stack was deployed with (npx osls deploy --stage <stage> --region <region>).',
        { cause: error },
      );
    }
    throw fromAwsError(error, cfSite);
  } finally {
    client.destroy();
  }
}

const cfSite = {
  service: 'CloudFormation',
  operation: 'DescribeStacks',
  endpointVariable: 'AWS_ENDPOINT_URL_CLOUDFORMATION',
} as const;

const HINT =
  'Pass --state-machine-arn, export APPRUNNER_SCHEDULER_STATE_MACHINE_ARN, or pick the deployed stage with --stage (and --region).';

function notFoundText(tried: string[]): string {
  return `Cannot find the state machine. Tried:\n${tried.map((t) => `  - ${t}`).join('\n')}`;
}

function notFound(tried: string[]): CliError {
  return new CliError(notFoundText(tried), ExitCode.Usage, HINT);
}

function withTried(error: Error, tried: string[], last: string): Error {
  if (error instanceof CliError) {
    return new CliError(`${notFoundText([...tried, last])}\n${error.message}`, error.exitCode, error.hint, {
      cause: error,
    });
  }
  return error;
}
