import { findOperation, MAX_PAGES, type OperationInfo, type ServiceInfo } from '../../lib/app-runner/port';
import { describeError } from '../../lib/runtime/errors';
import type { BatchState, TrackedService } from '../../lib/workflow/batch';
import { type EngineDeps, finish, onCallFailure } from './apply';
import { type AfterStatus, afterOperationLookup, afterStatus, isOpen, operationTypeOf } from './outcome';
import {
  canStartMore,
  dueForPoll,
  historyDueAt,
  nextPollAfterMiss,
  pollDueAt,
  sweepIsCheaper,
  usesHistory,
} from './pacing';
import { corrected, correctionFactor, pastDurations, predict } from './prediction';
import { PROBING_STATUS_SECONDS, probeDue, statusWhileProbing } from './probing';
import { noteSavings } from './savings';
import { learnService } from './start';

/**
 * Watching operations: reading each service's history once (its predicted window, and when its last pause
 * ended), and polling the services that are due — one ListServices sweep when that is cheaper than a
 * DescribeService each. What a status means is decided by ./outcome.ts.
 */

const MS = 1000;

/** Reads the histories that are due (ListOperations, one call each) until `until`. */
export async function readHistories(s: BatchState, deps: EngineDeps, until: number): Promise<void> {
  const now = deps.clock.now();
  // Without histories, a ready-by start is planned on the default prediction: no call needed.
  if (s.run.readyBy && !usesHistory(s)) {
    for (const svc of s.services) {
      if (svc.phase === 'PENDING' && svc.notBefore === undefined) planReadyByStart(s, svc, now);
    }
  }
  const startsPending = canStartMore(s, now);
  const due = s.services.filter((svc) => {
    const at = historyDueAt(s, svc, now, startsPending);
    return at !== undefined && at <= now;
  });
  // Ready-by services first (their start depends on it), then operations in flight, oldest first.
  due.sort((a, b) => rank(a) - rank(b) || (a.operationStartedAt ?? 0) - (b.operationStartedAt ?? 0));
  for (const svc of due) {
    if (deps.clock.now() >= until) break;
    await readHistory(s, svc, deps);
    if (svc.phase === 'PENDING' && s.run.readyBy) planReadyByStart(s, svc, deps.clock.now());
  }
}

/**
 * Reads one service's history (one ListOperations call) and learns its prediction. Returns the operation the
 * service tracks, when the page lists it (newest first: it usually does).
 */
async function readHistory(
  s: BatchState,
  svc: TrackedService,
  deps: EngineDeps,
): Promise<OperationInfo | undefined> {
  try {
    const page = await deps.appRunner.listOperationsPage(svc.arn);
    learnHistory(s, svc, page.items);
    return svc.operationId ? page.items.find((op) => op.id === svc.operationId) : undefined;
  } catch (error) {
    // Without history the service is polled on the defaults; nothing else depends on it.
    svc.prediction = predictionFor(s, []);
    deps.log.warn('could not read the service history; polling it on the defaults', {
      serviceName: svc.name,
      error: describeError(error).message,
    });
  }
}

const rank = (svc: TrackedService) => (svc.phase === 'PENDING' ? 0 : 1);

/** The prediction of this run's operation on the service, and when its last pause ended. */
function learnHistory(s: BatchState, svc: TrackedService, history: readonly OperationInfo[]): void {
  const type = operationTypeOf(s.run.action);
  // The operation this run tracks is not part of its own history.
  const past = history.filter((op) => op.id !== svc.operationId);
  svc.prediction = predictionFor(s, pastDurations(past, type));
  // A poll planned without the history (after a joined operation, say) gives way to the predicted window.
  if (svc.phase === 'IN_FLIGHT') svc.nextPollAt = undefined;
  if (s.run.action === 'resume') {
    const lastPause = past.find((op) => op.type === 'PAUSE_SERVICE' || op.type === 'RESUME_SERVICE');
    if (
      lastPause?.type === 'PAUSE_SERVICE' &&
      lastPause.status === 'SUCCEEDED' &&
      lastPause.endedAt !== undefined
    ) {
      svc.pausedSince = lastPause.endedAt;
    }
  }
}

