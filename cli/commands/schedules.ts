import { type Command, InvalidArgumentError } from 'commander';
import { isoDurationSeconds } from '../../lib/contract/execution-input';
import { type DeployedSchedule, scheduleGroupName } from '../../lib/schedules/deployed';
import { loadSchedules, type Schedule, SchedulesFileError } from '../../lib/schedules/schedules';
import { type UpcomingRun, upcomingRuns, upcomingRunsOf } from '../../lib/schedules/upcoming';
import { localIso } from '../../lib/schedules/wall-clock';
import { ExitCode } from '../exit-codes';
import { UsageError } from '../lib/args';
import { resolveRegion } from '../lib/aws';
import { readDeployedSchedules } from '../lib/deployed-schedules';
import { reportError } from '../lib/errors';
import { table } from '../lib/format';
import { io } from '../lib/io';
import { checkStage } from '../lib/state-machine';
import { formatLocal, formatUtc, notARealDate, parseIsoInstant } from '../lib/time';

interface SchedulesOptions {
  file: string;
  count: number;
  from?: string;
  json?: boolean;
  deployed?: boolean;
  stage?: string;
  region?: string;
}

/** One schedule as listed, from the file or from the deployed group. */
interface Listed {
  name: string;
  action: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  targets: Schedule['targets'];
  readyBy?: { time: string; lead?: string };
  skip?: string;
  notes?: string[];
  /** Fires, but not on a cron whose times can be listed (a `rate(…)` or `at(…)` schedule made by hand). */
  notListed?: boolean;
  next: UpcomingRun[];
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100)
    throw new InvalidArgumentError('must be a whole number from 1 to 100');
  return n;
}

/** `tags env=staging · names api, web · 2 ARNs` */
export function describeTargets(targets: Schedule['targets']): string {
  const parts: string[] = [];
  const tags = Object.entries(targets.tags ?? {});
  if (tags.length) parts.push(`tags ${tags.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (targets.serviceNames?.length) parts.push(`names ${targets.serviceNames.join(', ')}`);
  if (targets.serviceArns?.length) {
    parts.push(
      targets.serviceArns.length === 1
        ? `ARN ${targets.serviceArns[0]}`
        : `${targets.serviceArns.length} ARNs`,
    );
  }
  return parts.join(' · ');
}

/** Reads the schedules file, turning its errors into a usage error (exit 2) that lists every problem. */
export function readSchedules(file: string): Schedule[] {
  try {
    return loadSchedules(file);
  } catch (error) {
    if (error instanceof SchedulesFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** Registers `apprunner-scheduler schedules`. */
export function register(program: Command): void {
  program
    .command('schedules')
    .summary('Next fire times of each schedule, with skip days and ready-by times')
    .description(
      'Show when each schedule fires next, in its own time zone and in UTC (daylight saving as EventBridge ' +
        'Scheduler applies it: a skipped local time does not fire, a repeated one fires once). Runs on a skip ' +
        'day are listed and marked with the holiday or "skip date" (the workflow records them as skipped); ' +
        'ready-by schedules show the time the services should be ready. Reads schedules.yml, or with ' +
        '--deployed the schedules deployed in the stack (EventBridge Scheduler group apprunner-scheduler-<stage>).',
    )
    .option('-f, --file <file>', 'schedules file', 'schedules.yml')
    .option('-n, --count <n>', 'fire times per schedule', parseCount, 5)
    .option('--from <iso>', 'list fire times after this instant (ISO-8601 with a zone; default now)')
    .option('--deployed', "read the stack's deployed schedules instead of the file")
    .option('--stage <stage>', 'with --deployed: the stage the stack was deployed with (default dev)')
    .option('--region <region>', 'with --deployed: AWS region (default: AWS_REGION or your profile)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 listed; 1 the deployed schedules could not be read (network, service error);
2 usage error, invalid schedules file, no credentials or region, or no such stage (schedule group).

With --deployed, the calls are EventBridge Scheduler GetScheduleGroup, ListSchedules and GetSchedule
(AWS_ENDPOINT_URL_SCHEDULER redirects them). Classic rules (type: rule) are not in the group.

Examples:
  $ apprunner-scheduler schedules
  $ apprunner-scheduler schedules --count 3 --from 2026-03-27T00:00:00Z     # across the spring DST change
  $ apprunner-scheduler schedules --from 2026-12-20T00:00:00Z --count 10    # holidays marked as skipped
  $ apprunner-scheduler schedules --file deploy/prod-schedules.yml --json
  $ apprunner-scheduler schedules --deployed --stage prod --region eu-west-1`,
    )
    .action(async (opts: SchedulesOptions) => {
      process.exitCode = await runSchedules(opts);
    });
}

async function runSchedules(opts: SchedulesOptions): Promise<number> {
  try {
    const unreal = opts.from === undefined ? undefined : notARealDate(opts.from);
    if (unreal) throw new UsageError(`--from "${opts.from}": ${unreal}`);
    const from = opts.from === undefined ? new Date() : parseIsoInstant(opts.from);
    if (!from)
      throw new UsageError(
        `--from "${opts.from}": expected an ISO-8601 time with a zone, e.g. 2026-03-27T00:00:00Z`,
      );
    for (const flag of ['stage', 'region'] as const) {
      if (opts[flag] !== undefined && !opts.deployed)
        throw new UsageError(`--${flag} is only used with --deployed`);
    }
    const source = opts.deployed ? `schedule group ${scheduleGroupName(opts.stage ?? 'dev')}` : opts.file;
    const listed = opts.deployed
      ? (await readDeployed(opts)).map((s) => listDeployed(s, from, opts.count))
      : readSchedules(opts.file).map((s) => listFromFile(s, from, opts.count));
    if (opts.json) {
      io.out(JSON.stringify({ from: from.toISOString(), source, schedules: listed }, null, 2));
      return ExitCode.Ok;
    }
    if (listed.length === 0) {
      io.out(`${source} has no schedules.`);
      return ExitCode.Ok;
    }
    io.out(`Next fire times after ${formatUtc(from.toISOString())} (${source}):`);
    io.out('');
    io.out(
      table(['SCHEDULE', 'ACTION', 'TIME ZONE', 'LOCAL TIME', 'UTC', 'RUN', 'CRON / TARGETS'], rows(listed)),
    );
    return ExitCode.Ok;
  } catch (error) {
    return reportError(error, io.err);
  }
}

