import {
  AppRunnerCallError,
  type AppRunnerPort,
  countingPort,
  findOperation,
  latestOperation,
  MAX_PAGES,
  type OperationInfo,
  type ServiceStatus,
} from '../../lib/app-runner/port';
import type { OutcomeReason, ServiceResult } from '../../lib/contract/execution-result';
import { LEASE_TAG } from '../../lib/contract/tags';
import type { Clock } from '../../lib/runtime/clock';
import { describeError } from '../../lib/runtime/errors';
import type { Log } from '../../lib/runtime/powertools';
import { decide, desiredStatus } from '../../lib/workflow/decide';
import type { RunInfo } from '../../lib/workflow/run';

/** Per-batch knobs, fixed by Plan from the config so every step of a batch agrees. */
export interface BatchSettings {
  /** Epoch ms after which unfinished services end TIMED_OUT. */
  deadlineAt: number;
  maxPolls: number;
  /** Operations this batch keeps in flight at once. */
  maxInFlight: number;
  /** This batch's share of the App Runner request budget. */
  requestsPerSecond: number;
  pollWindowSeconds: number;
  pollIntervalSeconds: number;
  initialDelaySeconds: number;
  minDelaySeconds: number;
  maxDelaySeconds: number;
  /** Longest sleep inside the function; longer gaps return to the Wait state. */
  inFunctionMaxSleepSeconds?: number;
}

export type Phase = 'PENDING' | 'WAITING' | 'IN_FLIGHT' | 'DONE';

/** One service as a batch tracks it between steps. */
export interface TrackedService {
  arn: string;
  name: string;
  phase: Phase;
  /** Last status seen (from Plan, a sweep, a describe or an operation call). */
  status: ServiceStatus;
  fromStatus?: ServiceStatus;
  operationId?: string;
  /** Epoch ms the tracked operation started (App Runner's StartedAt when known). */
  operationStartedAt?: number;
  /** Why the service is waiting (another operation in flight). */
  waitingFor?: string;
  leaseSet?: boolean;
  polls: number;
  transientErrors: number;
  lastError?: string;
  notes: string[];
  result?: ServiceResult;
}

/** The state a batch carries through Start → Wait → Check → … (the Map iteration's data). */
export interface BatchState {
  run: RunInfo;
  batchId: string;
  region: string;
  /** Services known in the region at plan time: sizes a full ListServices sweep. */
  regionServiceCount: number;
  settings: BatchSettings;
  services: TrackedService[];
  round: number;
  /** Seconds the Wait state sleeps before the next check. */
  nextDelaySeconds: number;
  allDone: boolean;
  /** App Runner requests made by this batch so far. */
  requests: number;
}

export interface BatchDeps {
  appRunner: AppRunnerPort;
  clock: Clock;
  log: Log;
}

type Mode = 'start' | 'check';

/**
 * Moves a batch forward: starts what can start (within the in-flight limit), reads statuses (one
 * ListServices sweep when that is cheaper than a DescribeService per service), records outcomes, and
 * in `check` mode keeps polling inside the function for up to `pollWindowSeconds`. Each service's
 * errors end in that service's outcome only; the batch itself never throws for a service's sake.
 */
