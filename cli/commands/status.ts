import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { ServiceInfo } from '../../lib/app-runner/port';
import { isOptedOut, LEASE_TAG, type Lease, readLease } from '../../lib/contract/tags';
import { freezeParameterName } from '../../lib/freeze/freeze';
import { mapLimit } from '../../lib/runtime/map-limit';
import { type DeployedSchedule, scheduleGroupName } from '../../lib/schedules/deployed';
import type { Schedule } from '../../lib/schedules/schedules';
import { type UpcomingRun, upcomingRuns, upcomingRunsOf } from '../../lib/schedules/upcoming';
import { ExitCode } from '../exit-codes';
import { parseKeyValue, UsageError } from '../lib/args';
import { appRunner, resolveRegion } from '../lib/aws';
import { readDeployedSchedules } from '../lib/deployed-schedules';
import { ENDPOINT_VARIABLES, envVar, isLocalEndpoint } from '../lib/env';
import { fromAwsError, reportError } from '../lib/errors';
import { leaseByText, table } from '../lib/format';
import { FREEZE_NOTE_PATIENCE, type FreezeState, freezeText, readFreezeState } from '../lib/freeze';
import { io } from '../lib/io';
import { appRunnerSite, listServices } from '../lib/resolve';
import { checkStage } from '../lib/state-machine';
import { formatLocal, formatUtc, relative } from '../lib/time';
import { readSchedules } from './schedules';

interface StatusOptions {
  tag?: string[];
  schedules?: string;
  stage: string;
  region?: string;
  json?: boolean;
}

const DEFAULT_SCHEDULES = 'schedules.yml';
/** ListTagsForResource calls in flight at once (App Runner's request rate is modest). */
const TAG_CONCURRENCY = 5;

export interface NextAction {
  schedule: string;
  action: string;
  local: string;
  utc: string;
  /** Why the workflow will skip this service (or the whole run) at that time, if it will. */
  skip?: 'OPTED_OUT' | 'KEEP_AWAKE_LEASE' | 'FROZEN' | 'HOLIDAY' | 'SKIP_DATE';
  /** With HOLIDAY or SKIP_DATE: the holiday's name, or the skip dates. */
  skipName?: string;
}

/** A schedule as the NEXT column needs it: what it selects, and its next run (skip day marked). */
export interface ScheduleNext {
  name: string;
  action: string;
  targets: Schedule['targets'];
  next?: UpcomingRun;
}

/** Where the NEXT column's schedules come from; `note` says why not from the deployed stack. */
export type ScheduleSource =
  | { source: 'deployed'; group: string }
  | { source: 'file'; file: string; note?: string }
  | { source: 'none'; note: string };

export interface ServiceStatusLine {
  name: string;
  arn: string;
  region: string;
  status: string;
  lease?: ({ until: string; active: boolean } | { malformed: string }) & { by?: string; reason?: string };
  optedOut: boolean;
  next?: NextAction;
}

