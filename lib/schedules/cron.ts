import { Cron } from 'croner';
import { localIso, localMillis } from './wall-clock';

/**
 * EventBridge cron expressions: validation in the words of the EventBridge docs, conversion to croner, and
 * the fire times EventBridge Scheduler would produce (DST included). Used when packaging and by the CLI; the
 * functions never need it.
 */

export interface FireTime {
  /** Wall-clock time in the schedule's time zone, with its UTC offset: `2026-03-30T07:00:00+02:00`. */
  local: string;
  /** The same instant in UTC: `2026-03-30T05:00:00.000Z`. */
  utc: string;
}

/**
 * The next `count` times a schedule fires after `from`, as EventBridge Scheduler fires them: the cron is
 * evaluated in the schedule's time zone; a local time skipped by a daylight-saving jump does not fire, and a
 * local time that occurs twice fires once (at its first occurrence).
 */
export function nextFireTimes(
  schedule: { cron: string; timezone: string },
  from: Date,
  count: number,
): FireTime[] {
  const cron = new Cron(toCronerPattern(schedule.cron), cronerOptions(schedule.timezone));
  const fired = new Set<string>();
  const result: FireTime[] = [];
  let cursor = from;
  // Croner runs a fixed-time job right after a DST gap and an interval job twice in a repeated hour;
  // EventBridge Scheduler does neither, so candidates are filtered. Each day loses at most a few.
  for (let guard = 0; result.length < count && guard < count * 4 + 32; guard++) {
    const [next] = cron.nextRuns(1, cursor);
    if (!next) break;
    cursor = next;
    const wallClock = new Date(localMillis(next.getTime(), schedule.timezone)).toISOString().slice(0, 16);
    if (!cron.match(next) || fired.has(wallClock)) continue;
    fired.add(wallClock);
    result.push({ local: localIso(next.getTime(), schedule.timezone), utc: next.toISOString() });
  }
  return result;
}

export interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;
export const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

export const FIELDS: readonly FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES },
  { name: 'year', min: 1970, max: 2199 },
];

export const CRON_EXAMPLE = 'cron(0 7 ? * MON-FRI *)';

/** Splits `cron(...)` into its six fields, or explains why it cannot. */
export function cronFields(expression: string): { fields: string[] } | { problem: string } {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) return { problem: `must look like ${CRON_EXAMPLE}` };
  const fields = match[1]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    return {
      problem: `needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}: e.g. ${CRON_EXAMPLE}`,
    };
  }
  return { fields };
}

/** Every problem with an EventBridge cron expression, in the words of the EventBridge docs. */
export function cronProblems(expression: string, timezone = 'UTC'): string[] {
  const split = cronFields(expression);
  if ('problem' in split) return [split.problem];
  const { fields } = split;
  const problems: string[] = [];
  fields.forEach((field, i) => {
    for (const problem of fieldProblems(field, FIELDS[i]!)) problems.push(`${FIELDS[i]!.name}: ${problem}`);
  });
  const [, , dom, , dow] = fields;
  if ((dom === '?') === (dow === '?')) {
    problems.push(
      'one of day-of-month and day-of-week must be "?" (the other one selects the days): e.g. "? * MON-FRI" or "1 * ?"',
    );
  }
  if (problems.length > 0) return problems;
  try {
    const cron = new Cron(toCronerPattern(expression), cronerOptions(timezone));
    if (cron.nextRuns(1, new Date()).length === 0) problems.push('never fires from now on');
  } catch (error) {
    problems.push((error as Error).message.replace(/^CronPattern: /, ''));
  }
  return problems;
}

function fieldProblems(field: string, spec: FieldSpec): string[] {
  const isDom = spec.name === 'day-of-month';
  const isDow = spec.name === 'day-of-week';
  if (field === '?') return isDom || isDow ? [] : ['"?" is only allowed in day-of-month or day-of-week'];
  const problems: string[] = [];
  for (const item of field.split(',')) {
    if (item === '*') continue;
    if (isDom && (item === 'L' || item === 'LW')) continue;
    if (isDow && item === 'L') continue;
    // Names first (JUL, WED), so that their letters are not read as the special L and W.
    let body = spec.names
      ? item.replace(/[A-Za-z]{3}/g, (name) => String(fieldValue(name, spec) ?? name))
      : item;
    if (isDom && /^\d+W$/.test(body)) body = body.slice(0, -1);
    else if (isDow && /^[^#]+#[1-5]$/.test(body)) body = body.slice(0, body.indexOf('#'));
    else if (isDow && /^[^L]+L$/.test(body)) body = body.slice(0, -1);
    else if (/[#LW]/.test(body)) {
      problems.push(`"${item}" is not allowed here`);
      continue;
    }
    const [range, step, ...extra] = body.split('/');
    if (extra.length > 0 || (step !== undefined && (isDow || !/^[1-9]\d*$/.test(step)))) {
      problems.push(
        isDow ? `steps ("/") are not allowed in day-of-week: "${item}"` : `bad step in "${item}"`,
      );
      continue;
    }
    if (range === '*' && step !== undefined) continue;
    const bounds = range!.split('-');
    if (bounds.length > 2 || bounds.some((b) => b === '')) {
      problems.push(`cannot read "${item}"`);
      continue;
    }
    const values = bounds.map((b) => fieldValue(b, spec));
    for (const [j, v] of values.entries()) {
      if (v === undefined)
        problems.push(`"${bounds[j]}" is not a ${spec.name} value (${describeRange(spec)})`);
      else if (v < spec.min || v > spec.max) problems.push(`${v} is out of range (${describeRange(spec)})`);
    }
    if (values.length === 2 && values[0]! > values[1]!) problems.push(`range "${range}" goes backwards`);
  }
  return problems;
}

function describeRange(spec: FieldSpec): string {
  return spec.names
    ? `${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]}`
    : `${spec.min}-${spec.max}`;
}

export function fieldValue(token: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const index = spec.names?.indexOf(token.toUpperCase() as never) ?? -1;
  return index >= 0 ? index + spec.min : undefined;
}

/**
 * Converts an EventBridge cron (`cron(m h dom mon dow year)`, days of week 1 = SUN) to a croner pattern
 * (seconds first, Quartz weekdays, `?` as `*`, `a/b` as `a-max/b`, `nL` as `n#L`).
 */
export function toCronerPattern(expression: string): string {
  const split = cronFields(expression);
  if ('problem' in split) throw new Error(`cron: ${split.problem}`);
  const converted = split.fields.map((field, i) => {
    const spec = FIELDS[i]!;
    if (field === '?') return '*';
    return field
      .split(',')
      .map((item) => {
        if (spec.name === 'day-of-week' && item === 'L') return '7';
        let out = item.replace(/[A-Za-z]{3}/g, (name) => {
          const v = fieldValue(name, spec);
          return v === undefined ? name : String(v);
        });
        if (spec.name === 'day-of-week') out = out.replace(/^(\d+)L$/, '$1#L');
        out = out.replace(/^(\d+)\/(\d+)$/, `$1-${spec.max}/$2`);
        return out;
      })
      .join(',');
  });
  return `0 ${converted.join(' ')}`;
}

function cronerOptions(timezone: string) {
  return {
    timezone,
    mode: '7-part' as const,
    // One of the two day fields is always "?" (= "*"), and AND with a wildcard is what EventBridge means.
    domAndDow: true,
    alternativeWeekdays: true,
    paused: true,
  };
}
