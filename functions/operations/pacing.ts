import type { BatchState, TrackedService } from '../../lib/workflow/batch';

/**
 * When a batch polls, and how long it sleeps: pure functions of the batch and the clock's `now`, shared by
 * the in-function loop (./engine.ts) and the Wait state's delay (`nextDelaySeconds`), so both follow one
 * rule of "when is something due".
 */

/** Extra seconds an invocation may spend finishing calls after its poll window (Lambda timeout: 120 s). */
export const WORK_MARGIN_SECONDS = 30;

/** Beyond this many seconds to the next poll, a batch returns to the state machine's Wait state. */
export const DEFAULT_IN_FUNCTION_MAX_SLEEP_SECONDS = 10;

/** ListServices returns at most this many services a page. */
export const SERVICES_PER_PAGE = 20;

/** Services whose status is worth reading now: waiting ones, and operations old enough to be done. */
export function dueForPoll(s: BatchState, now: number): TrackedService[] {
  const young = s.settings.initialDelaySeconds * 1000;
  return s.services.filter(
    (svc) =>
      svc.phase === 'WAITING' ||
      (svc.phase === 'IN_FLIGHT' && (svc.operationStartedAt ?? Number.NEGATIVE_INFINITY) + young <= now),
  );
}

export function inFlightCount(s: BatchState): number {
  return s.services.filter((svc) => svc.phase === 'IN_FLIGHT').length;
}

/** True when a pending service may start now (within the in-flight limit). */
export function canStartMore(s: BatchState): boolean {
  return inFlightCount(s) < s.settings.maxInFlight && s.services.some((svc) => svc.phase === 'PENDING');
}

/** Requests a full ListServices sweep of the batch's region takes (one extra for a trailing empty page). */
export function sweepPages(s: BatchState): number {
  return Math.ceil(s.regionServiceCount / SERVICES_PER_PAGE) + 1;
}

/** How many requests one poll round costs: a ListServices sweep, or one DescribeService per service. */
function pollCost(s: BatchState, due: number): number {
  return Math.min(due, sweepPages(s));
}

/**
 * Milliseconds between poll rounds: the poll interval, or longer when a round would use more than its
 * share of the request budget (half of it while services are still being started, 90 % after).
 */
export function refreshPeriod(s: BatchState, now: number): number {
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
export function earliestDue(s: BatchState, now: number): number {
  const young = s.settings.initialDelaySeconds * 1000;
  let due = canStartMore(s) ? now : Number.POSITIVE_INFINITY;
  for (const svc of s.services) {
    if (svc.phase === 'WAITING') due = Math.min(due, now);
    else if (svc.phase === 'IN_FLIGHT') due = Math.min(due, (svc.operationStartedAt ?? now) + young);
  }
  return due;
}

/** When the next in-function poll round is worth doing: something is due, and the budget allows a round. */
export function nextPollAt(s: BatchState, lastRefresh: number, now: number): number {
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