export async function advanceBatch(state: BatchState, mode: Mode, given: BatchDeps): Promise<BatchState> {
  const s: BatchState = structuredClone(state);
  const deps: BatchDeps = { ...given, appRunner: countingPort(given.appRunner, () => s.requests++) };
  const { clock } = deps;
  const interval = s.settings.pollIntervalSeconds * 1000;
  const maxSleep = (s.settings.inFunctionMaxSleepSeconds ?? DEFAULT_IN_FUNCTION_MAX_SLEEP_SECONDS) * 1000;
  const windowEnd = clock.now() + s.settings.pollWindowSeconds * 1000;
  // However slow App Runner gets, an invocation stops working here (well inside the Lambda timeout);
  // whatever it did not reach is polled by the next Check.
  const hardStop = windowEnd + WORK_MARGIN_SECONDS * 1000;
  s.round += 1;
  // Start has fresh statuses from Plan; Check begins with a poll.
  let lastRefresh = mode === 'start' ? clock.now() : Number.NEGATIVE_INFINITY;
  for (;;) {
    if (clock.now() >= lastRefresh + refreshPeriod(s, clock.now()) && dueForPoll(s, clock.now()).length > 0) {
      lastRefresh = clock.now();
      await refreshStatuses(s, deps, hardStop);
    }
    settleLimits(s, clock.now());
    // Starts go in slices of one poll interval, so a large start-up never starves the polling.
    const progressed = await startReady(s, deps, Math.min(hardStop, clock.now() + Math.max(interval, 1000)));
    settleLimits(s, clock.now());
    if (s.services.every((svc) => svc.phase === 'DONE')) break;
    const now = clock.now();
    if (now >= windowEnd) break;
    if (progressed && canStartMore(s)) continue;
    // Sleep in the function only for short gaps; a long one is cheaper as a Wait state.
    const wakeAt = Math.max(now + 1, nextPollAt(s, lastRefresh, now));
    if (wakeAt > windowEnd || wakeAt - now > maxSleep) break;
    await clock.sleep(wakeAt - now);
  }
  s.allDone = s.services.every((svc) => svc.phase === 'DONE');
  s.nextDelaySeconds = s.allDone ? 0 : nextDelay(s, clock.now());
  return s;
}

/** Extra seconds an invocation may spend finishing calls after its poll window (Lambda timeout: 120 s). */
export const WORK_MARGIN_SECONDS = 30;

/** Beyond this many seconds to the next poll, a batch returns to the state machine's Wait state. */
export const DEFAULT_IN_FUNCTION_MAX_SLEEP_SECONDS = 10;

/** Services whose status is worth reading now: waiting ones, and operations old enough to be done. */
function dueForPoll(s: BatchState, now: number): TrackedService[] {
  const young = s.settings.initialDelaySeconds * 1000;
  return s.services.filter(
    (svc) =>
      svc.phase === 'WAITING' ||
      (svc.phase === 'IN_FLIGHT' && (svc.operationStartedAt ?? Number.NEGATIVE_INFINITY) + young <= now),
  );
}

function canStartMore(s: BatchState): boolean {
  const inFlight = s.services.filter((svc) => svc.phase === 'IN_FLIGHT').length;
  return inFlight < s.settings.maxInFlight && s.services.some((svc) => svc.phase === 'PENDING');
}

/** How many requests one poll round costs: a ListServices sweep, or one DescribeService per service. */
function pollCost(s: BatchState, due: number): number {
  const pages = sweepPages(s);
  return Math.min(due, pages);
}

function sweepPages(s: BatchState): number {
  return Math.ceil(s.regionServiceCount / 20) + 1;
}

/**
 * Milliseconds between poll rounds: the poll interval, or longer when a round would use more than its
 * share of the request budget (half of it while services are still being started, 90 % after).
 */
function refreshPeriod(s: BatchState, now: number): number {
  const due = dueForPoll(s, now).length;
  const share = canStartMore(s) ? 0.5 : 0.9;
  const budgetMs = (pollCost(s, due) / (s.settings.requestsPerSecond * share)) * 1000;
  return Math.max(s.settings.pollIntervalSeconds * 1000, budgetMs);
}

/**
 * When the batch next has something to do: now if a service waits for another operation or may start;
 * otherwise when the oldest operation becomes worth polling (no sooner than `initialDelaySeconds` old).
 * A pending service at the in-flight limit is not due: it waits for an operation to end.
 */
function earliestDue(s: BatchState, now: number): number {
  const young = s.settings.initialDelaySeconds * 1000;
  let due = canStartMore(s) ? now : Number.POSITIVE_INFINITY;
  for (const svc of s.services) {
    if (svc.phase === 'WAITING') due = Math.min(due, now);
    else if (svc.phase === 'IN_FLIGHT') due = Math.min(due, (svc.operationStartedAt ?? now) + young);
  }
  return due;
}

