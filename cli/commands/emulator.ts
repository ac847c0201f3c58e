import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type EmulatorCall,
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
}

export interface EmulatorCommandIo {
  out(line: string): void;
  err(line: string): void;
  /** Stops the emulator when aborted (besides SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

const consoleIo: EmulatorCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

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

/**
 * Runs the emulator in the foreground on the system clock until SIGINT/SIGTERM (or `io.signal`).
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
    });
  } catch (error) {
    if (error instanceof FleetValidationError) {
      io.err(error.message);
      return ExitCode.Usage;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      io.err(`Cannot listen on ${options.host}:${options.port}: ${code}`);
      return ExitCode.Usage;
    }
    throw error;
  }

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
  io.out('Press Ctrl+C to stop.');
  io.out('');

  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      io.signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (io.signal?.aborted) done();
    else io.signal?.addEventListener('abort', done, { once: true });
  });
  await emulator.stop();
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
    .addHelpText('after', `\nDefault fleet: ${SAMPLE_FLEET_PATH}`)
    .action(async (opts: EmulatorCommandOptions) => {
      process.exitCode = await runEmulatorCommand(opts);
    });
}
