import type { BatchState, TrackedService } from '../../lib/workflow/batch';

/**
 * When each service of a batch is next due — to start, to have its history read, to be polled, to be
 * probed — and how long the batch sleeps: pure functions of the batch and the clock's `now`, shared by the
 * in-function loop (./engine.ts) and the Wait state (`nextCheckAt`), so both follow one rule.
 *
 * Polling follows each operation's own predicted window (./prediction.ts): no poll before the operation can
 * plausibly be done, then one every `pollIntervalSeconds` while it may end any moment, then less and less
 * often once it is late. A service without a prediction is polled from `initialDelaySeconds` on.
 */

/** Extra seconds an invocation may spend finishing calls after its poll window (Lambda timeout: 120 s). */
export const WORK_MARGIN_SECONDS = 30;

/** ListServices returns at most this many services a page. */
const SERVICES_PER_PAGE = 20;

const MS = 1000;

/** Whether the batch reads its services' histories before polling them (ListOperations, one call each). */
export function usesHistory(s: BatchState): boolean {
  return s.settings.predictFromHistory;
}

/**
 * When a service's history should be read: before planning its start (ready-by), and before its first poll
 * (in flight) — once no other service waits to be started: starts come first, they set the run's pace.
 * Until then an operation is due on the defaults; ./watch.ts reads its history instead of describing it
 * alone (the same one request, and it says when a poll is worth it), while a ListServices sweep, at 1/20
 * of a request a service, may cover it on the defaults.
 */
export function historyDueAt(
  s: BatchState,
  svc: TrackedService,
  now: number,
  startsPending: boolean,
): number | undefined {
  if (!usesHistory(s) || svc.prediction) return undefined;
  if (svc.phase === 'IN_FLIGHT') return startsPending ? undefined : now;
  if (svc.phase === 'PENDING' && s.run.readyBy && svc.notBefore === undefined) return now;
  return undefined;
}

/**
 * When a pending service may be acted on: its ready-by start, or now. Undefined while its start is unknown
 * (a ready-by start is planned first: ./watch.ts `readHistories`).
 */
function startDueAt(s: BatchState, svc: TrackedService): number | undefined {
  if (svc.phase !== 'PENDING') return undefined;
  if (s.run.readyBy && svc.notBefore === undefined) return undefined;
  return svc.notBefore ?? Number.NEGATIVE_INFINITY;
}

/** When a service's status is next worth reading. */
export function pollDueAt(s: BatchState, svc: TrackedService): number | undefined {
  if (svc.phase === 'WAITING') return svc.nextPollAt ?? Number.NEGATIVE_INFINITY;
  // Probing: only when a run of bad answers asks whether it is still RUNNING (./probing.ts).
  if (svc.phase === 'PROBING') return svc.nextPollAt;
  if (svc.phase !== 'IN_FLIGHT') return undefined;
  return svc.nextPollAt ?? firstPollAt(s, svc);
}

/** When a resumed service's readiness is next probed. */
export function probeDueAt(svc: TrackedService): number | undefined {
  if (svc.phase !== 'PROBING') return undefined;
  return svc.nextProbeAt ?? svc.runningAt ?? Number.NEGATIVE_INFINITY;
}

/**
 * The first poll of an operation: at its predicted earliest end — or at the typical end when the window is
 * narrower than one poll interval (one poll then usually finds it done) — never before `minDelaySeconds`.
 */
function firstPollAt(s: BatchState, svc: TrackedService): number {
  const started = svc.operationStartedAt ?? Number.NEGATIVE_INFINITY;
  const p = svc.prediction;
  if (!p || p.samples === 0) return started + s.settings.initialDelaySeconds * MS;
  const narrow = p.expected - p.low <= s.settings.pollIntervalSeconds;
  const first = narrow ? p.expected : p.low;
  return started + Math.max(s.settings.minDelaySeconds, first) * MS;
}

/**
 * The next poll after one that found the operation still in progress: every poll interval while it may end
 * any moment; once past its latest plausible end, a quarter of how late it is (the prediction was wrong: the
 * run stops spending requests on it at the same rate), within the Wait state's bounds.
 */
export function nextPollAfterMiss(s: BatchState, svc: TrackedService, now: number): number {
  const { pollIntervalSeconds, maxDelaySeconds } = s.settings;
  const interval = pollIntervalSeconds * MS;
  const p = svc.prediction;
  if (!p || p.samples === 0 || svc.operationStartedAt === undefined) return now + interval;
  const late = now - (svc.operationStartedAt + p.high * MS);
  if (late <= 0) return now + interval;
  return now + Math.min(maxDelaySeconds * MS, Math.max(interval, late / 4));
}

export function inFlightCount(s: BatchState): number {
  return s.services.filter((svc) => svc.phase === 'IN_FLIGHT').length;
}

/** Pending services whose start has come, in start order. */
export function startable(s: BatchState, now: number): TrackedService[] {
  const due: Array<{ svc: TrackedService; at: number }> = [];
  for (const svc of s.services) {
    const at = startDueAt(s, svc);
    if (at !== undefined && at <= now) due.push({ svc, at });
  }
  return due.sort((a, b) => a.at - b.at).map((d) => d.svc);
}