/** Registers `apprunner-scheduler status`. */
export function register(program: Command): void {
  program
    .command('status')
    .summary('Every service: status, keep-awake lease, opt-out, next scheduled action')
    .description(
      'List every App Runner service in the region with its status, keep-awake lease, opt-out, and the ' +
        'next scheduled action that targets it, in the schedule time zone and UTC. The schedules are the ' +
        'ones deployed for the stage (its EventBridge Scheduler group) when they can be read, else ./schedules.yml; the output says which.',
    )
    .option('-t, --tag <key=value...>', 'only services carrying all these tags')
    .option(
      '--schedules <file>',
      `read the next actions from this schedules file, not from the deployed schedules`,
    )
    .option('--stage <stage>', 'deployed stage whose schedules and freeze to show', 'dev')
    .option('--region <region>', 'AWS region (default: AWS_REGION or your profile)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Columns: LEASE is the keep-awake lease (tag ${LEASE_TAG}): pauses skip the
service until then; "by" and the quoted text say who set it and why. OPT-OUT "yes" means scheduled runs
leave the service alone. NEXT is the next schedule that targets the service (by name, ARN or tags), marked
"skip" when the lease, the opt-out, a skip day (holiday or skip date) or a freeze of the stage will make
the workflow skip it then.

Schedules: without --schedules, the stage's deployed schedules (EventBridge Scheduler group
apprunner-scheduler-<stage>: GetScheduleGroup, ListSchedules, GetSchedule; one attempt of 3 s per call). When they cannot be read
(not deployed, no access, unreachable) NEXT comes from ./${DEFAULT_SCHEDULES} if there is one, and a note says
why. Practising against a local App Runner endpoint, the deployed schedules are read only when
AWS_ENDPOINT_URL_SCHEDULER is set too.

Above the table: whether the stage's scheduled runs are frozen (\`apprunner-scheduler freeze\`), by whom,
why and until when; a freeze that cannot be read (no ssm:GetParameter) is a note, not an error.

Exit codes: 0 listed, 1 App Runner could not be read, 2 usage error, a bad --schedules file, no credentials or region.

Examples:
  $ apprunner-scheduler status
  $ apprunner-scheduler status --tag env=staging
  $ apprunner-scheduler status --stage prod --region eu-west-1   # prod's schedules and freeze
  $ apprunner-scheduler status --schedules deploy/prod-schedules.yml --region eu-west-1 --json`,
    )
    .action(async (opts: StatusOptions) => {
      process.exitCode = await runStatus(opts);
    });
}

async function runStatus(opts: StatusOptions): Promise<number> {
  try {
    const wanted = Object.fromEntries((opts.tag ?? []).map((kv) => parseKeyValue(kv, '--tag')));
    // An explicit file is read (and refused when invalid) before any call.
    const explicit = opts.schedules !== undefined ? readSchedules(opts.schedules) : undefined;
    const stage = checkStage(opts.stage);
    const region = await resolveRegion(opts.region);
    const port = appRunner();
    const now = Date.now();
    // Read alongside App Runner; neither fails the command. Practising against a local emulator, SSM and
    // Scheduler are read only when redirected too (there is no account to read them from).
    const practising = isLocalEndpoint(ENDPOINT_VARIABLES.appRunner);
    const freezeRead: Promise<FreezeState> =
      practising && !envVar(ENDPOINT_VARIABLES.ssm)
        ? Promise.resolve({ parameter: freezeParameterName(stage), skipped: true })
        : readFreezeState(stage, region, now);
    const deployedRead: Promise<DeployedSchedule[] | string> | undefined =
      explicit !== undefined
        ? undefined
        : practising && !envVar(ENDPOINT_VARIABLES.scheduler)
          ? Promise.resolve(
              'practising against a local App Runner endpoint (AWS_ENDPOINT_URL_SCHEDULER is not set)',
            )
          : readDeployedSchedules(stage, region, FREEZE_NOTE_PATIENCE).catch(
              (error: unknown) => (error as Error).message,
            );
    let lines: ServiceStatusLine[];
    let freeze: FreezeState;
    let source: ScheduleSource;
    try {
      const services = await listServices(port, region);
      const tags = await mapLimit(services, TAG_CONCURRENCY, async (s) => {
        try {
          return await port.listTags(s.arn);
        } catch (error) {
          throw fromAwsError(error, appRunnerSite('ListTagsForResource'));
        }
      });
      freeze = await freezeRead;
      let schedules: ScheduleNext[];
      ({ schedules, source } = scheduleSource(explicit, opts.schedules, await deployedRead, stage, now));
      const frozenUntil = freeze.until ? Date.parse(freeze.until) : undefined;
      lines = services
        .map((s, i) => ({ service: s, tags: tags[i] ?? {} }))
        .filter(({ tags: t }) => Object.entries(wanted).every(([k, v]) => t[k] === v))
        .map(({ service, tags: t }) => statusLine(service, t, schedules, now, frozenUntil))
        .sort((a, b) => a.name.localeCompare(b.name));
    } finally {
      await Promise.allSettled([freezeRead, deployedRead]);
      port.destroy();
    }

    if (opts.json) {
      io.out(
        JSON.stringify(
          {
            region,
            at: new Date(now).toISOString(),
            freeze: { stage, ...freeze },
            schedules: source,
            services: lines,
          },
          null,
          2,
        ),
      );
      return ExitCode.Ok;
    }
    const rows = lines.map((l) => [
      l.name,
      l.status,
      leaseText(l, now),
      l.optedOut ? 'yes' : '',
      l.next ? `${l.next.action} (${l.next.schedule})${skipText(l.next)}` : '',
      l.next ? formatLocal(l.next.local) : '',
      l.next ? formatUtc(l.next.utc) : '',
    ]);
    const filter = Object.keys(wanted).length
      ? ` with ${Object.entries(wanted)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`
      : '';
    io.out(`${lines.length} App Runner service(s) in ${region}${filter} at ${formatUtc(now)}:`);
    if (freeze.freeze) io.out(`Scheduled runs of stage ${stage}: ${freezeText(freeze.freeze, now)}.`);
    else if (!freeze.error && !freeze.skipped) io.out(`Scheduled runs of stage ${stage}: not frozen.`);
    io.out(
      source.source === 'none'
        ? 'No schedules read: NEXT is empty.'
        : `Next actions from ${sourceText(source, region)}.`,
    );
    io.out('');
    io.out(table(['SERVICE', 'STATUS', 'LEASE', 'OPT-OUT', 'NEXT', 'LOCAL TIME', 'UTC'], rows));
    if (source.source !== 'deployed' && source.note) io.err(`note: ${source.note}`);
    if (freeze.error) io.err(`note: cannot tell whether stage ${stage} is frozen: ${freeze.error}`);
    return ExitCode.Ok;
  } catch (error) {
    return reportError(error, io.err);
  }
}

/**
 * The schedules behind the NEXT column: the explicit file; else the deployed ones when they were read;
 * else ./schedules.yml when present (an invalid one is a usage error, as with --schedules).
 */
function scheduleSource(
  explicit: Schedule[] | undefined,
  file: string | undefined,
  deployed: DeployedSchedule[] | string | undefined,
  stage: string,
  now: number,
): { schedules: ScheduleNext[]; source: ScheduleSource } {
  if (explicit !== undefined) {
    return { schedules: explicit.map((s) => fromFile(s, now)), source: { source: 'file', file: file ?? '' } };
  }
  if (Array.isArray(deployed)) {
    return {
      schedules: deployed.flatMap((s) => fromDeployed(s, now)),
      source: { source: 'deployed', group: scheduleGroupName(stage) },
    };
  }
  const why = `deployed schedules of stage ${stage} not read: ${(deployed ?? 'not asked').replace(/\.$/, '')}`;
  if (!existsSync(DEFAULT_SCHEDULES)) {
    return {
      schedules: [],
      source: {
        source: 'none',
        note: `${why}; no ./${DEFAULT_SCHEDULES} here either (--schedules <file> reads one)`,
      },
    };
  }
  let local: Schedule[];
  try {
    local = readSchedules(DEFAULT_SCHEDULES);
  } catch (error) {
    // Not asked for by name: an invalid file costs the NEXT column, not the table.
    if (!(error instanceof UsageError)) throw error;
    return {
      schedules: [],
      source: {
        source: 'none',
        note: `${why}; ./${DEFAULT_SCHEDULES} is invalid (\`apprunner-scheduler schedules\` lists its problems)`,
      },
    };
  }
  return {
    schedules: local.map((s) => fromFile(s, now)),
    source: { source: 'file', file: DEFAULT_SCHEDULES, note: `${why}; NEXT is from ./${DEFAULT_SCHEDULES}` },
  };
}

