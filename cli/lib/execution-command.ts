import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ServiceInfo } from '../../lib/app-runner/port';
import { ABSOLUTE_MAX_TARGETS, type Action, parseExecutionInput } from '../../lib/contract/execution-input';
import { isOptedOut, LEASE_TAG, type Lease, OPT_OUT_TAG, readLease } from '../../lib/contract/tags';
import { InvalidInputError } from '../../lib/runtime/errors';
import { ExitCode } from '../exit-codes';
import { parseDuration, parseUntil, UsageError } from './args';
import { appRunner, consoleUrl, defaultRequester, resolveRegion, sfnClient } from './aws';
import { CliError, fromAwsError, inputIssuesText, reportError } from './errors';
import { leaseByText } from './format';
import { io } from './io';
import { renderEnd } from './outcome';
import { formatProgress } from './progress';
import { appRunnerSite, parseServiceRefs, resolveServices } from './resolve';
import { executionName, followExecution, startExecution } from './sfn';
import { locateStateMachine, STATE_MACHINE_ENV } from './state-machine';

/** Flags shared by `wake` and `pause` (commander's camel-cased option values). */
export interface ExecutionCommandOptions {
  until?: string;
  readyBy?: string;
  readyCheck?: 'http' | 'none';
  force?: boolean;
  reason?: string;
  requestedBy?: string;
  dryRun?: boolean;
  wait: boolean;
  json?: boolean;
  pollSeconds: number;
  /** Seconds; default {@link DEFAULT_TIMEOUT_SECONDS}, or that long after --ready-by. */
  timeout?: number;
  stateMachineArn?: string;
  stage: string;
  region?: string;
}

export function parsePollSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 300) {
    throw new InvalidArgumentError('must be a number of seconds between 0 and 300, e.g. 5 or 0.5');
  }
  return n;
}

/** How long the CLI follows a run by default. */
export const DEFAULT_TIMEOUT_SECONDS = 1800;

export function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0 || ms > 24 * 3_600_000) {
    throw new InvalidArgumentError('must be a duration up to 24h, e.g. 30m, 1h, 90s');
  }
  return ms / 1000;
}

