import { type Command, InvalidArgumentError } from 'commander';
import {
  loadSchedules,
  nextFireTimes,
  type Schedule,
  SchedulesFileError,
} from '../../lib/schedules/schedules';
import { ExitCode } from '../exit-codes';
import { UsageError } from '../lib/args';
import { reportError } from '../lib/errors';
import { table } from '../lib/format';
import { io } from '../lib/io';
import { formatLocal, formatUtc, parseIsoInstant } from '../lib/time';

interface SchedulesOptions {
  file: string;
  count: number;
  from?: string;
  json?: boolean;
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
    .summary('Next fire times of each schedule, in its time zone and UTC')
    .description(
      'Show when each schedule in schedules.yml fires next, in its own time zone and in UTC ' +
        '(daylight saving as EventBridge Scheduler applies it: a skipped local time does not fire, a repeated one fires once).',
    )
    .option('-f, --file <file>', 'schedules file', 'schedules.yml')
    .option('-n, --count <n>', 'fire times per schedule', parseCount, 5)
    .option('--from <iso>', 'list fire times after this instant (ISO-8601 with a zone; default now)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 listed, 2 usage error or invalid schedules file (every problem is listed).

Examples:
  $ apprunner-scheduler schedules
  $ apprunner-scheduler schedules --count 3 --from 2026-03-27T00:00:00Z     # across the spring DST change
  $ apprunner-scheduler schedules --file deploy/prod-schedules.yml --json`,
    )
    .action((opts: SchedulesOptions) => {
      process.exitCode = runSchedules(opts);
    });
}

function runSchedules(opts: SchedulesOptions): number {
  try {
    const from = opts.from === undefined ? new Date() : parseIsoInstant(opts.from);
    if (!from)
      throw new UsageError(
        `--from "${opts.from}": expected an ISO-8601 time with a zone, e.g. 2026-03-27T00:00:00Z`,
      );
    const schedules = readSchedules(opts.file);
    const listed = schedules.map((s) => ({
      name: s.name,
      action: s.action,
      cron: s.cron,
      timezone: s.timezone,
      enabled: s.enabled,
      targets: s.targets,
      next: s.enabled ? nextFireTimes(s, from, opts.count) : [],
    }));
    if (opts.json) {
      io.out(JSON.stringify({ from: from.toISOString(), schedules: listed }, null, 2));
      return ExitCode.Ok;
    }
    if (listed.length === 0) {
      io.out(`${opts.file} has no schedules.`);
      return ExitCode.Ok;
    }
    const rows: string[][] = [];
    for (const s of listed) {
      const head = [s.name, s.action, s.timezone];
      if (!s.enabled) {
        rows.push([...head, '(disabled)', '', s.cron]);
        continue;
      }
      if (s.next.length === 0) rows.push([...head, '(never fires)', '', s.cron]);
      s.next.forEach((t, i) => {
        const detail = i === 0 ? s.cron : i === 1 ? describeTargets(s.targets) : '';
        rows.push([...(i === 0 ? head : ['', '', '']), formatLocal(t.local), formatUtc(t.utc), detail]);
      });
    }
    io.out(`Next fire times after ${formatUtc(from.toISOString())} (${opts.file}):`);
    io.out('');
    io.out(table(['SCHEDULE', 'ACTION', 'TIME ZONE', 'LOCAL TIME', 'UTC', 'CRON / TARGETS'], rows));
    return ExitCode.Ok;
  } catch (error) {
    return reportError(error, io.err);
  }
}