/** When the next in-function poll round is worth doing: something is due, and the budget allows a round. */
function nextPollAt(s: BatchState, lastRefresh: number, now: number): number {
  const due = earliestDue(s, now);
  return Math.max(due, lastRefresh + refreshPeriod(s, Math.max(now, due)));
}

/** Seconds the Wait state sleeps before the next check: until something is due, within the bounds. */
export function nextDelay(s: BatchState, now: number): number {
  const { minDelaySeconds, maxDelaySeconds } = s.settings;
  const due = earliestDue(s, now);
  let delay = Number.isFinite(due) ? Math.ceil((due - now) / 1000) : maxDelaySeconds;
  // Never sleep past the deadline by more than the minimum delay: the deadline must be observed.
  const toDeadline = Math.ceil((s.settings.deadlineAt - now) / 1000);
  delay = Math.min(delay, Math.max(minDelaySeconds, toDeadline));
  return Math.max(minDelaySeconds, Math.min(maxDelaySeconds, delay));
}

function finish(
  svc: TrackedService,
  now: number,
  outcome: ServiceResult['outcome'],
  reason: OutcomeReason | undefined,
  extra: { error?: string; note?: string } = {},
): void {
  svc.phase = 'DONE';
  if (extra.note) svc.notes.push(extra.note);
  // Everything here is derived from the tracked service, so the compact wire form can rebuild it exactly.
  const result: ServiceResult = {
    serviceArn: svc.arn,
    serviceName: svc.name,
    outcome,
    ...(reason ? { reason } : {}),
    ...(svc.operationId ? { operationId: svc.operationId } : {}),
    ...(svc.fromStatus ? { fromStatus: svc.fromStatus } : {}),
    toStatus: svc.status,
    ...(svc.operationStartedAt !== undefined && outcome !== 'SKIPPED'
      ? { durationSeconds: Math.max(0, Math.round((now - svc.operationStartedAt) / 1000)) }
      : {}),
    polls: svc.polls,
    finishedAt: new Date(now).toISOString(),
    ...(svc.notes.length ? { notes: [...svc.notes] } : {}),
    ...(extra.error ? { error: extra.error } : {}),
  };
  svc.result = result;
}

function settleLimits(s: BatchState, now: number): void {
  for (const svc of s.services) {
    if (svc.phase === 'DONE') continue;
    if (now >= s.settings.deadlineAt) {
      const what =
        svc.phase === 'IN_FLIGHT'
          ? `operation ${svc.operationId ?? ''} still in progress`
          : svc.phase === 'WAITING'
            ? `still waiting for ${svc.waitingFor ?? 'another operation'} to finish`
            : 'the operation could not be started';
      const last = svc.lastError ? ` (last error: ${svc.lastError})` : '';
      finish(svc, now, 'TIMED_OUT', 'DEADLINE_EXCEEDED', { error: `deadline passed: ${what}${last}` });
    } else if (svc.polls >= s.settings.maxPolls) {
      finish(svc, now, 'TIMED_OUT', 'POLL_LIMIT', {
        error: `gave up after ${svc.polls} status checks (MAX_POLLS=${s.settings.maxPolls})`,
      });
    }
  }
}

/** Starts pending services (within the in-flight limit) until `until`; true when anything changed. */
async function startReady(s: BatchState, deps: BatchDeps, until: number): Promise<boolean> {
  let inFlight = s.services.filter((svc) => svc.phase === 'IN_FLIGHT').length;
  let progressed = false;
  for (const svc of s.services) {
    if (svc.phase !== 'PENDING') continue;
    if (inFlight >= s.settings.maxInFlight || deps.clock.now() >= until) break;
    try {
      await startOne(s, svc, deps);
    } catch (error) {
      // Anything unexpected ends this service only.
      const { message } = describeError(error);
      deps.log.error('unexpected error while starting the operation', {
        serviceName: svc.name,
        error: message,
      });
      finish(svc, deps.clock.now(), 'FAILED', 'WORKFLOW_ERROR', { error: message });
    }
    if ((svc.phase as Phase) !== 'PENDING') progressed = true;
    if ((svc.phase as Phase) === 'IN_FLIGHT') inFlight++;
  }
  return progressed;
}

