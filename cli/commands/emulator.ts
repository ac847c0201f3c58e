import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type EmulatorCall,
  type EmulatorProbe,
  FleetValidationError,
  SAMPLE_FLEET_PATH,
  startEmulator,
} from '../../emulator/index';
import { ExitCode } from '../exit-codes';

export interface EmulatorCommandOptions {
  port: number;
  host: string;
  /** Fleet file; default the sample fleet. */
  fleet?: string;
  /** Do not log each call. */
  quiet?: boolean;
  /** Keep running when the process that started it goes away (nohup and the like). */
  keepRunning?: boolean;
}

export interface EmulatorCommandIo {
  out(line: string): void;
  err(line: string): void;
  /** Stops the emulator when aborted (besides SIGINT/SIGTERM/SIGHUP and the parent process going away). */
  signal?: AbortSignal;
}

const consoleIo: EmulatorCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Why the emulator cannot listen, by error code: each is a bad --host or --port, not a crash. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is in use',
  EACCES: 'not allowed to listen on that port',
  EADDRNOTAVAIL: 'the address is not one of this machine',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved now',
};

/** How often the command checks that the process that started it is still there. */
const PARENT_CHECK_MS = 500;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

function formatCall(call: EmulatorCall, names: (arn: string) => string | undefined): string {
  const time = new Date().toISOString().slice(11, 23);
  const target = call.serviceArn ? (names(call.serviceArn) ?? call.serviceArn) : '-';
  const outcome = call.errorType ? `${call.httpStatus} ${call.errorType}` : String(call.httpStatus);
  return `${time}  ${call.op.padEnd(20)} ${call.region.padEnd(14)} ${target.padEnd(24)} ${outcome}`;
}

function formatProbe(probe: EmulatorProbe): string {
  const time = new Date().toISOString().slice(11, 23);
  const target = `${probe.service ?? probe.host}${probe.path}`;
  return `${time}  ${'(readiness)'.padEnd(20)} ${''.padEnd(14)} ${target.padEnd(24)} ${probe.httpStatus}`;
}

/**
 * Resolves when the emulator should stop: SIGINT, SIGTERM or SIGHUP; `signal` aborted; or the parent
 * process gone. The last one matters for `npx apprunner-scheduler emulator &` then `kill $!`: the signal
 * reaches npm, npm's shell dies, and this process is re-parented — without the check it would run on,
 * orphaned, holding the port. `process.ppid` is read live, so a change means the parent went away.
 */
