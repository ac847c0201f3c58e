import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { AppRunnerClient, type AppRunnerClientConfig } from '@aws-sdk/client-apprunner';
import { type Emulator, type FleetSpec, startEmulator } from '../../emulator/index';
import { ManualClock } from '../../lib/runtime/clock';

/** 2026-11-28T06:00:00Z, the ManualClock's default start. */
export const T0 = Date.UTC(2026, 10, 28, 6, 0, 0);

/** A small fleet covering every starting state the conformance tests need. */
export const contractFleet: FleetSpec = {
  accountId: '123456789012',
  region: 'us-east-1',
  defaults: { durations: { resume: 60, pause: 30 } },
  services: [
    {
      name: 'api-staging',
      status: 'PAUSED',
      tags: { env: 'staging', team: 'platform' },
      durations: { resume: 45 },
    },
    { name: 'web-staging', status: 'RUNNING', tags: { env: 'staging' }, durations: { pause: 20 } },
    { name: 'worker', status: 'PAUSED', tags: { env: 'staging' } },
    { name: 'deploying', inFlight: { type: 'START_DEPLOYMENT', elapsedSeconds: 30, durationSeconds: 90 } },
    { name: 'broken-create', status: 'CREATE_FAILED' },
    { name: 'broken-delete', status: 'DELETE_FAILED' },
    { name: 'eu-api', region: 'eu-west-1', status: 'PAUSED', tags: { env: 'staging' } },
  ],
};

export interface Harness {
  emulator: Emulator;
  clock: ManualClock;
  /** An SDK client on the emulator; `maxAttempts: 1` unless overridden, so each fault is seen once. */
  client(config?: Partial<AppRunnerClientConfig>): AppRunnerClient;
  arn(name: string, region?: string): string;
}

/** Starts an emulator on a random port with a ManualClock. Call `emulator.stop()` when done. */
export async function startHarness(fleet: FleetSpec = contractFleet): Promise<Harness> {
  const clock = new ManualClock(T0);
  const emulator = await startEmulator({ fleet, clock, port: 0 });
  return {
    emulator,
    clock,
    client: (config = {}) =>
      new AppRunnerClient({
        endpoint: emulator.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
        ...config,
      }),
    arn: (name, region) => {
      const service = emulator.service(name, region);
      if (!service) throw new Error(`no service ${name} in the fleet`);
      return service.arn;
    },
  };
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export interface HostAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One HTTP request to the emulator "as" a service: `Host` set to `host` (Node's fetch would drop it, so
 * this uses node:http). `timeoutMs` aborts a request that has not been answered by then.
 */
export function requestAs(
  endpoint: string,
  host: string,
  path = '/',
  options: { method?: string; timeoutMs?: number } = {},
): Promise<HostAnswer> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: { host } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            headers: res.headers,
          }),
        );
      },
    );
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () =>
        req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      );
    }
    req.on('error', reject);
    req.end();
  });
}

export interface CliResult {
  code: number;
  json: Record<string, unknown>;
  stderr: string;
}

/**
 * Runs the AWS CLI v1 (`aws <service> <args…>`) against `endpoint` in us-east-1 with test credentials and
 * JSON output; `env` adds to (or overrides) its environment.
 */
export function awsCli(
  service: string,
  args: string[],
  endpoint: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'aws',
      [service, ...args, '--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {}, stderr });
      },
    );
  });
}
