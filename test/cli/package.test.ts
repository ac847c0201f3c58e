import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main';

// Every command of the source's CLI but the local runner, which needs the checkout.
const installedCommands = (await buildProgram()).commands.map((c) => c.name()).filter((c) => c !== 'run');

// The package as a user installs it: `npm pack` (prepack builds the bundle), `npm install -g` into a
// temporary prefix with no network (the bundle carries every dependency), then the installed command run
// from a directory outside the checkout, with no AWS configuration at all.

const repo = resolve(import.meta.dirname, '..', '..');
let work: string;
let bin: string;
let outside: string;

/** An environment with nothing of AWS in it, and no way to reach the checkout's node_modules. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && k !== 'NODE_PATH' && k !== 'NODE_OPTIONS') env[k] = v;
  }
  return {
    ...env,
    HOME: outside,
    AWS_CONFIG_FILE: join(outside, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(outside, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

function installed(args: string[], extra: Record<string, string> = {}) {
  return spawnSync(bin, args, { cwd: outside, env: bareEnv(extra), encoding: 'utf8', timeout: 30_000 });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cli-package-'));
  outside = join(work, 'elsewhere');
  mkdirSync(outside);
  const packed = execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
  })
    .trim()
    .split('\n')
    .pop();
  const tarball = join(work, packed ?? '');
  execFileSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      join(work, 'prefix'),
      '--offline',
      '--no-audit',
      '--no-fund',
      tarball,
    ],
    { cwd: outside, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } },
  );
  bin = join(work, 'prefix', 'bin', 'apprunner-scheduler');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('holds the bundle and the entry point only: no TypeScript sources, no dependencies to install', () => {
    // Prepare
    const root = join(work, 'prefix', 'lib', 'node_modules', 'apprunner-scheduler');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

    // Assess
    expect(readdirSync(root).sort()).toEqual(['README.md', 'bin', 'dist', 'package.json']);
    expect(existsSync(join(root, 'dist', 'cli.mjs'))).toBe(true);
    expect(existsSync(join(root, 'dist', 'fleets', 'sample.yaml'))).toBe(true);
    expect(existsSync(join(root, 'node_modules'))).toBe(false);
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it('prints the version of package.json from any directory', () => {
    // Prepare
    const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };

    // Act
    const child = installed(['--version']);

    // Assess
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe(version);
  });

  it.each(installedCommands)('answers %s --help', (command) => {
    // Act
    const child = installed([command, '--help']);

    // Assess
    expect(child.status).toBe(0);
    expect(child.stdout).toContain(`Usage: apprunner-scheduler ${command}`);
  });

  it('says that run is a feature of the source checkout, with exit 2', () => {
    // Act
    const child = installed(['run']);

    // Assess
    expect(child.status).toBe(2);
    expect(child.stderr).toContain(
      '`run` (the workflow run locally against the emulator) is a development feature of the source checkout',
    );
    expect(child.stderr).toContain('npm ci && npm start');
    expect(child.stderr).toContain(
      `The installed CLI has ${installedCommands.slice(0, -1).join(', ')} and ${installedCommands.at(-1)}.`,
    );
  });

  it('serves the emulator, and status reads it with no AWS region or credentials configured', async () => {
    // Prepare
    const emulator: ChildProcess = spawn(bin, ['emulator', '--port', '0', '--quiet'], {
      cwd: outside,
      env: bareEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => emulator.once('exit', (code) => r(code)));
    try {
      const endpoint = await new Promise<string>((resolveEndpoint, reject) => {
        let seen = '';
        emulator.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          const m = /listening on (http:\/\/\S+)/.exec(seen);
          if (m?.[1]) resolveEndpoint(m[1]);
        });
        emulator.once('exit', () => reject(new Error(`emulator exited: ${seen}`)));
      });

      // Act
      const status = installed(['status', '--json'], { AWS_ENDPOINT_URL_APPRUNNER: endpoint });
      const text = installed(['status'], { AWS_ENDPOINT_URL_APPRUNNER: endpoint });

      // Assess
      expect(status.stderr).toBe('');
      expect(status.status).toBe(0);
      const printed = JSON.parse(status.stdout) as { region: string; services: Array<{ name: string }> };
      expect(printed.region).toBe('us-east-1');
      expect(printed.services).toHaveLength(9);
      // Outside a checkout, practising: no schedules to read, and it says so.
      expect(text.status).toBe(0);
      expect(text.stdout).toContain('No schedules read: NEXT is empty.');
      expect(text.stderr).toContain('no ./schedules.yml here either (--schedules <file> reads one)');
    } finally {
      emulator.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
