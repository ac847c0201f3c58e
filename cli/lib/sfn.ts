import { randomBytes } from 'node:crypto';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ExitCode } from '../exit-codes';
import { CliError, fromAwsError } from './errors';
import { type ProgressLine, ProgressTracker } from './progress';
import type { StateMachineLocation } from './state-machine';

const site = (operation: string) =>
  ({ service: 'Step Functions', operation, endpointVariable: 'AWS_ENDPOINT_URL_SFN' }) as const;

/**
 * A readable, unique execution name: `wake-api-staging-20261128T0301Z-ab12`. Step Functions allows 80
 * characters; only letters, digits, `-` and `_` are used so that CloudWatch Logs accepts it too.
 */
export function executionName(verb: string, serviceNames: string[], at: Date, suffix = randomHex(2)): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\d{2}\.\d{3}Z$/, 'Z');
  const tail = `-${stamp}-${suffix}`;
  const names = serviceNames.map((n) => n.replace(/[^A-Za-z0-9_-]/g, '_'));
  let label = names.length <= 2 ? names.join('-') : `${names[0]}-and-${names.length - 1}-more`;
  const room = 80 - verb.length - 1 - tail.length;
  if (label.length > room) label = label.slice(0, room).replace(/[-_]+$/, '');
  return `${verb}${label ? `-${label}` : ''}${tail}`;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * The message for a state machine that Step Functions says does not exist (or is being deleted), naming
 * it and where its ARN came from (exit 2: a setup problem); undefined for any other error.
 */
export function missingStateMachine(
  error: unknown,
  location: Pick<StateMachineLocation, 'arn' | 'source'>,
): CliError | undefined {
  const name = (error as { name?: string } | undefined)?.name;
  if (name !== 'StateMachineDoesNotExist' && name !== 'StateMachineDeleting') return undefined;
  return new CliError(
    `The state machine ${location.arn} (from ${location.source}) ${name === 'StateMachineDeleting' ? 'is being deleted' : 'does not exist'}.`,
    ExitCode.Usage,
    'Check --stage and --region (the stack apprunner-scheduler-<stage> is looked up in that region), or pass the right --state-machine-arn / APPRUNNER_SCHEDULER_STATE_MACHINE_ARN.',
    { cause: error },
  );
}

/** Starts an execution; errors name the state machine and where it was found. */
export async function startExecution(
  client: SFNClient,
  location: StateMachineLocation,
  name: string,
  input: unknown,
): Promise<{ executionArn: string; startDate?: Date }> {
  try {
    const out = await client.send(
      new StartExecutionCommand({
        stateMachineArn: location.arn,
        name,
        input: JSON.stringify(input),
      }),
    );
    return { executionArn: out.executionArn ?? '', startDate: out.startDate };
  } catch (error) {
    const e = error as { name?: string; message?: string };
    const missing = missingStateMachine(error, location);
    if (missing) throw missing;
    if (e.name === 'InvalidExecutionInput' || e.name === 'InvalidName' || e.name === 'InvalidArn') {
      throw new CliError(
        `Step Functions refused the request: ${e.name}: ${e.message}`,
        ExitCode.Usage,
        undefined,
        {
          cause: error,
        },
      );
    }
    throw fromAwsError(error, site('StartExecution'));
  }
}

export type EndStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'RUNNING';

/** How an execution ended, or `RUNNING` when the CLI stopped following it first. */
export interface ExecutionEnd {
  status: EndStatus;
  output?: string;
  error?: string;
  cause?: string;
  polls: number;
}

