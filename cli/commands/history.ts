import { type Command, InvalidArgumentError } from 'commander';
import { warmupMissNoteOf } from '../../lib/contract/execution-result';
import { ExitCode } from '../exit-codes';
import { parseSinceBack } from '../lib/args';
import { resolveRegion, sfnClient } from '../lib/aws';
import { reportError } from '../lib/errors';
import { skippedRunText, table } from '../lib/format';
import { type HistoryRun, readHistory, summaryText } from '../lib/history';
import { io } from '../lib/io';
import { checkStage, locateStateMachine, STATE_MACHINE_ENV } from '../lib/state-machine';
import { formatUtc, relative } from '../lib/time';

interface HistoryOptions {
  since: number;
  service?: string;
  limit: number;
  json?: boolean;
  stateMachineArn?: string;
  stage: string;
  region?: string;
}

/** Step Functions keeps a Standard workflow's closed executions for 90 days. */
const MAX_SINCE_DAYS = 90;

/** `--since`: a duration back from now (7d, 12h) or an ISO-8601 instant; milliseconds back from now. */
export function parseSince(value: string): number {
  return parseSinceBack(value, {
    minMs: 1,
    maxMs: MAX_SINCE_DAYS * 86_400_000,
    expected: `must be a duration back from now (7d, 12h, 1d12h) or a past ISO-8601 time, within ${MAX_SINCE_DAYS} days`,
  });
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000)
    throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
}

/** Registers `apprunner-scheduler history`. */
export function register(program: Command): void {
  program
    .command('history')
    .summary('Recent runs, newest first: who, what, how it ended, which services failed and why')
    .description(
      'What happened last night, in one command: the recent runs of the deployed workflow, newest first — ' +
        'when, who or which schedule, the action, the summary, the final status, each service that ' +
        'failed and why, and each service of a ready-by run that was ready late. A skipped run (freeze, ' +
        'holiday) says why it was skipped.',
    )
    .option(
      '--since <when>',
      'runs started since: a duration back from now (12h, 7d) or an ISO-8601 time',
      parseSince,
      7 * 86_400_000,
    )
    .option('--service <name>', "only runs that targeted this service, with that service's line")
    .option(
      '--limit <n>',
      'read at most this many runs (the newest; with --service, those it shows are among them)',
      parseLimit,
      50,
    )
    .option('--json', 'print the runs as JSON')
    .option(
      '--state-machine-arn <arn>',
      `the workflow (default: $${STATE_MACHINE_ENV}, else the stack's StateMachineArn output)`,
    )
    .option('--stage <stage>', 'deployed stage: the stack apprunner-scheduler-<stage> is read', 'dev')
    .option('--region <region>', 'AWS region (default: AWS_REGION or your profile)')
    .addHelpText(
      'after',
      `
Columns: STARTED (UTC), BY (requestedBy: schedule:<name>, user:<name>, runbook:<name>), ACTION (resume or
pause; "dry" for a dry run), STATUS (the execution's: SUCCEEDED, FAILED when a service failed or the run
broke, RUNNING…), RESULT (services ok / skipped / failed / late, a whole-run skip, or NO_TARGETS). Failed
services follow their run, indented, with the reason (see docs/RUNBOOK.md "Outcomes and reasons"); so do
services of a ready-by run that were ready after its ready-by time, by how much and, when the warm-up
explains it, why.

Exit codes: 0 listed (whatever the runs' outcomes), 1 Step Functions unreachable or failing, 2 usage error,
no credentials or region, state machine not found, access denied.

Examples:
  $ apprunner-scheduler history                                # the last 7 days
  $ apprunner-scheduler history --since 12h --stage prod
  $ apprunner-scheduler history --service api-staging --since 3d
  $ apprunner-scheduler history --since 2026-11-27T18:00:00Z --json > runs.json`,
    )
    .action(async (opts: HistoryOptions) => {
      process.exitCode = await runHistory(opts);
    });
}

