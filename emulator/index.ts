import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Clock, systemClock } from '../lib/runtime/clock';
import {
  type EmulatorBehaviour,
  type FaultSpec,
  type FleetSpec,
  loadFleetFile,
  type ServiceSpec,
} from './fleet';
import { AppRunnerModel, type ResolvedBehaviour, type ServiceSnapshot } from './model';
import { createAppRunnerServer, type EmulatorCall, type EmulatorProbe } from './server';

export type { AutoScalingConfiguration } from './auto-scaling';
export type { ResolvedDurations } from './durations';
export { type ApiErrorType, AppRunnerApiError, capMessage, MAX_ERROR_MESSAGE_LENGTH } from './errors';
export {
  type AutoScalingConfigSpec,
  DEFAULT_AUTO_SCALING,
  type DurationsSpec,
  type EmulatorBehaviour,
  type FaultSpec,
  type FaultType,
  type FleetSpec,
  FleetValidationError,
  type HistoryOperationSpec,
  type HistorySpec,
  loadFleetFile,
  type OperationType,
  parseFault,
  parseFleet,
  type ServiceSpec,
  type ServiceStatus,
} from './fleet';
export {
  AppRunnerModel,
  type OperationSnapshot,
  type OperationStatus,
  type ProbeAnswer,
  parseServiceArn,
  type ResolvedBehaviour,
  type ServiceSnapshot,
  serviceIdFor,
} from './model';
export type { EmulatorCall, EmulatorProbe } from './server';

/** The demo fleet (`npm start`, and the `emulator` command's default). */
export const SAMPLE_FLEET_PATH = fileURLToPath(new URL('./fleets/sample.yaml', import.meta.url));

export interface EmulatorOptions {
  /** A fleet object or the path of a fleet file (JSON or YAML). Default: an empty fleet. */
  fleet?: FleetSpec | string;
  /** Default {@link systemClock}; tests pass a ManualClock or VirtualClock. */
  clock?: Clock;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Called after each API request is answered, App Runner's and the tagging API's (the CLI logs calls with it). */
  onCall?: (call: EmulatorCall) => void;
  /** Called after each request to a service's URL is answered. */
  onProbe?: (probe: EmulatorProbe) => void;
}

/** A running App Runner emulator. */
export interface Emulator {
  /** e.g. http://127.0.0.1:45123 — pass as the SDK's `endpoint`, `AWS_ENDPOINT_URL_APPRUNNER`, or `--endpoint-url`. */
  readonly endpoint: string;
  readonly port: number;
  readonly clock: Clock;
  readonly accountId: string;
  readonly region: string;
  /** Every App Runner API request answered so far, in order (requests to service URLs are in `probes`). */
  readonly calls: readonly EmulatorCall[];
  /** Every Resource Groups Tagging API request (GetResources) answered so far, in order; not App Runner's. */
  readonly taggingCalls: readonly EmulatorCall[];
  /** Every request to a service's URL (by Host) answered so far, in order. */
  readonly probes: readonly EmulatorProbe[];
  /** The state model behind the server (for direct inspection). */
  readonly model: AppRunnerModel;
  /** The realism switches now in force. */
  readonly options: Readonly<ResolvedBehaviour>;
  /** A service by name or ARN; names look in `region` (default: the default region, then any). */
  service(nameOrArn: string, region?: string): ServiceSnapshot | undefined;
  services(): ServiceSnapshot[];
  addServices(...specs: ServiceSpec[]): ServiceSnapshot[];
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  setOptions(partial: EmulatorBehaviour): void;
  /** Forgets the calls (App Runner's and the tagging API's) recorded so far. */
  clearCalls(): void;
  /** Forgets the probes recorded so far. */
  clearProbes(): void;
  stop(): Promise<void>;
}

/** Starts the emulator on `host:port` (default 127.0.0.1, a free port). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = options.clock ?? systemClock;
  const source = typeof options.fleet === 'string' ? options.fleet : '(inline)';
  const fleet = typeof options.fleet === 'string' ? loadFleetFile(options.fleet) : (options.fleet ?? {});
  const model = new AppRunnerModel(fleet, clock, source);
  const calls: EmulatorCall[] = [];
  const taggingCalls: EmulatorCall[] = [];
  const probes: EmulatorProbe[] = [];
  const server = createAppRunnerServer(model, {
    onCall: (call) => {
      (call.api === 'tagging' ? taggingCalls : calls).push(call);
      options.onCall?.(call);
    },
    onProbe: (probe) => {
      probes.push(probe);
      options.onProbe?.(probe);
    },
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let stopped: Promise<void> | undefined;

  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    clock,
    accountId: model.accountId,
    region: model.defaultRegion,
    calls,
    taggingCalls,
    probes,
    model,
    get options() {
      return model.options;
    },
    service: (nameOrArn, region) => model.snapshot(nameOrArn, region),
    services: () => model.snapshots(),
    addServices: (...specs) => model.addServices(...specs),
    injectFault: (fault) => model.injectFault(fault),
    clearFaults: () => model.faults.clear(),
    setOptions: (partial) => model.setOptions(partial),
    clearCalls: () => {
      calls.length = 0;
      taggingCalls.length = 0;
    },
    clearProbes: () => {
      probes.length = 0;
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SDK clients keep connections alive; don't wait for them to time out.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
