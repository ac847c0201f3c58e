import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  type ExecutionListItem,
  ListExecutionsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type {
  ExecutionReport,
  RunSummary,
  ServiceResult,
  SkippedRun,
} from '../../lib/contract/execution-result';
import { ErrorNames } from '../../lib/runtime/errors';
import { mapLimit } from '../../lib/runtime/map-limit';
import { fromAwsError } from './errors';
import { noTargetsWarnings, parseReport } from './outcome';
import { causeText, shorten } from './progress';
import { missingStateMachine } from './sfn';

/**
 * "What happened last night": recent executions of the workflow, newest first, each read once
 * (ListExecutions pages, then DescribeExecution for its input and its report).
 */

const site = (operation: string) =>
  ({ service: 'Step Functions', operation, endpointVariable: 'AWS_ENDPOINT_URL_SFN' }) as const;

/** Executions listed per ListExecutions page (the API's maximum is 1,000; 100 keeps each answer small). */
const PAGE_SIZE = 100;
/** DescribeExecution calls in flight at once (Step Functions' default rate for it is modest). */
const DESCRIBE_CONCURRENCY = 4;

/** One run as `history` shows it. */
export interface HistoryRun {
  executionArn: string;
  name: string;
  /** Execution status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE. */
  status: string;
  startedAt: string;
  stoppedAt?: string;
  action?: string;
  requestedBy?: string;
  reason?: string;
  dryRun?: boolean;
  /** From the report, when the run got that far. */
  summary?: RunSummary;
  skippedRun?: SkippedRun;
  warnings?: string[];
  /** Services that ended FAILED or TIMED_OUT, and why. */
  failed: Array<Pick<ServiceResult, 'serviceName' | 'outcome' | 'reason' | 'error'>>;
  /** Ready-by runs: the services that were ready after `readyBy`, by how much, and why when it is known. */
  late?: Array<Pick<ServiceResult, 'serviceName' | 'readyBy' | 'readyAt' | 'missedBySeconds' | 'notes'>>;
  /** The execution failed without a report (invalid input, a step that failed for good…). */
  error?: { name: string; cause: string };
  /** With a service filter: that service's line of the report. */
  service?: ServiceResult;
}

export interface HistoryQuery {
  stateMachineArn: string;
  /** Where the ARN came from ("--state-machine-arn", "stack apprunner-scheduler-prod (eu-west-1)"), for messages. */
  source: string;
  /** Runs started at or after this instant (ms). */
  since: number;
  /** At most this many runs (the newest). */
  limit: number;
  /** Keep each run's line for this service (in `service`). */
  service?: string;
}

/** The newest runs since `since`, newest first; `more` says the limit cut the list short. */
export async function readHistory(
  client: SFNClient,
  query: HistoryQuery,
): Promise<{ runs: HistoryRun[]; more: boolean }> {
  const listed: ExecutionListItem[] = [];
  let more = false;
  let nextToken: string | undefined;
  do {
    let page: { executions?: ExecutionListItem[]; nextToken?: string };
    try {
      page = await client.send(
        new ListExecutionsCommand({
          stateMachineArn: query.stateMachineArn,
          maxResults: PAGE_SIZE,
          nextToken,
        }),
      );
    } catch (error) {
      throw (
        missingStateMachine(error, { arn: query.stateMachineArn, source: query.source }) ??
        fromAwsError(error, site('ListExecutions'))
      );
    }
    const items = page.executions ?? [];
    let reachedOlder = false;
    for (const item of items) {
      const started = item.startDate?.getTime() ?? 0;
      if (started < query.since) reachedOlder = true;
      else listed.push(item);
    }
    nextToken = page.nextToken || undefined;
    // Step Functions lists newest first: a page that reaches before `since` is the last one needed.
    if (reachedOlder) nextToken = undefined;
    if (listed.length > query.limit) {
      more = true;
      nextToken = undefined;
    }
  } while (nextToken);
  const newest = listed
    .sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0))
    .slice(0, query.limit);
  if (listed.length > newest.length) more = true;
  const described = await mapLimit(newest, DESCRIBE_CONCURRENCY, async (item) => {
    try {
      return await client.send(new DescribeExecutionCommand({ executionArn: item.executionArn }));
    } catch (error) {
      throw fromAwsError(error, site('DescribeExecution'));
    }
  });
  return { runs: described.map((d, i) => toRun(newest[i] as ExecutionListItem, d, query.service)), more };
}

