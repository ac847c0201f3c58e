import type { ServiceStatus } from '../app-runner/port';
import type { Action } from '../contract/execution-input';
import type { OutcomeReason } from '../contract/execution-result';
import { describeLease, isOptedOut, LEASE_TAG, OPT_OUT_TAG, readLease } from '../contract/tags';
import type { RunInfo } from './run';

/** What to do with one service, decided from its status and tags alone (pure; no I/O). */
export type Decision =
  | { kind: 'act'; notes: string[] }
  | { kind: 'skip'; reason: OutcomeReason; notes: string[] }
  | { kind: 'fail'; reason: OutcomeReason; error: string };

/** The status an action leaves a service in. */
export function desiredStatus(action: Action): ServiceStatus {
  return action === 'resume' ? 'RUNNING' : 'PAUSED';
}

/**
 * The scheduling decision for one service: the single place where tags, status and the kind of run
 * combine into act, skip (with a reason) or fail.
 */
export function decide(
  run: RunInfo,
  status: ServiceStatus,
  tags: Record<string, string>,
  now: number,
): Decision {
  const notes: string[] = [];
  if (status === 'DELETED') {
    return run.action === 'pause'
      ? { kind: 'skip', reason: 'NOT_PAUSABLE_STATE', notes: ['service is DELETED'] }
      : { kind: 'fail', reason: 'SERVICE_DELETED', error: 'the service has been deleted' };
  }
  if (status === 'CREATE_FAILED' || status === 'DELETE_FAILED') {
    return run.action === 'pause'
      ? { kind: 'skip', reason: 'NOT_PAUSABLE_STATE', notes: [`service is ${status}`] }
      : {
          kind: 'fail',
          reason: 'NOT_RESUMABLE_STATE',
          error: `the service is ${status} and cannot be resumed; fix or recreate it in App Runner`,
        };
  }
  if (isOptedOut(tags)) {
    if (run.scheduled) return { kind: 'skip', reason: 'OPTED_OUT', notes: [`tag ${OPT_OUT_TAG}=true`] };
    notes.push(`opt-out tag overridden by an explicit request from ${run.requestedBy}`);
  }
  if (run.action === 'pause') {
    const lease = readLease(tags);
    if (lease.until !== undefined && lease.until > now) {
      if (!run.overrideLease) {
        return {
          kind: 'skip',
          reason: 'KEEP_AWAKE_LEASE',
          notes: [...notes, `kept awake ${describeLease(lease)}`],
        };
      }
      // The workflow removes the lease itself, right before PauseService (never before the run has started).
      notes.push(`keep-awake lease ${describeLease(lease)} overridden by ${run.requestedBy}`);
    }
    if (lease.malformed !== undefined) notes.push(`ignored unreadable ${LEASE_TAG} tag "${lease.malformed}"`);
  }
  if (status === desiredStatus(run.action) && !(run.action === 'resume' && run.keepAwakeUntil)) {
    return { kind: 'skip', reason: run.action === 'resume' ? 'ALREADY_RUNNING' : 'ALREADY_PAUSED', notes };
  }
  if (run.dryRun) {
    const what =
      status === desiredStatus(run.action)
        ? `would set the keep-awake lease (already ${status})`
        : `would ${run.action} (status ${status})`;
    return { kind: 'skip', reason: 'DRY_RUN', notes: [...notes, what] };
  }
  return { kind: 'act', notes };
}
