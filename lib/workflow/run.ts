import type { Action } from '../contract/execution-input';
import type { SkippedRun } from '../contract/execution-result';

/** What every step of the workflow knows about the run (carried in the state, small). */
export interface RunInfo {
  action: Action;
  dryRun: boolean;
  reason: string;
  requestedBy: string;
  /** true when requestedBy starts with "schedule:" — opt-out tags apply only to scheduled runs. */
  scheduled: boolean;
  keepAwakeUntil?: string;
  /** Resume only: every service should be ready by then (ISO); each starts at its own time. */
  readyBy?: string;
  /** Resume only: `none` stops at RUNNING (no readiness probe). */
  readyCheck?: 'http' | 'none';
  /** Pause only: pause services kept awake by a lease too, removing the lease right before PauseService. */
  overrideLease?: boolean;
  startedAt: string;
  executionId?: string;
  /** The whole run was skipped (holiday, skip date, freeze): no batches, no App Runner call. */
  skippedRun?: SkippedRun;
}
