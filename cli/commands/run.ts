import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { parseFault } from '../../emulator/fleet';
import { type Emulator, SAMPLE_FLEET_PATH, startEmulator } from '../../emulator/index';
import { type Clock, systemClock, VirtualClock } from '../../lib/runtime/clock';
import { ExitCode } from '../exit-codes';
import { parseKeyValue, parseUntil, UsageError } from '../lib/args';
import { clockTime, renderReport } from '../lib/format';
import { writeOut } from '../local/capture';
import { type LocalRunResult, type ProgressEvent, runLocalExecution } from '../local/executor';

interface RunOptions {
  action: 'resume' | 'pause';
  fleet: string;
  service?: string[];
  arn?: string[];
  tag?: string[];
  dryRun?: boolean;
  until?: string;
  reason?: string;
  requestedBy?: string;
  fault?: string[];
  set?: string[];
  realTime?: boolean;
  json?: boolean;
  quiet?: boolean;
  aws?: boolean;
}

export function register(program: Command): void {
  program
    .command('run')
    .description(
      'Run the real workflow (state machine + Lambda handlers) in-process. By default against the App Runner ' +
        'emulator with the sample fleet and a simulated clock (minutes of operations in about a second).',
    )
    .addOption(
      new Option('-a, --action <action>', 'resume or pause').choices(['resume', 'pause']).default('resume'),
    )
    .option('-f, --fleet <file>', 'emulator fleet file (YAML or JSON)', SAMPLE_FLEET_PATH)
    .option('-s, --service <name...>', 'target services by name')
    .option('--arn <arn...>', 'target services by ARN')
    .option('-t, --tag <key=value...>', 'target services carrying all these tags (default: env=staging)')
    .option('--dry-run', 'plan and report only; change nothing')
    .option(
      '--until <time>',
      'resume only: keep awake until this time (ISO-8601, "08:00 Europe/Berlin", or a duration such as 4h)',
    )
    .option('--reason <text>', 'free text shown in logs, alerts and the report', 'local run')
    .option(
      '--requested-by <who>',
      'who asks; "schedule:<name>" makes it a scheduled run (opt-out tags apply)',
      'schedule:local-run',
    )
    .option(
      '--fault <spec...>',
      'inject an emulator fault: type[:service][,key=value…], e.g. operation-fails:worker, throttle,rate=0.5,forSeconds=60',
    )
    .option('--set <VAR=value...>', 'function environment overrides, e.g. POLL_WINDOW_SECONDS=0')
    .option('--real-time', 'use the real clock: Wait states and operations take real time')
    .option('--json', 'print only the raw JSON report')
    .option('-q, --quiet', 'no live progress')
    .option(
      '--aws',
      'run against real AWS App Runner with your credentials (no emulator; real clock; alerts not sent)',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 every service ended SUCCEEDED or SKIPPED, 1 some service FAILED or TIMED_OUT, 2 usage or input error.

Examples:
  $ apprunner-scheduler run                          # resume the sample fleet's staging services
  $ apprunner-scheduler run --action pause
  $ apprunner-scheduler run --fault operation-fails:worker --fault throttle,rate=0.5,forSeconds=60
  $ apprunner-scheduler run --service api-staging --until 2h --requested-by user:alice
  $ apprunner-scheduler run --json > report.json`,
    )
    .action(async (opts: RunOptions) => {
      process.exitCode = await runCommand(opts);
    });
}

async function runCommand(opts: RunOptions): Promise<number> {
  let emulator: Emulator | undefined;
  try {
    const clock: Clock = opts.aws || opts.realTime ? systemClock : new VirtualClock(Date.now());
    const input = buildInput(opts, clock.now());
    const env = Object.fromEntries((opts.set ?? []).map((kv) => parseKeyValue(kv, '--set')));
    const faults = (opts.fault ?? []).map(parseFaultFlag);
    if (opts.aws && faults.length > 0)
      throw new UsageError('--fault only applies to the emulator, not with --aws');
    if (!opts.aws) {
      emulator = await startEmulator({ fleet: opts.fleet, clock });
      for (const fault of faults) emulator.injectFault(fault);
    }
    const started = clock.now();
    const say = (text: string) => {
      if (!opts.json) writeOut(`${text}\n`);
    };
    say(
      `${opts.aws ? 'AWS' : `App Runner emulator at ${emulator?.endpoint}`} · ${input.action} · ${
        opts.aws || opts.realTime ? 'real clock' : 'simulated clock'
      }`,
    );
    const result: LocalRunResult = await runLocalExecution(input, {
      ...(emulator ? { appRunnerEndpoint: emulator.endpoint } : {}),
      clock,
      env,
      onProgress: (e) => {
        if (!opts.quiet) say(progressLine(e, started));
      },
    });
    if (opts.json) {
      writeOut(`${JSON.stringify(result.report ?? { error: result.error }, null, 2)}\n`);
    } else {
      if (result.report) say(`\n${renderReport(result.report)}`);
      if (result.alerts.length > 0)
        say(`\nAlert that would be published (${result.alerts[0]?.subject}):\n${result.alerts[0]?.message}`);
      say(
        `\nExecution ${result.status}${result.error ? ` (${result.error.name})` : ''} in ${clockTime(result.durationMs / 1000)} of ${
          opts.aws || opts.realTime ? 'real' : 'simulated'
        } time · ${result.transitions} state transitions · ${Object.values(result.invocations).reduce((a, b) => a + b.count, 0)} Lambda invocations · ${emulator ? `${emulator.calls.length} App Runner calls` : ''}`,
      );
    }
    if (result.status === 'SUCCEEDED') return ExitCode.Ok;
    if (result.error?.name === 'AppRunnerScheduler.InvalidInput') {
      process.stderr.write(`error: invalid input: ${result.error.cause}\n`);
      return ExitCode.Usage;
    }
    if (!result.report)
      process.stderr.write(`error: the execution failed: ${result.error?.name}: ${result.error?.cause}\n`);
    return ExitCode.ServicesFailed;
  } catch (error) {
    if (error instanceof UsageError || (error as Error).name === 'FleetValidationError') {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return ExitCode.Usage;
    }
    throw error;
  } finally {
    await emulator?.stop();
  }
}

function buildInput(opts: RunOptions, now: number): Record<string, unknown> {
  const targets: Record<string, unknown> = {};
  if (opts.service?.length) targets.serviceNames = opts.service;
  if (opts.arn?.length) targets.serviceArns = opts.arn;
  if (opts.tag?.length) targets.tags = Object.fromEntries(opts.tag.map((kv) => parseKeyValue(kv, '--tag')));
  if (Object.keys(targets).length === 0) targets.tags = { env: 'staging' };
  if (opts.until && opts.action !== 'resume') throw new UsageError('--until only applies to --action resume');
  return {
    action: opts.action,
    targets,
    dryRun: Boolean(opts.dryRun),
    reason: opts.reason ?? '',
    requestedBy: opts.requestedBy ?? `user:${safeUser()}`,
    ...(opts.until ? { keepAwakeUntil: parseUntil(opts.until, new Date(now)).toISOString() } : {}),
  };
}

function safeUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `type[:service][,key=value…]` → an emulator fault spec (validated by the emulator's schema). */
export function parseFaultFlag(flag: string): ReturnType<typeof parseFault> {
  const [head = '', ...pairs] = flag.split(',');
  const [type, service] = head.split(':');
  const spec: Record<string, unknown> = { type };
  if (service) spec.service = service;
  for (const pair of pairs) {
    const [key, value] = parseKeyValue(pair, '--fault');
    spec[key] =
      key === 'operations' ? value.split('+') : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  try {
    return parseFault(spec);
  } catch (error) {
    throw new UsageError(`--fault ${flag}: ${(error as Error).message}`);
  }
}

function progressLine(e: ProgressEvent, started: number): string {
  return `[t+${clockTime((e.at - started) / 1000)}] ${e.service.padEnd(18)} ${e.kind.padEnd(8)} ${e.detail}`;
}
