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
import { LEASE_TAGS, leaseTags, readLease } from '../../lib/contract/tags';
import type { Clock } from '../../lib/runtime/clock';
import { describeError } from '../../lib/runtime/errors';
import type { Log } from '../../lib/runtime/powertools';
import type { BatchState, Phase, TrackedService } from '../../lib/workflow/batch';
import { desiredStatus } from '../../lib/workflow/decide';
import { type StepFailure, stepFailureText } from '../../lib/workflow/failure';
import { trackedResult } from '../../lib/workflow/service-result';
import {
  type AfterStatus,
  afterCallFailure,
  afterOperationLookup,
  afterStatus,
  afterStepFailure,
  beforeAction,
  type CallFailure,
  creditOrSkip,
  type Finish,
  limitReached,
} from './outcome';
import {
  canStartMore,
  DEFAULT_IN_FUNCTION_MAX_SLEEP_SECONDS,
  dueForPoll,
  inFlightCount,
  nextDelay,
  nextPollAt,
  refreshPeriod,
  sweepPages,
  WORK_MARGIN_SECONDS,
} from './pacing';

/**
 * The batch engine behind the Start and Check steps: the I/O half. It reads and acts on App Runner, and
 * applies the pure rules of ./outcome.ts (what an observation means for a service) and ./pacing.ts (when to
 * poll, how long to wait). Start and Check run this same engine; they differ only in where a round begins:
 * Start acts on Plan's fresh statuses at once, Check begins with a poll.
 */

export interface EngineDeps {
  appRunner: AppRunnerPort;
  clock: Clock;
  log: Log;
}

export type Mode = 'start' | 'check';

/**
 * Moves a batch forward: starts what can start (within the in-flight limit), reads statuses (one
 * ListServices sweep when that is cheaper than a DescribeService per service), records outcomes, and keeps
 * polling inside the function for up to `pollWindowSeconds`. Each service's errors end in that service's
 * outcome only; the batch itself never throws for a service's sake.
 */