async function startOne(s: BatchState, svc: TrackedService, deps: BatchDeps): Promise<void> {
  const { appRunner, clock, log } = deps;
  const action = s.run.action;
  try {
    // A resume that carries a lease writes it first, so that a pause arriving meanwhile already sees it.
    if (action === 'resume' && s.run.keepAwakeUntil && !svc.leaseSet) {
      await appRunner.tagResource(svc.arn, { [LEASE_TAG]: s.run.keepAwakeUntil });
      svc.leaseSet = true;
      svc.notes.push(`keep-awake lease set until ${s.run.keepAwakeUntil}`);
    }
    // A pause re-reads the tags right before acting: a wake with a lease may have landed since Plan.
    let tags: Record<string, string> = {};
    if (action === 'pause') {
      tags = await appRunner.listTags(svc.arn);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const verdict = await classifyCurrent(s, svc, tags, deps);
      if (verdict !== 'act') return;
      svc.fromStatus ??= svc.status;
      try {
        const out =
          action === 'resume'
            ? await appRunner.resumeService(svc.arn)
            : await appRunner.pauseService(svc.arn);
        svc.status = out.service.status;
        if (out.operationId) {
          svc.phase = 'IN_FLIGHT';
          svc.operationId = out.operationId;
          svc.operationStartedAt = clock.now();
          log.info(`${action} started`, { serviceName: svc.name, operationId: out.operationId });
        } else {
          // App Runner accepted the call as a no-op: already in the desired state.
          svc.status = desiredStatus(action);
          await skipOrCredit(s, svc, action === 'resume' ? 'ALREADY_RUNNING' : 'ALREADY_PAUSED', deps);
        }
        return;
      } catch (error) {
        if (error instanceof AppRunnerCallError && error.kind === 'InvalidState') {
          // The status moved under us: re-read it and decide again, never fail blindly.
          log.info('App Runner refused the call in the current state; reconciling', {
            serviceName: svc.name,
            error: error.message,
          });
          const fresh = await appRunner.describeService(svc.arn);
          svc.status = fresh.status;
          continue;
        }
        throw error;
      }
    }
    // Still contended after re-reading: try again on the next round.
    svc.lastError = 'the service kept changing state; will retry';
  } catch (error) {
    handleCallError(svc, error, deps);
  }
}

/**
 * Looks at the service's current status and either finishes it (skip/fail), makes it track or wait for
 * an operation already in flight, or says it is time to act.
 */
