import type { AlertPublisher } from '../../lib/alerts';
import {
  type ExecutionReport,
  type RunSummary,
  type ServiceResult,
  warmupMissNoteOf,
} from '../../lib/contract/execution-result';
import type { Clock } from '../../lib/runtime/clock';
import type { Config } from '../../lib/runtime/config';
import { describeError } from '../../lib/runtime/errors';
import type { Log } from '../../lib/runtime/powertools';
import type { BatchState } from '../../lib/workflow/batch';
import { type StepFailure, stepFailureText } from '../../lib/workflow/failure';
import type { RunInfo } from '../../lib/workflow/run';
import { serviceResult } from '../../lib/workflow/service-result';

/** The dimension that names the App Runner service of a per-service metric (savings). */
const SERVICE_DIMENSION = 'AppRunnerService';

/** A batch as the Map returns it: its final state, or the state it had when a step failed for good. */
export type BatchOutcome = BatchState & { failure?: StepFailure };

export interface ReportEvent {
  run: RunInfo;
  outcomes: ServiceResult[];
  batches: BatchOutcome[];
  requests?: number;
  /** From Plan: things a person should know that are not a service's outcome (`NO_TARGETS: …`). */
  warnings?: string[];
}

export interface MetricPoint {
  name: string;
  unit: 'Count' | 'Seconds' | 'None';
  value: number;
  /** Published on its own with these dimensions (per service), instead of with the run's (Action). */
  dimensions?: Record<string, string>;
}

export interface ReportDeps {
  clock: Clock;
  config: Config;
  alerts: AlertPublisher;
  log: Log;
}

export interface ReportResult {
  report: ExecutionReport;
  metrics: MetricPoint[];
}

/**
 * Builds the final report: every targeted service exactly once, a service whose batch failed for good
 * recorded as FAILED with that error. Publishes an alert when anything failed or timed out; a failing
 * alert is recorded in the report, never allowed to lose it.
 */
export async function buildReport(event: ReportEvent, deps: ReportDeps): Promise<ReportResult> {
  const { clock, config, log } = deps;
  const now = clock.now();
  const services: ServiceResult[] = [...event.outcomes];
  let requests = event.requests ?? 0;
  for (const batch of event.batches) {
    requests += batch.requests ?? 0;
    for (const svc of batch.services) {
      if (svc.result) {
        services.push(svc.result);
        continue;
      }
      const why = batch.failure
        ? stepFailureText(batch.failure)
        : 'the batch ended without an outcome for this service';
      // Not timed: nobody saw the operation end.
      services.push(
        serviceResult({
          serviceArn: svc.arn,
          serviceName: svc.name,
          outcome: 'FAILED',
          reason: 'WORKFLOW_ERROR',
          error: `${why}; last known status ${svc.status}`,
          ...(svc.operationId ? { operationId: svc.operationId } : {}),
          ...(svc.fromStatus ? { fromStatus: svc.fromStatus } : {}),
          toStatus: svc.status,
          polls: svc.polls,
          notes: svc.notes,
          at: now,
        }),
      );
    }
  }
  services.sort(
    (a, b) => a.serviceName.localeCompare(b.serviceName) || a.serviceArn.localeCompare(b.serviceArn),
  );

  const summary = summarize(services);
  const report: ExecutionReport = {
    action: event.run.action,
    dryRun: event.run.dryRun,
    reason: event.run.reason,
    requestedBy: event.run.requestedBy,
    startedAt: event.run.startedAt,
    finishedAt: new Date(now).toISOString(),
    ...(event.run.executionId ? { executionId: event.run.executionId } : {}),
    summary,
    ...(event.run.skippedRun ? { skippedRun: event.run.skippedRun } : {}),
    ...(event.warnings?.length ? { warnings: event.warnings } : {}),
    services,
  };

  const metrics: MetricPoint[] = [
    { name: 'ServicesTargeted', unit: 'Count', value: summary.targeted },
    { name: 'ServicesSucceeded', unit: 'Count', value: summary.succeeded },
    { name: 'ServicesSkipped', unit: 'Count', value: summary.skipped },
    { name: 'ServicesFailed', unit: 'Count', value: summary.failed },
    { name: 'ServicesTimedOut', unit: 'Count', value: summary.timedOut },
    { name: 'AppRunnerRequests', unit: 'Count', value: requests },
  ];
  const noTargets = (event.warnings ?? []).filter((w) => w.startsWith('NO_TARGETS')).length;
  if (noTargets > 0) metrics.push({ name: 'NoTargets', unit: 'Count', value: noTargets });
  metrics.push(...serviceMetrics(services));

  const needsAttention = summary.failed + summary.timedOut > 0;
  const missed = services.filter((s) => (s.missedBySeconds ?? 0) > 0);
  // Warnings (a selection that matched nothing) and missed ready-by times do not fail the run, but someone
  // must hear of them.
  const alertWorthy = needsAttention || missed.length > 0 || (report.warnings?.length ?? 0) > 0;
  if (config.ALERT_TOPIC_ARN && (alertWorthy || config.ALERT_ON === 'always')) {
    try {
      const out = await deps.alerts.publish({
        topicArn: config.ALERT_TOPIC_ARN,
        subject: alertSubject(report),
        message: alertMessage(report, config.AWS_REGION),
        attributes: { action: report.action, outcome: alertWorthy ? 'attention' : 'ok' },
      });
      report.alert = { published: true, ...(out.messageId ? { messageId: out.messageId } : {}) };
    } catch (error) {
      const { message } = describeError(error);
      log.error('could not publish the alert; the report and metrics still record every outcome', {
        error: message,
      });
      report.alert = { published: false, error: message };
      metrics.push({ name: 'AlertPublishFailed', unit: 'Count', value: 1 });
    }
  } else if (alertWorthy) {
    report.alert = { published: false, error: 'no ALERT_TOPIC_ARN configured' };
  }
  log.info('run finished', { summary, alert: report.alert });
  // The report is the execution's output, or the Fail state's cause: keep it within Step Functions' limits.
  const fitted = needsAttention
    ? fitReport(report, MAX_CAUSE_CHARS, 'Fail cause: 32,768 characters', escapedSize)
    : fitReport(report, MAX_OUTPUT_CHARS, 'execution output: 256 KiB');
  if (fitted.truncated)
    log.warn('report shortened to fit Step Functions limits', { truncated: fitted.truncated });
  return { report: fitted, metrics };
}

