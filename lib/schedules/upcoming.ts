import type { ScheduleContext } from '../contract/execution-input';
import { type FireTime, nextFireTimes } from './cron';
import { readyByInstant, type SkippedDay, skippedDay } from './run-calendar';
import { skipBlock } from './schedule-input';
import type { Schedule } from './schedules';

/**
 * The next runs of a schedule as the workflow will see them: each fire time with the skip-day verdict and
 * the ready-by instant that Plan will compute from the same `schedule` block — one rule for the CLI and the
 * workflow. Works for a schedule from the file and for a deployed one (whose input carries the block).
 */

/** What the listing needs of a schedule: its deployed cron and zone, and its input's calendar. */
export interface CalendarOf {
  name: string;
  cron: string;
  timezone: string;
  readyBy?: string;
  skip?: ScheduleContext['skip'];
}

export interface UpcomingRun extends FireTime {
  /** ISO-8601 UTC instant by which the services should be ready (ready-by schedules). */
  readyBy?: string;
  /** Set when the workflow will skip this run (and record it as skipped). */
  skipped?: SkippedDay;
}

/** The next `count` runs after `from`, each marked with its skip day and ready-by instant. */
export function upcomingRuns(calendar: CalendarOf, from: Date, count: number): UpcomingRun[] {
  return nextFireTimes(calendar, from, count).map((fire) => {
    const ctx: ScheduleContext = {
      name: calendar.name,
      scheduledTime: fire.utc,
      timezone: calendar.timezone,
      ...(calendar.readyBy !== undefined && { readyBy: calendar.readyBy }),
      ...(calendar.skip !== undefined && { skip: calendar.skip }),
    };
    const readyBy = readyByInstant(ctx);
    const skipped = skippedDay(ctx);
    return { ...fire, ...(readyBy !== undefined && { readyBy }), ...(skipped !== undefined && { skipped }) };
  });
}

/**
 * The calendar of a schedule from the file, with its public holidays expanded for the years from `from`
 * through `until` (the CLI expands what it shows; packaging expands up to the horizon).
 */
export function calendarOf(schedule: Schedule, from: Date, until: Date): CalendarOf {
  const first = `${from.getUTCFullYear() - 1}-12-31`;
  const last = `${until.getUTCFullYear() + 1}-01-01`;
  return {
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    ...(schedule.readyBy !== undefined && { readyBy: schedule.readyBy.time }),
    ...(schedule.skip !== undefined && { skip: skipBlock(schedule.skip, first, last) }),
  };
}

/** {@link upcomingRuns} of a schedule from the file, its holidays expanded for the years the runs span. */
export function upcomingRunsOf(schedule: Schedule, from: Date, count: number): UpcomingRun[] {
  const last = nextFireTimes(schedule, from, count).at(-1)?.utc;
  return upcomingRuns(calendarOf(schedule, from, last ? new Date(last) : from), from, count);
}
