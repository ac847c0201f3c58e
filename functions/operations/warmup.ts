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
  // While services are watched, at most a fifth of a second's request budget per round.
  const allowed = batchDone ? pending.length : Math.max(1, Math.floor(s.settings.requestsPerSecond / 5));
  for (const svc of pending.slice(0, allowed)) {
    if (deps.clock.now() >= hardStop) break;
    const seconds = svc.warmupToRecord as number;
    svc.warmupToRecord = undefined;
    try {
      await deps.appRunner.tagResource(svc.arn, { [OBSERVED_WARMUP_TAG]: String(seconds) });
    } catch (error) {
      deps.log.warn(
        'could not record the observed warm-up; the next ready-by start uses the configured one',
        {
          service: svc.name,
          warmupSeconds: seconds,
          error: (error as Error).message,
        },
      );
    }
  }
  const left = s.services.filter((svc) => svc.warmupToRecord !== undefined).length;
  if (batchDone && left > 0) {
    deps.log.warn('observed warm-ups not recorded: the invocation ran out of time', { left });
    for (const svc of s.services) svc.warmupToRecord = undefined;
  }
}
