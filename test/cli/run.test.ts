import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../emulator/index';
import { runCli } from './helpers';

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
});
