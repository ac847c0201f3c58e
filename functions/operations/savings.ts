import { estimatedSavingsUsd, provisionedPrice } from '../../lib/savings/price';
import type { BatchState, TrackedService } from '../../lib/workflow/batch';
import type { EngineDeps } from './apply';

/**
 * What pausing saved, noted on a resume that ends a paused interval: the hours since its last pause ended
 * (from its history) and, as a lower bound, those hours × MinSize × memory × the region's provisioned
 * GB-hour price (docs/DEPLOY.md "Savings estimate"). Best effort: anything unknown leaves the estimate out,
 * never the outcome.
 */
export async function noteSavings(s: BatchState, svc: TrackedService, deps: EngineDeps): Promise<void> {
  if (s.run.action !== 'resume' || svc.pausedSince === undefined || svc.operationStartedAt === undefined)
    return;
  const hours = (svc.operationStartedAt - svc.pausedSince) / 3_600_000;
  if (hours <= 0) return;
  svc.pausedHours = Math.round(hours * 100) / 100;
  const price = s.settings.usdPerGbHour ?? provisionedPrice(s.region)?.usdPerGbHour;
  if (price === undefined || svc.memoryMb === undefined || !svc.scalingArn) return;
  const minSize = await minSizeOf(s, svc.scalingArn, deps);
  if (minSize === undefined) return;
  const usd = estimatedSavingsUsd({
    pausedHours: hours,
    minSize,
    memoryMb: svc.memoryMb,
    usdPerGbHour: price,
  });
  svc.savingsUsd = Math.round(usd * 10_000) / 10_000;
}

/** MinSize of an auto scaling configuration, read once per batch (services mostly share one). */
async function minSizeOf(s: BatchState, arn: string, deps: EngineDeps): Promise<number | undefined> {
  const known = s.minSizes?.[arn];
  if (known !== undefined) return known;
  try {
    const { minSize } = await deps.appRunner.describeAutoScalingConfiguration(arn);
    s.minSizes = { ...s.minSizes, [arn]: minSize };
    return minSize;
  } catch (error) {
    deps.log.warn('could not read the auto scaling configuration; no savings estimate', {
      arn,
      error: (error as Error).message,
    });
    return undefined;
  }
}
