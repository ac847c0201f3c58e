import type {
  AppRunnerErrorKind,
  OperationInfo,
  OperationType,
  ServiceStatus,
} from '../../lib/app-runner/port';
import type { Action } from '../../lib/contract/execution-input';
import type { Outcome, OutcomeReason } from '../../lib/contract/execution-result';
import type { TrackedService } from '../../lib/workflow/batch';
import { decide, desiredStatus } from '../../lib/workflow/decide';
import type { RunInfo } from '../../lib/workflow/run';

/**
 * What an observation means for one service of a batch: the outcome rules of the Start and Check steps,
 * as pure functions (no I/O, no clock) that the engine (./engine.ts) applies. Each takes the service as the
 * batch tracks it and what was just seen, and returns a verdict; table tests read like the rules they check
 * (test/unit/operations-outcome.test.ts).
 */

/** The service reaches its outcome. */
export interface Finish {
  kind: 'finish';
  outcome: Outcome;
  reason?: OutcomeReason;
  error?: string;
  /** Facts to add to the service's notes. */
  notes?: string[];
  /** When the outcome happened, if earlier than now (an operation that ended before anyone watched). */
  at?: number;
  /** The operation the outcome is about, when the service was not tracking it yet. */
  operation?: OperationInfo;
}

/** A failed App Runner call, as far as the rules care. */
export interface CallFailure {
  /** `Unexpected`: not an App Runner error at all (a bug, a runtime problem). */
  kind: AppRunnerErrorKind | 'Unexpected';
  transient: boolean;
  awsErrorName: string;
  message: string;
}

/** The operation type an action starts. */
export function operationTypeOf(action: Action): OperationType {
  return action === 'resume' ? 'RESUME_SERVICE' : 'PAUSE_SERVICE';
}

export function isOpen(op: OperationInfo): boolean {
  return op.status === 'PENDING' || op.status === 'IN_PROGRESS' || op.status === 'ROLLBACK_IN_PROGRESS';
}

// ---- Before acting: what the current status means ----

export type BeforeAction =
  | { kind: 'act'; notes: string[] }
  /** Track an operation of this run's kind already in flight instead of starting another. */
  | { kind: 'join'; operation: OperationInfo }
  /** Another operation (a deployment) is in flight: wait for it to end, then act. */
  | { kind: 'wait'; waitingFor: string }
  /** The status held is older than the operation list: read the status again. */
  | { kind: 'reread' }
  /** Needs the service's newest operation to decide (ListOperations). */
  | { kind: 'need-latest-operation' }
  /** Already in the desired state: SKIPPED, unless this run's operation already succeeded (see {@link creditOrSkip}). */
  | { kind: 'already'; reason: 'ALREADY_RUNNING' | 'ALREADY_PAUSED'; notes: string[] }
  | Finish;

/**
 * Decides what to do with a service about to be acted on, from its status, its newest operation (once read:
 * `latest` undefined means not read yet, null means it has none) and its tags.
 */
export function beforeAction(input: {
  svc: TrackedService;
  run: RunInfo;
  tags: Record<string, string>;
  latest?: OperationInfo | null;
  now: number;
}): BeforeAction {
  const { svc, run, tags, latest, now } = input;
  if (svc.status === 'OPERATION_IN_PROGRESS') {
    if (latest === undefined) return { kind: 'need-latest-operation' };
    const wanted = operationTypeOf(run.action);
    if (latest && isOpen(latest) && latest.type === wanted) return { kind: 'join', operation: latest };
    if (!latest || !isOpen(latest)) return { kind: 'reread' };
    return { kind: 'wait', waitingFor: `${latest.type} operation ${latest.id}` };
  }
  // Once this run has written the lease, a running service has nothing left to do: no resume.
  const effective = svc.leaseSet ? { ...run, keepAwakeUntil: undefined } : run;
  const decision = decide({ ...effective, dryRun: false }, svc.status, tags, now);
  if (decision.kind === 'act') return { kind: 'act', notes: decision.notes };
  if (decision.kind === 'skip') {
    if (decision.reason === 'ALREADY_RUNNING' || decision.reason === 'ALREADY_PAUSED') {
      return { kind: 'already', reason: decision.reason, notes: decision.notes };
    }
    return { kind: 'finish', outcome: 'SKIPPED', reason: decision.reason, notes: decision.notes };
  }
  return { kind: 'finish', outcome: 'FAILED', reason: decision.reason, error: decision.error };
}

/**
 * A service found already in the desired state: SKIPPED — unless an operation of this run's kind succeeded
 * after the run started, possibly one this run started in a step whose result was lost (a crashed and retried
 * task). Then that operation's success is reported instead of a skip.
 */