/** Adds the flags every execution-starting command shares (after the command's own flags). */
export function addExecutionOptions(cmd: Command): Command {
  return cmd
    .option('--reason <text>', 'free text shown in logs, alerts and the report')
    .option('--requested-by <who>', 'who asks, shown in the report and alerts (default: user:<your OS user>)')
    .option('--dry-run', 'plan and report only; change nothing')
    .option('--no-wait', 'start the execution, print its ARN and console link, and return')
    .option('--json', 'print only the raw JSON report (progress and notes go to stderr)')
    .option('--poll-seconds <n>', 'seconds between progress checks while following', parsePollSeconds, 5)
    .addOption(
      new Option(
        '--timeout <duration>',
        'stop following after this long (the execution carries on); default 30m, or 30m after --ready-by',
      ).argParser(parseTimeout),
    )
    .option(
      '--state-machine-arn <arn>',
      `the workflow to start (default: $${STATE_MACHINE_ENV}, else the stack's StateMachineArn output)`,
    )
    .option('--stage <stage>', 'deployed stage: the stack apprunner-scheduler-<stage> is read', 'dev')
    .option('--region <region>', 'AWS region (default: AWS_REGION or your profile)');
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  every service ended SUCCEEDED or SKIPPED (or --no-wait: the execution was started)
  1  some service FAILED or TIMED_OUT, the execution failed or ended without a report (not this workflow),
     or the CLI stopped following it (--timeout)
  2  usage or input error, nothing started: bad flags, unknown service, no credentials or region, state
     machine not found, an active keep-awake lease (pause without --force), input rejected
A report whose selection matched no service (warning NO_TARGETS) exits 1.`;

const FIELD_FLAGS: Record<string, string> = {
  keepAwakeUntil: '--until',
  readyBy: '--ready-by',
  readyCheck: '--ready-check',
  overrideLease: '--force',
  requestedBy: '--requested-by',
  reason: '--reason',
};

/**
 * Starts the workflow for the named services and, unless `--no-wait`, follows it to the end. Resolves
 * to the exit code; every failure is printed as a message, never a stack trace.
 */
export async function runExecutionCommand(
  action: Action,
  serviceArgs: string[],
  opts: ExecutionCommandOptions,
): Promise<number> {
  const say = opts.json ? io.err : io.out;
  const verb = action === 'resume' ? 'wake' : 'pause';
  try {
    // 1. Everything that needs no AWS call: arguments, flags, the input contract.
    const refs = parseServiceRefs(serviceArgs);
    const now = new Date();
    const keepAwakeUntil = opts.until ? isoSeconds(parseUntil(opts.until, now)) : undefined;
    const readyBy = opts.readyBy ? isoSeconds(parseUntil(opts.readyBy, now, '--ready-by')) : undefined;
    const input: Record<string, unknown> = {
      action,
      targets: targetsOf(refs),
      dryRun: Boolean(opts.dryRun),
      reason: opts.reason ?? `on-call ${verb} (CLI)`,
      requestedBy: opts.requestedBy ?? defaultRequester(),
      ...(keepAwakeUntil ? { keepAwakeUntil } : {}),
      ...(readyBy ? { readyBy } : {}),
      ...(opts.readyCheck ? { readyCheck: opts.readyCheck } : {}),
      // The workflow removes a lease itself, right before PauseService: nothing changes if the run never starts.
      ...(action === 'pause' && opts.force ? { overrideLease: true } : {}),
    };
    validateInput(input, now);
    const timeoutSeconds =
      opts.timeout ?? (readyBy ? (Date.parse(readyBy) - now.getTime()) / 1000 : 0) + DEFAULT_TIMEOUT_SECONDS;

    // 2. Where to start it, and which services those are.
    const location = await locateStateMachine({
      stateMachineArn: opts.stateMachineArn,
      stage: opts.stage,
      region: () => resolveRegion(opts.region),
    });
    const region = await resolveRegion(opts.region, location.region);
    const port = appRunner();
    let services: ServiceInfo[];
    try {
      services = await resolveServices(port, region, refs);

      // 3. Tags: keep-awake leases (pause) and opt-outs (both) change what the workflow will do.
      const leased: LeasedService[] = [];
      for (const service of services) {
        let tags: Record<string, string>;
        try {
          tags = await port.listTags(service.arn);
        } catch (error) {
          throw fromAwsError(error, appRunnerSite('ListTagsForResource'));
        }
        if (isOptedOut(tags)) {
          say(
            `note: ${service.name} carries ${OPT_OUT_TAG}=true (schedules leave it alone); this explicit ${verb} acts on it anyway.`,
          );
        }
        const lease = readLease(tags);
        if (action === 'pause' && lease.until !== undefined && lease.until > now.getTime()) {
          leased.push({ service, until: lease.until, lease });
        } else if (lease.until !== undefined && lease.until <= now.getTime()) {
          say(
            `note: ${service.name} has an expired keep-awake lease (${iso(lease.until)}); it no longer applies.`,
          );
        } else if (lease.malformed !== undefined) {
          say(
            `note: ${service.name} has an unreadable ${LEASE_TAG} tag "${lease.malformed}"; the workflow ignores it.`,
          );
        }
      }
      if (leased.length > 0) handleLeases(leased, opts, say);
    } finally {
      port.destroy();
    }

    // 4. Start. Names resolved in another region than the workflow's would be looked up in the wrong one.
    if (region !== location.region) {
      input.targets = { serviceArns: services.map((s) => s.arn) };
    }
    const name = executionName(
      verb,
      services.map((s) => s.name),
      now,
    );
    const sfn = sfnClient(location.region);
    try {
      const started = await startExecution(sfn, location, name, input);
      const link = consoleUrl(started.executionArn);
      say(
        `${action === 'resume' ? 'Waking' : 'Pausing'} ${services.map((s) => s.name).join(', ')} (${region})` +
          `${opts.dryRun ? ' — DRY RUN' : ''} · requested by ${input.requestedBy}` +
          `${keepAwakeUntil ? ` · keep awake until ${keepAwakeUntil}` : ''}` +
          `${readyBy ? ` · ready by ${readyBy}` : ''}`,
      );
      say(`Started execution ${name}`);
      say(`  state machine: ${location.arn} (from ${location.source})`);
      say(`  execution:     ${started.executionArn}`);
      say(`  console:       ${link}`);
      if (!opts.wait) {
        if (opts.json) {
          io.out(
            JSON.stringify({ executionArn: started.executionArn, name, consoleUrl: link, input }, null, 2),
          );
        }
        return ExitCode.Ok;
      }
      say('');
      const end = await followExecution(sfn, started.executionArn, {
        pollSeconds: opts.pollSeconds,
        timeoutSeconds,
        onProgress: (line) => say(formatProgress(line)),
      });
      const rendered = renderEnd(end, started.executionArn, `apprunner-scheduler ${verb}`, {
        hint: `check the service names and --region (\`apprunner-scheduler status\` lists every service)`,
      });
      if (opts.json) {
        io.out(
          JSON.stringify(
            rendered.report ?? {
              executionArn: started.executionArn,
              status: end.status,
              error: end.error ?? rendered.problem,
              cause: end.cause,
              ...(rendered.problem ? { output: end.output } : {}),
            },
            null,
            2,
          ),
        );
      } else {
        say('');
        for (const line of rendered.out) io.out(line);
      }
      for (const line of rendered.err) io.err(line);
      return rendered.exitCode;
    } finally {
      sfn.destroy();
    }
  } catch (error) {
    return reportError(error, io.err);
  }
}

