import {
  type Emulator,
  type EmulatorCall,
  type FaultSpec,
  type FleetSpec,
  type OperationSnapshot,
  serviceIdFor,
  startEmulator,
} from '../../emulator/index';
import { VirtualClock } from '../../lib/clock';
import type { ExecutionReport, ServiceResult } from '../../lib/contracts';
import { metricSum } from '../../lib/local/capture';
import { type LocalRunOptions, type LocalRunResult, runLocalExecution } from '../../lib/local/executor';

/** 2026-11-28T06:00:00Z: every row starts here, on one VirtualClock shared by the emulator and the runs. */
export const T0 = Date.UTC(2026, 10, 28, 6, 0, 0);
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/**
 * Tunables of every row. The SDK's own retries back off in real time, so they are left to the workflow's
 * retries (which run on the run's clock); the row that proves both layers together sets it back.
 */
export const ROW_ENV: Record<string, string> = {
  APPRUNNER_SDK_MAX_ATTEMPTS: '1',
};

/** An emulator on a fresh VirtualClock; `run` starts executions against it on the same clock. */
export interface World {
  emulator: Emulator;
  clock: VirtualClock;
  /** Runs the real state machine and handlers against this world's emulator, on its clock. */
  run(
    input: unknown,
    options?: Omit<LocalRunOptions, 'appRunnerEndpoint' | 'clock'>,
  ): Promise<LocalRunResult>;
  /** Calls the emulator answered, optionally one operation and/or one service (by name). */
  calls(op?: string, serviceName?: string): EmulatorCall[];
  /** Pause/Resume operations started during the row, oldest first (those the fleet began with excluded). */
  operationsStarted(serviceName: string, type?: 'RESUME_SERVICE' | 'PAUSE_SERVICE'): OperationSnapshot[];
  /** ResumeService/PauseService calls that App Runner accepted (HTTP 200), per service name. */
  acceptedActions(op: 'ResumeService' | 'PauseService'): Record<string, number>;
  stop(): Promise<void>;
}

export async function startWorld(fleet: FleetSpec, faults: FaultSpec[] = []): Promise<World> {
  const clock = new VirtualClock(T0);
  const emulator = await startEmulator({ fleet, clock });
  for (const fault of faults) emulator.injectFault(fault);
  const fromFleet = new Set(emulator.services().flatMap((s) => s.operations.map((o) => o.id)));
  const nameOf = (c: EmulatorCall) => c.serviceArn?.split('/')[1];
  return {
    emulator,
    clock,
    run: (input, options = {}) =>
      runLocalExecution(input, {
        ...options,
        env: { ...ROW_ENV, ...options.env },
        appRunnerEndpoint: emulator.endpoint,
        clock,
      }),
    calls: (op, serviceName) =>
      emulator.calls.filter(
        (c) => (op === undefined || c.op === op) && (serviceName === undefined || nameOf(c) === serviceName),
      ),
    operationsStarted: (serviceName, type) => {
      const service = emulator.service(serviceName);
      if (!service) throw new Error(`no service ${serviceName} in the fleet`);
      return service.operations
        .filter(
          (o) =>
            !fromFleet.has(o.id) &&
            (type === undefined
              ? o.type === 'RESUME_SERVICE' || o.type === 'PAUSE_SERVICE'
              : o.type === type),
        )
        .sort((a, b) => a.startedAt - b.startedAt);
    },
    acceptedActions: (op) => {
      const counts: Record<string, number> = {};
      for (const c of emulator.calls) {
        if (c.op !== op || c.httpStatus !== 200) continue;
        const name = nameOf(c) ?? '?';
        counts[name] = (counts[name] ?? 0) + 1;
      }
      return counts;
    },
    stop: () => emulator.stop(),
  };
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

/** The metrics a report's summary should produce. */
export function expectedMetrics(report: ExecutionReport | undefined): Record<string, number> {
  const s = report?.summary;
  return {
    ServicesTargeted: s?.targeted ?? -1,
    ServicesSucceeded: s?.succeeded ?? -1,
    ServicesSkipped: s?.skipped ?? -1,
    ServicesFailed: s?.failed ?? -1,
    ServicesTimedOut: s?.timedOut ?? -1,
  };
}

/** The ARN the emulator gives a fleet service of this name. */
export function arnOf(name: string): string {
  return `arn:aws:apprunner:${REGION}:${ACCOUNT}:service/${name}/${serviceIdFor(ACCOUNT, REGION, name)}`;
}

/** An error the state machine's Retry lists match by name, as Lambda or Step Functions would raise it. */
export function taskError(name: 'Lambda.Unknown' | 'States.Timeout', message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
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
