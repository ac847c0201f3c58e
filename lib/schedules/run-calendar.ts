import type { ScheduleContext } from '../contract/execution-input';
import { daysBetween, firstInstantAtOrAfter, instantsAt, localAt, localDate } from './wall-clock';

/**
 * What a scheduled run learns from its schedule's calendar: is today a day to skip, by when must the services
 * be ready, and is the calendar about to run out. Plan calls these with the `schedule` block of the execution
 * input, so this module stays tiny and bundle-safe: no holiday data (packaging expanded it into the input),
 * no cron library, no YAML — only `Intl` through ./wall-clock.
 */

/** Why a whole scheduled run is skipped (the `skippedRun` of the execution result, minus FROZEN). */
export interface SkippedDay {
  reason: 'HOLIDAY' | 'SKIP_DATE';
  /** The holiday's name, or `skip date` / `skip dates <first>..<last>` for explicit dates. */
  name: string;
  /** The schedule's local date of the run (`YYYY-MM-DD`). */
  date: string;
}

/** Days before the horizon from which every run warns that its holiday calendar runs out. */
export const HORIZON_WARNING_DAYS = 90;

/**
 * Whether the run of this schedule falls on a day to skip. The day is a LOCAL date in the schedule's zone:
 * the date of `scheduledTime` — not of the execution's start, which a retried delivery can push past
 * midnight — or, for a ready-by schedule, the date of its ready-by instant, since that is the day the run is
 * for (ready by 00:10 on a skipped Tuesday fires on Monday at 23:50, and that run is skipped). Public
 * holidays win over explicit dates when both match (their name says more).
 */
export function skippedDay(ctx: ScheduleContext): SkippedDay | undefined {
  if (!ctx.skip) return undefined;
  const day = readyByInstant(ctx) ?? ctx.scheduledTime;
  const date = localDate(Date.parse(day), ctx.timezone);
  const holiday = ctx.skip.holidays?.[date];
  if (holiday !== undefined) return { reason: 'HOLIDAY', name: holiday, date };
  for (const entry of ctx.skip.dates ?? []) {
    const [first = '', last = first] = entry.split('..');
    // ISO dates compare correctly as strings.
    if (first <= date && date <= last) {
      return { reason: 'SKIP_DATE', name: first === last ? 'skip date' : `skip dates ${entry}`, date };
    }
  }
  return undefined;
}

/**
 * The instant (ISO-8601 UTC) by which the services should be ready: the first instant after `scheduledTime`
 * at which the wall clock of the schedule's zone reads `readyBy` (DST-correct; a schedule fired at 23:50
 * with readyBy 00:10 means 00:10 the next day). When `readyBy` falls into a spring-forward gap that day
 * (02:30 on the night the clocks jump from 02:00 to 03:00), it is the moment of the jump: the first instant
 * at which the clock reads readyBy or later. In a repeated (fall-back) hour it is the first occurrence after
 * `scheduledTime`. Undefined when the schedule has no readyBy.
 */
export function readyByInstant(ctx: ScheduleContext): string | undefined {
  if (ctx.readyBy === undefined) return undefined;
  const fired = Date.parse(ctx.scheduledTime);
  const today = localDate(fired, ctx.timezone);
  for (let day = 0; day <= 2; day++) {
    const local = localAt(today, ctx.readyBy) + day * 86_400_000;
    const exact = instantsAt(local, ctx.timezone);
    const candidates = exact.length > 0 ? exact : [firstInstantAtOrAfter(local, ctx.timezone)];
    const next = candidates.find((t) => t > fired);
    if (next !== undefined) return new Date(next).toISOString();
  }
  // Unreachable for real zones (readyBy occurs, or is jumped over, every day); fail loudly rather than guess.
  throw new Error(`readyBy ${ctx.readyBy} does not occur in ${ctx.timezone} within two days of the run`);
}

/**
 * A warning for the run's `warnings` when the schedule's expanded public holidays end within
 * {@link HORIZON_WARNING_DAYS} days of the run (or already ended): packaging again extends them. Schedules
 * that skip explicit dates only have nothing to run out of.
 */
export function horizonWarning(ctx: ScheduleContext): string | undefined {
  const horizon = ctx.skip?.horizon;
  if (horizon === undefined || ctx.skip?.holidays === undefined) return undefined;
  const date = localDate(Date.parse(ctx.scheduledTime), ctx.timezone);
  const left = daysBetween(date, horizon);
  if (left > HORIZON_WARNING_DAYS) return undefined;
  const fix = 'package and deploy the stack again to extend them';
  return left < 0
    ? `SKIP_HORIZON: schedule ${ctx.name} no longer skips public holidays: they were expanded up to ${horizon}; ${fix}`
    : `SKIP_HORIZON: schedule ${ctx.name} skips public holidays only up to ${horizon} (${left} days left); ${fix}`;
}
