import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('registers the command with --port, --host and --fleet options', () => {
    // Prepare
    const program = new Command();

    // Act
    register(program);

    // Assess
    const command = program.commands.find((c) => c.name() === 'emulator');
    expect(command?.options.map((o) => o.long)).toEqual(['--port', '--host', '--fleet', '--quiet']);
  });
});
