import { readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { ISO_DURATION, isoDurationSeconds, MAX_LEASE_DAYS } from '../contract/execution-input';
import { wallClockFormat } from './wall-clock';

/**
 * The schedules file (`schedules.yml`): what users write to pause and resume services on a timetable.
 *
 * One module serves the deployment (serverless.yml turns every schedule into an EventBridge Scheduler
 * schedule or rule through `deploy/schedules.cjs`) and the on-call CLI (which shows the next fire times).
 * Validation collects every problem in the file before failing, so one packaging run tells the user all
 * that is wrong, each as `schedule "<name>": <field>: <problem>`.
 */

export type ScheduleAction = 'resume' | 'pause';
export type ScheduleType = 'scheduler' | 'rule';

export interface ScheduleTargets {
  serviceArns?: string[];
  serviceNames?: string[];
  tags?: Record<string, string>;
}

export interface Schedule {
  name: string;
  description?: string;
  action: ScheduleAction;
  /** EventBridge cron, `cron(minutes hours day-of-month month day-of-week year)`. */
  cron: string;
  /** IANA time zone the cron is evaluated in (`UTC` for `type: rule`). */
  timezone: string;
  targets: ScheduleTargets;
  enabled: boolean;
  /** Resume only: an absolute keep-awake lease (ISO-8601 UTC). */
  keepAwakeUntil?: string;
  /** Resume only: a keep-awake lease relative to the fire time (ISO-8601 duration such as `PT10H`). */
  keepAwakeFor?: string;
  reason: string;
  type: ScheduleType;
}

/** The execution input a schedule sends to the state machine (see "Contract: execution input"). */
export interface ScheduleExecutionInput {
  action: ScheduleAction;
  targets: ScheduleTargets;
  dryRun: false;
  reason: string;
  requestedBy: string;
  keepAwakeUntil?: string;
  keepAwakeFor?: string;
}

export interface FireTime {
  /** Wall-clock time in the schedule's time zone, with its UTC offset: `2026-03-30T07:00:00+02:00`. */
  local: string;
  /** The same instant in UTC: `2026-03-30T05:00:00.000Z`. */
  utc: string;
}

/** The schedules file is missing, unreadable or invalid; `problems` lists every finding. */
export class SchedulesFileError extends Error {
  override readonly name = 'SchedulesFileError';
  readonly problems: readonly string[];

  constructor(path: string, problems: string[], options?: { cause?: unknown }) {
    super(`${path} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.problems = problems;
  }
}

const SCHEDULE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/;
const SERVICE_ARN =
  /^arn:aws[a-z-]*:apprunner:[a-z0-9-]+:\d{12}:service\/[A-Za-z0-9][A-Za-z0-9-_]{3,39}\/[0-9a-f]{32}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
const MAX_KEEP_AWAKE_SECONDS = MAX_LEASE_DAYS * 86_400;

const targetsSchema = z
  .strictObject({
    serviceArns: z.array(z.string().regex(SERVICE_ARN, 'is not an App Runner service ARN')).optional(),
    serviceNames: z
      .array(z.string().regex(SERVICE_NAME, 'is not a valid App Runner service name'))
      .optional(),
    tags: z
      .record(
        z
          .string()
          .min(1)
          .max(128)
          .refine((key) => !key.startsWith('aws:'), 'tag keys starting with "aws:" are reserved'),
        z.string().max(256),
      )
      .optional(),
  })
  .refine(
    (t) =>
      (t.serviceArns?.length ?? 0) > 0 ||
      (t.serviceNames?.length ?? 0) > 0 ||
      Object.keys(t.tags ?? {}).length > 0,
    'no targets: give at least one of serviceArns, serviceNames or tags',
  );

const scheduleSchema = z.strictObject({
  name: z
    .string()
    .max(64, 'must be at most 64 characters')
    .regex(SCHEDULE_NAME, 'use lower-case letters, digits and hyphens (e.g. "weekday-morning")'),
  description: z.string().max(512).optional(),
  action: z.enum(['resume', 'pause'], 'unknown action: use "resume" or "pause"'),
  cron: z.string('is required (e.g. "cron(0 7 ? * MON-FRI *)")'),
  timezone: z.string().optional(),
  targets: z.unknown().refine((t) => t !== undefined, 'no targets: give serviceArns, serviceNames or tags'),
  enabled: z.boolean().default(true),
  keepAwakeUntil: z
    .string()
    .regex(ISO_UTC, 'must be an ISO-8601 UTC time such as 2026-11-28T18:00:00Z')
    .optional(),
  keepAwakeFor: z
    .string()
    .regex(ISO_DURATION, 'must be an ISO-8601 duration such as PT10H or P1DT2H')
    .optional(),
  reason: z.string().min(1).max(512).optional(),
  type: z.enum(['scheduler', 'rule'], 'unknown type: use "scheduler" or "rule"').default('scheduler'),
});

/**
 * Reads and validates a schedules file. The file is a YAML list of schedules, or a mapping with a
 * `schedules` list.
 *
 * @throws {SchedulesFileError} listing every problem found, each naming the schedule and the field.
 */
export function loadSchedules(path: string): Schedule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SchedulesFileError(path, [`cannot read the file: ${(error as Error).message}`], {
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new SchedulesFileError(path, [`not valid YAML: ${(error as Error).message}`], { cause: error });
  }
  const { schedules, problems } = validateSchedules(document);
  if (problems.length > 0) throw new SchedulesFileError(path, problems);
  return schedules;
}

/** Validates an already parsed schedules document; returns the schedules and every problem found. */
export function validateSchedules(document: unknown): { schedules: Schedule[]; problems: string[] } {
  const list =
    document == null
      ? []
      : Array.isArray(document)
        ? document
        : typeof document === 'object' && Array.isArray((document as { schedules?: unknown }).schedules)
          ? ((document as { schedules: unknown[] }).schedules ?? [])
          : undefined;
  if (list === undefined) {
    return {
      schedules: [],
      problems: ['the file must be a list of schedules (or a mapping with a "schedules" list)'],
    };
  }

  const schedules: Schedule[] = [];
  const problems: string[] = [];
  const seenNames = new Map<string, number>();
  const seenIds = new Map<string, string>();

  list.forEach((raw, index) => {
    const label = labelOf(raw, index);
    const report = (field: string, problem: string) => problems.push(`${label}: ${field}: ${problem}`);
    const before = problems.length;

    const parsed = scheduleSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') for (const key of issue.keys) report(key, 'unknown field');
        else report(fieldOf(issue.path), messageOf(issue));
      }
    }
    const value = parsed.success ? parsed.data : undefined;
    const rawObject = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;

    // Targets, cron and time zone are checked even when other fields failed, so every problem shows at once.
    const targets = targetsSchema.safeParse(rawObject.targets, { reportInput: true });
    if (rawObject.targets !== undefined && !targets.success) {
      for (const issue of targets.error.issues) {
        if (issue.code === 'unrecognized_keys')
          for (const key of issue.keys) report(`targets.${key}`, 'unknown field');
        else report(fieldOf(['targets', ...issue.path]), messageOf(issue));
      }
    }
    const type: ScheduleType = rawObject.type === 'rule' ? 'rule' : 'scheduler';
    const timezone = checkTimezone(rawObject.timezone, type, report);
    if (typeof rawObject.cron === 'string') {
      for (const problem of cronProblems(rawObject.cron, timezone ?? 'UTC')) report('cron', problem);
    }

    if (typeof rawObject.name === 'string') {
      const previous = seenNames.get(rawObject.name);
      if (previous !== undefined) {
        report('name', `duplicate name (also used by schedule #${previous + 1})`);
      } else {
        seenNames.set(rawObject.name, index);
        const id = scheduleLogicalId(rawObject.name);
        const clash = seenIds.get(id);
        if (clash !== undefined)
          report('name', `maps to the same CloudFormation id (${id}) as "${clash}"; rename one`);
        else seenIds.set(id, rawObject.name);
      }
    }

    if (value) {
      if (value.action === 'pause' && value.keepAwakeUntil !== undefined) {
        report('keepAwakeUntil', 'only a resume can set a keep-awake lease');
      }
      if (value.action === 'pause' && value.keepAwakeFor !== undefined) {
        report('keepAwakeFor', 'only a resume can set a keep-awake lease');
      }
      if (value.keepAwakeUntil !== undefined && value.keepAwakeFor !== undefined) {
        report('keepAwakeFor', 'give keepAwakeUntil or keepAwakeFor, not both');
      }
      if (value.keepAwakeUntil !== undefined && Number.isNaN(Date.parse(value.keepAwakeUntil))) {
        report('keepAwakeUntil', 'is not a real date');
      } else if (value.keepAwakeUntil !== undefined && Date.parse(value.keepAwakeUntil) <= Date.now()) {
        // Every run of such a schedule would be refused as invalid input ("is in the past").
        report(
          'keepAwakeUntil',
          'is in the past: every run would be refused; use keepAwakeFor for a recurring lease',
        );
      }
      if (value.keepAwakeFor !== undefined) {
        const seconds = isoDurationSeconds(value.keepAwakeFor);
        if (seconds <= 0 || seconds > MAX_KEEP_AWAKE_SECONDS)
          report('keepAwakeFor', `must be between 1 minute and ${MAX_LEASE_DAYS} days`);
      }
    }

    if (value && targets.success && timezone !== undefined && problems.length === before) {
      schedules.push({
        name: value.name,
        ...(value.description !== undefined && { description: value.description }),
        action: value.action,
        cron: value.cron.trim(),
        timezone,
        targets: compactTargets(targets.data),
        enabled: value.enabled,
        ...(value.keepAwakeUntil !== undefined && { keepAwakeUntil: value.keepAwakeUntil }),
        ...(value.keepAwakeFor !== undefined && { keepAwakeFor: value.keepAwakeFor }),
        reason: value.reason ?? value.description ?? `scheduled ${value.action} (${value.name})`,
        type: value.type,
      });
    }
  });

  return { schedules, problems };
}

