import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { ServiceInfo } from '../../lib/app-runner/port';
import { isOptedOut, LEASE_TAG, type Lease, readLease } from '../../lib/contract/tags';
import { freezeParameterName } from '../../lib/freeze/freeze';
import { nextFireTimes, type Schedule } from '../../lib/schedules/schedules';
import { ExitCode } from '../exit-codes';
import { parseKeyValue } from '../lib/args';
import { appRunner, resolveRegion } from '../lib/aws';
import { ENDPOINT_VARIABLES, envVar, isLocalEndpoint } from '../lib/env';
import { fromAwsError, reportError } from '../lib/errors';
import { leaseByText, table } from '../lib/format';
import { type FreezeState, freezeText, readFreezeState } from '../lib/freeze';
import { io } from '../lib/io';
import { mapLimit } from '../lib/map-limit';
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
  action: Schedule['action'];
  local: string;
  utc: string;
  /** Why the workflow will skip this service (or the whole run) at that time, if it will. */
  skip?: 'OPTED_OUT' | 'KEEP_AWAKE_LEASE' | 'FROZEN';
}

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
        'next scheduled action that targets it (from schedules.yml), in the schedule time zone and UTC.',
    )
    .option('-t, --tag <key=value...>', 'only services carrying all these tags')
    .option('--schedules <file>', `schedules file (default: ./${DEFAULT_SCHEDULES} when present)`)
    .option('--stage <stage>', 'deployed stage whose freeze to show', 'dev')
    .option('--region <region>', 'AWS region (default: AWS_REGION or your profile)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Columns: LEASE is the keep-awake lease (tag ${LEASE_TAG}): pauses skip the
service until then; "by" and the quoted text say who set it and why. OPT-OUT "yes" means scheduled runs
leave the service alone. NEXT is the next schedule that targets the service (by name, ARN or tags), marked
"skip" when the lease, the opt-out or a freeze of the stage will make the workflow skip it then.

Above the table: whether the stage's scheduled runs are frozen (\`apprunner-scheduler freeze\`), by whom,
why and until when; a freeze that cannot be read (no ssm:GetParameter) is a note, not an error.

Exit codes: 0 listed, 1 App Runner could not be read, 2 usage error, bad schedules file, no credentials or region.

Examples:
  $ apprunner-scheduler status
  $ apprunner-scheduler status --tag env=staging
  $ apprunner-scheduler status --stage prod               # the prod freeze, if any
  $ apprunner-scheduler status --schedules deploy/prod-schedules.yml --region eu-west-1 --json`,
    )
    .action(async (opts: StatusOptions) => {
      process.exitCode = await runStatus(opts);
    });
}

async function runStatus(opts: StatusOptions): Promise<number> {
  try {
    const wanted = Object.fromEntries((opts.tag ?? []).map((kv) => parseKeyValue(kv, '--tag')));
    let schedules: Schedule[] = [];
    let scheduleNote: string | undefined;
    if (opts.schedules !== undefined) schedules = readSchedules(opts.schedules);
    else if (existsSync(DEFAULT_SCHEDULES)) schedules = readSchedules(DEFAULT_SCHEDULES);
    else
      scheduleNote = `no ./${DEFAULT_SCHEDULES} here: pass --schedules <file> to see the next scheduled actions`;

    const stage = checkStage(opts.stage);
    const region = await resolveRegion(opts.region);
    const port = appRunner();
    const now = Date.now();
    // Read alongside App Runner; never fails the command. Practising against a local emulator with no
    // local SSM, there is no freeze to read (and no credentials to read it with).
    const freezeRead: Promise<FreezeState> =
      isLocalEndpoint(ENDPOINT_VARIABLES.appRunner) && !envVar(ENDPOINT_VARIABLES.ssm)
        ? Promise.resolve({ parameter: freezeParameterName(stage), skipped: true })
        : readFreezeState(stage, region, now);
    let lines: ServiceStatusLine[];
    let freeze: FreezeState;
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
      const frozenUntil = freeze.until ? Date.parse(freeze.until) : undefined;
      lines = services
        .map((s, i) => ({ service: s, tags: tags[i] ?? {} }))
        .filter(({ tags: t }) => Object.entries(wanted).every(([k, v]) => t[k] === v))
        .map(({ service, tags: t }) => statusLine(service, t, schedules, now, frozenUntil))
        .sort((a, b) => a.name.localeCompare(b.name));
    } finally {
      await freezeRead.catch(() => undefined);
      port.destroy();
    }

    if (opts.json) {
      io.out(
        JSON.stringify(
          { region, at: new Date(now).toISOString(), freeze: { stage, ...freeze }, services: lines },
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
      l.next ? `${l.next.action} (${l.next.schedule})${l.next.skip ? ` skip: ${l.next.skip}` : ''}` : '',
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
    io.out('');
    io.out(table(['SERVICE', 'STATUS', 'LEASE', 'OPT-OUT', 'NEXT', 'LOCAL TIME', 'UTC'], rows));
    if (scheduleNote) io.err(`note: ${scheduleNote}`);
    if (freeze.error) io.err(`note: cannot tell whether stage ${stage} is frozen: ${freeze.error}`);
    return ExitCode.Ok;
  } catch (error) {
    return reportError(error, io.err);
  }
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
  schedules: Schedule[],
  now: number,
  /** The stage's freeze ends then (ms); scheduled runs before it are skipped. */
  frozenUntil?: number,
): ServiceStatusLine {
  const lease = readLease(tags);
  const optedOut = isOptedOut(tags);
  let next: NextAction | undefined;
  for (const schedule of schedules) {
    if (!schedule.enabled || !targets(schedule, service, tags)) continue;
    const [fire] = nextFireTimes(schedule, new Date(now), 1);
    if (!fire || (next && Date.parse(next.utc) <= Date.parse(fire.utc))) continue;
    const at = Date.parse(fire.utc);
    const skip =
      frozenUntil !== undefined && at < frozenUntil
        ? ('FROZEN' as const)
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
function targets(schedule: Schedule, service: ServiceInfo, tags: Record<string, string>): boolean {
  const t = schedule.targets;
  if (t.serviceArns?.includes(service.arn)) return true;
  if (t.serviceNames?.includes(service.name)) return true;
  const wanted = Object.entries(t.tags ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => tags[k] === v);
}

function leaseWho(lease: Lease): { by?: string; reason?: string } {
  return { ...(lease.by ? { by: lease.by } : {}), ...(lease.reason ? { reason: lease.reason } : {}) };
}
