import { metricSum, metricValues } from '../../cli/local/capture';
import type { LocalRunResult } from '../../cli/local/executor';
import type { Emulator, EmulatorCall, FaultSpec, FleetSpec, ServiceSnapshot } from '../../emulator/index';
import type { AlertPublisher } from '../../lib/alerts';
import type { ServiceResult } from '../../lib/contract/execution-result';
import type { VirtualClock } from '../../lib/runtime/clock';
import { startWorld, T0 } from '../support/world';

export { ACCOUNT, arnOf, REGION, T0 } from '../support/world';

/** The App Runner calls that change something. */
export const MUTATING_OPS = ['ResumeService', 'PauseService', 'TagResource', 'UntagResource'] as const;

export interface Scenario {
  fleet: FleetSpec;
  input: unknown;
  /** Function environment overrides (tunables). */
  env?: Record<string, string>;
  /** Faults installed on the emulator right before the run. */
  faults?: FaultSpec[];
  alerts?: AlertPublisher;
}

export interface ScenarioRun {
  result: LocalRunResult;
  emulator: Emulator;
  clock: VirtualClock;
  /** Wall-clock milliseconds the run took. */
  realMs: number;
  /** The report line of a service (by name); fails the test if there is not exactly one. */
  outcome(name: string): ServiceResult;
  /** The emulator's view of a service now (after the run). */
  service(name: string): ServiceSnapshot;
  /** Calls answered by the emulator, optionally only one operation and/or one service (by name). */
  calls(op?: string, serviceName?: string): EmulatorCall[];
  /** A metric summed over the run's EMF output, with the Action dimension of the run. */
  metric(name: string): number;
  metricValues(name: string): number[];
}

/**
 * Starts an emulator with `fleet` on a fresh VirtualClock, runs the real state machine against it with the
 * real handlers, stops the emulator, and returns the result with a few lookup helpers.
 */
export async function runScenario(scenario: Scenario): Promise<ScenarioRun> {
  const world = await startWorld(scenario.fleet, scenario.faults);
  const { emulator, clock } = world;
  let result: LocalRunResult;
  const realStart = performance.now();
  try {
    result = await world.run(scenario.input, {
      env: scenario.env ?? {},
      ...(scenario.alerts ? { alerts: scenario.alerts } : {}),
    });
  } finally {
    await world.stop();
  }
  const realMs = performance.now() - realStart;
  const action = (scenario.input as { action?: string }).action ?? '';
  return {
    result,
    emulator,
    clock,
    realMs,
    outcome(name) {
      const lines = result.report?.services.filter((s) => s.serviceName === name) ?? [];
      if (lines.length !== 1) {
        throw new Error(`expected exactly one report line for ${name}, found ${lines.length}`);
      }
      return lines[0]!;
    },
    service(name) {
      const snapshot = emulator.service(name);
      if (!snapshot) throw new Error(`no service ${name} in the fleet`);
      return snapshot;
    },
    calls: world.calls,
    metric: (name) => metricSum(result.captured.emf, name, { Action: action }),
    metricValues: (name) => metricValues(result.captured.emf, name),
  };
}

/** The report's outcome counts as the summary metrics should show them. */
export function summaryMetrics(run: ScenarioRun): Record<string, number> {
  return Object.fromEntries(
    ['ServicesTargeted', 'ServicesSucceeded', 'ServicesSkipped', 'ServicesFailed', 'ServicesTimedOut'].map(
      (m) => [m, run.metric(m)],
    ),
  );
}

/** Seconds of clock time since T0. */
export function sinceT0(ms: number): number {
  return (ms - T0) / 1000;
}
