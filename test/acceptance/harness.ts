import { join } from 'node:path';
import { metricSum } from '../../cli/local/capture';
import { type LocalRunResult, runLocalExecution } from '../../cli/local/executor';
import {
  type Emulator,
  type EmulatorCall,
  type FaultSpec,
  type FleetSpec,
  startEmulator,
} from '../../emulator/index';
import type { ServiceResult } from '../../lib/contract/execution-result';
import { systemClock } from '../../lib/runtime/clock';
import { type PackageResult, packageStack, removePackage } from '../deploy/package-stack';
import { LambdaPool } from './lambda-pool';
import { ACCOUNT, type PackagedStack, REGION, readPackagedStack } from './packaged-stack';
import { accessKeyOf, prepareSandbox, type Sandbox } from './sandbox';
import {
  type PublishedMessage,
  startSnsRecorder,
  startSsmStandIn,
  startXrayDaemon,
  type TraceSegment,
} from './stand-ins';

export { ACCOUNT, REGION } from './packaged-stack';

/**
 * Tunables the acceptance stage is packaged with (`--param`, as any stage may set them). App Runner
 * operations here take seconds instead of minutes, so the polling timings shrink by about as much: the
 * first poll after 1 s (not 20), polls inside a function for 2 s (not 40), so that the Wait/Check loop
 * runs as it does in AWS. Everything else ships as it is.
 */
export const PACKAGE_PARAMS = {
  pollInitialDelaySeconds: '1',
  pollMinDelaySeconds: '1',
  pollIntervalSeconds: '1',
  pollWindowSeconds: '2',
  // Ready-by runs plan each start from these; seconds, not minutes, for a real-time test.
  readyWarmupSeconds: '1',
  readyByMarginSeconds: '10',
};

/** What `osls package` shipped, unpacked once per test file. */
export interface Shipped {
  pkg: PackageResult;
  stack: PackagedStack;
  sandbox: Sandbox;
  /** Every App Runner and tagging API call of every run so far, each with the key that signed it. */
  signedCalls: EmulatorCall[];
}

/** Packages the stack for stage "test" with {@link PACKAGE_PARAMS} and unpacks its functions. */
export async function packageShipped(): Promise<Shipped> {
  const pkg = await packageStack({ params: PACKAGE_PARAMS });
  if (!pkg.ok) throw new Error(`osls package failed:\n${pkg.output}`);
  try {
    const stack = readPackagedStack(pkg, 'apprunner-scheduler-test');
    const sandbox = await prepareSandbox(stack, join(pkg.dir, 'sandbox'));
    return { pkg, stack, sandbox, signedCalls: [] };
  } catch (error) {
    await removePackage(pkg);
    throw error;
  }
}

export async function removeShipped(shipped: Shipped | undefined): Promise<void> {
  if (shipped) await removePackage(shipped.pkg);
}

export interface ShippedScenario {
  /** App Runner services (region and account are the stack's). */
  fleet: Omit<FleetSpec, 'region' | 'accountId'>;
  input: unknown;
  faults?: FaultSpec[];
  /** SSM parameters the functions can read (the stage's freeze); any other name is not found. */
  parameters?: Record<string, string>;
  /** Called once the emulator and the functions are ready, before the execution starts. */
  prepare?: (world: { emulator: Emulator; pool: LambdaPool }) => void;
}

export interface ShippedRun {
  result: LocalRunResult;
  emulator: Emulator;
  pool: LambdaPool;
  /** What the functions published to SNS. */
  alerts: PublishedMessage[];
  /** The trace segments the functions sent to the X-Ray daemon. */
  traces: TraceSegment[];
  /** SSM parameters the functions read, in order. */
  parameterReads: string[];
  /** Outcome (and reason) per service name, e.g. `{ api: 'SUCCEEDED', web: 'SKIPPED OPTED_OUT' }`. */
  outcomes(): Record<string, string>;
  /** The one report line of a service; throws unless there is exactly one. */
  line(name: string): ServiceResult;
  /** Calls the emulator answered, optionally of one operation and/or about one service (by name). */
  calls(op?: string, serviceName?: string): EmulatorCall[];
  /** A metric summed over the EMF the functions printed. */
  metric(name: string): number;
  /** Invocations per function, as the local runner counted them. */
  invocations(): Record<string, number>;
  /** What the functions printed that is not an INFO/DEBUG log line or a metric: warnings, errors, raw text. */
  problems(): string[];
}

/**
 * Runs the packaged definition with the packaged functions against a fresh emulator, in real time: the
 * functions' own clocks and Step Functions' Wait states are not simulated here.
 */