function predictionFor(s: BatchState, durations: number[]): NonNullable<TrackedService['prediction']> {
  const { initialDelaySeconds } = s.settings;
  return predict(durations, { low: initialDelaySeconds, expected: 60, high: 300 });
}

/**
 * A ready-by service's start: as late as possible, yet ready before `readyBy` — its longest plausible
 * resume (corrected by what this run has learnt), its warm-up after RUNNING (as observed last time, from its
 * tag, else READY_WARMUP_SECONDS), and a margin — never before the run.
 */
function planReadyByStart(s: BatchState, svc: TrackedService, now: number): void {
  const readyBy = Date.parse(s.run.readyBy ?? '');
  if (Number.isNaN(readyBy)) return;
  const p = corrected(svc.prediction ?? predictionFor(s, []), correctionFactor(s.learned ?? []));
  const warmup = svc.observedWarmupSeconds ?? s.settings.readyWarmupSeconds;
  const lead = p.high + warmup + s.settings.readyByMarginSeconds;
  svc.notBefore = Math.max(now, Math.floor(readyBy - lead * MS));
}

/** Polls every service that is due, with the cheapest mix of calls, stopping at `hardStop`. */
export async function pollDue(s: BatchState, deps: EngineDeps, hardStop: number): Promise<void> {
  const watched = dueForPoll(s, deps.clock.now());
  if (watched.length === 0) return;
  const unseen = new Map(watched.map((svc) => [svc.arn, svc]));
  if (sweepIsCheaper(s, watched.length)) {
    // The sweep reads every service it passes: services being probed take their status from it too (free).
    const probedHere = new Map(
      s.services
        .filter((svc) => svc.phase === 'PROBING' && !unseen.has(svc.arn))
        .map((svc) => [svc.arn, svc]),
    );
    // One ListServices sweep covers up to 20 services a page; each page is acted on as soon as it arrives.
    try {
      let token: string | undefined;
      let pages = 0;
      for (; pages < MAX_PAGES; ) {
        const out = await deps.appRunner.listServicesPage(s.region, token);
        pages++;
        for (const info of out.items) {
          const svc = unseen.get(info.arn) ?? probedHere.get(info.arn);
          if (!svc) continue;
          unseen.delete(info.arn);
          probedHere.delete(info.arn);
          await record(s, svc, info, deps);
        }
        // A sweep of a large region takes a while: services it found RUNNING are probed as it goes.
        await probeDue(s, deps);
        token = out.nextToken;
        if (!token || unseen.size === 0 || deps.clock.now() >= hardStop) break;
      }
      // Remember what a whole sweep costs (short pages make it dearer than the region's size says).
      if (!token) s.sweepPages = pages;
    } catch (error) {
      deps.log.warn('ListServices sweep failed; describing the rest one by one', {
        error: describeError(error).message,
      });
    }
  }
  for (const svc of unseen.values()) {
    if (deps.clock.now() >= hardStop) break;
    // Due on the defaults only (its history not read yet, starts came first): its history costs the same one
    // request as describing it, and says whether a poll is worth it yet.
    if (svc.phase === 'IN_FLIGHT' && usesHistory(s) && !svc.prediction) {
      const tracked = await readHistory(s, svc, deps);
      const now = deps.clock.now();
      // The page just read shows the operation still running: that was this round's look at it.
      if (tracked && isOpen(tracked)) {
        svc.polls++;
        svc.nextPollAt = Math.max(pollDueAt(s, svc) ?? now, nextPollAfterMiss(s, svc, now));
        continue;
      }
      const at = pollDueAt(s, svc);
      if (at === undefined || at > now || now >= hardStop) continue;
    }
    try {
      await record(s, svc, await deps.appRunner.describeService(svc.arn), deps);
    } catch (error) {
      onCallFailure(s, svc, error, deps);
    }
  }
}

