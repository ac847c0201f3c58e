import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { faultKeys } from '../../cli/lib/run-checks';
import { type Emulator, startEmulator } from '../../emulator/index';
import { closedPort, NO_CREDENTIALS, runCli } from './helpers';

// `run --aws`: the real workflow run in-process against "real" App Runner — here the emulator, reached the
// way real AWS is (the SDK's own endpoint resolution through AWS_ENDPOINT_URL_APPRUNNER and its credential
// chain), with a service in a region other than us-east-1.

const FLEET = `accountId: "123456789012"
region: us-east-1
services:
  - name: api-europe
    region: eu-west-1
    status: PAUSED
    tags: { env: staging }
  - name: api-america
    status: PAUSED
    tags: { env: staging }
`;

let emulator: Emulator;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-aws-'));
  const fleet = join(dir, 'fleet.yaml');
  writeFileSync(fleet, FLEET);
  emulator = await startEmulator({ fleet });
  env = {
    AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: '/nonexistent/config',
  };
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(() => {
  emulator.clearCalls();
});

describe('apprunner-scheduler run --help', () => {
  it('lists every emulator fault type with its keys, and says slow-ready delays are real milliseconds', async () => {
    // Act
    const run = await runCli(['run', '--help']);

    // Assess
    expect(run.code).toBe(0);
    const types = faultKeys();
    expect(types.map((t) => t.type)).toContain('slow-ready');
    for (const { type, required, optional } of types) {
      const line = run.out.split('\n').find((l) => l.trimStart().startsWith(`${type} `));
      expect(line, type).toBeDefined();
      for (const key of required) expect(line).toContain(`${key}=…`);
      for (const key of optional) expect(line).toContain(`[${key}]`);
    }
    expect(types.find((t) => t.type === 'slow-ready')?.required).toEqual(['delayMs']);
    expect(run.out).toContain('delayMs (slow, slow-ready) is real milliseconds, also on the simulated clock');
  });
});

describe('apprunner-scheduler run --aws', () => {
  it.each([
    ['AWS_REGION', { AWS_REGION: 'eu-west-1' }, []],
    ['--region over AWS_REGION', { AWS_REGION: 'us-east-1' }, ['--region', 'eu-west-1']],
  ])('acts in the region from %s and says which', async (_from, regionEnv, flags) => {
    // Act
    const run = await runCli(
      ['run', '--aws', '--service', 'api-europe', '--dry-run', '--yes', '--quiet', ...flags],
      { ...env, ...regionEnv },
    );

    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('AWS App Runner in eu-west-1 · resume · real clock');
    expect(run.out).toMatch(/api-europe +SKIPPED +DRY_RUN/);
    expect(run.out).toMatch(/Execution SUCCEEDED in \S+ of real time in eu-west-1 · \d+ state transitions/);
    expect(run.out).not.toMatch(/· *$/m);
    expect(emulator.calls.length).toBeGreaterThan(0);
    expect(new Set(emulator.calls.map((c) => c.region))).toEqual(new Set(['eu-west-1']));
  });

  it('refuses --region without --aws', async () => {
    // Act
    const run = await runCli(['run', '--quiet', '--region', 'eu-west-1']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('--region only applies with --aws');
  });

  it('exits 2 before anything starts when there are no credentials, and does not ask', async () => {
    // Act
    const run = await runCli(['run', '--aws', '--service', 'api-europe', '--region', 'eu-west-1'], {
      ...env,
      ...NO_CREDENTIALS,
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('error: No AWS credentials found.');
    expect(run.err).toContain('hint: Sign in and point the CLI at the account');
    expect(run.err).not.toContain('add --yes to confirm');
    expect(run.out).toBe('');
    expect(emulator.calls).toEqual([]);
  });

  it('says what it checks first, and exits 1 in seconds naming the endpoint variable when App Runner cannot be reached', async () => {
    // Prepare
    const started = Date.now();

    // Act
    const run = await runCli(['run', '--aws', '--service', 'api-europe', '--yes', '--region', 'eu-west-1'], {
      ...env,
      AWS_ENDPOINT_URL_APPRUNNER: `http://127.0.0.1:${await closedPort()}`,
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toBe('Checking App Runner in eu-west-1…\n');
    expect(run.err).toContain('error: Cannot reach App Runner (App Runner ListServices: ECONNREFUSED');
    expect(run.err).toContain('If AWS_ENDPOINT_URL_APPRUNNER is set, check it.');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