export async function runShipped(shipped: Shipped, scenario: ShippedScenario): Promise<ShippedRun> {
  const emulator = await startEmulator({
    fleet: { ...scenario.fleet, region: REGION, accountId: ACCOUNT },
    clock: systemClock,
  });
  for (const fault of scenario.faults ?? []) emulator.injectFault(fault);
  const sns = await startSnsRecorder(Object.values(shipped.stack.topics));
  const xray = await startXrayDaemon();
  const ssm = await startSsmStandIn(scenario.parameters ?? {});
  const pool = new LambdaPool(shipped.stack, shipped.sandbox, {
    AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
    // The emulator also answers the Resource Groups Tagging API (Plan's tag selection) on its one port.
    AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API: emulator.endpoint,
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    // The contract's way to reach services' readiness through one endpoint: the emulator answers by Host.
    READY_CHECK_ENDPOINT_URL: emulator.endpoint,
    AWS_XRAY_DAEMON_ADDRESS: xray.address,
  });
  let result: LocalRunResult;
  try {
    scenario.prepare?.({ emulator, pool });
    result = await runLocalExecution(scenario.input, {
      clock: systemClock,
      definition: shipped.stack.definition,
      functions: pool.invokers(),
      env: { AWS_REGION: REGION },
    });
  } finally {
    await Promise.all([pool.stop(), sns.stop(), ssm.stop(), xray.stop(), emulator.stop()]);
    shipped.signedCalls.push(...emulator.calls, ...emulator.taggingCalls);
  }
  const nameOf = (c: EmulatorCall) => c.serviceArn?.split('/')[1];
  const lines = (name: string) => result.report?.services.filter((s) => s.serviceName === name) ?? [];
  return {
    result,
    emulator,
    pool,
    alerts: sns.published,
    traces: xray.segments,
    parameterReads: ssm.reads,
    outcomes: () =>
      Object.fromEntries(
        (result.report?.services ?? []).map((s) => [
          s.serviceName,
          `${s.outcome}${s.reason ? ` ${s.reason}` : ''}`,
        ]),
      ),
    line: (name) => {
      const found = lines(name);
      if (found.length !== 1) throw new Error(`expected one report line for ${name}, found ${found.length}`);
      return found[0]!;
    },
    calls: (op, serviceName) =>
      emulator.calls.filter(
        (c) => (op === undefined || c.op === op) && (serviceName === undefined || nameOf(c) === serviceName),
      ),
    metric: (name) => metricSum(pool.emf(), name),
    invocations: () =>
      Object.fromEntries(Object.entries(result.invocations).map(([id, stats]) => [id, stats.count])),
    problems: () => pool.output.filter(({ line }) => isProblem(line)).map(({ fn, line }) => `${fn}: ${line}`),
  };
}

function isProblem(line: string): boolean {
  try {
    const doc = JSON.parse(line) as Record<string, unknown>;
    return !('_aws' in doc) && doc.level !== 'INFO' && doc.level !== 'DEBUG';
  } catch {
    return true;
  }
}

/**
 * Resolves when the emulator answers one of `ops` from now on (real time, bounded): "the function is
 * polling" for a fault that must strike mid-poll.
 */
export function untilCall(emulator: Emulator, ops: string[], timeoutMs = 30_000): Promise<void> {
  const from = emulator.calls.length;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const look = () => {
      if (emulator.calls.slice(from).some((c) => ops.includes(c.op))) resolve();
      else if (Date.now() - started > timeoutMs)
        reject(new Error(`no ${ops.join('/')} call within ${timeoutMs} ms`));
      else setTimeout(look, 5);
    };
    look();
  });
}

/**
 * The IAM action of each call each function made (by the key its container signed with), e.g.
 * `{ PlanLambdaFunction: ['apprunner:ListServices', 'tag:GetResources'] }`.
 */
export function actionsByFunction(shipped: Shipped): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const { fn, action } of callsByFunction(shipped)) {
    const actions = out[fn] ?? new Set<string>();
    actions.add(action);
    out[fn] = actions;
  }
  return Object.fromEntries(Object.entries(out).map(([fn, actions]) => [fn, [...actions].sort()]));
}

/** Each signed call with the function that made it (by its key), its IAM action, and the tag keys it wrote. */
export function callsByFunction(shipped: Shipped): Array<{ fn: string; action: string; tagKeys: string[] }> {
  const byKey = new Map(Object.keys(shipped.stack.functions).map((id) => [accessKeyOf(id), id]));
  return shipped.signedCalls.map((call) => {
    const input = (call.input ?? {}) as { Tags?: Array<{ Key?: string }>; TagKeys?: string[] };
    return {
      fn: call.accessKeyId ? (byKey.get(call.accessKeyId) ?? `unknown key ${call.accessKeyId}`) : 'unsigned',
      action: `${call.api === 'tagging' ? 'tag' : 'apprunner'}:${call.op}`,
      tagKeys: [...(input.Tags ?? []).map((t) => t.Key ?? ''), ...(input.TagKeys ?? [])],
    };
  });
}
