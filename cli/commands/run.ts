import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import {
  type FaultSpec,
  type FleetSpec,
  FleetValidationError,
  loadFleetFile,
  parseFault,
} from '../../emulator/fleet';
import { type Emulator, SAMPLE_FLEET_PATH, startEmulator } from '../../emulator/index';
import { ABSOLUTE_MAX_TARGETS, parseExecutionInput } from '../../lib/contract/execution-input';
import { type Clock, systemClock, VirtualClock } from '../../lib/runtime/clock';
import { InvalidInputError } from '../../lib/runtime/errors';
import { ExitCode } from '../exit-codes';
import { parseKeyValue, parseUntil, UsageError } from '../lib/args';
import { appRunner, checkCredentials, resolveRegion } from '../lib/aws';
import { fromAwsError, inputIssuesText, reportError } from '../lib/errors';
import { clockTime, renderReport } from '../lib/format';
import { loadLocalRunner } from '../lib/local-runner';
import { checkNoTargets } from '../lib/outcome';
import { appRunnerSite } from '../lib/resolve';
import {
  checkFaultKeys,
  checkFaultServices,
  checkSetVariables,
  confirmRealRun,
  faultHelp,
  fleetServiceNames,
} from '../lib/run-checks';
import type { LocalRunResult, ProgressEvent } from '../local/executor';

interface RunOptions {
  action: 'resume' | 'pause';
  fleet: string;
  service?: string[];
  arn?: string[];
  tag?: string[];
  dryRun?: boolean;
  until?: string;
  readyBy?: string;
  readyCheck?: 'http' | 'none';
  allowNoTargets?: boolean;
  reason?: string;
  requestedBy?: string;
  fault?: string[];
  set?: string[];
  realTime?: boolean;
  json?: boolean;
  quiet?: boolean;
  aws?: boolean;
  region?: string;
  yes?: boolean;
}

/** What the emulator run selects when no target is given: the sample fleet's staging services. */
const DEMO_TARGETS = { tags: { env: 'staging' } };

const FIELD_FLAGS: Record<string, string> = {
  keepAwakeUntil: '--until',
  readyBy: '--ready-by',
  readyCheck: '--ready-check',
  requestedBy: '--requested-by',
  reason: '--reason',
  targets: '--service/--arn/--tag',
};

export function register(program: Command): void {
  program
    .command('run')
    .summary('Run the real workflow locally against the emulator (development; in the source checkout)')
    .description(
      'Run the real workflow (state machine + Lambda handlers) in-process. By default against the App Runner ' +
        'emulator with the sample fleet and a simulated clock (minutes of operations in about a second). ' +
        'A development feature of the source checkout (`npm start`); the installed CLI says so.',
    )
    .addOption(
      new Option('-a, --action <action>', 'resume or pause').choices(['resume', 'pause']).default('resume'),
    )
    .option('-f, --fleet <file>', 'emulator fleet file (YAML or JSON)', SAMPLE_FLEET_PATH)
    .option('-s, --service <name...>', 'target services by name')
    .option('--arn <arn...>', 'target services by ARN')
    .option(
      '-t, --tag <key=value...>',
      'target services carrying all these tags (emulator default: env=staging)',
    )
    .option('--allow-no-targets', 'a selection that matches no service is a warning, not a failure (exit 0)')
    .option('--dry-run', 'plan and report only; change nothing')
    .option(
      '--until <time>',
      'resume only: keep awake until this time (ISO-8601, "08:00 Europe/Berlin", or a duration such as 4h)',
    )
    .option(
      '--ready-by <time>',
      'resume only: be ready by then, each service started at its own time (same forms as --until: 10m, "07:00 Europe/Berlin", ISO-8601)',
    )
    .addOption(
      new Option(
        '--ready-check <check>',
        'resume only: probe each service after RUNNING (http) or not (none)',
      ).choices(['http', 'none']),
    )
    .option('--reason <text>', 'free text shown in logs, alerts and the report', 'local run')
    .option(
      '--requested-by <who>',
      'who asks; "schedule:<name>" makes it a scheduled run (opt-out tags apply)',
      'schedule:local-run',
    )
    .option(
      '--fault <spec...>',
      'inject an emulator fault: type[:service][,key=value…], e.g. operation-fails:worker, throttle,rate=0.5,forSeconds=60 (types and keys below)',
    )
    .option(
      '--set <VAR=value...>',
      'function environment overrides (checked like a cold start), e.g. POLL_WINDOW_SECONDS=0',
    )
    .option('--real-time', 'use the real clock: Wait states and operations take real time')
    .option('--json', 'print only the raw JSON report')
    .option('-q, --quiet', 'no live progress')
    .option(
      '--aws',
      'run against real AWS App Runner with your credentials (no emulator; real clock; alerts not sent); ' +
        'needs explicit targets and --yes (or a "yes" on a terminal)',
    )
    .option('--region <region>', 'with --aws: AWS region (default: AWS_REGION or your profile)')
    .option('-y, --yes', 'with --aws: do not ask for confirmation')
    .addHelpText(
      'after',
      `
Exit codes: 0 every service ended SUCCEEDED or SKIPPED, 1 some service FAILED or TIMED_OUT or the selection
matched no service (NO_TARGETS, unless --allow-no-targets), or (--aws) App Runner could not be reached, 2
usage or input error (nothing started): bad flags, an unknown --set variable or invalid value, a --fault
service not in the fleet, --aws without targets, confirmation, credentials or region.

Examples:
  $ apprunner-scheduler run                          # resume the sample fleet's staging services
  $ apprunner-scheduler run --action pause
  $ apprunner-scheduler run --fault operation-fails:worker --fault throttle,rate=0.5,forSeconds=60
  $ apprunner-scheduler run --service api-staging --until 2h --requested-by user:alice
  $ apprunner-scheduler run --ready-by 10m --json     # each service ready by then, started just in time
  $ apprunner-scheduler run --tag env=nothing --allow-no-targets
  $ apprunner-scheduler run --set POLL_WINDOW_SECONDS=0 --set MAX_POLLS=50
  $ apprunner-scheduler run --aws --tag env=staging --action pause --dry-run --yes --region eu-west-1
  $ apprunner-scheduler run --json > report.json

${faultHelp()}`,
    )
    .action(async (opts: RunOptions) => {
      process.exitCode = await runCommand(opts);
    });
}

