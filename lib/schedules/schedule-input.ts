import type { ScheduleContext } from '../contract/execution-input';
import { expandHolidays, type SkipDays } from './calendars';
import { firstGapDate } from './ready-by';
import type { Schedule, ScheduleAction, ScheduleTargets } from './schedules';
import { daysBetween } from './wall-clock';

/**
 * The execution input a deployed schedule sends: the same contract as the CLI and the runbook, plus the
 * `schedule` block — which schedule fired, when it was due, its zone, its ready-by time and its skip days.
 *
 * The due time is not known when packaging: EventBridge fills it in when it fires. Scheduler replaces
 * `<aws.scheduler.scheduled-time>` in the Input itself; a classic rule gets an InputTransformer that copies
 * the event's `time` into `<scheduledTime>`.
 */

/** Replaced by EventBridge Scheduler with the time the schedule was due (e.g. 2026-12-21T05:40:00Z). */
export const SCHEDULER_TIME_PLACEHOLDER = '<aws.scheduler.scheduled-time>';
/** Filled by a rule's InputTransformer from the event's `time` (see {@link RULE_INPUT_PATHS}). */
export const RULE_TIME_PLACEHOLDER = '<scheduledTime>';
export const RULE_INPUT_PATHS = { scheduledTime: '$.time' } as const;
/** EventBridge's limit on a target's Input (Scheduler) and InputTemplate (rules), in characters. */
export const INPUT_LIMIT = 8192;
/** Holidays are expanded through the end of the fifth calendar year after packaging. */
export const HORIZON_YEARS = 5;
/** Packaging warns when a schedule's holidays run out sooner than this. */
const HORIZON_NOTICE_DAYS = 365;

/** The execution input a schedule starts the state machine with (see "Contract: execution input"). */
export interface ScheduleExecutionInput {
  action: ScheduleAction;
  targets: ScheduleTargets;
  dryRun: false;
  reason: string;
  requestedBy: string;
  keepAwakeUntil?: string;
  keepAwakeFor?: string;
  readyCheck?: 'http' | 'none';
  allowNoTargets?: true;
  schedule: ScheduleContext;
}

/** The time placeholder this schedule's input carries. */
export function timePlaceholder(schedule: Pick<Schedule, 'type'>): string {
  return schedule.type === 'rule' ? RULE_TIME_PLACEHOLDER : SCHEDULER_TIME_PLACEHOLDER;
}

/**
 * The skip block of the input: public holidays expanded from `from` through `horizon` (local dates,
 * inclusive), explicit dates kept compact as written.
 */
export function skipBlock(
  skip: SkipDays,
  from: string,
  horizon: string,
): NonNullable<ScheduleContext['skip']> {
  return {
    horizon,
    ...(skip.holidays.length > 0 && { holidays: expandHolidays(skip.holidays, from, horizon) }),
    ...(skip.dates.length > 0 && { dates: skip.dates }),
  };
}

/**
 * The execution input of a schedule, with `scheduledTime` left as EventBridge's placeholder. Skip days
 * cover the packaging year through `horizonYear` (default: {@link HORIZON_YEARS} years after `packagedAt`),
 * starting on 1 January so that the input — and so the deployed template — stays the same all year.
 */
export function executionInputFor(
  schedule: Schedule,
  opts: { packagedAt?: Date; horizonYear?: number } = {},
): ScheduleExecutionInput {
  const year = (opts.packagedAt ?? new Date()).getUTCFullYear();
  const horizon = `${opts.horizonYear ?? year + HORIZON_YEARS}-12-31`;
  return {
    action: schedule.action,
    targets: schedule.targets,
    dryRun: false,
    reason: schedule.reason,
    requestedBy: `schedule:${schedule.name}`,
    ...(schedule.keepAwakeUntil !== undefined && { keepAwakeUntil: schedule.keepAwakeUntil }),
    ...(schedule.keepAwakeFor !== undefined && { keepAwakeFor: schedule.keepAwakeFor }),
    ...(schedule.readyCheck !== undefined && { readyCheck: schedule.readyCheck }),
    ...(schedule.allowNoTargets && { allowNoTargets: true as const }),
    schedule: {
      name: schedule.name,
      scheduledTime: timePlaceholder(schedule),
      timezone: schedule.timezone,
      ...(schedule.readyBy !== undefined && { readyBy: schedule.readyBy.time }),
      ...(schedule.skip !== undefined && { skip: skipBlock(schedule.skip, `${year}-01-01`, horizon) }),
    },
  };
}

