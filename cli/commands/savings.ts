import { type Command, InvalidArgumentError, Option } from 'commander';
import { AppRunnerCallError, type ServiceInfo } from '../../lib/app-runner/port';
import { mapLimit } from '../../lib/runtime/map-limit';
import { collectService } from '../../lib/savings/collect';
import {
  buildLedger,
  type Ledger,
  type LedgerRow,
  type LedgerServiceInput,
  LOWER_BOUND_REASON,
} from '../../lib/savings/ledger';
import { PRICE_TABLE_RETRIEVED, PROVISIONED_PRICES } from '../../lib/savings/price';
import { dailyChart, ledgerCsv } from '../../lib/savings/render';
import { isTimeZone } from '../../lib/schedules/wall-clock';
import { ExitCode } from '../exit-codes';
import { parseKeyValue, parseSinceBack } from '../lib/args';
import { appRunner, resolveRegion } from '../lib/aws';
import { CliError, fromAwsError, reportError } from '../lib/errors';
import { table } from '../lib/format';
import { io } from '../lib/io';
import { appRunnerSite, listServices, parseServiceRefs, resolveServices } from '../lib/resolve';
import { formatUtc } from '../lib/time';

interface SavingsOptions {
  since: number;
  tag?: string[];
  service?: string[];
  tz: string;
  pricePerGbHour?: number;
  json?: boolean;
  csv?: boolean;
  region?: string;
}

/** How far back a ledger may reach (App Runner's history rarely does, and the run time grows with it). */
const MAX_SINCE_DAYS = 366;
/** Services read at once: each costs DescribeService plus a few ListOperations pages. */
const READ_CONCURRENCY = 5;
const HOUR = 3_600_000;

/** `--since`: a duration back from now (30d, 12h) or a past ISO-8601 instant; milliseconds back from now. */
export function parseSavingsSince(value: string, now = Date.now()): number {
  return parseSinceBack(
    value,
    {
      minMs: HOUR,
      maxMs: MAX_SINCE_DAYS * 24 * HOUR,
      expected: `must be a duration back from now (30d, 7d, 12h) or a past ISO-8601 time, from 1 hour to ${MAX_SINCE_DAYS} days back`,
    },
    now,
  );
}

function parseZone(value: string): string {
  if (!isTimeZone(value)) {
    throw new InvalidArgumentError('must be an IANA time zone such as Europe/Berlin or UTC');
  }
  return value;
}

function parsePrice(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value.trim()) || !(n > 0) || n > 1) {
    throw new InvalidArgumentError('must be a price in USD per GB-hour above 0 and at most 1, such as 0.007');
  }
  return n;
}

/** Registers `apprunner-scheduler savings`. */
export function register(program: Command): void {
  program
    .command('savings')
    .summary(
      'What pausing saved, per service: hours paused, estimated dollars (a lower bound), a chart per day',
    )
    .description(
      "The savings ledger, from App Runner's own history (ListOperations): for each service, the hours it " +
        'was paused and running in the period, the share paused, and the dollars pausing saved at least — ' +
        "paused hours × MinSize (its auto scaling configuration) × memory GB × the region's provisioned-memory " +
        'price — then a total and a bar per day, so nights and weekends show at a glance.',
    )
    .addOption(
      new Option('--since <when>', 'the period: a duration back from now (30d, 7d, 12h) or an ISO-8601 time')
        .argParser((v: string) => parseSavingsSince(v))
        .default(30 * 24 * HOUR, '30d'),
    )
    .option('-t, --tag <key=value...>', 'services carrying all these tags')
    .option('--service <name...>', 'these services (names, or ARNs in any region)')
    .option('--tz <zone>', 'time zone of the days in the chart (IANA name)', parseZone, 'UTC')
    .option(
      '--price-per-gb-hour <usd>',
      'provisioned-memory price to use for every region, instead of the built-in list prices',
      parsePrice,
    )
    .addOption(
      new Option('--json', 'print the ledger as JSON (totals = the sum of the lines)').conflicts('csv'),
    )
    .addOption(new Option('--csv', 'print one CSV line per service (RFC 4180, with a header row)'))
    .option('--region <region>', 'AWS region (default: AWS_REGION or your profile)')
    .addHelpText(
      'after',
      `
Counted: a paused interval runs from the end of a PAUSE_SERVICE that succeeded to the start of the next
RESUME_SERVICE that did not fail (a failed pause pauses nothing; a failed resume leaves the service paused).
Intervals are clipped to the period. RUNNING is the rest of the time the service existed. HISTORY says how far
back App Runner's history reaches when it does not reach the period's start: hours before it are counted as
neither paused nor running.

The estimate is a LOWER BOUND: a running service also pays for active vCPU and memory while it serves
traffic, which pausing saved too but is not counted. Built-in prices, USD per GB-hour (retrieved ${PRICE_TABLE_RETRIEVED}):
  ${Object.entries(PROVISIONED_PRICES)
    .map(([region, p]) => `${region} ${p.usdPerGbHour}`)
    .join(', ')}
A region not in that list gets no dollar figure: pass --price-per-gb-hour. See docs/DEPLOY.md "Savings estimate".

--service and --tag select the union of what they match; with neither, every service of the region.

Exit codes: 0 ledger printed, 1 App Runner could not be read or the selection matched no service, 2 usage
error (a bad flag, an unknown service, no credentials or region, access denied).

Examples:
  $ apprunner-scheduler savings                                   # the last 30 days, every service
  $ apprunner-scheduler savings --since 7d --tz Europe/Berlin     # one week: nights and the weekend
  $ apprunner-scheduler savings --tag env=staging --service api-staging
  $ apprunner-scheduler savings --region eu-central-1 --price-per-gb-hour 0.0081
  $ apprunner-scheduler savings --json | jq .totals
  $ apprunner-scheduler savings --csv > savings.csv`,
    )
    .action(async (opts: SavingsOptions) => {
      process.exitCode = await runSavings(opts);
    });
}

