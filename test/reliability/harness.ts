import { metricSum } from '../../cli/local/capture';
import type { LocalRunOptions, LocalRunResult } from '../../cli/local/executor';
import { type LambdaFailure, lambdaFailure } from '../../cli/local/lambda-failures';
import type { FaultSpec, FleetSpec } from '../../emulator/index';
import type { ExecutionReport, ServiceResult } from '../../lib/contract/execution-result';
import { startWorld as startSupportWorld, type World } from '../support/world';

export { ACCOUNT, arnOf, REGION, T0, type World } from '../support/world';

/**
 * Tunables of every row. The SDK's own retries back off in real time, so they are left to the workflow's
 * retries (which run on the run's clock); the row that proves both layers together sets it back.
 */
export const ROW_ENV: Record<string, string> = {
  APPRUNNER_SDK_MAX_ATTEMPTS: '1',
};

/** A world whose runs use the rows' tunables ({@link ROW_ENV}) unless a row overrides them. */
export function startWorld(fleet: FleetSpec, faults: FaultSpec[] = []): Promise<World> {
  return startSupportWorld(fleet, faults, ROW_ENV);
}

/** Runs one execution in a fresh world and stops the emulator afterwards. */
export async function runRow(
  fleet: FleetSpec,
  input: unknown,
  options: Omit<LocalRunOptions, 'appRunnerEndpoint' | 'clock'> & { faults?: FaultSpec[] } = {},
): Promise<{ world: World; result: LocalRunResult }> {
  const { faults, ...runOptions } = options;
  const world = await startWorld(fleet, faults);
  try {
    const result = await world.run(input, runOptions);
    return { world, result };
  } finally {
    await world.stop();
  }
}

/** The one report line of a service; throws unless there is exactly one (nothing lost, nothing doubled). */
export function lineOf(report: ExecutionReport | undefined, serviceName: string): ServiceResult {
  const lines = report?.services.filter((s) => s.serviceName === serviceName) ?? [];
  if (lines.length !== 1) throw new Error(`expected one report line for ${serviceName}, got ${lines.length}`);
  return lines[0]!;
}

/** Outcome (and reason) per service name, e.g. `{ api: 'SUCCEEDED', web: 'FAILED OPERATION_FAILED' }`. */
export function outcomes(report: ExecutionReport | undefined): Record<string, string> {
  return Object.fromEntries(
    (report?.services ?? []).map((s) => [s.serviceName, `${s.outcome}${s.reason ? ` ${s.reason}` : ''}`]),
  );
}

/** The summary metrics of one run (from its EMF output), by name. */
export function summaryMetrics(result: LocalRunResult, action: string): Record<string, number> {
  return Object.fromEntries(
    ['ServicesTargeted', 'ServicesSucceeded', 'ServicesSkipped', 'ServicesFailed', 'ServicesTimedOut'].map(
      (m) => [m, metricSum(result.captured.emf, m, { Action: action })],
    ),
  );
}

/**
 * The summary metrics a report's lines call for: counted from the lines themselves, not from the report's
 * own summary (which the same code computes).
 */
export function expectedMetrics(report: ExecutionReport | undefined): Record<string, number> {
  const lines = report?.services;
  const count = (outcome: string) => (lines ? lines.filter((l) => l.outcome === outcome).length : -1);
  return {
    ServicesTargeted: lines ? lines.length : -1,
    ServicesSucceeded: count('SUCCEEDED'),
    ServicesSkipped: count('SKIPPED'),
    ServicesFailed: count('FAILED'),
    ServicesTimedOut: count('TIMED_OUT'),
  };
}

/** An error the state machine's Retry lists match by name, as Lambda or Step Functions would raise it. */
export function taskError(name: LambdaFailure, message: string): Error {
  return lambdaFailure(name, message);
}

/**
 * Resolves once `condition` holds, checking on every turn of the event loop (real time, bounded), so a
 * test can start a second execution at a chosen point of the first one. The VirtualClock may move on
 * meanwhile, exactly as it would for any other idle actor.
 */
export async function when(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