async function classifyCurrent(
  s: BatchState,
  svc: TrackedService,
  tags: Record<string, string>,
  deps: BatchDeps,
): Promise<'act' | 'handled'> {
  const { clock, appRunner } = deps;
  const now = clock.now();
  if (svc.status === 'OPERATION_IN_PROGRESS') {
    const op = await latestOperation(appRunner, svc.arn);
    const wanted = s.run.action === 'resume' ? 'RESUME_SERVICE' : 'PAUSE_SERVICE';
    if (op && isOpen(op) && op.type === wanted) {
      svc.phase = 'IN_FLIGHT';
      svc.operationId = op.id;
      svc.operationStartedAt = op.startedAt ?? now;
      svc.fromStatus ??= s.run.action === 'resume' ? 'PAUSED' : 'RUNNING';
      svc.notes.push(`joined ${wanted} operation ${op.id} already in flight`);
      return 'handled';
    }
    if (!op || !isOpen(op)) {
      // The status we hold is older than the operation list: nothing is in flight any more. Re-read it.
      const fresh = await appRunner.describeService(svc.arn);
      if (fresh.status !== 'OPERATION_IN_PROGRESS') {
        svc.status = fresh.status;
        return classifyCurrent(s, svc, tags, deps);
      }
    }
    svc.phase = 'WAITING';
    svc.waitingFor = op && isOpen(op) ? `${op.type} operation ${op.id}` : 'the current operation';
    if (!svc.notes.some((n) => n.startsWith('waited for'))) svc.notes.push(`waited for ${svc.waitingFor}`);
    return 'handled';
  }
  // Once this step has written the lease, a running service has nothing left to do: no resume.
  const run = svc.leaseSet ? { ...s.run, keepAwakeUntil: undefined } : s.run;
  const decision = decide({ ...run, dryRun: false }, svc.status, tags, now);
  if (decision.kind === 'act') {
    for (const note of decision.notes) if (!svc.notes.includes(note)) svc.notes.push(note);
    return 'act';
  }
  if (decision.kind === 'skip') {
    for (const note of decision.notes) if (!svc.notes.includes(note)) svc.notes.push(note);
    if (decision.reason === 'ALREADY_RUNNING' || decision.reason === 'ALREADY_PAUSED') {
      await skipOrCredit(s, svc, decision.reason, deps);
      return 'handled';
    }
    finish(svc, now, 'SKIPPED', decision.reason);
  } else {
    finish(svc, now, 'FAILED', decision.reason, { error: decision.error });
  }
  return 'handled';
}

/**
 * A service found already in the desired state: SKIPPED — unless an operation of this run's kind succeeded
 * after the run started, possibly one this run started in a step whose result was lost (a crashed and
 * retried task). Then that operation's success is reported instead of a skip.
 */
async function skipOrCredit(
  s: BatchState,
  svc: TrackedService,
  reason: 'ALREADY_RUNNING' | 'ALREADY_PAUSED',
  deps: BatchDeps,
): Promise<void> {
  const done = await finishedDuringRun(s, svc, deps);
  if (!done) {
    finish(svc, deps.clock.now(), 'SKIPPED', reason);
    return;
  }
  svc.operationId = done.id;
  svc.operationStartedAt = done.startedAt;
  svc.fromStatus ??= s.run.action === 'resume' ? 'PAUSED' : 'RUNNING';
  svc.notes.push(`operation ${done.id} finished before this step could watch it`);
  finish(svc, done.endedAt ?? deps.clock.now(), 'SUCCEEDED', undefined);
}

/** The newest operation of the run's kind, if it succeeded after this run started. */
async function finishedDuringRun(
  s: BatchState,
  svc: TrackedService,
  deps: BatchDeps,
): Promise<OperationInfo | undefined> {
  const op = await latestOperation(deps.appRunner, svc.arn);
  const wanted = s.run.action === 'resume' ? 'RESUME_SERVICE' : 'PAUSE_SERVICE';
  const runStart = Date.parse(s.run.startedAt);
  if (op?.type === wanted && op.status === 'SUCCEEDED' && (op.startedAt ?? 0) >= runStart) return op;
  return undefined;
}

function isOpen(op: OperationInfo): boolean {
  return op.status === 'PENDING' || op.status === 'IN_PROGRESS' || op.status === 'ROLLBACK_IN_PROGRESS';
}

function handleCallError(svc: TrackedService, error: unknown, deps: BatchDeps): void {
  const now = deps.clock.now();
  if (error instanceof AppRunnerCallError) {
    if (error.kind === 'NotFound') {
      finish(svc, now, 'FAILED', svc.operationId ? 'SERVICE_DELETED' : 'NOT_FOUND', {
        error: `App Runner no longer knows this service (${error.awsErrorName})`,
      });
      return;
    }
    if (error.transient) {
      // Throttling and 5xx never fail a service on their own: keep it and try again next round.
      svc.transientErrors++;
      svc.lastError = error.message;
      deps.log.warn('App Runner call failed transiently; will retry', {
        serviceName: svc.name,
        error: error.message,
      });
      return;
    }
    finish(svc, now, 'FAILED', 'APP_RUNNER_ERROR', { error: error.message });
    return;
  }
  throw error;
}