async function runSavings(opts: SavingsOptions): Promise<number> {
  try {
    const wanted = Object.fromEntries((opts.tag ?? []).map((kv) => parseKeyValue(kv, '--tag')));
    const refs = parseServiceRefs(opts.service ?? []);
    const to = Date.now();
    const from = to - opts.since;
    const region = await resolveRegion(opts.region);
    const port = appRunner();
    const gone: string[] = [];
    let inputs: LedgerServiceInput[];
    try {
      const services = await selectServices(port, region, refs, wanted);
      const scaling = new Map();
      const read = await mapLimit(services, READ_CONCURRENCY, async (s) => {
        try {
          return await collectService(port, s, from, scaling);
        } catch (error) {
          // Deleted since it was listed: not a service to account for any more.
          if (error instanceof AppRunnerCallError && error.kind === 'NotFound') {
            gone.push(s.name);
            return undefined;
          }
          throw fromAwsError(
            error,
            appRunnerSite(error instanceof AppRunnerCallError ? error.operation : 'read'),
          );
        }
      });
      inputs = read.filter((x): x is LedgerServiceInput => x !== undefined);
    } finally {
      port.destroy();
    }
    const ledger = buildLedger(inputs, {
      from,
      to,
      timeZone: opts.tz,
      ...(opts.pricePerGbHour !== undefined ? { priceOverride: opts.pricePerGbHour } : {}),
    });
    if (opts.json) io.out(JSON.stringify({ region, ...ledger, deletedWhileReading: gone }, null, 2));
    else if (opts.csv) io.write(ledgerCsv(ledger));
    else io.out(ledgerText(ledger, region, Object.keys(wanted).length + refs.length > 0));
    for (const note of notes(ledger, gone)) io.err(`note: ${note}`);
    return ExitCode.Ok;
  } catch (error) {
    return reportError(error, io.err);
  }
}

/** The services named (did-you-mean for unknown ones) or tagged, their union; every service when neither. */
async function selectServices(
  port: ReturnType<typeof appRunner>,
  region: string,
  refs: ReturnType<typeof parseServiceRefs>,
  wanted: Record<string, string>,
): Promise<ServiceInfo[]> {
  const tagged = Object.keys(wanted).length > 0;
  if (refs.length === 0 && !tagged) return listServices(port, region);
  const chosen = new Map<string, ServiceInfo>();
  const listed = new Map<string, ServiceInfo[]>();
  if (refs.length > 0)
    for (const s of await resolveServices(port, region, refs, listed)) chosen.set(s.arn, s);
  if (tagged) {
    const all = listed.get(region) ?? (await listServices(port, region));
    const tags = await mapLimit(all, READ_CONCURRENCY, async (s) => {
      try {
        return await port.listTags(s.arn);
      } catch (error) {
        throw fromAwsError(error, appRunnerSite('ListTagsForResource'));
      }
    });
    all.forEach((s, i) => {
      if (Object.entries(wanted).every(([k, v]) => tags[i]?.[k] === v)) chosen.set(s.arn, s);
    });
    if (chosen.size === 0) {
      const text = Object.entries(wanted)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      throw new CliError(
        `No App Runner service in ${region} carries the tags ${text} (${all.length} services there).`,
        ExitCode.ServicesFailed,
        'Tags must all match, keys and values case-sensitive. `apprunner-scheduler status` lists the services.',
      );
    }
  }
  return [...chosen.values()];
}

const hours = (h: number) => `${h.toFixed(1)} h`;
const usd = (v: number) => `$${v.toFixed(2)}`;
const share = (s: number | null) => (s === null ? '' : `${Math.round(s * 100)} %`);

function memoryText(mb: number | null): string {
  if (mb === null) return '?';
  return mb % 1024 === 0 ? `${mb / 1024} GB` : `${(mb / 1024).toFixed(2)} GB`;
}

function historyText(r: LedgerRow): string {
  if (r.operations === 0) return 'none';
  return r.historyFrom ? `from ${formatUtc(r.historyFrom)}` : '';
}