/**
 * Per-service figures: how long operations took, how long until ready, ready-by misses (0 when on time, so an
 * alarm can watch the maximum) and, for a resume that ended a paused interval, what pausing saved — per service
 * (dimension `service`) and summed over the run.
 */
function serviceMetrics(services: ServiceResult[]): MetricPoint[] {
  const points: MetricPoint[] = [];
  let hours = 0;
  let usd = 0;
  for (const s of services) {
    if (s.outcome !== 'SUCCEEDED') continue;
    if (s.durationSeconds !== undefined) {
      points.push({ name: 'OperationDurationSeconds', unit: 'Seconds', value: s.durationSeconds });
    }
    if (s.readyAt && s.operationStartedAt) {
      const seconds = Math.round((Date.parse(s.readyAt) - Date.parse(s.operationStartedAt)) / 1000);
      points.push({ name: 'TimeToReadySeconds', unit: 'Seconds', value: seconds });
    }
    if (s.readyBy !== undefined) {
      points.push({ name: 'ReadyByMissedSeconds', unit: 'Seconds', value: s.missedBySeconds ?? 0 });
    }
    if (s.pausedHours !== undefined && s.estimatedSavingsUsd !== undefined) {
      // Its own dimension name: Powertools' default dimension `service` is this function's service name.
      const service = { [SERVICE_DIMENSION]: s.serviceName };
      points.push(
        { name: 'PausedHours', unit: 'None', value: s.pausedHours, dimensions: service },
        { name: 'EstimatedSavingsUsd', unit: 'None', value: s.estimatedSavingsUsd, dimensions: service },
      );
      hours += s.pausedHours;
      usd += s.estimatedSavingsUsd;
    }
  }
  if (hours > 0) {
    points.push(
      { name: 'PausedHours', unit: 'None', value: Math.round(hours * 100) / 100 },
      { name: 'EstimatedSavingsUsd', unit: 'None', value: Math.round(usd * 10_000) / 10_000 },
    );
  }
  return points;
}

/** Step Functions limits: a state's output is at most 256 KiB; a Fail state's cause 32,768 characters. */
export const MAX_OUTPUT_CHARS = 250_000;
export const MAX_CAUSE_CHARS = 32_000;

/** JSON size of a value as a string inside another JSON document: the report travels as a Lambda error's message. */
function escapedSize(value: unknown): number {
  return JSON.stringify(JSON.stringify(value)).length;
}

const jsonSize = (value: unknown) => JSON.stringify(value).length;

/**
 * Shortens a report that would not fit `limit` characters (as `measure` counts them: its JSON, or that JSON
 * escaped inside a Lambda error): first the lines of services that ended well lose their details, then they
 * are left out (counted), failed and timed-out services last.
 */