function fromFile(s: Schedule, now: number): ScheduleNext {
  const [next] = s.enabled ? upcomingRunsOf(s, new Date(now), 1) : [];
  return { name: s.name, action: s.action, targets: s.targets, ...(next && { next }) };
}

/** A deployed schedule of ours that fires (enabled, cron, an input with action and targets), else none. */
function fromDeployed(s: DeployedSchedule, now: number): ScheduleNext[] {
  if (s.state !== 'ENABLED' || !s.expression.startsWith('cron(') || !s.action || !s.targets) return [];
  const [next] = upcomingRuns(
    { name: s.name, cron: s.expression, timezone: s.timezone, ...s.calendar },
    new Date(now),
    1,
  );
  return [
    { name: s.name, action: s.action, targets: s.targets as Schedule['targets'], ...(next && { next }) },
  ];
}

function sourceText(source: Exclude<ScheduleSource, { source: 'none' }>, region: string): string {
  if (source.source === 'deployed') return `the deployed schedules (group ${source.group} in ${region})`;
  return source.file === DEFAULT_SCHEDULES ? `./${source.file}` : source.file;
}

function skipText(next: NextAction): string {
  if (!next.skip) return '';
  return ` skip: ${next.skip}${next.skipName ? ` (${next.skipName})` : ''}`;
}

