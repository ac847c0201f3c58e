import { regionOfArn } from '../../lib/app-runner/arn';
import type { Config } from '../../lib/runtime/config';
import type { BatchSettings, BatchState, TrackedService } from '../../lib/workflow/batch';
import type { RunInfo } from '../../lib/workflow/run';
import { minDelayWithinBudget } from './history-budget';

/** See makeBatches: a region Plan did not list. */
const UNKNOWN_REGION_SIZE = Number.MAX_SAFE_INTEGER;

/**
 * Groups the services to act on into batches (one region each, at most BATCH_SIZE services) with the settings
 * every step of a batch shares; the poll delay is raised where needed to keep the execution's history bounded.
 */
export function makeBatches(
  run: RunInfo,
  services: TrackedService[],
  regionSizes: Map<string, number>,
  config: Config,
  now: number,
): BatchState[] {
  const byRegion = new Map<string, TrackedService[]>();
  for (const svc of services) {
    const region = regionOfArn(svc.arn);
    const list = byRegion.get(region);
    if (list) list.push(svc);
    else byRegion.set(region, [svc]);
  }
  const chunks: Array<{ region: string; services: TrackedService[] }> = [];
  for (const [region, list] of byRegion) {
    for (let i = 0; i < list.length; i += config.BATCH_SIZE) {
      chunks.push({ region, services: list.slice(i, i + config.BATCH_SIZE) });
    }
  }
  const concurrent = Math.max(1, Math.min(config.MAX_BATCH_CONCURRENCY, chunks.length));
  // Keeps every execution's history bounded whatever the fleet size (see ./history-budget.ts).
  // A ready-by run starts its services over a span too (each at its own time, at most a deadline apart: a
  // longer lead would be a service that could not finish in time anyway): rounds over twice the deadline.
  const horizon = run.readyBy ? 2 * config.OPERATION_DEADLINE_SECONDS : config.OPERATION_DEADLINE_SECONDS;
  const minDelay = minDelayWithinBudget(
    chunks.length,
    horizon,
    config.POLL_MIN_DELAY_SECONDS,
    config.HISTORY_EVENT_BUDGET,
  );
  const settings: BatchSettings = {
    deadlineAt: now + config.OPERATION_DEADLINE_SECONDS * 1000,
    operationDeadlineSeconds: config.OPERATION_DEADLINE_SECONDS,
    maxPolls: config.MAX_POLLS,
    maxInFlight: config.MAX_CONCURRENT_OPERATIONS,
    // Batches running at the same time share the account's request budget.
    requestsPerSecond: Math.max(0.1, config.APPRUNNER_MAX_REQUESTS_PER_SECOND / concurrent),
    pollWindowSeconds: config.POLL_WINDOW_SECONDS,
    pollIntervalSeconds: config.POLL_INTERVAL_SECONDS,
    initialDelaySeconds: config.POLL_INITIAL_DELAY_SECONDS,
    minDelaySeconds: minDelay,
    maxDelaySeconds: Math.max(config.POLL_MAX_DELAY_SECONDS, minDelay),
    inFunctionMaxSleepSeconds: config.POLL_IN_FUNCTION_MAX_SLEEP_SECONDS,
    predictFromHistory: config.POLL_FROM_HISTORY,
    readyTimeoutSeconds: config.READY_TIMEOUT_SECONDS,
    probeIntervalSeconds: config.READY_PROBE_INTERVAL_SECONDS,
    probeTimeoutSeconds: config.READY_PROBE_TIMEOUT_SECONDS,
    readyWarmupSeconds: config.READY_WARMUP_SECONDS,
    readyByMarginSeconds: config.READY_BY_MARGIN_SECONDS,
    ...(config.PROVISIONED_PRICE_PER_GB_HOUR !== undefined
      ? { usdPerGbHour: config.PROVISIONED_PRICE_PER_GB_HOUR }
      : {}),
  };
  return chunks.map((chunk, index) => ({
    run,
    batchId: `${chunk.region}#${index + 1}`,
    region: chunk.region,
    // Unknown when Plan did not list the region (ARNs only): the batch then never sweeps it and
    // describes its services one by one.
    regionServiceCount: regionSizes.get(chunk.region) ?? UNKNOWN_REGION_SIZE,
    settings,
    services: chunk.services,
    round: 0,
    nextDelaySeconds: 0,
    allDone: false,
    requests: 0,
  }));
}
