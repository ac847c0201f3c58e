import type { OperationInfo, ServiceStatus } from '../app-runner/port';
import { hoursPerDay, localDays, weekday } from './days';
import { estimatedSavingsUsd, provisionedPrice } from './price';
import { hoursByState, serviceTimeline } from './timeline';

/**
 * The savings ledger: what pausing saved per service over a period, from App Runner's own history. Pure: the
 * caller reads App Runner (lib/savings/collect.ts) and passes everything in.
 */

/** What the ledger needs to know about one service. */
export interface LedgerServiceInput {
  name: string;
  arn: string;
  region: string;
  status: ServiceStatus;
  /** Its operations (ListOperations), in any order; enough of them to reach back to the period's start. */
  operations: readonly OperationInfo[];
  /** Epoch ms, when known: hours before it count neither as paused nor as running. */
  createdAt?: number;
  /** Provisioned instances while running: the auto scaling configuration's MinSize. */
  minSize: number;
  /** True when MinSize could not be read and App Runner's default (1) stands in: the estimate stays a lower bound. */
  minSizeAssumed?: boolean;
  /** Instance memory in MiB ("2 GB" = 2048); undefined when App Runner did not say. */
  memoryMb?: number;
}

export interface LedgerOptions {
  /** The period [from, to), epoch ms. */
  from: number;
  to: number;
  /** IANA time zone of the per-day buckets. */
  timeZone: string;
  /** USD per GB-hour for every region (`--price-per-gb-hour`), instead of the price table. */
  priceOverride?: number;
}

/** One service's line. Hours and dollars are rounded (3 and 4 decimals); the totals add up the rounded lines. */
export interface LedgerRow {
  service: string;
  arn: string;
  region: string;
  pausedHours: number;
  /** Hours the service existed, was not paused, and the history covers (billed provisioned memory at least). */
  runningHours: number;
  /** Hours of the period before the history reaches back (see `historyFrom`): counted as neither. */
  unknownHours: number;
  /** pausedHours / (pausedHours + runningHours); null when neither is known. */
  sharePaused: number | null;
  /** Paused intervals that overlap the period. */
  pausedIntervals: number;
  minSize: number;
  minSizeAssumed: boolean;
  memoryMb: number | null;
  usdPerGbHour: number | null;
  priceSource: string | null;
  /** A lower bound; null when the memory or the region's price is unknown. */
  estimatedSavingsUsd: number | null;
  /** ISO time: how far back App Runner's history reaches, when not to the period's start. */
  historyFrom: string | null;
  /** Operations read for this service. */
  operations: number;
  /** Successful pauses without an end time in App Runner's answer: their intervals could not be counted. */
  pausesWithoutEndTime: number;
}

export interface LedgerDay {
  date: string;
  weekday: string;
  /** Paused service-hours that day, all services. */
  pausedHours: number;
  /** Of the services with an estimate; null when none has one. */
  estimatedSavingsUsd: number | null;
}

export interface Ledger {
  period: { from: string; to: string; hours: number; timeZone: string };
  estimate: 'lower-bound';
  method: string;
  lowerBoundBecause: string;
  services: LedgerRow[];
  totals: {
    pausedHours: number;
    runningHours: number;
    unknownHours: number;
    sharePaused: number | null;
    estimatedSavingsUsd: number;
    /** Lines whose estimate is null (memory or price unknown): not in estimatedSavingsUsd. */
    servicesWithoutEstimate: number;
  };
  days: LedgerDay[];
}

/** The formula, for readers of the JSON. */
export const METHOD = 'paused hours × MinSize × memory GB × provisioned-memory USD per GB-hour';
/** Why the estimate is a lower bound. */
export const LOWER_BOUND_REASON =
  'a running service also pays for active vCPU and memory while it serves traffic; pausing saved that too, ' +
  'but it is not counted';

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};
export const roundHours = (h: number) => round(h, 3);
export const roundUsd = (usd: number) => round(usd, 4);

/**
 * Builds the ledger of the period for these services, sorted by estimated saving (largest first), then name.
 * @throws RangeError when the period is empty or the price override is not a positive number
 */
