import { countingPort } from '../../lib/app-runner/port';
import type { BatchState } from '../../lib/workflow/batch';
import { type EngineDeps, settleLimits } from './apply';
import {
  canStartMore,
  dueForPoll,
  nextCheckAt,
  nextRoundAt,
  roundSpacing,
  WORK_MARGIN_SECONDS,
  wholeSeconds,
} from './pacing';
import { probeDue } from './probing';
import { startDue } from './start';
import { recordWarmups } from './warmup';
import { pollDue, readHistories } from './watch';

export type { EngineDeps } from './apply';
export { settleAfterFailure } from './settle';

/**
 * The batch engine behind the Start and Check steps. One round does, in order of urgency: the starts that
 * are due (resume/pause, join, wait, skip: ./start.ts), the histories that are due (ListOperations: each
 * service's predicted window and ready-by start: ./watch.ts), the polls that are due (./watch.ts) and the
 * readiness probes that are due (./probing.ts), and, with what budget is left, the warm-ups ready-by resumes
 * observed (./warmup.ts) — then sleeps in the function when the next thing is due soon,
 * or returns to the state machine's Wait state, which waits until `nextCheckAt`. What an observation means
 * for a service is decided by the pure rules of ./outcome.ts; when things are due, by ./pacing.ts.
 *
 * Start and Check run this same engine; Start right after Plan, Check after each Wait.
 */
export type Mode = 'start' | 'check';

/**
 * Moves a batch forward for up to `pollWindowSeconds` (plus a margin for calls under way). Each service's
 * errors end in that service's outcome only; the batch itself never throws for a service's sake.
 */
export async function advanceBatch(state: BatchState, given: EngineDeps): Promise<BatchState> {
  const s: BatchState = structuredClone(state);
  const deps: EngineDeps = { ...given, appRunner: countingPort(given.appRunner, () => s.requests++) };
  const { clock } = deps;
  const interval = s.settings.pollIntervalSeconds * 1000;
  const maxSleep = s.settings.inFunctionMaxSleepSeconds * 1000;
  const windowEnd = clock.now() + s.settings.pollWindowSeconds * 1000;
  // However slow App Runner gets, an invocation stops working here (well inside the Lambda timeout);
  // whatever it did not reach is taken up by the next Check.
  const hardStop = windowEnd + WORK_MARGIN_SECONDS * 1000;
  s.round += 1;
  let lastPollRound = Number.NEGATIVE_INFINITY;
  for (;;) {
    settleLimits(s, clock.now());
    // Each kind of work goes in slices of about one poll interval, so none starves the others.
    const slice = () => Math.min(hardStop, clock.now() + Math.max(interval, 1000));
    const progressed = await startDue(s, deps, slice());
    await readHistories(s, deps, slice());
    settleLimits(s, clock.now());
    if (
      dueForPoll(s, clock.now()).length > 0 &&
      clock.now() >= lastPollRound + roundSpacing(s, clock.now())
    ) {
      lastPollRound = clock.now();
      await pollDue(s, deps, hardStop);
    }
    await probeDue(s, deps);
    settleLimits(s, clock.now());
    await recordWarmups(s, deps, hardStop);
    if (s.services.every((svc) => svc.phase === 'DONE')) break;
    const now = clock.now();
    if (now >= windowEnd) break;
    if (progressed && canStartMore(s, now)) continue;
    // Sleep in the function only for short gaps; a long one is cheaper as a Wait state.
    const wakeAt = Math.max(now + 1, nextRoundAt(s, lastPollRound, now));
    if (wakeAt > windowEnd || wakeAt - now > maxSleep) break;
    await clock.sleep(wakeAt - now);
  }
  s.allDone = s.services.every((svc) => svc.phase === 'DONE');
  const now = clock.now();
  const next = s.allDone ? now : nextCheckAt(s, now);
  s.nextCheckAt = new Date(next).toISOString();
  s.nextDelaySeconds = wholeSeconds(next - now);
  return s;
}
