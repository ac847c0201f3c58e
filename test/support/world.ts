import { type LocalRunOptions, type LocalRunResult, runLocalExecution } from '../../cli/local/executor';
import {
  type Emulator,
  type EmulatorCall,
  type FaultSpec,
  type FleetSpec,
  type OperationSnapshot,
  serviceIdFor,
  startEmulator,
} from '../../emulator/index';
import { VirtualClock } from '../../lib/runtime/clock';

// The world every workflow and reliability test runs in: the App Runner emulator and the real state
// machine with the real handlers, on one VirtualClock.

/** 2026-11-28T06:00:00Z: every test starts here. */
export const T0 = Date.UTC(2026, 10, 28, 6, 0, 0);
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** The ARN the emulator gives a fleet service of this name (or, with `id`, an ARN that need not exist). */
export function arnOf(name: string, id = serviceIdFor(ACCOUNT, REGION, name)): string {
  return `arn:aws:apprunner:${REGION}:${ACCOUNT}:service/${name}/${id}`;
}

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

export async function startWorld(
  fleet: FleetSpec,
  faults: FaultSpec[] = [],
  defaultEnv: Record<string, string> = {},
): Promise<World> {
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
        env: { ...defaultEnv, ...options.env },
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
