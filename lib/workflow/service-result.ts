import type { Outcome, OutcomeReason, ServiceResult } from '../contract/execution-result';
import type { TrackedService } from './batch';
import type { RunInfo } from './run';

/** What is known about a service when its outcome is recorded. */
export interface ResultFacts {
  serviceArn: string;
  serviceName: string;
  outcome: Outcome;
  reason?: OutcomeReason;
  error?: string;
  operationId?: string;
  fromStatus?: string;
  toStatus?: string;
  /** Epoch ms the operation started: gives `durationSeconds` (not for SKIPPED). */
  operationStartedAt?: number;
  polls?: number;
  notes?: readonly string[];
  /** Epoch ms RUNNING was seen, the service answered its probe, and why it was not probed. */
  runningAt?: number;
  readyAt?: number;
  readyCheckSkipped?: string;
  /** The run's ready-by time (ISO). */
  readyBy?: string;
  pausedHours?: number;
  estimatedSavingsUsd?: number;
  /** Epoch ms the outcome was observed (`finishedAt`). */
  at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/**
 * Builds a service's line of the execution result — the one place that does, so that every step, the wire
 * form and the report agree on its shape: members in a fixed order, empty ones left out.
 */
export function serviceResult(f: ResultFacts): ServiceResult {
  const timed = f.operationStartedAt !== undefined && f.outcome !== 'SKIPPED';
  const ready = f.readyAt ?? (f.readyCheckSkipped !== undefined ? f.runningAt : undefined);
  const onTime =
    f.readyBy !== undefined && f.outcome === 'SUCCEEDED'
      ? { readyBy: f.readyBy, missedBySeconds: seconds((ready ?? f.at) - Date.parse(f.readyBy)) }
      : f.readyBy !== undefined
        ? { readyBy: f.readyBy }
        : {};
  return {
    serviceArn: f.serviceArn,
    serviceName: f.serviceName,
    outcome: f.outcome,
    ...(f.reason ? { reason: f.reason } : {}),
    ...(f.operationId ? { operationId: f.operationId } : {}),
    ...(f.fromStatus ? { fromStatus: f.fromStatus } : {}),
    ...(f.toStatus ? { toStatus: f.toStatus } : {}),
    ...(timed ? { operationStartedAt: iso(f.operationStartedAt ?? 0) } : {}),
    ...(timed ? { durationSeconds: seconds((f.runningAt ?? f.at) - (f.operationStartedAt ?? 0)) } : {}),
    ...(f.polls !== undefined ? { polls: f.polls } : {}),
    finishedAt: iso(f.at),
    ...(f.runningAt !== undefined ? { runningAt: iso(f.runningAt) } : {}),
    ...(f.readyAt !== undefined ? { readyAt: iso(f.readyAt) } : {}),
    ...(f.readyAt !== undefined && f.runningAt !== undefined
      ? { readySeconds: seconds(f.readyAt - f.runningAt) }
      : {}),
    ...(f.readyCheckSkipped !== undefined ? { readyCheckSkipped: f.readyCheckSkipped } : {}),
    ...onTime,
    ...(f.pausedHours !== undefined ? { pausedHours: f.pausedHours } : {}),
    ...(f.estimatedSavingsUsd !== undefined ? { estimatedSavingsUsd: f.estimatedSavingsUsd } : {}),
    ...(f.notes?.length ? { notes: [...f.notes] } : {}),
    ...(f.error ? { error: f.error } : {}),
  };
}

/** The result line of a tracked service, from what the batch knows of it and of its run. */
export function trackedResult(
  run: Pick<RunInfo, 'action' | 'readyBy'>,
  svc: TrackedService,
  at: number,
  outcome: Outcome,
  reason?: OutcomeReason,
  error?: string,
): ServiceResult {
  const resumed = run.action === 'resume' && outcome !== 'SKIPPED';
  return serviceResult({
    serviceArn: svc.arn,
    serviceName: svc.name,
    outcome,
    ...(reason ? { reason } : {}),
    ...(error ? { error } : {}),
    ...(svc.operationId ? { operationId: svc.operationId } : {}),
    ...(svc.fromStatus ? { fromStatus: svc.fromStatus } : {}),
    toStatus: svc.status,
    ...(svc.operationStartedAt !== undefined ? { operationStartedAt: svc.operationStartedAt } : {}),
    polls: svc.polls,
    notes: svc.notes,
    ...(svc.runningAt !== undefined ? { runningAt: svc.runningAt } : {}),
    ...(svc.readyAt !== undefined ? { readyAt: svc.readyAt } : {}),
    ...(resumed && svc.readySkip !== undefined && svc.runningAt !== undefined
      ? { readyCheckSkipped: svc.readySkip }
      : {}),
    ...(resumed && run.readyBy ? { readyBy: run.readyBy } : {}),
    ...(svc.pausedHours !== undefined ? { pausedHours: svc.pausedHours } : {}),
    ...(svc.savingsUsd !== undefined ? { estimatedSavingsUsd: svc.savingsUsd } : {}),
    at,
  });
}