export function fitReport(
  report: ExecutionReport,
  limit: number,
  what: string,
  measure: (value: unknown) => number = jsonSize,
): ExecutionReport {
  const size = (r: ExecutionReport) => measure(r);
  if (size(report) <= limit) return report;
  const good = (s: ServiceResult) => s.outcome === 'SUCCEEDED' || s.outcome === 'SKIPPED';
  const brief = (s: ServiceResult): ServiceResult => ({
    serviceArn: s.serviceArn,
    serviceName: s.serviceName,
    outcome: s.outcome,
    ...(s.reason ? { reason: s.reason } : {}),
  });
  const compacted = report.services.filter(good).length;
  let out: ExecutionReport = {
    ...report,
    services: report.services.map((s) => (good(s) ? brief(s) : s)),
    truncated: { compacted, omitted: {}, limit: what },
  };
  if (size(out) <= limit) return out;
  // Leave lines out, ended-well ones last in line, until the rest fits (sizes summed, not re-serialised).
  const ordered = [...out.services.filter((s) => !good(s)), ...out.services.filter(good)];
  const omitted: Partial<Record<ServiceResult['outcome'], number>> = {};
  const worstCaseCounts = { SUCCEEDED: 1e6, SKIPPED: 1e6, FAILED: 1e6, TIMED_OUT: 1e6 };
  let budget =
    limit - size({ ...out, services: [], truncated: { compacted, omitted: worstCaseCounts, limit: what } });
  const kept: ServiceResult[] = [];
  for (const line of ordered) {
    const cost = measure(line) + 1;
    if (cost <= budget) {
      kept.push(line);
      budget -= cost;
    } else {
      omitted[line.outcome] = (omitted[line.outcome] ?? 0) + 1;
    }
  }
  out = { ...out, services: kept, truncated: { compacted, omitted, limit: what } };
  return out;
}

export function summarize(services: ServiceResult[]): RunSummary {
  const count = (o: ServiceResult['outcome']) => services.filter((s) => s.outcome === o).length;
  return {
    targeted: services.length,
    succeeded: count('SUCCEEDED'),
    skipped: count('SKIPPED'),
    failed: count('FAILED'),
    timedOut: count('TIMED_OUT'),
  };
}

export function alertSubject(report: ExecutionReport): string {
  const { summary } = report;
  const bad = summary.failed + summary.timedOut;
  if (bad > 0) {
    return `App Runner Scheduler: ${report.action} needs attention (${bad} of ${summary.targeted} services)`;
  }
  if (report.warnings?.some((w) => w.startsWith('NO_TARGETS'))) {
    return `App Runner Scheduler: ${report.action} matched no service`;
  }
  const late = report.services.filter((s) => (s.missedBySeconds ?? 0) > 0).length;
  if (late > 0)
    return `App Runner Scheduler: ${late} of ${summary.targeted} services missed their ready-by time`;
  return `App Runner Scheduler: ${report.action} finished (${summary.targeted} services)`;
}

/** A plain-text alert a person can act on: which services, why, which execution, what to do next. */
export function alertMessage(report: ExecutionReport, region: string): string {
  const { summary } = report;
  const bad = report.services.filter((s) => s.outcome === 'FAILED' || s.outcome === 'TIMED_OUT');
  const lines = [
    `${report.action === 'resume' ? 'Resume' : 'Pause'} run finished: ${summary.succeeded} succeeded, ${summary.skipped} skipped, ${summary.failed} failed, ${summary.timedOut} timed out (of ${summary.targeted}).`,
    '',
    `Execution:    ${report.executionId ?? '(local run)'}`,
  ];
  if (report.executionId?.startsWith('arn:')) {
    lines.push(
      `Console:      https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${report.executionId}`,
    );
  }
  lines.push(
    `Requested by: ${report.requestedBy}${report.reason ? ` (${report.reason})` : ''}`,
    `Window:       ${report.startedAt} → ${report.finishedAt}`,
  );
  if (report.warnings?.length) {
    lines.push('', 'Warnings:', ...report.warnings.map((w) => `  - ${w}`));
    if (report.warnings.some((w) => w.startsWith('NO_TARGETS'))) {
      lines.push(
        '  A selection that matches nothing is usually a typo in a tag or a schedule; check the targets.',
        '  If no match is expected, set "allowNoTargets": true in the input (or the schedule).',
      );
    }
  }
  const late = report.services.filter((s) => (s.missedBySeconds ?? 0) > 0);
  if (late.length > 0) {
    lines.push('', `Ready late (asked to be ready by ${late[0]?.readyBy}):`);
    for (const s of late) {
      const why = warmupMissNoteOf(s.notes);
      lines.push(
        `  - ${s.serviceName}: ready at ${s.readyAt ?? s.runningAt}, ${s.missedBySeconds}s late${why ? ` — ${why}` : ''}`,
      );
    }
    lines.push(
      '  A resume that took longer than its history, or a warm-up longer than allowed for, makes a service late;',
      '  the next ready-by run starts from both.',
    );
  }
  if (bad.length > 0) {
    lines.push('', 'Needs attention:');
    for (const s of bad) {
      lines.push(
        `  - ${s.serviceName}: ${s.outcome}${s.reason ? ` ${s.reason}` : ''}${s.error ? ` — ${s.error}` : ''}`,
        `    ${s.serviceArn || '(no such service)'}${s.operationId ? ` operation ${s.operationId}` : ''}`,
      );
    }
    const retryable = bad.filter((s) => s.serviceArn).map((s) => s.serviceName);
    lines.push('', 'Next steps (docs/RUNBOOK.md):');
    if (retryable.length > 0) {
      lines.push(
        `  - retry: npx apprunner-scheduler ${report.action === 'resume' ? 'wake' : 'pause'} ${retryable.join(' ')}`,
      );
    }
    lines.push('  - check the service in the App Runner console (events and logs of the failed operation)');
  }
  return lines.join('\n');
}