/** Records a freshly read status and acts on what it means. */
async function record(
  s: BatchState,
  svc: TrackedService,
  info: ServiceInfo,
  deps: EngineDeps,
): Promise<void> {
  const now = deps.clock.now();
  svc.polls++;
  if (svc.phase === 'PROBING') {
    statusWhileProbing(s, svc, info.status, now);
    return;
  }
  svc.status = info.status;
  if (info.url) svc.url = info.url;
  try {
    let verdict: AfterStatus = afterStatus(svc, info.status, s.run.action);
    if (verdict.kind === 'look-up-operation') {
      verdict = afterOperationLookup(
        svc,
        info.status,
        await findOperation(deps.appRunner, svc.arn, svc.operationId ?? ''),
      );
    }
    if (verdict.kind === 'unchanged') {
      svc.nextPollAt =
        svc.phase === 'WAITING' ? now + s.settings.pollIntervalSeconds * MS : nextPollAfterMiss(s, svc, now);
      return;
    }
    if (verdict.kind === 'act-now') {
      svc.phase = 'PENDING';
      svc.waitingFor = undefined;
      svc.nextPollAt = undefined;
      return;
    }
    if (verdict.kind !== 'finish') return;
    if (verdict.outcome === 'SUCCEEDED' && !verdict.notes?.length) learnFromEnd(s, svc, info);
    if (
      verdict.outcome === 'SUCCEEDED' &&
      info.status === 'RUNNING' &&
      s.run.action === 'resume' &&
      svc.phase === 'IN_FLIGHT'
    ) {
      await reachRunning(s, svc, info, deps);
      return;
    }
    finish(s, svc, verdict, now);
  } catch (error) {
    onCallFailure(s, svc, error, deps);
  }
}

/**
 * The operation ended as it should: learn how long it really took against its prediction (App Runner's
 * UpdatedAt is when it ended), so the rest of the run polls closer to the truth.
 */
function learnFromEnd(s: BatchState, svc: TrackedService, info: ServiceInfo): void {
  const p = svc.prediction;
  if (!p || p.samples === 0 || svc.operationStartedAt === undefined || info.updatedAt === undefined) return;
  const actual = (info.updatedAt - svc.operationStartedAt) / MS;
  if (actual <= 0) return;
  s.learned = [...(s.learned ?? []), Math.round((actual / p.expected) * 1000) / 1000].slice(-50);
}

/**
 * A resumed service is RUNNING. With a readiness probe to make, it now waits for two good answers in a row
 * (./probing.ts); without one, it is done.
 */
async function reachRunning(
  s: BatchState,
  svc: TrackedService,
  info: ServiceInfo,
  deps: EngineDeps,
): Promise<void> {
  const now = deps.clock.now();
  svc.runningAt = now;
  // A ready-by start allows for the warm-up from the operation's end, which a late look can be well after.
  if (s.run.readyBy !== undefined && info.updatedAt !== undefined && info.updatedAt < now) {
    svc.runningSince = info.updatedAt;
  }
  // The probe's path depends on the full service (health check, ingress), and the savings estimate on its
  // memory: read it when only a summary came.
  const needsProbePath =
    deps.probe !== undefined &&
    svc.readySkip === undefined &&
    svc.readyPath === undefined &&
    s.run.readyCheck !== 'none';
  const needsMemory = svc.pausedSince !== undefined && svc.memoryMb === undefined;
  if (needsProbePath || needsMemory) {
    const full = info.healthCheck ? info : await deps.appRunner.describeService(svc.arn);
    learnService(s, svc, full, deps);
  }
  if (needsProbePath && svc.readyPath === undefined && svc.readySkip === undefined) {
    svc.readySkip = 'App Runner gave no service URL';
  }
  await noteSavings(s, svc, deps);
  if (s.run.readyCheck === 'none') svc.readySkip = 'readyCheck none';
  if (!deps.probe) svc.readySkip ??= 'no readiness probe configured';
  if (svc.readySkip !== undefined) {
    finish(s, svc, { kind: 'finish', outcome: 'SUCCEEDED' }, now);
    return;
  }
  svc.phase = 'PROBING';
  svc.probeStreak = 0;
  svc.probes = 0;
  svc.nextProbeAt = now;
  svc.nextPollAt = now + PROBING_STATUS_SECONDS * MS;
}
