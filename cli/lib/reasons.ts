import type { OutcomeReason } from '../../lib/contract/execution-result';

/**
 * What each outcome reason means to the person on call, and what to do. Kept in step with
 * docs/RUNBOOK.md ("What each reason means") and the decisions in lib/workflow/decide.ts and functions/operations/outcome.ts.
 */
export const REASONS: Record<OutcomeReason, { meaning: string; action: string }> = {
  ALREADY_RUNNING: {
    meaning: 'the service was already RUNNING; nothing to do',
    action: 'none',
  },
  ALREADY_PAUSED: {
    meaning: 'the service was already PAUSED; nothing to do',
    action: 'none',
  },
  KEEP_AWAKE_LEASE: {
    meaning: 'a pause skipped the service because its keep-awake lease has not expired',
    action:
      'wait for the lease to expire, or `apprunner-scheduler pause <service> --force` to remove it and pause',
  },
  OPTED_OUT: {
    meaning: 'the service carries apprunner-scheduler:opt-out=true, so scheduled runs leave it alone',
    action: 'none; explicit CLI/runbook requests still act on it',
  },
  DRY_RUN: {
    meaning: 'dry run: the workflow planned the action but changed nothing',
    action: 'run again without --dry-run to act',
  },
  NOT_PAUSABLE_STATE: {
    meaning: 'the service is DELETED, CREATE_FAILED or DELETE_FAILED and cannot be paused',
    action: 'fix or remove the service in App Runner; the scheduler skips it',
  },
  NOT_RESUMABLE_STATE: {
    meaning: 'the service is CREATE_FAILED or DELETE_FAILED and cannot be resumed',
    action: 'fix or recreate the service in App Runner',
  },
  NOT_FOUND: {
    meaning: 'no such service (wrong name, ARN, or region)',
    action: 'check the name with `apprunner-scheduler status`; names are looked up in the stack region',
  },
  SERVICE_DELETED: {
    meaning: 'the service was deleted (before or during the run)',
    action: 'remove it from schedules.yml / your targets',
  },
  OPERATION_FAILED: {
    meaning: 'App Runner started the operation but reports it FAILED (or rolled back)',
    action: 'read the service events/logs in the App Runner console, then retry',
  },
  NOT_READY: {
    meaning:
      'App Runner reports the service RUNNING, but its readiness probe never got two good answers in a row in time',
    action:
      'open the service URL and the application logs: it may be crash-looping, still starting, or missing a dependency',
  },
  DEADLINE_EXCEEDED: {
    meaning: 'the operation did not finish before the run deadline (OPERATION_DEADLINE_SECONDS)',
    action: 'check the service in App Runner: it may still finish; retry if it is stuck',
  },
  POLL_LIMIT: {
    meaning: 'the workflow gave up after MAX_POLLS status checks without a final state',
    action: 'check the service in App Runner, then retry',
  },
  APP_RUNNER_ERROR: {
    meaning:
      'App Runner refused a call with an error retrying will not fix (access denied, invalid request…), or failed while the run was planned',
    action: 'read the error; fix permissions, or retry when App Runner is healthy',
  },
  WORKFLOW_ERROR: {
    meaning:
      'a workflow step failed for good (a Lambda error, time-out or bug) before this service had an outcome',
    action: 'check the execution in the Step Functions console and the Lambda logs, then retry',
  },
};

export function explain(reason: string | undefined): { meaning: string; action: string } | undefined {
  return reason && reason in REASONS ? REASONS[reason as OutcomeReason] : undefined;
}
