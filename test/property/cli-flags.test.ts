import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../cli/exit-codes';
import { main } from '../../cli/main';

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