export interface FollowOptions {
  /** Seconds between polls. */
  pollSeconds: number;
  /** Stop following (not the execution) after this many seconds. */
  timeoutSeconds: number;
  /** Upper bound on polls whatever the clock says; default: enough for the timeout plus a few. */
  maxPolls?: number;
  onProgress?: (line: ProgressLine) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const TERMINAL: Record<string, EndStatus> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/** History pages read per poll at most (1,000 events a page: beyond Step Functions' 25,000 limit). */
const MAX_HISTORY_PAGES = 30;
/** Polls in a row that may fail (after the SDK's own retries) before the CLI gives up following. */
const MAX_FAILED_POLLS = 3;

/**
 * Follows an execution until it ends, the deadline passes, or the poll limit is reached: each poll reads
 * the history events that are new since the last one (newest first, stopping at the last event seen),
 * turns them into progress lines, and watches for the execution's final event. The final status,
 * output, error and cause then come from DescribeExecution (the history event when that is not final).
 */
export async function followExecution(
  client: SFNClient,
  executionArn: string,
  options: FollowOptions,
): Promise<ExecutionEnd> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = Math.max(1, Math.round(options.pollSeconds * 1000));
  const deadline = now() + options.timeoutSeconds * 1000;
  const maxPolls = options.maxPolls ?? Math.ceil((options.timeoutSeconds * 1000) / pollMs) + 2;
  const tracker = new ProgressTracker();
  let lastId = 0;
  let failedPolls = 0;
  for (let poll = 1; ; poll++) {
    let terminal: HistoryEvent | undefined;
    try {
      const events = await newEvents(client, executionArn, lastId);
      failedPolls = 0;
      for (const event of events) {
        lastId = Math.max(lastId, event.id ?? 0);
        for (const line of tracker.consume(event)) options.onProgress?.(line);
        if (event.type && event.type in TERMINAL) terminal = event;
      }
    } catch (error) {
      const name = (error as { name?: string }).name;
      // Right after StartExecution the history may not be readable yet; anything else counts as a failed poll.
      if (!(name === 'ExecutionDoesNotExist' && poll <= 3)) {
        failedPolls++;
        if (name === 'ExecutionDoesNotExist' || failedPolls >= MAX_FAILED_POLLS) {
          throw fromAwsError(error, site('GetExecutionHistory'));
        }
      }
    }
    if (terminal) return finalState(client, executionArn, terminal, poll);
    if (poll >= maxPolls || now() + pollMs > deadline) {
      const described = await describe(client, executionArn);
      if (described.status && described.status !== 'RUNNING' && described.status !== 'PENDING_REDRIVE') {
        return fromDescribe(described, poll);
      }
      return { status: 'RUNNING', polls: poll };
    }
    await sleep(pollMs);
  }
}

/** The events after `lastId`, oldest first. */
async function newEvents(client: SFNClient, executionArn: string, lastId: number): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const out = await client.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        maxResults: lastId === 0 ? 1000 : 100,
        includeExecutionData: true,
        nextToken,
      }),
    );
    // Filter rather than stop at the first seen event: some implementations (moto) ignore reverseOrder.
    let reachedSeen = false;
    for (const event of out.events ?? []) {
      if ((event.id ?? 0) <= lastId) reachedSeen = true;
      else if (!fresh.some((e) => e.id === event.id)) fresh.push(event);
    }
    nextToken = out.nextToken || undefined;
    if (reachedSeen || !nextToken) break;
  }
  return fresh.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

async function describe(client: SFNClient, executionArn: string): Promise<DescribeExecutionOutput> {
  try {
    return await client.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    throw fromAwsError(error, site('DescribeExecution'));
  }
}

function fromDescribe(d: DescribeExecutionOutput, polls: number): ExecutionEnd {
  return {
    status: (d.status as EndStatus) ?? 'FAILED',
    ...(d.output !== undefined ? { output: d.output } : {}),
    ...(d.error !== undefined ? { error: d.error } : {}),
    ...(d.cause !== undefined ? { cause: d.cause } : {}),
    polls,
  };
}

async function finalState(
  client: SFNClient,
  executionArn: string,
  event: HistoryEvent,
  polls: number,
): Promise<ExecutionEnd> {
  const status = TERMINAL[event.type ?? ''] ?? 'FAILED';
  const details =
    event.executionFailedEventDetails ??
    event.executionTimedOutEventDetails ??
    event.executionAbortedEventDetails ??
    undefined;
  const fromEvent: ExecutionEnd = {
    status,
    ...(event.executionSucceededEventDetails?.output !== undefined
      ? { output: event.executionSucceededEventDetails.output }
      : {}),
    ...(details?.error !== undefined ? { error: details.error } : {}),
    ...(details?.cause !== undefined ? { cause: details.cause } : {}),
    polls,
  };
  // The history may truncate large payloads; DescribeExecution has them whole once the execution is final.
  try {
    const described = await describe(client, executionArn);
    if (described.status === status) {
      return {
        ...fromEvent,
        ...(described.output !== undefined ? { output: described.output } : {}),
        ...(described.error !== undefined ? { error: described.error } : {}),
        ...(described.cause !== undefined ? { cause: described.cause } : {}),
      };
    }
  } catch {
    // The final event already says how it ended.
  }
  return fromEvent;
}