/** Reads the status of every service that needs it, with the cheapest mix of calls. */
async function refreshStatuses(s: BatchState, deps: BatchDeps, hardStop: number): Promise<void> {
  const watched = dueForPoll(s, deps.clock.now());
  if (watched.length === 0) return;
  const unseen = new Map(watched.map((svc) => [svc.arn, svc]));
  if (watched.length > sweepPages(s)) {
    // One ListServices sweep covers 20 services a page; each page is acted on as soon as it arrives.
    try {
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await deps.appRunner.listServicesPage(s.region, token);
        for (const info of out.items) {
          const svc = unseen.get(info.arn);
          if (!svc) continue;
          unseen.delete(info.arn);
          await record(s, svc, info.status, deps);
        }
        token = out.nextToken;
        if (!token || unseen.size === 0 || deps.clock.now() >= hardStop) break;
      }
    } catch (error) {
      // A failed sweep is not fatal: the services it did not cover are described one by one.
      deps.log.warn('ListServices sweep failed; describing the rest one by one', {
        error: describeError(error).message,
      });
    }
  }
  // Services the sweep did not list (or no sweep): one DescribeService each.
  for (const svc of unseen.values()) {
    if (deps.clock.now() >= hardStop) break;
    try {
      const status = (await deps.appRunner.describeService(svc.arn)).status;
      await record(s, svc, status, deps);
    } catch (error) {
      try {
        handleCallError(svc, error, deps);
      } catch (unexpected) {
        finish(svc, deps.clock.now(), 'FAILED', 'WORKFLOW_ERROR', {
          error: describeError(unexpected).message,
        });
      }
    }
  }
}

async function record(
  s: BatchState,
  svc: TrackedService,
  status: ServiceStatus,
  deps: BatchDeps,
): Promise<void> {
  svc.polls++;
  svc.status = status;
  try {
    await observe(s, svc, deps);
  } catch (error) {
    try {
      handleCallError(svc, error, deps);
    } catch (unexpected) {
      finish(svc, deps.clock.now(), 'FAILED', 'WORKFLOW_ERROR', { error: describeError(unexpected).message });
    }
  }
}

/** Acts on a freshly read status. */
async function observe(s: BatchState, svc: TrackedService, deps: BatchDeps): Promise<void> {
  const now = deps.clock.now();
  if (svc.status === 'DELETED') {
    finish(svc, now, 'FAILED', 'SERVICE_DELETED', {
      error: 'the service was deleted while the workflow ran',
    });
    return;
  }
  if (svc.phase === 'WAITING') {
    if (svc.status !== 'OPERATION_IN_PROGRESS') {
      svc.phase = 'PENDING';
      svc.waitingFor = undefined;
    }
    return;
  }
  if (svc.status === 'OPERATION_IN_PROGRESS' || !svc.operationId) return;
  // The service left OPERATION_IN_PROGRESS. In the desired status the operation succeeded (a failed
  // resume or pause returns the service to where it was), so no further call is needed.
  if (svc.status === desiredStatus(s.run.action)) {
    finish(svc, now, 'SUCCEEDED', undefined);
    return;
  }
  // Otherwise ask App Runner how the operation ended, for the report.
  const op = await findOperation(deps.appRunner, svc.arn, svc.operationId);
  if (op && isOpen(op)) return; // status and operation list disagree for a moment: look again later
  if (op?.status === 'SUCCEEDED') {
    // Succeeded, yet the service is elsewhere already (someone acted after it): report what happened.
    finish(svc, now, 'SUCCEEDED', undefined, { note: `service is now ${svc.status}` });
    return;
  }
  const opStatus = op?.status ?? 'UNKNOWN';
  finish(svc, now, 'FAILED', 'OPERATION_FAILED', {
    error: `App Runner reports operation ${svc.operationId} ${opStatus}; the service is ${svc.status}`,
  });
}
