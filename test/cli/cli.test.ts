import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmulatorCommand } from '../../cli/commands/emulator';
import { buildProgram } from '../../cli/main';
import { type Emulator, SAMPLE_FLEET_PATH, startEmulator } from '../../emulator/index';
import { MAX_READY_BY_HOURS } from '../../lib/contract/execution-input';
import { NO_CREDENTIALS, runCli } from './helpers';

// The command line itself: help, usage errors, and the setup errors an on-call engineer meets first.

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:apprunner-scheduler-dev';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ fleet: SAMPLE_FLEET_PATH });
});

afterAll(async () => {
  await emulator?.stop();
});

/** Every command the program registers (a new command is held to the same help). */
const COMMANDS = (await buildProgram()).commands.map((c) => c.name());

describe('the apprunner-scheduler command line', () => {
  it('knows the commands it documents', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['wake', 'pause', 'status', 'savings', 'emulator']));
  });

  it.each(COMMANDS)('documents %s with examples and exit codes', async (command) => {
    // Act
    const run = await runCli([command, '--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(`Usage: apprunner-scheduler ${command}`);
    expect(run.out).toContain('Examples:');
    expect(run.out).toMatch(/Exit codes:/);
    expect(run.out).toContain(`$ apprunner-scheduler ${command}`);
  });

  it('states the --ready-by limit that the input contract enforces, in the help and the RUNBOOK', async () => {
    // Act
    const run = await runCli(['wake', '--help']);
    const runbook = readFileSync('docs/RUNBOOK.md', 'utf8');
    const section = runbook.slice(runbook.indexOf('## Ready by a time'), runbook.indexOf('## Keep it awake'));

    // Assess
    expect(run.out.replace(/\s+/g, ' ')).toContain(`at most ${MAX_READY_BY_HOURS} hours ahead`);
    expect(run.out).not.toContain('24 hours');
    expect(section).toContain(`At most ${MAX_READY_BY_HOURS} hours ahead`);
    expect(section).not.toContain('24 hours');
  });

  it('has a column for every on-call command in the RUNBOOK exit code table', () => {
    // Prepare
    const runbook = readFileSync('docs/RUNBOOK.md', 'utf8');
    const header = runbook
      .slice(runbook.indexOf('## Exit codes'))
      .split('\n')
      .find((l) => l.startsWith('| code'));

    // Assess
    // Every command but the local runner and the emulator, which are not on-call tools.
    for (const command of COMMANDS.filter((c) => c !== 'run' && c !== 'emulator')) {
      expect(header).toContain(`\`${command}\``);
    }
  });

  it('lists every command in the main help with the exit codes and where the workflow is found', async () => {
    // Act
    const run = await runCli(['--help']);

    // Assess
    expect(run.code).toBe(0);
    for (const command of COMMANDS) {
      expect(run.out).toMatch(new RegExp(`\\n  ${command} `));
    }
    expect(run.out).toContain('Exit codes: 0 success, 1 some service failed');
    expect(run.out).toContain('$APPRUNNER_SCHEDULER_STATE_MACHINE_ARN');
    expect(run.out.replace(/\s+/g, ' ')).toContain(
      'AWS_ENDPOINT_URL_APPRUNNER / _SFN / _CLOUDFORMATION / _SSM / _SCHEDULER redirect a service',
    );
  });

  it.each([
    [['wake'], "error: missing required argument 'service'"],
    [['wake', 'api-staging', '--bogus'], "error: unknown option '--bogus'"],
    [['pause', 'api-staging', '--until', '4h'], "error: unknown option '--until'"],
    [
      ['wake', 'api-staging', '--poll-seconds', 'soon'],
      "option '--poll-seconds <n>' argument 'soon' is invalid",
    ],
    [['wake', 'api-staging', '--timeout', '0s'], "option '--timeout <duration>' argument '0s' is invalid"],
    [['schedules', '--count', '0'], "option '-n, --count <n>' argument '0' is invalid"],
  ])('exits 2 with usage for %j', async (args, message) => {
    // Act
    const run = await runCli(args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(run.err).toContain('(add --help for usage)');
  });

  it.each([
    ['a duration with a unit it does not know', '4 hours', '--until "4 hours": expected an ISO-8601 time'],
    ['an unknown time zone', '08:00 Mars/Olympus', 'unknown time zone "Mars/Olympus"'],
    ['a lease beyond 31 days', '40d', 'keepAwakeUntil (--until): is more than 31 days ahead'],
  ])('exits 2 before any AWS call for --until with %s', async (_what, until, message) => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(
      ['wake', 'api-staging', '--until', until, '--state-machine-arn', STATE_MACHINE],
      {
        AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
      },
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(emulator.calls).toEqual([]);
  });

  it('exits 2 before any AWS call for a --until that ends before --ready-by, naming both flags', async () => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(
      ['wake', 'api-staging', '--until', '10m', '--ready-by', '2h', '--state-machine-arn', STATE_MACHINE],
      { AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint },
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      'error: invalid input: keepAwakeUntil (--until): must be later than readyBy (--ready-by): the keep-awake lease would end before the services are due ready',
    );
    expect(emulator.calls).toEqual([]);
  });

  it.each([
    [['schedules', '--from', '2026-02-30T00:00:00Z'], '--from "2026-02-30T00:00:00Z": not a real date'],
    [
      ['history', '--since', '2026-02-30T00:00:00Z'],
      "argument '2026-02-30T00:00:00Z' is invalid. not a real date",
    ],
    [
      ['savings', '--since', '2026-11-31T00:00:00Z'],
      "argument '2026-11-31T00:00:00Z' is invalid. not a real date",
    ],
    [
      ['wake', 'api-staging', '--until', '2026-12-32T08:00:00Z'],
      '--until "2026-12-32T08:00:00Z": not a real date',
    ],
    [
      ['freeze', '--reason', 'x', '--until', '2026-12-01T25:00Z'],
      '--until "2026-12-01T25:00Z": not a real date',
    ],
  ])('exits 2 for an impossible date instead of rolling it over: %j', async (args, message) => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(args, { AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint });

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(run.out).toBe('');
    expect(emulator.calls).toEqual([]);
  });

  it('refuses a --requested-by the input contract does not allow, naming the field and flag', async () => {
    // Act
    const run = await runCli([
      'wake',
      'api-staging',
      '--requested-by',
      'Alice Smith',
      '--state-machine-arn',
      STATE_MACHINE,
    ]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('invalid input: requestedBy (--requested-by): may contain letters, digits');
  });

  it('exits 2 and says how to set a region when none is configured', async () => {
    // Act
    const run = await runCli(['status'], {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: '/nonexistent/config',
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('error: No AWS region is configured.');
    expect(run.err).toContain('hint: Pass --region (e.g. --region eu-west-1), or export AWS_REGION');
  });

  it('reads a local emulator with no region and no credentials configured (practice without AWS)', async () => {
    // Act
    const run = await runCli(['status', '--json'], {
      ...NO_CREDENTIALS,
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
    });

    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ region: 'us-east-1' });
  });

  it('prints its version', async () => {
    // Act
    const run = await runCli(['--version']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('uses the region of the state machine ARN for wake when no region is configured', async () => {
    // Act
    const run = await runCli(
      ['wake', 'nope-nope', '--state-machine-arn', STATE_MACHINE.replace('us-east-1', 'eu-west-1')],
      {
        AWS_REGION: undefined,
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
      },
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('No App Runner service "nope-nope" in eu-west-1');
  });

  it('exits 2 and says how to sign in when there are no credentials', async () => {
    // Act
    const run = await runCli(['wake', 'api-staging', '--state-machine-arn', STATE_MACHINE], {
      ...NO_CREDENTIALS,
      AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('error: No AWS credentials found.');
    expect(run.err).toContain(
      'hint: Sign in and point the CLI at the account: `aws sso login --profile <profile>`',
    );
    expect(run.err).not.toMatch(/\n\s+at /);
  });

  it('exits 1 and names the endpoint variable when Step Functions cannot be reached', async () => {
    // Act
    const run = await runCli(['wake', 'api-staging', '--state-machine-arn', STATE_MACHINE], {
      AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
      AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:9',
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain('error: Cannot reach Step Functions');
    expect(run.err).toContain('If AWS_ENDPOINT_URL_SFN is set, check it.');
  });
});

describe('apprunner-scheduler emulator', () => {
  it.each([
    [
      'a host name that does not resolve',
      ['--host', 'no.such.host.invalid', '--port', '0'],
      /ENOTFOUND|EAI_AGAIN/,
    ],
    ['an address that is not one of this machine', ['--host', '192.0.2.1', '--port', '0'], /EADDRNOTAVAIL/],
  ])('exits 2 saying it cannot listen, without a stack trace, for %s', async (_what, flags, code) => {
    // Prepare
    const lines: string[] = [];
    const [, host = '', , port = '0'] = flags;

    // Act
    const exit = await runEmulatorCommand(
      { host, port: Number(port), quiet: true },
      { out: (line) => lines.push(line), err: (line) => lines.push(line) },
    );

    // Assess
    expect(exit).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Cannot listen on ${host}:0: `);
    expect(lines[0]).toMatch(code);
  });
});

describe('the installed binary (bin/apprunner-scheduler.js)', () => {
  const node = (args: string[], env: Record<string, string | undefined> = {}) => {
    const merged: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete merged[k];
      else merged[k] = v;
    }
    return spawnSync(process.execPath, ['bin/apprunner-scheduler.js', ...args], {
      env: merged,
      encoding: 'utf8',
      timeout: 30_000,
    });
  };

  it('prints the help and exits 0', () => {
    // Act
    const child = node(['--help']);

    // Assess
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('Usage: apprunner-scheduler [options] [command]');
    expect(child.stdout).toContain('wake [options] <service...>');
  });

  it('exits 2 with a message and no stack trace when there are no credentials', () => {
    // Act
    // (App Runner at its real endpoint: a local endpoint would need no credentials.)
    const child = node(['status'], { ...NO_CREDENTIALS, AWS_ENDPOINT_URL_APPRUNNER: undefined });

    // Assess
    expect(child.status).toBe(2);
    expect(child.stderr).toContain('error: No AWS credentials found.');
    expect(child.stderr).not.toMatch(/\n\s+at /);
    expect(child.stdout).toBe('');
  });
});
