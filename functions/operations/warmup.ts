import { OBSERVED_WARMUP_TAG } from '../../lib/contract/tags';
import type { BatchState } from '../../lib/workflow/batch';
import type { EngineDeps } from './apply';

/**
 * Writes the warm-ups that ready-by resumes observed (./probing.ts) to each service's observed-warmup tag,
 * for the next ready-by start. Lowest priority: a few a round while services are still being watched (the
 * polls and probes that decide outcomes come first), the rest once the batch is done, never past
 * `hardStop`. Best effort: a write that fails is logged, never the service's outcome; an unwritten one is
 * observed again next time.
 */
export async function recordWarmups(s: BatchState, deps: EngineDeps, hardStop: number): Promise<void> {
  const pending = s.services.filter((svc) => svc.warmupToRecord !== undefined);
  if (pending.length === 0) return;
  const batchDone = s.services.every((svc) => svc.phase === 'DONE');
  // While services are watched, a fifth of the per-second request budget per round, at least one write.
  const allowed = batchDone ? pending.length : Math.max(1, Math.floor(s.settings.requestsPerSecond / 5));
  let written = 0;
  for (const svc of pending.slice(0, allowed)) {
    if (deps.clock.now() >= hardStop) break;
    const seconds = svc.warmupToRecord as number;
    svc.warmupToRecord = undefined;
    written++;
    try {
      await deps.appRunner.tagResource(svc.arn, { [OBSERVED_WARMUP_TAG]: String(seconds) });
    } catch (error) {
      deps.log.warn(
        'could not record the observed warm-up; the next ready-by start uses what the tag holds',
        {
          service: svc.name,
          warmupSeconds: seconds,
          error: (error as Error).message,
        },
      );
    }
  }
  if (batchDone && written < pending.length) {
    deps.log.warn('observed warm-ups not recorded: the invocation ran out of time', {
      left: pending.length - written,
    });
    for (const svc of pending) svc.warmupToRecord = undefined;
  }
}
