import { ISO_DURATION, isoDurationSeconds } from '../contract/execution-input';
import { cronFields, cronProblems, DAY_NAMES, FIELDS, fieldValue } from './cron';
import { addDays, instantsAt, localAt, localDate } from './wall-clock';

/**
 * Ready-by schedules: `readyBy: "07:00"` with `days` instead of a cron. The deployed cron fires a lead time
 * earlier (default 20 minutes), so the workflow has time to start each service at its own moment and still
 * be ready by 07:00. A lead that crosses midnight moves the day fields back a day (ready by 00:10 on MON
 * fires on SUN at 23:50); day forms that cannot be moved back exactly are refused, never guessed.
 */

/** The lead when neither the schedule nor the file sets `readyByLead`. */
export const DEFAULT_LEAD_MINUTES = 20;
export const DEFAULT_LEAD = 'PT20M';
/** A lead of a day or more would make "the first readyBy after the fire time" the wrong day. */
const MAX_LEAD_MINUTES = 24 * 60 - 1;

export const READY_BY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `days` as the four day fields of a cron (`day-of-month month day-of-week year`), or why not. */
export function dayFields(days: string | undefined): { fields: string } | { problem: string } {
  const tokens = (days ?? '*').trim().split(/\s+/);
  // One token is a day-of-week field (MON-FRI, SAT,SUN, *): the common case, written the short way.
  if (tokens.length === 1) return { fields: `? * ${tokens[0]} *` };
  if (tokens.length === 4) return { fields: tokens.join(' ') };
  return {
    problem:
      'give a day-of-week field such as "MON-FRI", or the four day fields of a cron ' +
      '(day-of-month month day-of-week year) such as "1 * ? *"',
  };
}

/** Minutes of a `readyByLead` (ISO-8601 duration), or the problem with it. */
export function leadMinutes(lead: string): { minutes: number } | { problem: string } {
  const seconds = ISO_DURATION.test(lead) ? isoDurationSeconds(lead) : 0;
  if (seconds <= 0)
    return { problem: 'must be an ISO-8601 duration of at least a minute, such as PT20M or PT1H' };
  const minutes = seconds / 60;
  if (minutes > MAX_LEAD_MINUTES) return { problem: 'must be less than a day (e.g. PT45M or PT2H)' };
  return { minutes };
}

/**
 * The cron that fires `leadMinutes` before `readyBy` on the given days (four day fields), or every reason
 * why it cannot be built. `field` problems name `days`, except time problems which name `readyBy`.
 */
export function readyByCron(
  readyBy: string,
  lead: number,
  days: string,
): { cron: string } | { problems: Array<{ field: 'days' | 'readyBy'; problem: string }> } {
  const time = READY_BY.exec(readyBy);
  if (!time)
    return { problems: [{ field: 'readyBy', problem: 'must be a wall-clock time such as "07:00"' }] };
  const asWritten = `cron(${Number(time[2])} ${Number(time[1])} ${days})`;
  const invalid = cronProblems(asWritten);
  if (invalid.length > 0) return { problems: invalid.map((problem) => ({ field: 'days', problem })) };

  let fire = Number(time[1]) * 60 + Number(time[2]) - lead;
  let fireDays = days;
  if (fire < 0) {
    fire += 24 * 60;
    const moved = dayBefore(days);
    if ('problem' in moved) {
      const why = `ready by ${readyBy} with a ${lead}-minute lead fires the day before, and ${moved.problem}`;
      return { problems: [{ field: 'days', problem: why }] };
    }
    fireDays = moved.fields;
  }
  return { cron: `cron(${fire % 60} ${Math.floor(fire / 60)} ${fireDays})` };
}

const EXACTLY = 'use a later readyBy or a shorter readyByLead';

/** The day fields that select, for every day they select, the day before. */
export function dayBefore(days: string): { fields: string } | { problem: string } {
  const split = cronFields(`cron(0 0 ${days})`);
  if ('problem' in split) return { problem: split.problem };
  const [, , dom = '', month = '', dow = '', year = ''] = split.fields;
  if (month !== '*' || year !== '*') {
    // The day before the first selected day of a month or year lies outside it.
    return {
      problem: `days with a month or year ("${days}") cannot be moved back a day exactly: use "*" for both, or ${EXACTLY}`,
    };
  }
  if (dom === '?') {
    const before = weekdaysBefore(dow);
    return 'problem' in before ? before : { fields: `? * ${before.field} *` };
  }
  const before = monthDaysBefore(dom);
  return 'problem' in before ? before : { fields: `${before.field} * ? *` };
}

function weekdaysBefore(dow: string): { field: string } | { problem: string } {
  if (dow === '*') return { field: '*' };
  const spec = FIELDS[4]!;
  const selected = new Set<number>();
  for (const item of dow.split(',')) {
    if (item === 'L') {
      selected.add(7); // L alone = the last day of the week, Saturday
      continue;
    }
    if (/[#L/]/.test(item)) {
      // The day before "the last Friday" or "the first Monday" of a month is not an nth weekday itself.
      return { problem: `day-of-week "${item}" has no exact day before it: ${EXACTLY}` };
    }
    const [from = 0, to = from] = item.split('-').map((b) => fieldValue(b, spec) ?? 0);
    for (let d = from; d <= to; d++) selected.add(d);
  }
  const shifted = [...selected].map((d) => (d === 1 ? 7 : d - 1)).sort((a, b) => a - b);
  return { field: compress(shifted, (d) => DAY_NAMES[d - 1]!) };
}

function monthDaysBefore(dom: string): { field: string } | { problem: string } {
  if (dom === '*') return { field: '*' };
  if (dom === '1') return { field: 'L' };
  const selected = new Set<number>();
  for (const item of dom.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!range) {
      return { problem: `day-of-month "${item}" has no exact day before it: ${EXACTLY}` };
    }
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (from === 1) {
      return {
        problem: `day-of-month 1 moves to the last day of the previous month ("L"), which cannot be combined with other days in "${dom}": give it its own schedule, or ${EXACTLY}`,
      };
    }
    if (to > 28) {
      // Day 31 fires only in long months, but the 30th exists in short ones too: no exact day before.
      return {
        problem: `day-of-month ${to} does not exist in every month, so the day before it cannot be selected exactly: ${EXACTLY}`,
      };
    }
    for (let d = from; d <= to; d++) selected.add(d - 1);
  }
  return {
    field: compress(
      [...selected].sort((a, b) => a - b),
      String,
    ),
  };
}

/** `[1,2,3,5]` → `1-3,5` (names through `label`). */
function compress(values: number[], label: (v: number) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    const a = label(values[i]!);
    const b = label(values[j]!);
    parts.push(j === i ? a : j === i + 1 ? `${a},${b}` : `${a}-${b}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The first local date within a year of `from` on which `cron`'s wall-clock time does not exist in `zone`
 * (the spring-forward gap): EventBridge Scheduler does not fire that day, so a ready-by wake-up would be
 * missed. Undefined when there is none (or the cron's time fields are not single values).
 */
export function firstGapDate(cron: string, zone: string, from: Date): string | undefined {
  const split = cronFields(cron);
  if ('problem' in split) return undefined;
  const [minute = '', hour = ''] = split.fields;
  if (!/^\d+$/.test(minute) || !/^\d+$/.test(hour)) return undefined;
  const time = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  const start = localDate(from.getTime(), zone);
  for (let day = 0; day <= 366; day++) {
    const date = addDays(start, day);
    if (instantsAt(localAt(date, time), zone).length === 0) return date;
  }
  return undefined;
}