async function runCommand(opts: RunOptions): Promise<number> {
  let emulator: Emulator | undefined;
  try {
    const runner = await loadLocalRunner();
    const { writeOut } = runner;
    // 1. Every check before anything starts.
    const clock: Clock = opts.aws || opts.realTime ? systemClock : new VirtualClock(Date.now());
    const input = buildInput(opts, clock.now());
    const env = Object.fromEntries((opts.set ?? []).map((kv) => parseKeyValue(kv, '--set')));
    checkSetVariables(env);
    const faults = (opts.fault ?? []).map(parseFaultFlag);
    let fleet: FleetSpec | undefined;
    let region: string | undefined;
    if (opts.region !== undefined && !opts.aws) {
      throw new UsageError('--region only applies with --aws (the emulator run acts on its fleet)');
    }
    if (opts.aws) {
      if (faults.length > 0) throw new UsageError('--fault only applies to the emulator, not with --aws');
      // The region every call goes to, found as every other command finds it (not the emulator's), and
      // credentials: both checked before the question and before anything starts.
      region = await resolveRegion(opts.region);
      await checkCredentials(region);
      await confirmRealRun(`${describeRun(input)} in ${region}`, {
        yes: opts.yes,
        interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      });
    } else {
      fleet = loadFleetFile(opts.fleet);
      checkFaultServices(
        faults,
        fleetServiceNames(fleet),
        opts.fleet === SAMPLE_FLEET_PATH ? '(sample)' : opts.fleet,
      );
    }

    const say = (text: string) => {
      if (!opts.json) writeOut(`${text}\n`);
    };
    if (region) {
      // App Runner answers (and takes these credentials) before the run starts: an unreachable endpoint
      // is a message in seconds, not a run failing a minute later after its retries.
      say(`Checking App Runner in ${region}…`);
      await checkAppRunnerAnswers(region);
    }

    // 2. Run.
    if (fleet) {
      emulator = await startEmulator({ fleet, clock });
      for (const fault of faults) emulator.injectFault(fault);
    }
    const started = clock.now();
    say(
      `${opts.aws ? `AWS App Runner in ${region}` : `App Runner emulator at ${emulator?.endpoint}`} · ${input.action} · ${
        opts.aws || opts.realTime ? 'real clock' : 'simulated clock'
      }`,
    );
    const result: LocalRunResult = await runner.runLocalExecution(input, {
      ...(emulator ? { appRunnerEndpoint: emulator.endpoint } : {}),
      clock,
      // The functions find services by name (and tags) in their AWS_REGION.
      env: region ? { ...env, AWS_REGION: region } : env,
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
      const counts = [
        `${result.transitions} state transitions`,
        `${Object.values(result.invocations).reduce((a, b) => a + b.count, 0)} Lambda invocations`,
        ...(emulator ? [`${emulator.calls.length} App Runner calls`] : []),
      ];
      say(
        `\nExecution ${result.status}${result.error ? ` (${result.error.name})` : ''} in ${clockTime(result.durationMs / 1000)} of ${
          opts.aws || opts.realTime ? 'real' : 'simulated'
        } time${region ? ` in ${region}` : ''} · ${counts.join(' · ')}`,
      );
    }
    const empty = checkNoTargets(result.report, {
      allowNoTargets: Boolean(opts.allowNoTargets),
      hint: 'check --service/--arn/--tag (and the fleet); add --allow-no-targets if an empty selection is expected',
    });
    for (const line of empty.err) process.stderr.write(`${line}\n`);
    if (result.status === 'SUCCEEDED') return empty.exitCode;
    if (result.error?.name === 'AppRunnerScheduler.InvalidInput') {
      process.stderr.write(`error: invalid input: ${result.error.message}\n`);
      return ExitCode.Usage;
    }
    if (!result.report)
      process.stderr.write(`error: the execution failed: ${result.error?.name}: ${result.error?.message}\n`);
    return ExitCode.ServicesFailed;
  } catch (error) {
    if ((error as Error).name === 'FleetValidationError') {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return ExitCode.Usage;
    }
    return reportError(error, (line) => process.stderr.write(`${line}\n`));
  } finally {
    await emulator?.stop();
  }
}

/** One ListServices page in `region`: App Runner can be reached and accepts the credentials. */
async function checkAppRunnerAnswers(region: string): Promise<void> {
  const port = appRunner();
  try {
    await port.listServicesPage(region);
  } catch (error) {
    throw fromAwsError(error, appRunnerSite('ListServices'));
  } finally {
    port.destroy();
  }
}

/** The execution input from the flags, checked against the contract (the flag named on error). */
function buildInput(opts: RunOptions, now: number): Record<string, unknown> & { action: string } {
  const targets: Record<string, unknown> = {};
  if (opts.service?.length) targets.serviceNames = opts.service;
  if (opts.arn?.length) targets.serviceArns = opts.arn;
  if (opts.tag?.length) targets.tags = Object.fromEntries(opts.tag.map((kv) => parseKeyValue(kv, '--tag')));
  if (Object.keys(targets).length === 0) {
    // A default selection is a demo convenience; against a real account it would act on whatever matches.
    if (opts.aws) throw new UsageError('--aws needs explicit targets: --service, --arn or --tag');
    Object.assign(targets, DEMO_TARGETS);
  }
  if (opts.until && opts.action !== 'resume') throw new UsageError('--until only applies to --action resume');
  if (opts.readyBy && opts.action !== 'resume')
    throw new UsageError('--ready-by only applies to --action resume');
  if (opts.readyCheck && opts.action !== 'resume') {
    throw new UsageError('--ready-check only applies to --action resume');
  }
  const input = {
    action: opts.action,
    targets,
    dryRun: Boolean(opts.dryRun),
    reason: opts.reason ?? '',
    requestedBy: opts.requestedBy ?? `user:${safeUser()}`,
    ...(opts.until ? { keepAwakeUntil: parseUntil(opts.until, new Date(now)).toISOString() } : {}),
    ...(opts.readyBy ? { readyBy: parseUntil(opts.readyBy, new Date(now), '--ready-by').toISOString() } : {}),
    ...(opts.readyCheck ? { readyCheck: opts.readyCheck } : {}),
    ...(opts.allowNoTargets ? { allowNoTargets: true } : {}),
  };
  try {
    parseExecutionInput(input, { now, maxTargets: ABSOLUTE_MAX_TARGETS });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new UsageError(`invalid input: ${inputIssuesText(error, FIELD_FLAGS)}`);
  }
  return input;
}

/** "resume the services tagged env=staging", for the confirmation question. */
function describeRun(input: Record<string, unknown> & { action: string }): string {
  const t = input.targets as {
    serviceNames?: string[];
    serviceArns?: string[];
    tags?: Record<string, string>;
  };
  const parts = [
    ...(t.serviceNames?.length ? [`named ${t.serviceNames.join(', ')}`] : []),
    ...(t.serviceArns?.length ? [`${t.serviceArns.length} by ARN`] : []),
    ...(t.tags
      ? [
          `tagged ${Object.entries(t.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
        ]
      : []),
  ];
  return `${input.dryRun ? 'dry-run ' : ''}${input.action} the services ${parts.join(' and ')}`;
}

function safeUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `type[:service][,key=value…]` → an emulator fault spec (validated by the emulator's schema). */
export function parseFaultFlag(flag: string): FaultSpec {
  const [head = '', ...pairs] = flag.split(',');
  const [type, service] = head.split(':');
  const spec: Record<string, unknown> = { type };
  if (service) spec.service = service;
  for (const pair of pairs) {
    const [key, value] = parseKeyValue(pair, '--fault');
    spec[key] =
      key === 'operations' ? value.split('+') : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  checkFaultKeys(flag, spec);
  try {
    return parseFault(spec);
  } catch (error) {
    // A bad value: the schema's issues, with the fault named.
    const issues = error instanceof FleetValidationError ? error.issues.join('; ') : (error as Error).message;
    throw new UsageError(`--fault ${flag}: the ${type} fault: ${issues}`);
  }
}

function progressLine(e: ProgressEvent, started: number): string {
  return `[t+${clockTime((e.at - started) / 1000)}] ${e.service.padEnd(18)} ${e.kind.padEnd(8)} ${e.detail}`;
}