/**
 * True when a pending service may start now (its start has come, within the in-flight limit). O(services):
 * callers that ask for every service compute it once.
 */
export function canStartMore(s: BatchState, now: number): boolean {
  if (inFlightCount(s) >= s.settings.maxInFlight) return false;
  return s.services.some((svc) => {
    const at = startDueAt(s, svc);
    return at !== undefined && at <= now;
  });
}

/** Services whose status is worth reading now. */
export function dueForPoll(s: BatchState, now: number): TrackedService[] {
  return s.services.filter((svc) => {
    const at = pollDueAt(s, svc);
    return at !== undefined && at <= now;
  });
}

/** Requests a full ListServices sweep of the batch's region takes: as last seen, else from its size. */
export function sweepPages(s: BatchState): number {
  return s.sweepPages ?? Math.ceil(s.regionServiceCount / SERVICES_PER_PAGE) + 1;
}

/** True when one ListServices sweep reads these services cheaper than a DescribeService each. */
export function sweepIsCheaper(s: BatchState, due: number): boolean {
  return due > sweepPages(s);
}

/**
 * Milliseconds between poll rounds: none needed when a round costs little, but a round that would use more
 * than its share of the request budget waits for it (a quarter of the budget while services are still
 * starting, 90 % after) — so a large sweep never starves the starts: each start that waits delays the end of
 * the run by as much (at 1,000 services a half share made the run end 15–90 s later; docs/BENCHMARKS.md).
 */
export function roundSpacing(s: BatchState, now: number): number {
  const due = dueForPoll(s, now).length;
  const cost = Math.min(due, sweepPages(s));
  const share = canStartMore(s, now) ? 0.25 : 0.9;
  return (cost / (s.settings.requestsPerSecond * share)) * MS;
}

/**
 * When the batch next has something to do: a start, a history read, a poll or a probe. A pending service at
 * the in-flight limit is not due: it waits for an operation to end.
 */
function earliestDue(s: BatchState, now: number): number {
  let due = Number.POSITIVE_INFINITY;
  const room = inFlightCount(s) < s.settings.maxInFlight;
  const startsPending = canStartMore(s, now);
  for (const svc of s.services) {
    const start = room ? startDueAt(s, svc) : undefined;
    for (const at of [start, historyDueAt(s, svc, now, startsPending), pollDueAt(s, svc), probeDueAt(svc)]) {
      if (at !== undefined) due = Math.min(due, Math.max(at, now));
    }
  }
  return due;
}

/** When the next in-function round is worth doing: something is due, and the budget allows a poll round. */
export function nextRoundAt(s: BatchState, lastPollRound: number, now: number): number {
  const due = earliestDue(s, now);
  const polls = dueForPoll(s, Math.max(now, due)).length > 0;
  return polls ? Math.max(due, lastPollRound + roundSpacing(s, Math.max(now, due))) : due;
}

/**
 * When the Wait state should end: when something is next due, no sooner than the minimum delay and — while
 * operations are being watched — no later than the maximum; a start planned for later (ready-by) is waited
 * for in one go. Never past the earliest deadline by more than the minimum delay: a deadline must be seen.
 */
export function nextCheckAt(s: BatchState, now: number): number {
  const { minDelaySeconds, maxDelaySeconds } = s.settings;
  const due = earliestDue(s, now);
  const watching = s.services.some((svc) => ['WAITING', 'IN_FLIGHT', 'PROBING'].includes(svc.phase));
  const whole = (ms: number) => Math.ceil(ms / MS) * MS;
  let at = whole(Number.isFinite(due) ? due : now + maxDelaySeconds * MS);
  if (watching || !Number.isFinite(due)) at = Math.min(at, now + maxDelaySeconds * MS);
  const open = s.services.filter((svc) => svc.phase !== 'DONE');
  const deadline =
    open.length > 0 ? Math.min(...open.map((svc) => deadlineOf(s, svc))) : s.settings.deadlineAt;
  if (Number.isFinite(deadline)) at = Math.min(at, Math.max(now + minDelaySeconds * MS, whole(deadline)));
  return Math.max(now + minDelaySeconds * MS, at);
}

/** A delay in whole seconds, rounded up (as the batch reports the Wait state's delay to people). */
export function wholeSeconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / MS));
}

/**
 * A service's deadline: the batch's, or — for a service started later (ready-by) — as long after its own
 * start. A service probing for readiness is bounded by the readiness time-out instead (./outcome.ts).
 */
export function deadlineOf(s: BatchState, svc: TrackedService): number {
  if (svc.phase === 'PROBING') return (svc.runningAt ?? 0) + s.settings.readyTimeoutSeconds * MS;
  const own = svc.notBefore !== undefined ? svc.notBefore + s.settings.operationDeadlineSeconds * MS : 0;
  return Math.max(s.settings.deadlineAt, own);
}