async function runHistory(opts: HistoryOptions): Promise<number> {
  try {
    checkStage(opts.stage);
    const now = Date.now();
    const since = now - opts.since;
    const location = await locateStateMachine({
      stateMachineArn: opts.stateMachineArn,
      stage: opts.stage,
      region: () => resolveRegion(opts.region),
    });
    const client = sfnClient(location.region);
    let runs: HistoryRun[];
    let more: boolean;
    try {
      ({ runs, more } = await readHistory(client, {
        stateMachineArn: location.arn,
        source: location.source,
        since,
        limit: opts.limit,
        ...(opts.service ? { service: opts.service } : {}),
      }));
    } finally {
      client.destroy();
    }
    const shown = opts.service ? runs.filter((r) => r.service) : runs;
    if (opts.service && runs.length > shown.length) {
      io.err(
        `note: ${runs.length - shown.length} other run(s) in that time have no line for ${opts.service} (other targets, or no report yet).`,
      );
    }
    if (opts.json) {
      io.out(
        JSON.stringify(
          { stateMachineArn: location.arn, since: new Date(since).toISOString(), more, runs: shown },
          null,
          2,
        ),
      );
      return ExitCode.Ok;
    }
    const noun = shown.length === 1 ? 'run' : 'runs';
    const what = opts.service ? `${noun} that targeted ${opts.service}` : noun;
    io.out(
      `${shown.length} ${what} since ${formatUtc(since)} (${relative(since, now)}), newest first · ${location.arn}`,
    );
    if (shown.length > 0) {
      io.out('');
      io.out(opts.service ? serviceTable(shown) : runTable(shown));
    }
    if (more)
      io.out(`\nOnly the newest ${opts.limit} runs were read; --limit or a shorter --since to see others.`);
    return ExitCode.Ok;
  } catch (error) {
    return reportError(error, io.err);
  }
}

function who(run: HistoryRun): string {
  return run.requestedBy ?? '?';
}

function action(run: HistoryRun): string {
  return `${run.action ?? '?'}${run.dryRun ? ' dry' : ''}`;
}

/** One row per run; its failed services, warnings and errors follow it on indented lines of their own. */
function runTable(runs: HistoryRun[]): string {
  const rows = runs.map((run) => [
    formatUtc(run.startedAt),
    who(run),
    action(run),
    run.status,
    summaryText(run),
  ]);
  const [header = '', rule = '', ...lines] = table(
    ['STARTED', 'BY', 'ACTION', 'STATUS', 'RESULT'],
    rows,
  ).split('\n');
  const out = [header, rule];
  runs.forEach((run, i) => {
    out.push(lines[i] ?? '');
    if (run.skippedRun) out.push(`    skipped: ${skippedRunText(run.skippedRun)}`);
    for (const w of run.warnings ?? []) out.push(`    warning: ${w}`);
    for (const f of run.failed) {
      out.push(
        `    ${f.serviceName}: ${f.outcome}${f.reason ? ` ${f.reason}` : ''}${f.error ? ` — ${f.error}` : ''}`,
      );
    }
    for (const l of run.late ?? []) {
      const why = warmupMissNoteOf(l.notes);
      out.push(
        `    ${l.serviceName}: ready ${l.missedBySeconds}s after its ready-by time ${l.readyBy ? formatUtc(l.readyBy) : ''}${why ? ` — ${why}` : ''}`,
      );
    }
    if (run.error) out.push(`    ${run.error.name}: ${run.error.cause}`);
  });
  return out.join('\n');
}

function serviceTable(runs: HistoryRun[]): string {
  const rows = runs.map((run) => {
    const s = run.service;
    return [
      formatUtc(run.startedAt),
      who(run),
      action(run),
      s?.outcome ?? '',
      s?.reason ?? '',
      s?.fromStatus && s.toStatus ? `${s.fromStatus} → ${s.toStatus}` : (s?.toStatus ?? ''),
      s?.durationSeconds !== undefined ? `${s.durationSeconds}s` : '',
      [
        s?.error,
        (s?.missedBySeconds ?? 0) > 0 ? `ready ${s?.missedBySeconds}s after its ready-by time` : undefined,
        ...(s?.notes ?? []),
      ]
        .filter(Boolean)
        .join('; '),
    ];
  });
  return table(['STARTED', 'BY', 'ACTION', 'OUTCOME', 'REASON', 'STATUS', 'TOOK', 'DETAILS'], rows);
}