export async function advanceBatch(state: BatchState, mode: Mode, given: EngineDeps): Promise<BatchState> {
  const s: BatchState = structuredClone(state);
  const deps: EngineDeps = { ...given, appRunner: countingPort(given.appRunner, () => s.requests++) };
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

// ---- Applying verdicts: the only places a service's phase or outcome changes ----

function finish(svc: TrackedService, verdict: Finish, now: number): void {
  if (verdict.operation) {
    svc.operationId = verdict.operation.id;
    svc.operationStartedAt = verdict.operation.startedAt;
  }
  addNotes(svc, verdict.notes ?? []);
  svc.phase = 'DONE';
  svc.result = trackedResult(svc, verdict.at ?? now, verdict.outcome, verdict.reason, verdict.error);
}

function track(svc: TrackedService, operationId: string, startedAt: number, joined: boolean): void {
  svc.phase = 'IN_FLIGHT';
  svc.operationId = operationId;
  svc.operationStartedAt = startedAt;
  if (joined) svc.joined = true;
}

function addNotes(svc: TrackedService, notes: readonly string[]): void {
  for (const note of notes) if (!svc.notes.includes(note)) svc.notes.push(note);
}

function settleLimits(s: BatchState, now: number): void {
  for (const svc of s.services) {
    const reached = limitReached(svc, now, s.settings);
    if (reached) finish(svc, reached, now);
  }
}

/** A failed call about one service ends in that service's outcome (or a retry later), never the batch's. */
function onCallFailure(svc: TrackedService, error: unknown, deps: EngineDeps): void {
  const failure = toCallFailure(error);
  if (failure.kind === 'Unexpected') {
    deps.log.error('unexpected error while handling the service', {
      serviceName: svc.name,
      error: failure.message,
    });
  }
  const verdict = afterCallFailure(svc, failure);
  if (verdict.kind === 'finish') {
    finish(svc, verdict, deps.clock.now());
    return;
  }
  svc.transientErrors++;
  svc.lastError = verdict.error;
  deps.log.warn('App Runner call failed transiently; will retry', {
    serviceName: svc.name,
    error: verdict.error,
  });
}

function toCallFailure(error: unknown): CallFailure {
  if (error instanceof AppRunnerCallError) {
    return {
      kind: error.kind,
      transient: error.transient,
      awsErrorName: error.awsErrorName,
      message: error.message,
    };
  }
  const { name, message } = describeError(error);
  return { kind: 'Unexpected', transient: false, awsErrorName: name, message };
}

// ---- Starting operations ----

/** Starts pending services (within the in-flight limit) until `until`; true when anything changed. */
async function startReady(s: BatchState, deps: EngineDeps, until: number): Promise<boolean> {
  let inFlight = inFlightCount(s);
  let progressed = false;
  for (const svc of s.services) {
    if (svc.phase !== 'PENDING') continue;
    if (inFlight >= s.settings.maxInFlight || deps.clock.now() >= until) break;
    try {
      await startOne(s, svc, deps);
    } catch (error) {
      onCallFailure(svc, error, deps);
    }
    // startOne moved the service on (TypeScript cannot see that through the call).
    const phase = svc.phase as Phase;
    if (phase !== 'PENDING') progressed = true;
    if (phase === 'IN_FLIGHT') inFlight++;
  }
  return progressed;
}

async function startOne(s: BatchState, svc: TrackedService, deps: EngineDeps): Promise<void> {
  const { appRunner, clock, log } = deps;
  const { action } = s.run;
  // A resume that carries a lease writes it first, so that a pause arriving meanwhile already sees it.
  if (action === 'resume' && s.run.keepAwakeUntil && !svc.leaseSet) {
    await appRunner.tagResource(svc.arn, leaseTags(s.run.keepAwakeUntil, s.run.requestedBy, s.run.reason));
    svc.leaseSet = true;
    svc.notes.push(`keep-awake lease set until ${s.run.keepAwakeUntil}`);
  }
  // A pause re-reads the tags right before acting: a wake with a lease may have landed since Plan.
  const tags = action === 'pause' ? await appRunner.listTags(svc.arn) : {};
  let latest: OperationInfo | null | undefined;
  for (let attempt = 0; attempt < 3; ) {
    const verdict = beforeAction({ svc, run: s.run, tags, latest, now: clock.now() });
    switch (verdict.kind) {
      case 'need-latest-operation':
        latest = (await latestOperation(appRunner, svc.arn)) ?? null;
        continue;
      case 'reread':
        svc.status = (await appRunner.describeService(svc.arn)).status;
        latest = undefined;
        // A status that is still OPERATION_IN_PROGRESS after a re-read means an operation App Runner does
        // not list yet: wait for it rather than read again.
        if (svc.status === 'OPERATION_IN_PROGRESS') {
          wait(svc, 'the current operation');
          return;
        }
        continue;
      case 'join':
        track(svc, verdict.operation.id, verdict.operation.startedAt ?? clock.now(), true);
        svc.fromStatus ??= action === 'resume' ? 'PAUSED' : 'RUNNING';
        svc.notes.push(
          `joined ${verdict.operation.type} operation ${verdict.operation.id} already in flight`,
        );
        return;
      case 'wait':
        wait(svc, verdict.waitingFor);
        return;
      case 'already':
        addNotes(svc, verdict.notes);
        finish(
          svc,
          creditOrSkip(s.run, verdict.reason, await latestOperation(appRunner, svc.arn)),
          clock.now(),
        );
        return;
      case 'finish':
        finish(svc, verdict, clock.now());
        return;
      case 'act':
        addNotes(svc, verdict.notes);
    }
    attempt++;
    svc.fromStatus ??= svc.status;
    // An overridden lease is removed right before PauseService, so that it is never gone without a pause.
    if (action === 'pause' && s.run.overrideLease && !svc.leaseRemoved && hasActiveLease(tags, clock.now())) {
      await appRunner.untagResource(svc.arn, [...LEASE_TAGS]);
      svc.leaseRemoved = true;
    }
    try {
      const out =
        action === 'resume' ? await appRunner.resumeService(svc.arn) : await appRunner.pauseService(svc.arn);
      svc.status = out.service.status;
      if (out.operationId) {
        track(svc, out.operationId, clock.now(), false);
        log.info(`${action} started`, { serviceName: svc.name, operationId: out.operationId });
        return;
      }
      // App Runner accepted the call as a no-op: already in the desired state.
      svc.status = desiredStatus(action);
      const reason = action === 'resume' ? 'ALREADY_RUNNING' : 'ALREADY_PAUSED';
      finish(svc, creditOrSkip(s.run, reason, await latestOperation(appRunner, svc.arn)), clock.now());
      return;
    } catch (error) {
      if (!(error instanceof AppRunnerCallError) || error.kind !== 'InvalidState') throw error;
      // The status moved under us: re-read it and decide again, never fail blindly.
      log.info('App Runner refused the call in the current state; reconciling', {
        serviceName: svc.name,
        error: error.message,
      });
      svc.status = (await appRunner.describeService(svc.arn)).status;
      latest = undefined;
    }
  }
  // Still contended after re-reading: try again on the next round.
  svc.lastError = 'the service kept changing state; will retry';
}

function hasActiveLease(tags: Record<string, string>, now: number): boolean {
  const lease = readLease(tags);
  return lease.until !== undefined && lease.until > now;
}

function wait(svc: TrackedService, waitingFor: string): void {
  svc.phase = 'WAITING';
  svc.waitingFor = waitingFor;
  if (!svc.waited) svc.notes.push(`waited for ${waitingFor}`);
  svc.waited = true;
}

// ---- Polling ----

/** Reads the status of every service that needs it, with the cheapest mix of calls. */
async function refreshStatuses(s: BatchState, deps: EngineDeps, hardStop: number): Promise<void> {
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
      onCallFailure(svc, error, deps);
    }
  }
}