function untilStopped(signal: AbortSignal | undefined, watchParent: boolean): Promise<string> {
  return new Promise((resolve) => {
    const parent = process.ppid;
    const onSignal = (name: NodeJS.Signals) => done(`received ${name}`);
    const onAbort = () => done('stopped');
    const timer = watchParent
      ? setInterval(() => {
          if (process.ppid !== parent) done(`its parent process (${parent}) went away`);
        }, PARENT_CHECK_MS)
      : undefined;
    // The check alone must never keep the process alive.
    timer?.unref();
    // A hang-up is the terminal going away; under nohup (--keep-running) it must not stop us.
    const signals: NodeJS.Signals[] = watchParent ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : ['SIGINT', 'SIGTERM'];
    function done(reason: string) {
      clearInterval(timer);
      for (const name of signals) process.off(name, onSignal);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    }
    for (const name of signals) process.once(name, onSignal);
    if (signal?.aborted) done('stopped');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs the emulator in the foreground on the system clock until SIGINT/SIGTERM/SIGHUP, `io.signal`, or
 * its parent process goes away (unless `keepRunning`).
 * Resolves to the exit code: 0 after a clean shutdown, 2 for a bad fleet file or an unusable port.
 */
export async function runEmulatorCommand(
  options: EmulatorCommandOptions,
  io: EmulatorCommandIo = consoleIo,
): Promise<number> {
  const fleet = options.fleet ?? SAMPLE_FLEET_PATH;
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      fleet,
      port: options.port,
      host: options.host,
      onCall: options.quiet
        ? undefined
        : (call) => io.out(formatCall(call, (arn) => emulator?.service(arn)?.name)),
      onProbe: options.quiet ? undefined : (probe) => io.out(formatProbe(probe)),
    });
  } catch (error) {
    if (error instanceof FleetValidationError) {
      io.err(error.message);
      return ExitCode.Usage;
    }
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const why = LISTEN_ERRORS[code];
    if (why) {
      io.err(`Cannot listen on ${options.host}:${options.port}: ${code} (${why})`);
      return ExitCode.Usage;
    }
    throw error;
  }

  // Listen for the signals before saying how to stop: a SIGTERM sent as soon as that line appears must
  // find a handler, not Node's default action (which would end the process without a clean stop).
  const stopped = untilStopped(io.signal, !options.keepRunning);
  const services = emulator.services();
  io.out(`App Runner emulator listening on ${emulator.endpoint}`);
  io.out(`Fleet: ${fleet} (account ${emulator.accountId}, default region ${emulator.region})`);
  io.out('');
  for (const s of services) {
    const tags = Object.entries(s.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    io.out(`  ${s.name.padEnd(24)} ${s.status.padEnd(22)} ${s.region.padEnd(14)} ${tags}`);
  }
  io.out('');
  io.out('Try it:');
  io.out(
    `  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws apprunner list-services --endpoint-url ${emulator.endpoint} --region ${emulator.region}`,
  );
  io.out(`  export AWS_ENDPOINT_URL_APPRUNNER=${emulator.endpoint}   # for the AWS SDK and this CLI`);
  io.out(
    `  export AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API=${emulator.endpoint}   # tag selection (GetResources)`,
  );
  const example = services.find((s) => s.status === 'RUNNING') ?? services[0];
  if (example) {
    io.out(
      `  curl -H 'Host: ${example.url}' ${emulator.endpoint}/   # ${example.name}'s readiness, by its ServiceUrl`,
    );
  }
  io.out('Press Ctrl+C to stop.');
  io.out('');

  const reason = await stopped;
  await emulator.stop();
  if (reason !== 'stopped') io.out(`Stopping: ${reason}.`);
  io.out(`Stopped after ${emulator.calls.length} call(s).`);
  return ExitCode.Ok;
}

/** Registers `apprunner-scheduler emulator`. */
export function register(program: Command): void {
  program
    .command('emulator')
    .description('Run the App Runner emulator in the foreground (real clock) with a fleet of services.')
    .addOption(
      new Option('-p, --port <port>', 'port to listen on (0 picks a free one)')
        .default(4610)
        .argParser(parsePort),
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('-f, --fleet <file>', 'fleet file (YAML or JSON)', undefined)
    .option('-q, --quiet', 'do not log each call')
    .option(
      '--keep-running',
      'keep running when the process that started it exits (by default it stops then, so `npx … &` then `kill $!` stops it)',
    )
    .addHelpText(
      'after',
      `
Default fleet: ${SAMPLE_FLEET_PATH}
Point the SDK, the AWS CLI and this CLI at it with the variables it prints (AWS_ENDPOINT_URL_APPRUNNER, …).
Stop it with Ctrl-C (or SIGTERM).

Exit codes: 0 stopped cleanly, 2 bad flag, bad fleet file, or it cannot listen (port in use, no such host).

Examples:
  $ apprunner-scheduler emulator
  $ apprunner-scheduler emulator --port 4620 --fleet my-fleet.yaml --quiet
  $ apprunner-scheduler emulator --port 0 &     # a free port; the address is printed`,
    )
    .action(async (opts: EmulatorCommandOptions) => {
      // Once the terminal or pipe is gone, a last log line must not turn a clean stop into a crash.
      for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
      process.exitCode = await runEmulatorCommand(opts);
    });
}