function listFromFile(s: Schedule, from: Date, count: number): Listed {
  return {
    name: s.name,
    action: s.action,
    cron: s.cron,
    timezone: s.timezone,
    enabled: s.enabled,
    targets: s.targets,
    ...(s.readyBy && { readyBy: { time: s.readyBy.time, lead: s.readyBy.lead } }),
    ...(s.skip && { skip: describeSkip(s.skip.calendar, s.skip.holidays, s.skip.dates) }),
    next: s.enabled ? upcomingRunsOf(s, from, count) : [],
  };
}

function listDeployed(s: DeployedSchedule, from: Date, count: number): Listed {
  const isCron = s.expression.startsWith('cron(');
  const skip = s.calendar?.skip;
  const notes = [
    ...(s.inputProblem !== undefined ? [`input not read: ${s.inputProblem}`] : []),
    ...(!isCron ? ['not a cron schedule: fire times not shown'] : []),
  ];
  return {
    name: s.name,
    action: s.action ?? '?',
    cron: s.expression,
    timezone: s.timezone,
    enabled: s.state === 'ENABLED',
    targets: (s.targets ?? {}) as Schedule['targets'],
    ...(s.calendar?.readyBy !== undefined && { readyBy: { time: s.calendar.readyBy } }),
    ...(skip && {
      skip: describeSkip(
        undefined,
        skip.holidays ? [`holidays up to ${skip.horizon}`] : [],
        skip.dates ?? [],
      ),
    }),
    ...(notes.length > 0 && { notes }),
    ...(!isCron && { notListed: true }),
    next:
      s.state === 'ENABLED' && isCron
        ? upcomingRuns({ name: s.name, cron: s.expression, timezone: s.timezone, ...s.calendar }, from, count)
        : [],
  };
}

const DAY_MS = 86_400_000;

/** Days in a skip entry: 1 for a date, every day of an inclusive range (`2026-12-24..2027-01-01`: 9). */
function daysIn(entry: string): number {
  const [first = '', last = first] = entry.split('..');
  return Math.max(1, Math.round((Date.parse(last) - Date.parse(first)) / DAY_MS) + 1);
}

/** `skip berlin-office: DE-BE, 9 days (2026-12-24..2027-01-01)`; the dates themselves when there are few. */
function describeSkip(calendar: string | undefined, holidays: string[], dates: string[]): string {
  const parts = [...holidays];
  if (dates.length > 0) {
    const days = dates.reduce((sum, entry) => sum + daysIn(entry), 0);
    const which = dates.length <= 2 ? ` (${dates.join(', ')})` : '';
    parts.push(`${days} ${days === 1 ? 'day' : 'days'}${which}`);
  }
  return `skip${calendar ? ` ${calendar}` : ''}: ${parts.join(', ')}`;
}

/** `PT20M` → `20 min`, `PT1H30M` → `1 h 30 min` (the file's lead, as a person reads it). */
function leadText(lead: string): string {
  const minutes = Math.round(isoDurationSeconds(lead) / 60);
  if (minutes <= 0) return lead;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : ''].filter(Boolean).join(' ');
}

function runText(run: UpcomingRun, timezone: string): string {
  if (run.skipped) return `skipped: ${run.skipped.name}`;
  if (!run.readyBy) return '';
  // Local wall time, with the weekday only when it is not the fire time's day (a lead across midnight).
  const ready = formatLocal(localIso(Date.parse(run.readyBy), timezone));
  const sameDay = ready.slice(0, 14) === formatLocal(run.local).slice(0, 14);
  return `ready by ${sameDay ? ready.slice(15, 20) : ready.slice(0, 3) + ready.slice(14, 20)}`;
}

function rows(listed: Listed[]): string[][] {
  const out: string[][] = [];
  for (const s of listed) {
    const head = [s.name, s.action, s.timezone];
    const details = [
      s.cron,
      ...(describeTargets(s.targets) ? [describeTargets(s.targets)] : []),
      ...(s.readyBy
        ? [`ready by ${s.readyBy.time}${s.readyBy.lead ? ` (fires ${leadText(s.readyBy.lead)} before)` : ''}`]
        : []),
      ...(s.skip ? [s.skip] : []),
      ...(s.notes ?? []),
    ];
    const first = !s.enabled
      ? '(disabled)'
      : s.notListed
        ? '(not listed)'
        : s.next.length === 0
          ? '(never fires)'
          : undefined;
    const times = first
      ? [[first, '', '']]
      : s.next.map((t) => [formatLocal(t.local), formatUtc(t.utc), runText(t, s.timezone)]);
    const lines = Math.max(times.length, details.length);
    for (let i = 0; i < lines; i++) {
      out.push([...(i === 0 ? head : ['', '', '']), ...(times[i] ?? ['', '', '']), details[i] ?? '']);
    }
  }
  return out;
}

async function readDeployed(opts: SchedulesOptions): Promise<DeployedSchedule[]> {
  const stage = checkStage(opts.stage ?? 'dev');
  return readDeployedSchedules(stage, await resolveRegion(opts.region));
}