function leaseText(l: ServiceStatusLine, now: number): string {
  if (!l.lease) return '';
  if ('malformed' in l.lease) return `unreadable "${l.lease.malformed}"`;
  const at = Date.parse(l.lease.until);
  return l.lease.active
    ? `until ${formatUtc(l.lease.until)} (${relative(at, now)})${leaseByText(l.lease)}`
    : `expired ${formatUtc(l.lease.until)}`;
}

/** One service's line: status, lease, opt-out, and the next schedule that targets it. */
export function statusLine(
  service: ServiceInfo,
  tags: Record<string, string>,
  schedules: ScheduleNext[],
  now: number,
  /** The stage's freeze ends then (ms); scheduled runs before it are skipped. */
  frozenUntil?: number,
): ServiceStatusLine {
  const lease = readLease(tags);
  const optedOut = isOptedOut(tags);
  let next: NextAction | undefined;
  for (const schedule of schedules) {
    const fire = schedule.next;
    if (!fire || !targets(schedule, service, tags)) continue;
    if (next && Date.parse(next.utc) <= Date.parse(fire.utc)) continue;
    const at = Date.parse(fire.utc);
    // In the workflow's order: a frozen or skipped run makes no App Runner call at all.
    const skip =
      frozenUntil !== undefined && at < frozenUntil
        ? ('FROZEN' as const)
        : fire.skipped
          ? fire.skipped.reason
          : optedOut
            ? ('OPTED_OUT' as const)
            : schedule.action === 'pause' && lease.until !== undefined && lease.until > at
              ? ('KEEP_AWAKE_LEASE' as const)
              : undefined;
    next = {
      schedule: schedule.name,
      action: schedule.action,
      local: fire.local,
      utc: fire.utc,
      ...(skip ? { skip } : {}),
      ...(fire.skipped && skip === fire.skipped.reason ? { skipName: fire.skipped.name } : {}),
    };
  }
  return {
    name: service.name,
    arn: service.arn,
    region: service.region,
    status: service.status,
    ...(lease.until !== undefined
      ? {
          lease: {
            until: new Date(lease.until).toISOString(),
            active: lease.until > now,
            ...leaseWho(lease),
          },
        }
      : lease.malformed !== undefined
        ? { lease: { malformed: lease.malformed, ...leaseWho(lease) } }
        : {}),
    optedOut,
    ...(next ? { next } : {}),
  };
}

/** Whether a schedule selects the service (the union of its selectors, as the workflow resolves them). */
function targets(schedule: ScheduleNext, service: ServiceInfo, tags: Record<string, string>): boolean {
  const t = schedule.targets;
  if (t.serviceArns?.includes(service.arn)) return true;
  if (t.serviceNames?.includes(service.name)) return true;
  const wanted = Object.entries(t.tags ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => tags[k] === v);
}

function leaseWho(lease: Lease): { by?: string; reason?: string } {
  return { ...(lease.by ? { by: lease.by } : {}), ...(lease.reason ? { reason: lease.reason } : {}) };
}
