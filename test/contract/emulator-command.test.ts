import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppRunnerClient, ListServicesCommand } from '@aws-sdk/client-apprunner';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register, runEmulatorCommand } from '../../cli/commands/emulator';

// The `apprunner-scheduler emulator` command, driven in-process (stopped with an AbortSignal instead of SIGINT).

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

async function waitFor(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setImmediate(r));
  if (!predicate()) throw new Error('condition never became true');
}

const BIN = fileURLToPath(new URL('../../bin/apprunner-scheduler.js', import.meta.url));

/** Resolves with everything the stream carried once every process writing to it has closed it. */
function untilClosed(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return new Promise((resolve) => stream.on('end', () => resolve(text)));
}

/** Bounds a wait for another process (it never fails a test for being slow, only for never happening). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms),
    ),
  ]);
}

describe('apprunner-scheduler emulator', () => {
  it('serves the sample fleet, prints the endpoint, services and a ready-to-paste example, logs calls and exits 0 when stopped', async () => {
    // Prepare
    const { out, io } = capture();
    const stop = new AbortController();

    // Act
    const exit = runEmulatorCommand({ port: 0, host: '127.0.0.1' }, { ...io, signal: stop.signal });
    await waitFor(() => out.some((l) => l.startsWith('Press Ctrl+C')));
    const endpoint = /listening on (\S+)/.exec(out[0] ?? '')?.[1] ?? '';
    const client = new AppRunnerClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await client.send(new ListServicesCommand({}));
    stop.abort();
    const code = await exit;

    // Assess
    expect(code).toBe(0);
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const text = out.join('\n');
    expect(text).toContain('api-staging');
    expect(text).toContain(`aws apprunner list-services --endpoint-url ${endpoint} --region us-east-1`);
    expect(text).toContain(`AWS_ENDPOINT_URL_APPRUNNER=${endpoint}`);
    expect(out.some((l) => /ListServices\s+us-east-1\s+-\s+200$/.test(l))).toBe(true);
    expect(out.at(-1)).toBe('Stopped after 1 call(s).');
  });

  it('exits 2 with a message naming the bad field for an invalid fleet file', async () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'fleet-')), 'bad.yaml');
    writeFileSync(path, 'services:\n  - name: ok-name\n    status: SLEEPING\n');
    const { err, io } = capture();

    // Act
    const code = await runEmulatorCommand({ port: 0, host: '127.0.0.1', fleet: path }, io);

    // Assess
    expect(code).toBe(2);
    expect(err.join('\n')).toContain(`Invalid fleet ${path}`);
    expect(err.join('\n')).toContain('services[0].status');
  });

  it('registers the command with --port, --host, --fleet, --quiet and --keep-running options', () => {
    // Prepare
    const program = new Command();

    // Act
    register(program);

    // Assess
    const command = program.commands.find((c) => c.name() === 'emulator');
    expect(command?.options.map((o) => o.long)).toEqual([
      '--port',
      '--host',
      '--fleet',
      '--quiet',
      '--keep-running',
    ]);
  });

  it('stops cleanly when the process that started it is killed, as npx is by `kill $!`', async () => {
    // Prepare: a shell stands in for npm: it runs the emulator as its child and does not pass signals on.
    const script = `"${process.execPath}" "${BIN}" emulator --port 0 --quiet & echo "child $!"; wait $!; echo never`;
    const shell = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = untilClosed(shell.stdout);
    let childPid = 0;
    const listening = new Promise<string>((resolve) => {
      shell.stdout.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        childPid = Number(/child (\d+)/.exec(text)?.[1] ?? childPid);
        const endpoint = /listening on (\S+)/.exec(text)?.[1];
        if (endpoint) resolve(endpoint);
      });
    });
    try {
      const endpoint = await within(listening, 45_000, 'the emulator starting');
      const before = await fetch(endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': 'AppRunner.ListServices' },
      });

      // Act: the signal reaches the parent only; the emulator is left an orphan.
      shell.kill('SIGKILL');
      const text = await within(output, 20_000, 'the emulator exiting');

      // Assess: it noticed, stopped, and nothing answers any more.
      expect(before.status).toBe(200);
      expect(text).toMatch(/Stopping: its parent process \(\d+\) went away\./);
      expect(text).toContain('Stopped after 1 call(s).');
      expect(text).not.toContain('never');
      await expect(fetch(endpoint, { method: 'POST' })).rejects.toThrow();
    } finally {
      // Never leave an orphan behind, whatever the outcome.
      if (childPid > 0) {
        try {
          process.kill(childPid, 'SIGKILL');
        } catch {
          // already gone, as it should be
        }
      }
    }
  });

  it('stops cleanly on SIGTERM sent to it directly', async () => {
    // Prepare
    const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = untilClosed(child.stdout);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await within(
      new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString('utf8').includes('Press Ctrl+C')) resolve();
        });
      }),
      45_000,
      'the emulator starting',
    );

    // Act
    child.kill('SIGTERM');
    const code = await within(exited, 20_000, 'the emulator exiting');

    // Assess
    expect(code).toBe(0);
    expect(await output).toContain('Stopping: received SIGTERM.');
  });
});
