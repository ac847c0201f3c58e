import type { Outcome, OutcomeReason, ServiceResult } from '../contract/execution-result';
import type { TrackedService } from './batch';

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
  /** Epoch ms the outcome was observed (`finishedAt`). */
  at: number;
}

/**
 * Builds a service's line of the execution result — the one place that does, so that every step, the wire
 * form and the report agree on its shape: members in a fixed order, empty ones left out.
 */
export function serviceResult(f: ResultFacts): ServiceResult {
  const timed = f.operationStartedAt !== undefined && f.outcome !== 'SKIPPED';
  return {
    serviceArn: f.serviceArn,
    serviceName: f.serviceName,
    outcome: f.outcome,
    ...(f.reason ? { reason: f.reason } : {}),
    ...(f.operationId ? { operationId: f.operationId } : {}),
    ...(f.fromStatus ? { fromStatus: f.fromStatus } : {}),
    ...(f.toStatus ? { toStatus: f.toStatus } : {}),
    ...(timed
      ? { durationSeconds: Math.max(0, Math.round((f.at - (f.operationStartedAt ?? 0)) / 1000)) }
      : {}),
    ...(f.polls !== undefined ? { polls: f.polls } : {}),
    finishedAt: new Date(f.at).toISOString(),
    ...(f.notes?.length ? { notes: [...f.notes] } : {}),
    ...(f.error ? { error: f.error } : {}),
  };
}

/** The result line of a tracked service, from what the batch knows of it. */
export function trackedResult(
  svc: TrackedService,
  at: number,
  outcome: Outcome,
  reason?: OutcomeReason,
  error?: string,
): ServiceResult {
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
    at,
  });
}
