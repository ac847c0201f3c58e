import type { Action } from './execution-input';

export const OUTCOMES = ['SUCCEEDED', 'SKIPPED', 'FAILED', 'TIMED_OUT'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Why a service was skipped, failed or timed out. */
export type OutcomeReason =
  | 'ALREADY_RUNNING'
  | 'ALREADY_PAUSED'
  | 'KEEP_AWAKE_LEASE'
  | 'OPTED_OUT'
  | 'DRY_RUN'
  | 'NOT_PAUSABLE_STATE'
  | 'NOT_RESUMABLE_STATE'
  | 'NOT_FOUND'
  | 'SERVICE_DELETED'
  | 'OPERATION_FAILED'
  | 'NOT_READY'
  | 'DEADLINE_EXCEEDED'
  | 'POLL_LIMIT'
  | 'APP_RUNNER_ERROR'
  | 'WORKFLOW_ERROR';

/** One service's line in the execution result (contract). */
export interface ServiceResult {
  serviceArn: string;
  serviceName: string;
  outcome: Outcome;
  reason?: OutcomeReason;
  operationId?: string;
  fromStatus?: string;
  toStatus?: string;
  /** When the operation started (ISO): App Runner's start when known. */
  operationStartedAt?: string;
  durationSeconds?: number;
  polls?: number;
  /** When the workflow observed the final state (ready, when readiness was checked). */
  finishedAt?: string;
  /** Resume: when the workflow saw the service RUNNING (before its readiness probe). */
  runningAt?: string;
  /** Resume: when the service answered its readiness probe twice in a row (ISO). */
  readyAt?: string;
  /** Resume: seconds from RUNNING to ready (the application's warm-up as the probe saw it). */
  readySeconds?: number;
  /** Resume: why readiness was not probed (`ready-path tag is none`, `readyCheck none`, `private service`). */
  readyCheckSkipped?: string;
  /** Ready-by runs: the time asked for, and by how many seconds the service missed it (0 when on time). */
  readyBy?: string;
  missedBySeconds?: number;
  /** Resume ending a paused interval: hours it was paused, and what that saved at least (see DEPLOY). */
  pausedHours?: number;
  estimatedSavingsUsd?: number;
  error?: string;
  /** Extra facts a person should know: joined an operation already in flight, opt-out overridden, lease set. */
  notes?: string[];
}

/** Why a whole scheduled run was skipped (contract). */
export type SkippedRun =
  | { reason: 'HOLIDAY' | 'SKIP_DATE'; name: string; date: string }
  | { reason: 'FROZEN'; by: string; why: string; until?: string };

export interface RunSummary {
  targeted: number;
  succeeded: number;
  skipped: number;
  failed: number;
  timedOut: number;
}

/** The execution result (contract). */
export interface ExecutionReport {
  action: Action;
  dryRun: boolean;
  reason: string;
  requestedBy: string;
  startedAt: string;
  finishedAt: string;
  executionId?: string;
  summary: RunSummary;
  /** Only when the whole run was skipped (holiday, skip date, freeze): no App Runner call was made. */
  skippedRun?: SkippedRun;
  /** Things a person should know that are not a service's outcome (e.g. `NO_TARGETS: …`). */
  warnings?: string[];
  services: ServiceResult[];
  alert?: { published: boolean; error?: string; messageId?: string };
  /**
   * Present only when the full report would not fit Step Functions' limits (256 KiB of output, 32,768
   * characters of Fail cause): how many lines were shortened or left out, by outcome. Failed and timed-out
   * services are always kept first; every service's outcome is also in the function logs and metrics.
   */
  truncated?: { compacted: number; omitted: Partial<Record<Outcome, number>>; limit: string };
}

const WARMUP_MISS = 'its warm-up took ';

/**
 * The note on the line of a ready-by service whose miss its warm-up explains; the alert and `history`
 * quote it ({@link warmupMissNoteOf}).
 */
export function warmupMissNote(observedSeconds: number, allowedSeconds: number, allowedFrom: string): string {
  return `${WARMUP_MISS}${observedSeconds} s after its resume ended, longer than the ${allowedSeconds} s allowed for (${allowedFrom}); to be recorded for its next ready-by start`;
}

/** The warm-up note among a line's notes, if there is one. */
export function warmupMissNoteOf(notes: readonly string[] | undefined): string | undefined {
  return notes?.find((n) => n.startsWith(WARMUP_MISS));
}