export function buildLedger(services: readonly LedgerServiceInput[], options: LedgerOptions): Ledger {
  const { from, to, timeZone, priceOverride } = options;
  if (!(to > from)) throw new RangeError('buildLedger: the period must end after it starts');
  if (priceOverride !== undefined && !(priceOverride > 0 && Number.isFinite(priceOverride))) {
    throw new RangeError(`buildLedger: priceOverride must be a positive number, got ${priceOverride}`);
  }
  const days = localDays(from, to, timeZone);
  const dayHours = days.map(() => 0);
  const dayUsd = days.map(() => 0);
  let anyEstimate = false;

  const rows = services.map((svc): LedgerRow => {
    const timeline = serviceTimeline({ ...svc, from, to });
    const hours = hoursByState(timeline.segments);
    const price =
      priceOverride !== undefined
        ? { usdPerGbHour: priceOverride, source: '--price-per-gb-hour' }
        : provisionedPrice(svc.region);
    const perPausedHour =
      price && svc.memoryMb !== undefined
        ? estimatedSavingsUsd({
            pausedHours: 1,
            minSize: svc.minSize,
            memoryMb: svc.memoryMb,
            usdPerGbHour: price.usdPerGbHour,
          })
        : undefined;
    const paused = hoursPerDay(timeline.segments, days, 'paused');
    paused.forEach((h, i) => {
      dayHours[i] = (dayHours[i] ?? 0) + h;
      if (perPausedHour !== undefined) dayUsd[i] = (dayUsd[i] ?? 0) + h * perPausedHour;
    });
    if (perPausedHour !== undefined) anyEstimate = true;
    const known = hours.paused + hours.running;
    return {
      service: svc.name,
      arn: svc.arn,
      region: svc.region,
      pausedHours: roundHours(hours.paused),
      runningHours: roundHours(hours.running),
      unknownHours: roundHours(hours.unknown),
      sharePaused: known > 0 ? round(hours.paused / known, 4) : null,
      pausedIntervals: timeline.segments.filter((s) => s.state === 'paused').length,
      minSize: svc.minSize,
      minSizeAssumed: svc.minSizeAssumed ?? false,
      memoryMb: svc.memoryMb ?? null,
      usdPerGbHour: price?.usdPerGbHour ?? null,
      priceSource: price?.source ?? null,
      estimatedSavingsUsd: perPausedHour !== undefined ? roundUsd(hours.paused * perPausedHour) : null,
      historyFrom: timeline.historyFrom !== undefined ? new Date(timeline.historyFrom).toISOString() : null,
      operations: svc.operations.length,
      pausesWithoutEndTime: timeline.pausesWithoutEnd,
    };
  });
  rows.sort(
    (a, b) =>
      (b.estimatedSavingsUsd ?? -1) - (a.estimatedSavingsUsd ?? -1) ||
      b.pausedHours - a.pausedHours ||
      a.service.localeCompare(b.service),
  );

  const sum = (pick: (r: LedgerRow) => number | null) => rows.reduce((acc, r) => acc + (pick(r) ?? 0), 0);
  const pausedHours = roundHours(sum((r) => r.pausedHours));
  const runningHours = roundHours(sum((r) => r.runningHours));
  return {
    period: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      hours: roundHours((to - from) / 3_600_000),
      timeZone,
    },
    estimate: 'lower-bound',
    method: METHOD,
    lowerBoundBecause: LOWER_BOUND_REASON,
    services: rows,
    totals: {
      pausedHours,
      runningHours,
      unknownHours: roundHours(sum((r) => r.unknownHours)),
      sharePaused:
        pausedHours + runningHours > 0 ? round(pausedHours / (pausedHours + runningHours), 4) : null,
      estimatedSavingsUsd: roundUsd(sum((r) => r.estimatedSavingsUsd)),
      servicesWithoutEstimate: rows.filter((r) => r.estimatedSavingsUsd === null).length,
    },
    days: days.map((day, i) => ({
      date: day.date,
      weekday: weekday(day.date),
      pausedHours: roundHours(dayHours[i] ?? 0),
      estimatedSavingsUsd: anyEstimate ? roundUsd(dayUsd[i] ?? 0) : null,
    })),
  };
}
