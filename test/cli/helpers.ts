import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { vi } from 'vitest';
import { main } from '../../cli/main';
import type { ExecutionReport } from '../../lib/contract/execution-result';
import { packagedInput } from '../../lib/schedules/schedule-input';
import type { Schedule } from '../../lib/schedules/schedules';
import type { BatchState, TrackedService } from '../../lib/workflow/batch';
import { type BatchWire, encodeBatch } from '../../lib/workflow/wire';
import { batchState } from '../support/batch';

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the CLI in-process through `main(argv)`, with `env` applied on top of the test environment (a
 * value of `undefined` removes the variable) and stdout/stderr captured.
 */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let out = '';
  let err = '';
  const collect = (sink: 'out' | 'err') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (sink === 'out') out += text;
      else err += text;
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation(collect('out'));
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(collect('err'));
  try {
    const code = await main(['node', 'apprunner-scheduler', ...args]);
    return { code, out, err };
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
    process.exitCode = undefined;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A port nothing listens on (connections are refused at once): an unreachable AWS endpoint. */
export async function closedPort(): Promise<number> {
  return freePort();
}

/** An endpoint that accepts connections and never answers: an AWS endpoint behind a black hole. */
export async function silentEndpoint(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface Moto {
  endpoint: string;
  sfn: SFNClient;
  /** Forgets every resource (state machines, executions, stacks); the configuration stays. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts moto's server (a real Step Functions API, and CloudFormation) on a free port, with state machine
 * execution switched on: moto then runs Pass, Choice, Wait and Fail states itself and records a real
 * history. (It cannot run Lambda tasks without Docker, so the tests' workflows are Pass/Fail stand-ins
 * that emit the same payloads as the real steps.)
 */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('moto_server exited during start-up (is moto installed?)');
    try {
      const res = await fetch(`${endpoint}/moto-api/config`, {
        method: 'POST',
        body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
      });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 20 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const sfn = new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    sfn,
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    stop: async () => {
      sfn.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

let machines = 0;

/**
 * Resets moto and creates a state machine in it. moto 5.2.1 fails every StartExecution after the first one
 * in a region with a 500 (`cannot pickle '_thread.RLock'`: it deep-copies the state machine, which holds the
 * backend and its running executions; getmoto/moto#10077, fixed by #10093), so each test starts from a
 * fresh backend and makes at most one execution.
 */
export async function createStateMachine(moto: Moto, definition: object): Promise<string> {
  await moto.reset();
  machines += 1;
  const out = await moto.sfn.send(
    new CreateStateMachineCommand({
      name: `apprunner-scheduler-test-${machines}-${Date.now()}`,
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::123456789012:role/apprunner-scheduler-test',
    }),
  );
  return out.stateMachineArn ?? '';
}

/** A service result line as the workflow writes it. */
export function result(
  name: string,
  outcome: ExecutionReport['services'][number]['outcome'],
  extra: Partial<ExecutionReport['services'][number]> = {},
): ExecutionReport['services'][number] {
  return {
    serviceArn: `arn:aws:apprunner:us-east-1:123456789012:service/${name}/${'0'.repeat(32)}`,
    serviceName: name,
    outcome,
    ...extra,
  };
}

/** A report with the summary computed from its services. */
export function report(action: 'resume' | 'pause', services: ExecutionReport['services']): ExecutionReport {
  const count = (o: string) => services.filter((s) => s.outcome === o).length;
  return {
    action,
    dryRun: false,
    reason: 'test',
    requestedBy: 'user:test',
    startedAt: '2026-11-28T03:01:00Z',
    finishedAt: '2026-11-28T03:02:14Z',
    summary: {
      targeted: services.length,
      succeeded: count('SUCCEEDED'),
      skipped: count('SKIPPED'),
      failed: count('FAILED'),
      timedOut: count('TIMED_OUT'),
    },
    services,
  };
}

/**
 * A stand-in for the deployed workflow that moto can run: Pass states named like the real ones emit a
 * Plan result and a batch state (what the Lambdas return), then the report, echoing the execution input's
 * action/reason/requestedBy; it ends like the real one — Succeed, or Fail with
 * AppRunnerScheduler.ServicesFailed and the report as the cause.
 */
export function standInWorkflow(final: ExecutionReport): object {
  const bad = final.summary.failed + final.summary.timedOut > 0;
  const batchServices = final.services.filter(
    (s) => s.reason !== 'ALREADY_RUNNING' && s.reason !== 'ALREADY_PAUSED',
  );
  const decided = final.services.filter((s) => !batchServices.includes(s));
  const tracked = (phase: TrackedService['phase'], status: TrackedService['status']) =>
    wireBatch(
      batchServices.map((s, i) => ({
        arn: s.serviceArn,
        name: s.serviceName,
        phase,
        status,
        polls: phase === 'PENDING' ? 0 : 1,
        ...(phase !== 'PENDING' ? { operationId: `op-${i + 1}` } : {}),
      })),
      { batchId: 'b1' },
    );
  return {
    Comment: 'Test stand-in for the App Runner Scheduler workflow (Pass/Fail states only)',
    StartAt: 'Plan the run',
    States: {
      'Plan the run': {
        Type: 'Pass',
        Parameters: {
          run: { 'action.$': '$.action', 'requestedBy.$': '$.requestedBy' },
          outcomes: decided,
          batches: [tracked('PENDING', final.action === 'resume' ? 'PAUSED' : 'RUNNING')],
        },
        Next: 'Start the operations',
      },
      'Start the operations': {
        Type: 'Pass',
        Result: tracked('IN_FLIGHT', 'OPERATION_IN_PROGRESS'),
        Next: 'Report the outcomes',
      },
      'Report the outcomes': {
        Type: 'Pass',
        Parameters: {
          ...Object.fromEntries(
            Object.entries(final).filter(([k]) => !['action', 'reason', 'requestedBy', 'dryRun'].includes(k)),
          ),
          'action.$': '$$.Execution.Input.action',
          'reason.$': '$$.Execution.Input.reason',
          'requestedBy.$': '$$.Execution.Input.requestedBy',
          'dryRun.$': '$$.Execution.Input.dryRun',
        },
        Next: 'Did every service end well?',
      },
      'Did every service end well?': {
        Type: 'Choice',
        Choices: [
          { Variable: '$.summary.failed', NumericGreaterThan: 0, Next: 'Some services need attention' },
        ],
        Default: bad ? 'Some services need attention' : 'All services ended well',
      },
      'Some services need attention': {
        Type: 'Fail',
        Error: 'AppRunnerScheduler.ServicesFailed',
        CausePath: 'States.JsonToString($)',
      },
      'All services ended well': { Type: 'Succeed' },
    },
  };
}

/** A stand-in whose Plan rejects the input, as the real Plan Lambda does (error name and Lambda-style cause). */
export function rejectingWorkflow(message: string): object {
  return {
    StartAt: 'Plan the run',
    States: {
      'Plan the run': {
        Type: 'Fail',
        Error: 'AppRunnerScheduler.InvalidInput',
        Cause: JSON.stringify({
          errorType: 'AppRunnerScheduler.InvalidInput',
          errorMessage: message,
          trace: [],
        }),
      },
    },
  };
}

/** A batch as the Start/Check functions return it (the compact wire form), built from tracked services. */
export function wireBatch(
  services: Array<Partial<TrackedService> & Pick<TrackedService, 'arn' | 'name' | 'phase' | 'status'>>,
  overrides: Partial<BatchState> = {},
): BatchWire {
  return encodeBatch(
    batchState(services, {
      now: Date.parse('2026-11-28T03:01:00Z'),
      regionServiceCount: 9,
      nextDelaySeconds: 20,
      requests: 3,
      ...overrides,
    }),
  );
}

/** No credentials anywhere in the SDK's chain, and no instance metadata to wait for. */
export const NO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * Deploys schedules into an EventBridge Scheduler group as packaging does (the group, then each schedule
 * with its cron, zone, state and packaged input), targeting a state machine in the client's region.
 */
export async function deploySchedules(
  scheduler: SchedulerClient,
  group: string,
  schedules: Schedule[],
  packagedAt: Date,
): Promise<void> {
  const region = await scheduler.config.region();
  await scheduler.send(new CreateScheduleGroupCommand({ Name: group }));
  for (const s of schedules) {
    const packaged = packagedInput(s, packagedAt);
    if ('problem' in packaged) throw new Error(packaged.problem);
    await scheduler.send(
      new CreateScheduleCommand({
        Name: s.name,
        GroupName: group,
        ScheduleExpression: s.cron,
        ScheduleExpressionTimezone: s.timezone,
        State: s.enabled ? 'ENABLED' : 'DISABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: `arn:aws:states:${region}:123456789012:stateMachine:${group}`,
          RoleArn: 'arn:aws:iam::123456789012:role/schedule-invoke',
          Input: packaged.text,
        },
      }),
    );
  }
}