/** The ledger as a table, a total, the chart per day and what the estimate means. */
function ledgerText(ledger: Ledger, region: string, filtered: boolean): string {
  const { period, totals } = ledger;
  const days = Math.round(period.hours / 24);
  // ARNs may name services of regions other than --region: name the regions the lines are in.
  const inLines = new Set(ledger.services.map((r) => r.region));
  const regions =
    inLines.size > 0 ? [...inLines].sort((a, b) => Number(b === region) - Number(a === region)) : [region];
  const head =
    `Savings from pausing in ${regions.join(', ')}, ${formatUtc(period.from)} → ${formatUtc(period.to)} ` +
    `(${days > 1 ? `${days} days` : days === 1 ? '1 day' : hours(period.hours)})`;
  if (ledger.services.length === 0) {
    return `${head}\n\nNo App Runner service${filtered ? ' matched' : ` in ${region}`}: nothing to count.`;
  }
  const rows = ledger.services.map((r) => [
    r.service,
    hours(r.pausedHours),
    hours(r.runningHours),
    share(r.sharePaused),
    `${r.minSize}${r.minSizeAssumed ? '*' : ''} × ${memoryText(r.memoryMb)}`,
    r.usdPerGbHour === null ? '—' : String(r.usdPerGbHour),
    r.estimatedSavingsUsd === null ? '—' : usd(r.estimatedSavingsUsd),
    historyText(r),
  ]);
  rows.push([
    `TOTAL (${ledger.services.length})`,
    hours(totals.pausedHours),
    hours(totals.runningHours),
    share(totals.sharePaused),
    '',
    '',
    usd(totals.estimatedSavingsUsd),
    '',
  ]);
  const lines = table(
    ['SERVICE', 'PAUSED', 'RUNNING', 'PAUSED %', 'MIN × MEMORY', '$/GB-HOUR', 'EST. SAVED', 'HISTORY'],
    rows,
  ).split('\n');
  // A rule above the total, like the one under the header.
  lines.splice(lines.length - 1, 0, lines[1] ?? '');
  const chart = dailyChart(ledger);
  const left = totals.servicesWithoutEstimate;
  const what =
    chart.measure === 'usd'
      ? `Estimated USD saved per day (days in ${period.timeZone}${left > 0 ? `; ${left} service(s) without a dollar figure not included` : ''})`
      : `Paused service-hours per day (days in ${period.timeZone}; no service has a dollar figure)`;
  return [
    head,
    '',
    ...lines,
    '',
    `${what}:`,
    chart.text,
    '',
    'EST. SAVED is a lower bound: paused hours × MinSize × memory GB × the provisioned-memory price per GB-hour.',
    `${LOWER_BOUND_REASON.charAt(0).toUpperCase()}${LOWER_BOUND_REASON.slice(1)}.`,
    ...priceLines(ledger),
  ].join('\n');
}

/** Which price each region's figures used, and where it comes from. */
function priceLines(ledger: Ledger): string[] {
  const used = new Map<string, string>();
  for (const r of ledger.services) {
    if (r.priceSource !== null)
      used.set(r.region, `${r.region} $${r.usdPerGbHour}/GB-hour: ${r.priceSource}`);
  }
  return [...used.values()].map((line) => `Price ${line}.`);
}

/** Caveats a reader needs to weigh the numbers (written to stderr, like every command's notes). */
function notes(ledger: Ledger, gone: string[]): string[] {
  const out: string[] = [];
  const short = ledger.services.filter((r) => r.historyFrom !== null).length;
  if (short > 0) {
    out.push(
      `App Runner's history of ${short} of ${ledger.services.length} services does not reach back to the period's ` +
        'start (HISTORY): their hours before it are counted as neither paused nor running.',
    );
  }
  const unpriced = [...new Set(ledger.services.filter((r) => r.priceSource === null).map((r) => r.region))];
  for (const region of unpriced) {
    out.push(
      `no list price for ${region} in the built-in table: its services have no dollar figure ` +
        '(pass --price-per-gb-hour to give one).',
    );
  }
  const noMemory = ledger.services.filter((r) => r.memoryMb === null).map((r) => r.service);
  if (noMemory.length > 0)
    out.push(`DescribeService gave no memory size for ${noMemory.join(', ')}: no dollar figure.`);
  const assumed = ledger.services.filter((r) => r.minSizeAssumed).map((r) => r.service);
  if (assumed.length > 0) {
    out.push(
      `* ${assumed.join(', ')} name no auto scaling configuration: App Runner's default MinSize 1 assumed.`,
    );
  }
  const noEnd = ledger.services.filter((r) => r.pausesWithoutEndTime > 0).map((r) => r.service);
  if (noEnd.length > 0) out.push(`pauses without an end time were not counted for ${noEnd.join(', ')}.`);
  if (gone.length > 0) out.push(`deleted while being read, left out: ${gone.join(', ')}.`);
  return out;
}