export function creditOrSkip(
  run: RunInfo,
  reason: 'ALREADY_RUNNING' | 'ALREADY_PAUSED',
  latest: OperationInfo | undefined,
): Finish {
  const runStart = Date.parse(run.startedAt);
  const credited =
    latest?.type === operationTypeOf(run.action) &&
    latest.status === 'SUCCEEDED' &&
    (latest.startedAt ?? 0) >= runStart;
  if (!credited) return { kind: 'finish', outcome: 'SKIPPED', reason };
  return {
    kind: 'finish',
    outcome: 'SUCCEEDED',
    operation: latest,
    notes: [`operation ${latest.id} finished before this step could watch it`],
    ...(latest.endedAt !== undefined ? { at: latest.endedAt } : {}),
  };
}

// ---- After a status read ----

export type AfterStatus =
  | { kind: 'unchanged' }
  /** The operation the service waited for has ended: it may be acted on now. */
  | { kind: 'act-now' }
  /** Needs App Runner's account of the operation (ListOperations) to tell how it ended. */
  | { kind: 'look-up-operation' }
  | Finish;

/** What a freshly read status means for a service that is waiting or tracking an operation. */
export function afterStatus(svc: TrackedService, status: ServiceStatus, action: Action): AfterStatus {
  if (status === 'DELETED') {
    return {
      kind: 'finish',
      outcome: 'FAILED',
      reason: 'SERVICE_DELETED',
      error: 'the service was deleted while the workflow ran',
    };
  }
  if (svc.phase === 'WAITING')
    return status === 'OPERATION_IN_PROGRESS' ? { kind: 'unchanged' } : { kind: 'act-now' };
  if (status === 'OPERATION_IN_PROGRESS' || !svc.operationId) return { kind: 'unchanged' };
  // The service left OPERATION_IN_PROGRESS. In the desired status the operation succeeded (a failed resume or
  // pause returns the service to where it was), so no further call is needed.
  if (status === desiredStatus(action)) return { kind: 'finish', outcome: 'SUCCEEDED' };
  return { kind: 'look-up-operation' };
}

/** How the tracked operation ended, for a service that left OPERATION_IN_PROGRESS elsewhere than desired. */
export function afterOperationLookup(
  svc: TrackedService,
  status: ServiceStatus,
  op: OperationInfo | undefined,
): AfterStatus {
  // Status and operation list can disagree for a moment: look again later.
  if (op && isOpen(op)) return { kind: 'unchanged' };
  if (op?.status === 'SUCCEEDED') {
    // Succeeded, yet the service is elsewhere already (someone acted after it): report what happened.
    return { kind: 'finish', outcome: 'SUCCEEDED', notes: [`service is now ${status}`] };
  }
  return {
    kind: 'finish',
    outcome: 'FAILED',
    reason: 'OPERATION_FAILED',
    error: `App Runner reports operation ${svc.operationId} ${op?.status ?? 'UNKNOWN'}; the service is ${status}`,
  };
}

// ---- After a failed call ----

export type AfterCallFailure = { kind: 'retry-later'; error: string } | Finish;

/** What a failed App Runner call about one service means for it. */
export function afterCallFailure(svc: TrackedService, failure: CallFailure): AfterCallFailure {
  if (failure.kind === 'NotFound') {
    return {
      kind: 'finish',
      outcome: 'FAILED',
      reason: svc.operationId ? 'SERVICE_DELETED' : 'NOT_FOUND',
      error: `App Runner no longer knows this service (${failure.awsErrorName})`,
    };
  }
  // Throttling and 5xx never fail a service on their own: keep it and try again next round.
  if (failure.transient) return { kind: 'retry-later', error: failure.message };
  if (failure.kind === 'Unexpected') {
    return { kind: 'finish', outcome: 'FAILED', reason: 'WORKFLOW_ERROR', error: failure.message };
  }
  return { kind: 'finish', outcome: 'FAILED', reason: 'APP_RUNNER_ERROR', error: failure.message };
}

// ---- Limits ----

/**
 * The deadline or the poll limit, if either has been reached for a service not done yet. A service probing
 * for readiness has its own limit: the readiness time-out, after which it is FAILED NOT_READY.
 */
export function limitReached(
  svc: TrackedService,
  now: number,
  limits: { deadline: number; maxPolls: number },
): Finish | undefined {
  if (svc.phase === 'DONE') return undefined;
  if (svc.phase === 'PROBING') {
    if (now < limits.deadline) return undefined;
    const seconds = Math.round((limits.deadline - (svc.runningAt ?? limits.deadline)) / 1000);
    return {
      kind: 'finish',
      outcome: 'FAILED',
      reason: 'NOT_READY',
      error: `RUNNING, but not ready within ${seconds} s: ${svc.probes ?? 0} probes of ${probeTarget(svc)}, the last answered ${svc.lastProbe ?? 'nothing'}`,
    };
  }
  if (now >= limits.deadline) {
    const what =
      svc.phase === 'IN_FLIGHT'
        ? `operation ${svc.operationId ?? ''} still in progress`
        : svc.phase === 'WAITING'
          ? `still waiting for ${svc.waitingFor ?? 'another operation'} to finish`
          : 'the operation could not be started';
    const last = svc.lastError ? ` (last error: ${svc.lastError})` : '';
    return {
      kind: 'finish',
      outcome: 'TIMED_OUT',
      reason: 'DEADLINE_EXCEEDED',
      error: `deadline passed: ${what}${last}`,
    };
  }
  if (svc.polls >= limits.maxPolls) {
    return {
      kind: 'finish',
      outcome: 'TIMED_OUT',
      reason: 'POLL_LIMIT',
      error: `gave up after ${svc.polls} status checks (MAX_POLLS=${limits.maxPolls})`,
    };
  }
  return undefined;
}

