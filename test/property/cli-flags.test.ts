import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../cli/exit-codes';
import { checkSetVariables, confirmRealRun, tunableNames } from '../../cli/lib/run-checks';
import { main } from '../../cli/main';
import { loadConfig } from '../../lib/runtime/config';

/** Runs the CLI in-process; returns the exit code and what it wrote to stderr. */
async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'apprunner-scheduler', ...args]);
    return { code, stderr };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('bad flags of the run command', () => {
  it('exits 2 naming the allowed actions for any action other than resume or pause', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('sleep', 'stop', 'RESUME', 'Pause', 'wake'),
          fc.stringMatching(/^[a-z]{1,10}$/).filter((a) => a !== 'resume' && a !== 'pause'),
        ),
        async (action) => {
          // Act
          const { code, stderr } = await cli('run', '--action', action);

          // Assess
          expect(code).toBe(ExitCode.Usage);
          expect(stderr).toContain(`argument '${action}' is invalid`);
          expect(stderr).toContain('Allowed choices are resume, pause');
          expect(stderr).toContain('--help');
        },
      ),
      { numRuns: 15 },
    );
  });

  it.each([
    { flags: ['--tag', 'novalue'], says: '--tag expects key=value, got "novalue"' },
    { flags: ['--tag', '=staging'], says: '--tag expects key=value' },
    { flags: ['--fault', 'bogus'], says: '--fault bogus:' },
    { flags: ['--fault', 'throttle,rate=2'], says: '--fault throttle,rate=2:' },
    { flags: ['--fault', 'slow,delayMs'], says: '--fault expects key=value' },
    { flags: ['--set', 'POLL_WINDOW_SECONDS'], says: '--set expects key=value' },
    { flags: ['--action', 'pause', '--until', '2h'], says: '--until only applies to --action resume' },
    { flags: ['--until', 'someday'], says: '--until "someday": expected an ISO-8601 time' },
    { flags: ['--bogus-flag'], says: "unknown option '--bogus-flag'" },
  ])('exits 2 with a usage message for run $flags', async ({ flags, says }) => {
    // Act
    const { code, stderr } = await cli('run', '--quiet', ...flags);

    // Assess
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(says);
  });
});

/** Runs the CLI in-process; returns the exit code, stdout and stderr. */
async function cliAll(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'apprunner-scheduler', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('run checks every flag before anything starts', () => {
  it.each([
    {
      flags: ['--set', 'POLL_MIN_DELAY_SECONDS=-5'],
      says: '--set POLL_MIN_DELAY_SECONDS=-5: must be at least 1',
    },
    { flags: ['--set', 'MAX_POLLS=many'], says: '--set MAX_POLLS=many: must be a number' },
    {
      flags: ['--set', 'POLL_MIN_DELAY_SECONDS=90', '--set', 'POLL_MAX_DELAY_SECONDS=60'],
      says: '--set POLL_MIN_DELAY_SECONDS=90: must not exceed POLL_MAX_DELAY_SECONDS',
    },
    { flags: ['--set', 'NOPE=1'], says: '--set NOPE: not a function variable' },
    {
      flags: ['--set', 'POLL_WINDOW_SECOND=0'],
      says: '--set POLL_WINDOW_SECOND: not a function variable (did you mean POLL_WINDOW_SECONDS?)',
    },
    {
      flags: ['--fault', 'operation-fails:nosuch'],
      says: '--fault operation-fails:nosuch: no service nosuch in the fleet (sample)',
    },
    {
      flags: ['--fault', 'operation-fails:workr'],
      says: '--fault operation-fails:workr: no service workr in the fleet (sample), did you mean worker?',
    },
    {
      flags: ['--fault', 'slow-ready'],
      says: '--fault slow-ready: the slow-ready fault needs delayMs (e.g. slow-ready,delayMs=…)',
    },
    {
      flags: ['--fault', 'slow:worker,delayMs=soon'],
      says: '--fault slow:worker,delayMs=soon: the slow fault: delayMs: Invalid input: expected number',
    },
    {
      flags: ['--fault', 'throttle,rat=1'],
      says: '--fault throttle,rat=1: the throttle fault has no key rat (keys: operations, rate,',
    },
    { flags: ['--fault', 'thrott'], says: '--fault thrott: no fault type "thrott" (did you mean throttle?)' },
    { flags: ['--aws'], says: '--aws needs explicit targets: --service, --arn or --tag' },
    {
      flags: ['--aws', '--tag', 'env=staging'],
      says: '--aws acts on a real AWS account (resume the services tagged env=staging in us-east-1); add --yes to confirm',
    },
    { flags: ['--action', 'pause', '--ready-by', '10m'], says: '--ready-by only applies to --action resume' },
    { flags: ['--ready-by', 'teatime'], says: '--ready-by "teatime": expected an ISO-8601 time' },
    { flags: ['--ready-by', '2d'], says: 'readyBy (--ready-by): is more than 12 hours ahead' },
    {
      flags: ['--until', '10m', '--ready-by', '2h'],
      says: 'keepAwakeUntil (--until): must be later than readyBy (--ready-by)',
    },
    { flags: ['--ready-check', 'ping'], says: "argument 'ping' is invalid. Allowed choices are http, none" },
  ])(
    'exits 2 for run $flags, naming the problem, with no stack trace and no emulator',
    async ({ flags, says }) => {
      // Act
      const { code, stdout, stderr } = await cliAll('run', '--quiet', ...flags);

      // Assess
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toContain(says);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).not.toContain('App Runner emulator at');
    },
  );

  it('refuses every variable name that is not a function tunable', async () => {
    const known = tunableNames();
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Z][A-Z_]{2,24}$/).filter((name) => !known.includes(name)),
        async (name) => {
          // Act
          const { code, stderr } = await cliAll('run', '--quiet', '--set', `${name}=1`);

          // Assess
          expect(code).toBe(ExitCode.Usage);
          expect(stderr).toContain(`--set ${name}: not a function variable`);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('accepts every tunable at its default value', () => {
    // Prepare
    const defaults = loadConfig({ AWS_REGION: 'us-east-1' }) as Record<string, unknown>;

    // Act
    const check = () =>
      // An optional tunable's default is "not set" (undefined once parsed), which --set spells as empty.
      checkSetVariables(
        Object.fromEntries(tunableNames().map((name) => [name, String(defaults[name] ?? '')])),
      );

    // Assess
    expect(tunableNames()).toContain('MAX_POLLS');
    expect(check).not.toThrow();
  });
});

describe('run --aws asks before acting on a real account', () => {
  it('goes on when the person types yes, and not otherwise', async () => {
    // Prepare
    const asked: string[] = [];
    const answer = (text: string) => async (question: string) => {
      asked.push(question);
      return text;
    };

    // Act
    const yes = confirmRealRun('pause the services tagged env=staging', {
      interactive: true,
      ask: answer('yes\n'),
    });
    const no = confirmRealRun('pause the services tagged env=staging', {
      interactive: true,
      ask: answer('y'),
    });

    // Assess
    await expect(yes).resolves.toBeUndefined();
    await expect(no).rejects.toThrow('not confirmed; nothing was done.');
    expect(asked[0]).toContain('This will pause the services tagged env=staging in your real AWS account.');
  });
});