/** One execution as a run: its input (who, what) and, when there is one, its report. */
export function toRun(
  item: ExecutionListItem,
  described: DescribeExecutionOutput,
  service?: string,
): HistoryRun {
  const input = parseObject(described.input);
  const status = described.status ?? item.status ?? 'UNKNOWN';
  const report: ExecutionReport | undefined =
    status === 'SUCCEEDED'
      ? parseReport(described.output)
      : described.error === ErrorNames.ServicesFailed
        ? parseReport(described.cause)
        : undefined;
  const stopped = described.stopDate ?? item.stopDate;
  const run: HistoryRun = {
    executionArn: described.executionArn ?? item.executionArn ?? '',
    name: described.name ?? item.name ?? '',
    status,
    startedAt: (described.startDate ?? item.startDate ?? new Date(0)).toISOString(),
    ...(stopped ? { stoppedAt: stopped.toISOString() } : {}),
    // Who asked and for what: the input says it first-hand; the report echoes it.
    ...pick(report ?? {}, ['action', 'requestedBy', 'reason', 'dryRun']),
    ...pick(input, ['action', 'requestedBy', 'reason', 'dryRun']),
    failed: (report?.services ?? [])
      .filter((s) => s.outcome === 'FAILED' || s.outcome === 'TIMED_OUT')
      .map((s) => ({
        serviceName: s.serviceName,
        outcome: s.outcome,
        ...(s.reason ? { reason: s.reason } : {}),
        ...(s.error ? { error: s.error } : {}),
      })),
  };
  if (report) {
    const line = service ? report.services.find((s) => s.serviceName === service) : undefined;
    if (line) run.service = line;
    run.summary = report.summary;
    const late = report.services.filter((s) => (s.missedBySeconds ?? 0) > 0);
    if (late.length > 0) {
      run.late = late.map((s) => ({
        serviceName: s.serviceName,
        ...(s.readyBy ? { readyBy: s.readyBy } : {}),
        ...(s.readyAt ? { readyAt: s.readyAt } : {}),
        ...(s.missedBySeconds !== undefined ? { missedBySeconds: s.missedBySeconds } : {}),
        ...(s.notes?.length ? { notes: s.notes } : {}),
      }));
    }
    if (report.skippedRun) run.skippedRun = report.skippedRun;
    if (report.warnings?.length) run.warnings = report.warnings;
  } else if (status !== 'RUNNING' && status !== 'SUCCEEDED') {
    run.error = {
      name: described.error ?? status,
      cause: shorten(causeText(described.cause), 300),
    };
  }
  return run;
}

/** A short summary of a run's result for a table cell. */
export function summaryText(run: HistoryRun): string {
  if (run.skippedRun) return `skipped: ${run.skippedRun.reason}`;
  if (noTargetsWarnings({ warnings: run.warnings } as ExecutionReport).length > 0)
    return 'NO_TARGETS: matched nothing';
  const s = run.summary;
  if (s) {
    const parts = [`${s.succeeded} ok`];
    if (s.skipped) parts.push(`${s.skipped} skipped`);
    if (s.failed) parts.push(`${s.failed} failed`);
    if (s.timedOut) parts.push(`${s.timedOut} timed out`);
    if (run.late?.length) parts.push(`${run.late.length} late`);
    return `${parts.join(', ')} of ${s.targeted}`;
  }
  if (run.error) return run.error.name;
  return run.status === 'RUNNING' ? 'in progress' : '';
}

function parseObject(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function pick(
  from: object,
  keys: Array<'action' | 'requestedBy' | 'reason' | 'dryRun'>,
): Partial<Pick<HistoryRun, 'action' | 'requestedBy' | 'reason' | 'dryRun'>> {
  const out: Record<string, unknown> = {};
  const record = from as Record<string, unknown>;
  for (const key of keys) {
    const value = record[key];
    if (key === 'dryRun' ? typeof value === 'boolean' : typeof value === 'string') out[key] = value;
  }
  return out;
}