interface LeasedService {
  service: ServiceInfo;
  until: number;
  lease: Lease;
}

/**
 * A pause meets services kept awake: refuse (naming who set each lease and why), or with --force let the
 * workflow override them. Changes nothing itself: the lease stays until the workflow is about to pause.
 */
function handleLeases(
  leased: LeasedService[],
  opts: ExecutionCommandOptions,
  say: (line: string) => void,
): void {
  for (const { service, until, lease } of leased) {
    io.err(
      `warning: ${service.name} is kept awake until ${iso(until)}${leaseByText(lease)} (tag ${LEASE_TAG}).`,
    );
  }
  if (!opts.force) {
    if (opts.dryRun) {
      say(
        'note: dry run: leases are left in place; the report will show KEEP_AWAKE_LEASE for these services.',
      );
      return;
    }
    throw new CliError(
      `Not pausing: ${leased.length === 1 ? 'a keep-awake lease is' : `${leased.length} keep-awake leases are`} active (${leased.map((l) => l.service.name).join(', ')}). Nothing was started.`,
      ExitCode.Usage,
      'Someone asked to keep these awake. Check with them; to pause anyway, add --force (the workflow removes the lease right before pausing). Or pause only the other services.',
    );
  }
  for (const { service } of leased) {
    say(
      opts.dryRun
        ? `--force (dry run): the lease of ${service.name} stays; the report shows what a real run would do.`
        : `--force: the workflow will remove the keep-awake lease of ${service.name} right before pausing it (nothing changes if the run does not start).`,
    );
  }
}

function targetsOf(refs: ReturnType<typeof parseServiceRefs>): Record<string, string[]> {
  const names = refs.flatMap((r) => (r.kind === 'name' ? [r.name] : []));
  const arns = refs.flatMap((r) => (r.kind === 'arn' ? [r.arn] : []));
  return { ...(names.length ? { serviceNames: names } : {}), ...(arns.length ? { serviceArns: arns } : {}) };
}

/** Checks the input against the contract before anything is called; names the flag behind a bad field. */
function validateInput(input: Record<string, unknown>, now: Date): void {
  try {
    parseExecutionInput(input, { now: now.getTime(), maxTargets: ABSOLUTE_MAX_TARGETS });
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw new UsageError(`invalid input: ${inputIssuesText(error, FIELD_FLAGS)}`);
    }
    throw error;
  }
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function iso(ms: number): string {
  return isoSeconds(new Date(ms));
}
