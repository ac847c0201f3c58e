import { CONFIG_DEFAULTS } from '../../lib/runtime/config';
import type { BatchSettings, BatchState, TrackedService } from '../../lib/workflow/batch';

/** 2026-11-30T06:00:00Z: the default "now" of batch fixtures. */
export const BATCH_NOW = Date.UTC(2026, 10, 30, 6, 0, 0);

/** A tracked service; the i-th gets a unique name and ARN, and is IN_FLIGHT unless told otherwise. */
export function trackedService(i: number, partial: Partial<TrackedService> = {}): TrackedService {
  const name = partial.name ?? `svc-${String(i).padStart(4, '0')}`;
  return {
    arn: `arn:aws:apprunner:us-east-1:123456789012:service/${name}/${'0'.repeat(28)}${String(i).padStart(4, '0')}`,
    name,
    phase: 'IN_FLIGHT',
    status: 'OPERATION_IN_PROGRESS',
    polls: 0,
    transientErrors: 0,
    notes: [],
    ...partial,
  };
}

/**
 * A batch as Plan makes it, with the default settings (overridable), around `services` (filled in with
 * {@link trackedService}).
 */
export function batchState(
  services: Array<Partial<TrackedService>>,
  options: { now?: number; settings?: Partial<BatchSettings> } & Partial<
    Omit<BatchState, 'services' | 'settings'>
  > = {},
): BatchState {
  const { now = BATCH_NOW, settings, ...overrides } = options;
  return {
    run: {
      action: 'resume',
      dryRun: false,
      reason: '',
      requestedBy: 'user:alice',
      scheduled: false,
      startedAt: new Date(now).toISOString(),
    },
    batchId: 'us-east-1#1',
    region: 'us-east-1',
    regionServiceCount: services.length,
    settings: {
      deadlineAt: now + 900_000,
      operationDeadlineSeconds: 900,
      maxPolls: 400,
      maxInFlight: 1000,
      requestsPerSecond: 10,
      pollWindowSeconds: 40,
      pollIntervalSeconds: 3,
      initialDelaySeconds: 20,
      minDelaySeconds: 2,
      maxDelaySeconds: 60,
      inFunctionMaxSleepSeconds: CONFIG_DEFAULTS.POLL_IN_FUNCTION_MAX_SLEEP_SECONDS,
      // Unit batches poll on the defaults unless a test asks for histories.
      predictFromHistory: false,
      readyTimeoutSeconds: CONFIG_DEFAULTS.READY_TIMEOUT_SECONDS,
      probeIntervalSeconds: CONFIG_DEFAULTS.READY_PROBE_INTERVAL_SECONDS,
      probeTimeoutSeconds: CONFIG_DEFAULTS.READY_PROBE_TIMEOUT_SECONDS,
      readyWarmupSeconds: CONFIG_DEFAULTS.READY_WARMUP_SECONDS,
      readyByMarginSeconds: CONFIG_DEFAULTS.READY_BY_MARGIN_SECONDS,
      ...settings,
    },
    services: services.map((s, i) => trackedService(i, s)),
    round: 1,
    nextDelaySeconds: 0,
    allDone: false,
    requests: 0,
    ...overrides,
  };
}