/** The execution input a schedule starts the state machine with: the same contract as the CLI and runbook. */
export function executionInputFor(schedule: Schedule): ScheduleExecutionInput {
  return {
    action: schedule.action,
    targets: schedule.targets,
    dryRun: false,
    reason: schedule.reason,
    requestedBy: `schedule:${schedule.name}`,
    ...(schedule.keepAwakeUntil !== undefined && { keepAwakeUntil: schedule.keepAwakeUntil }),
    ...(schedule.keepAwakeFor !== undefined && { keepAwakeFor: schedule.keepAwakeFor }),
  };
}

/** The CloudFormation logical id of a schedule's resource: stable across re-ordering of the file. */
export function scheduleLogicalId(name: string): string {
  return `Schedule${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
}

/**
 * The next `count` times a schedule fires after `from`, as EventBridge Scheduler fires them: the cron is
 * evaluated in the schedule's time zone; a local time skipped by a daylight-saving jump does not fire, and a
 * local time that occurs twice fires once (at its first occurrence).
 */
export function nextFireTimes(
  schedule: Pick<Schedule, 'cron' | 'timezone'>,
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
    const local = localParts(next, schedule.timezone);
    const wallClock = local.iso.slice(0, 16);
    if (!cron.match(next) || fired.has(wallClock)) continue;
    fired.add(wallClock);
    result.push({ local: `${local.iso}${local.offset}`, utc: next.toISOString() });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// EventBridge cron

interface FieldSpec {
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
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const FIELDS: readonly FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES },
  { name: 'year', min: 1970, max: 2199 },
];

const CRON_EXAMPLE = 'cron(0 7 ? * MON-FRI *)';

/** Splits `cron(...)` into its six fields, or explains why it cannot. */
function cronFields(expression: string): { fields: string[] } | { problem: string } {
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
    let body = item;
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

function fieldValue(token: string, spec: FieldSpec): number | undefined {
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

// ---------------------------------------------------------------------------------------------------------
// Time zones and durations

const UTC_NAMES = new Set(['UTC', 'Etc/UTC']);
let canonicalZones: Set<string> | undefined;

function checkTimezone(
  value: unknown,
  type: ScheduleType,
  report: (field: string, problem: string) => void,
): string | undefined {
  if (type === 'rule') {
    if (value === undefined || (typeof value === 'string' && UTC_NAMES.has(value))) return 'UTC';
    report(
      'timezone',
      'a "rule" schedule runs in UTC; omit timezone or use type "scheduler" for local times',
    );
    return undefined;
  }
  if (value === undefined) {
    report('timezone', 'is required: an IANA time zone such as "Europe/Berlin" or "UTC"');
    return undefined;
  }
  if (typeof value !== 'string') {
    report('timezone', 'must be an IANA time zone name such as "Europe/Berlin"');
    return undefined;
  }
  if (UTC_NAMES.has(value)) return value;
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(value)) return value;
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  report(
    'timezone',
    resolved
      ? `"${value}" is not a canonical IANA name; use "${resolved}"`
      : `unknown time zone "${value}" (use an IANA name such as "Europe/Berlin")`,
  );
  return undefined;
}

function localParts(date: Date, timezone: string): { iso: string; offset: string } {
  const parts = wallClockFormat(timezone).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  const iso = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
  const offsetMinutes = Math.round(
    (Date.parse(`${iso}Z`) - Math.floor(date.getTime() / 1000) * 1000) / 60_000,
  );
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { iso, offset };
}

// ---------------------------------------------------------------------------------------------------------
// Messages

function labelOf(raw: unknown, index: number): string {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' ? `schedule "${name}"` : `schedule #${index + 1}`;
}

function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(schedule)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.input === undefined && issue.code !== 'custom') return 'is required';
  // A record key that fails its refinement is wrapped; the inner message is the useful one.
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

function compactTargets(targets: ScheduleTargets): ScheduleTargets {
  return {
    ...(targets.serviceArns?.length && { serviceArns: targets.serviceArns }),
    ...(targets.serviceNames?.length && { serviceNames: targets.serviceNames }),
    ...(targets.tags && Object.keys(targets.tags).length > 0 && { tags: targets.tags }),
  };
}
