import type { ServiceStatus } from '../../lib/app-runner/port';
import { warmupMissNote } from '../../lib/contract/execution-result';
import { MAX_OBSERVED_WARMUP_SECONDS, warmupChanged } from '../../lib/contract/tags';
import { describeAnswer, isGoodAnswer } from '../../lib/readiness/probe';
import type { BatchState, TrackedService } from '../../lib/workflow/batch';
import { addNotes, type EngineDeps, finish } from './apply';
import { afterProbe } from './outcome';
import { probeDueAt } from './pacing';

/**
 * Readiness: RUNNING is not ready. A resumed service is probed over HTTP (its ServiceUrl and ready path)
 * until two answers in a row are below 500; the readiness time-out (./outcome.ts `limitReached`) ends it
 * FAILED NOT_READY. Probes are plain HTTP requests, not App Runner calls: they do not use the request budget,
 * and the ones due go out together.
 */

/** Probes at once at most this many services; more that are due go out in further groups of this size. */
const PROBES_AT_ONCE = 25;

/** Probes every service whose probe is due, in groups of {@link PROBES_AT_ONCE}. */
export async function probeDue(s: BatchState, deps: EngineDeps): Promise<void> {
  if (!deps.probe) return;
  const probed = new Set<TrackedService>();
  for (;;) {
    const now = deps.clock.now();
    const due = s.services
      .filter((svc) => {
        const at = probeDueAt(svc);
        return at !== undefined && at <= now && !probed.has(svc);
      })
      .slice(0, PROBES_AT_ONCE);
    if (due.length === 0) return;
    for (const svc of due) probed.add(svc);
    await probeGroup(s, due, deps);
  }
}

async function probeGroup(s: BatchState, due: TrackedService[], deps: EngineDeps): Promise<void> {
  const { clock } = deps;
  const probe = deps.probe;
  if (!probe) return;
  const timeoutMs = s.settings.probeTimeoutSeconds * 1000;
  await Promise.all(
    due.map(async (svc) => {
      const answer = await probe.probe(svc.url ?? '', svc.readyPath ?? '/', timeoutMs);
      record(s, svc, isGoodAnswer(answer), describeAnswer(answer), clock.now());
    }),
  );
}

/** What a status read means for a service being probed: still RUNNING, probe on; otherwise it is done. */
export function statusWhileProbing(
  s: BatchState,
  svc: TrackedService,
  status: ServiceStatus,
  now: number,
): void {
  if (status === 'RUNNING') {
    svc.nextPollAt = now + PROBING_STATUS_SECONDS * 1000;
    return;
  }
  svc.nextPollAt = undefined;
  svc.status = status;
  svc.readySkip = `the service left RUNNING (now ${status}) before it answered`;
  finish(s, svc, { kind: 'finish', outcome: 'SUCCEEDED', notes: [svc.readySkip] }, now);
}

/**
 * How often the status of a service being probed is read again: a service that keeps failing its probe may
 * no longer be running (another run paused it, a deployment began). A time, not a count of answers, so that
 * the reads of many slow starters fall together into one ListServices sweep (./watch.ts reads the status of
 * every probed service a sweep passes): 300 never-ready services cost ~1 request/s, not ~8.
 */
export const PROBING_STATUS_SECONDS = 20;

function record(s: BatchState, svc: TrackedService, good: boolean, answer: string, now: number): void {
  svc.probes = (svc.probes ?? 0) + 1;
  svc.lastProbe = answer;
  const verdict = afterProbe(svc, good, now, s.settings.probeIntervalSeconds);
  if (verdict.kind === 'ready') {
    svc.readyAt = now;
    noteWarmup(s, svc, now);
    finish(s, svc, { kind: 'finish', outcome: 'SUCCEEDED' }, now);
    return;
  }
  svc.probeStreak = verdict.streak;
  svc.nextProbeAt = verdict.at;
}

/**
 * A ready-by resume remembers the warm-up it observed (its operation's end → ready) for the next ready-by start,
 * when it differs noticeably from what the tag holds; ./warmup.ts writes it with spare request budget.
 */
function noteWarmup(s: BatchState, svc: TrackedService, now: number): void {
  const since = svc.runningSince ?? svc.runningAt;
  if (s.run.readyBy === undefined || since === undefined) return;
  const observed = Math.min(MAX_OBSERVED_WARMUP_SECONDS, Math.ceil((now - since) / 1000));
  if (!warmupChanged(svc.observedWarmupSeconds, observed)) return;
  svc.warmupToRecord = observed;
  // A miss the warm-up explains is said on the service's line (and so in the alert), for the person at 07:00.
  const allowed = svc.observedWarmupSeconds ?? s.settings.readyWarmupSeconds;
  if (now > Date.parse(s.run.readyBy) && observed > allowed) {
    const source =
      svc.observedWarmupSeconds === undefined ? 'READY_WARMUP_SECONDS' : 'its last ready-by wake-up';
    addNotes(svc, [warmupMissNote(observed, allowed, source)]);
  }
}