/** Records a freshly read status and acts on what it means. */
async function record(
  s: BatchState,
  svc: TrackedService,
  status: ServiceStatus,
  deps: EngineDeps,
): Promise<void> {
  svc.polls++;
  svc.status = status;
  try {
    let verdict: AfterStatus = afterStatus(svc, status, s.run.action);
    if (verdict.kind === 'look-up-operation') {
      const op = await findOperation(deps.appRunner, svc.arn, svc.operationId ?? '');
      verdict = afterOperationLookup(svc, status, op);
    }
    applyAfterStatus(svc, verdict, deps.clock.now());
  } catch (error) {
    onCallFailure(svc, error, deps);
  }
}

function applyAfterStatus(svc: TrackedService, verdict: AfterStatus, now: number): void {
  if (verdict.kind === 'finish') finish(svc, verdict, now);
  else if (verdict.kind === 'act-now') {
    svc.phase = 'PENDING';
    svc.waitingFor = undefined;
  }
}

// ---- After a step failed for good ----

/**
 * Settles a batch whose step failed for good (the Catch recorded `failure`): reads every open service once
 * more — one ListServices sweep when that is cheaper — and records what App Runner shows (./outcome.ts
 * `afterStepFailure`). Never throws for a service's sake.
 */
export async function settleAfterFailure(
  state: BatchState & { failure: StepFailure },
  given: EngineDeps,
): Promise<BatchState> {
  const s = structuredClone(state);
  const deps: EngineDeps = { ...given, appRunner: countingPort(given.appRunner, () => s.requests++) };
  const { appRunner, clock } = deps;
  const failure = stepFailureText(s.failure);
  const open = s.services.filter((svc) => svc.phase !== 'DONE');
  const statuses = new Map<string, ServiceStatus>();
  if (open.length > sweepPages(s)) {
    try {
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await appRunner.listServicesPage(s.region, token);
        for (const info of out.items) statuses.set(info.arn, info.status);
        token = out.nextToken;
        if (!token) break;
      }
    } catch (error) {
      deps.log.warn('ListServices sweep failed; describing the services one by one', {
        error: describeError(error).message,
      });
    }
  }
  for (const svc of open) {
    let status = statuses.get(svc.arn);
    let operation: OperationInfo | undefined;
    let readError: string | undefined;
    try {
      status ??= (await appRunner.describeService(svc.arn)).status;
      if (svc.phase === 'IN_FLIGHT' && svc.operationId && status !== desiredStatus(s.run.action)) {
        operation = await findOperation(appRunner, svc.arn, svc.operationId);
      } else if (svc.phase !== 'IN_FLIGHT') {
        operation = await latestOperation(appRunner, svc.arn);
      }
    } catch (error) {
      if (error instanceof AppRunnerCallError && error.kind === 'NotFound') status = 'DELETED';
      else readError = describeError(error).message;
    }
    if (status !== undefined) svc.status = status;
    const verdict = afterStepFailure({
      svc,
      run: s.run,
      failure,
      ...(readError === undefined && status !== undefined
        ? { status }
        : { readError: readError ?? 'no status' }),
      ...(operation ? { operation } : {}),
    });
    finish(svc, verdict, clock.now());
    deps.log.warn('service settled after a workflow step failed', {
      serviceName: svc.name,
      outcome: verdict.outcome,
      reason: verdict.reason,
    });
  }
  s.allDone = true;
  s.nextDelaySeconds = 0;
  return s;
}