/** What packaging deploys for one schedule: the Input text, and what it had to say about it. */
export interface PackagedInput {
  input: ScheduleExecutionInput;
  /** The Input (Scheduler) or InputTemplate (rule) text, at most {@link INPUT_LIMIT} characters. */
  text: string;
  warnings: string[];
}

/**
 * The input packaging deploys for a schedule, within EventBridge's {@link INPUT_LIMIT}: when the expanded
 * holidays make it too long, the horizon shrinks a year at a time (down to the end of the packaging year)
 * and a warning says so. Warns as well when the holidays end within a year.
 * @returns the input, or the problem when even the shortest horizon does not fit
 */
export function packagedInput(schedule: Schedule, packagedAt: Date): PackagedInput | { problem: string } {
  const year = packagedAt.getUTCFullYear();
  const holidays = (schedule.skip?.holidays.length ?? 0) > 0;
  const warnings: string[] = [];
  let text = '';
  for (let years = HORIZON_YEARS; years >= 0; years--) {
    const input = executionInputFor(schedule, { packagedAt, horizonYear: year + years });
    text = JSON.stringify(input);
    if (text.length > INPUT_LIMIT && holidays && years > 0) continue;
    if (text.length > INPUT_LIMIT) break;
    const horizon = input.schedule.skip?.horizon;
    if (holidays && horizon !== undefined) {
      if (years < HORIZON_YEARS) {
        warnings.push(
          `schedule "${schedule.name}": with public holidays through ${year + HORIZON_YEARS} its input would exceed ` +
            `EventBridge's ${INPUT_LIMIT.toLocaleString('en')}-character limit: holidays are expanded up to ${horizon} only`,
        );
      }
      const left = daysBetween(packagedAt.toISOString().slice(0, 10), horizon);
      if (left < HORIZON_NOTICE_DAYS) {
        warnings.push(
          `schedule "${schedule.name}": skips public holidays only up to ${horizon} (${left} days from now): ` +
            'package and deploy again before then (runs warn from 90 days before)',
        );
      }
    }
    const gap = schedule.readyBy ? firstGapDate(schedule.cron, schedule.timezone, packagedAt) : undefined;
    if (gap !== undefined) {
      warnings.push(
        `schedule "${schedule.name}": fires at ${schedule.cron} ${schedule.timezone}, a time the clocks skip on ${gap} ` +
          '(daylight saving): EventBridge Scheduler does not fire that day; pick readyBy and readyByLead so that it fires outside the jump',
      );
    }
    return { input, text, warnings };
  }
  const size = `${text.length.toLocaleString('en')} characters`;
  const limit = `EventBridge's ${INPUT_LIMIT.toLocaleString('en')}-character limit`;
  return {
    problem: holidays
      ? `(input): is ${size} even with public holidays of ${year} only, over ${limit}: select fewer services by ARN or name (tags are short), or skip fewer dates or countries`
      : `(input): is ${size}, over ${limit}: select fewer services by ARN or name (tags are short), or skip fewer dates`,
  };
}

/** The input as the workflow would receive it when the schedule fires at `scheduledTime`. */
export function firedInput(text: string, schedule: Pick<Schedule, 'type'>, scheduledTime: string): unknown {
  return JSON.parse(text.split(timePlaceholder(schedule)).join(scheduledTime));
}