// ---- Readiness (resume) ----

/** The path a readiness probe requests, from the service's tag and health check; or why there is no probe. */
export function readinessOf(input: {
  run: RunInfo;
  readyPathTag?: string;
  healthCheck?: { protocol: 'TCP' | 'HTTP'; path?: string };
  publiclyAccessible?: boolean;
  url?: string;
  probeEndpointSet: boolean;
}): { path: string } | { skip: string } {
  if (input.run.action !== 'resume') return { skip: 'not a resume' };
  if (input.run.readyCheck === 'none') return { skip: 'readyCheck none' };
  const tag = input.readyPathTag?.trim();
  if (tag?.toLowerCase() === 'none') return { skip: 'ready-path tag is none' };
  // A private service answers only inside its VPC; unless probes go through an endpoint that reaches it,
  // probing it would only ever time out.
  if (input.publiclyAccessible === false && !input.probeEndpointSet) {
    return {
      skip: 'private service (set the ready-path tag to none, or probe through READY_CHECK_ENDPOINT_URL)',
    };
  }
  if (!input.url) return { skip: 'App Runner gave no service URL' };
  if (tag) return { path: tag.startsWith('/') ? tag : `/${tag}` };
  if (input.healthCheck?.protocol === 'HTTP' && input.healthCheck.path)
    return { path: input.healthCheck.path };
  return { path: '/' };
}

/** What one probe answer means: ready after two good answers in a row, else probe again. */
export function afterProbe(
  svc: TrackedService,
  good: boolean,
  now: number,
  intervalSeconds: number,
): { kind: 'ready' } | { kind: 'again'; streak: number; at: number } {
  const streak = good ? (svc.probeStreak ?? 0) + 1 : 0;
  if (streak >= 2) return { kind: 'ready' };
  return { kind: 'again', streak, at: now + intervalSeconds * 1000 };
}

function probeTarget(svc: TrackedService): string {
  return svc.url ? `https://${svc.url}${svc.readyPath ?? '/'}` : 'the service URL';
}

// ---- After a step failed for good ----

/**
 * What is true of a service left open when a batch step failed for good, from one more read of App Runner:
 * the workflow gives up on the service, but does not report a failure App Runner does not show (a crashed
 * Check must not turn a good wake-up into a false alarm). `status` is undefined when it could not be read;
 * `operation` is the tracked operation (for a service in flight) or the newest one (for one never seen acting).
 */
export function afterStepFailure(input: {
  svc: TrackedService;
  run: RunInfo;
  failure: string;
  status?: ServiceStatus;
  operation?: OperationInfo;
  readError?: string;
}): Finish {
  const { svc, run, failure, status, operation } = input;
  const workflowError = (what: string, op?: OperationInfo): Finish => ({
    kind: 'finish',
    outcome: 'FAILED',
    reason: 'WORKFLOW_ERROR',
    error: `${failure}; ${what}`,
    ...(op ? { operation: op } : {}),
  });
  if (status === undefined) {
    return workflowError(
      `could not read the service afterwards (${input.readError ?? 'unknown error'}); last known status ${svc.status}`,
    );
  }
  if (status === 'DELETED') return afterStatus(svc, status, run.action) as Finish;
  // Tracking an operation of its own: in flight, or ended and being probed for readiness.
  const tracked = svc.phase === 'IN_FLIGHT' || svc.phase === 'PROBING';
  const ours =
    operation &&
    operation.type === operationTypeOf(run.action) &&
    (tracked ? operation.id === svc.operationId : (operation.startedAt ?? 0) >= Date.parse(run.startedAt));
  if (!ours) {
    if (tracked && status === desiredStatus(run.action)) {
      return { kind: 'finish', outcome: 'SUCCEEDED', notes: ['seen done after a workflow step failed'] };
    }
    return workflowError(`the service is ${status}`);
  }
  const adopt = tracked ? undefined : operation;
  if (isOpen(operation)) {
    return workflowError(
      `App Runner still shows ${operation.type} operation ${operation.id} in progress`,
      adopt,
    );
  }
  if (operation.status === 'SUCCEEDED') {
    return {
      kind: 'finish',
      outcome: 'SUCCEEDED',
      notes: ['seen done after a workflow step failed'],
      ...(adopt ? { operation: adopt } : {}),
      ...(operation.endedAt !== undefined ? { at: operation.endedAt } : {}),
    };
  }
  return {
    kind: 'finish',
    outcome: 'FAILED',
    reason: 'OPERATION_FAILED',
    error: `App Runner reports operation ${operation.id} ${operation.status}; the service is ${status}`,
    ...(adopt ? { operation: adopt } : {}),
  };
}
