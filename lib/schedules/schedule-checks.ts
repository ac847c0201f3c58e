import { distance } from 'fastest-levenshtein';
import * as z from 'zod';
import { ISO_DURATION, isoDurationSeconds, MAX_LEASE_DAYS } from '../contract/execution-input';
import { parseSkipDays, type SkipDays } from './calendars';
import { cronProblems } from './cron';
import { dayFields, leadMinutes, READY_BY, readyByCron } from './ready-by';
import type { ReadyBy, ScheduleTargets, ScheduleType } from './schedules';

/**
 * The field-by-field checks of a schedule in the file (./schedules.ts runs them): the schema, when the
 * schedule fires (cron, or readyBy with days and a lead), its skip days, its name, the resume-only fields
 * and the time zone. Each reports problems through `report(field, problem)` and returns what it read.
 */

export type Report = (field: string, problem: string) => void;

export const SCHEDULE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/;
const SERVICE_ARN =
  /^arn:aws[a-z-]*:apprunner:[a-z0-9-]+:\d{12}:service\/[A-Za-z0-9][A-Za-z0-9-_]{3,39}\/[0-9a-f]{32}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
const MAX_KEEP_AWAKE_SECONDS = MAX_LEASE_DAYS * 86_400;
const CRON_OR_READY_BY =
  'is required (e.g. "cron(0 7 ? * MON-FRI *)"), or give readyBy (e.g. "07:00") and days';

export const targetsSchema = z
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

export const scheduleName = z
  .string()
  .max(64, 'must be at most 64 characters')
  .regex(SCHEDULE_NAME, 'use lower-case letters, digits and hyphens (e.g. "weekday-morning")');

export const scheduleSchema = z.strictObject({
  name: scheduleName,
  description: z.string().max(512).optional(),
  action: z.enum(['resume', 'pause'], 'unknown action: use "resume" or "pause"'),
  cron: z.string(`must be a string: ${CRON_OR_READY_BY}`).optional(),
  readyBy: z.string().regex(READY_BY, 'must be a wall-clock time such as "07:00" (quote it)').optional(),
  days: z
    .string('must be a day-of-week field such as "MON-FRI", or four cron day fields such as "1 * ? *"')
    .optional(),
  readyByLead: z.string('must be an ISO-8601 duration such as PT20M').optional(),
  timezone: z.string().optional(),
  targets: z.unknown().refine((t) => t !== undefined, 'no targets: give serviceArns, serviceNames or tags'),
  skip: z.unknown().optional(),
  allowNoTargets: z.boolean().default(false),
  readyCheck: z.enum(['http', 'none'], 'use "http" (probe after RUNNING, the default) or "none"').optional(),
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

/** The deployed cron: `cron` as written, or the one a `readyBy` with `days` and a lead comes to. */
export function checkWhen(
  raw: Record<string, unknown>,
  timezone: string | undefined,
  fileLead: string,
  report: (field: string, problem: string) => void,
): { cron: string; readyBy?: ReadyBy } | undefined {
  const { cron, readyBy, days, readyByLead } = raw;
  if (readyBy === undefined) {
    if (days !== undefined) report('days', 'only with readyBy (a cron has its own day fields)');
    if (readyByLead !== undefined) report('readyByLead', 'only with readyBy');
    if (cron === undefined) report('cron', CRON_OR_READY_BY);
    if (typeof cron !== 'string') return undefined;
    const problems = cronProblems(cron, timezone ?? 'UTC');
    for (const problem of problems) report('cron', problem);
    return problems.length === 0 && days === undefined && readyByLead === undefined
      ? { cron: cron.trim() }
      : undefined;
  }
  if (cron !== undefined) {
    report(
      'readyBy',
      'give either cron (fires at its time) or readyBy with days (fires early enough to be ready by then), not both',
    );
    return undefined;
  }
  if (typeof readyBy !== 'string' || !READY_BY.test(readyBy)) return undefined; // reported by the schema
  if (days !== undefined && typeof days !== 'string') return undefined;
  const lead =
    typeof readyByLead === 'string' ? readyByLead : readyByLead === undefined ? fileLead : undefined;
  const minutes = lead === undefined ? undefined : leadMinutes(lead);
  if (minutes === undefined || 'problem' in minutes) {
    if (readyByLead !== undefined)
      report('readyByLead', minutes?.problem ?? 'must be an ISO-8601 duration such as PT20M');
    return undefined;
  }
  const fields = dayFields(days);
  if ('problem' in fields) {
    report('days', fields.problem);
    return undefined;
  }
  const built = readyByCron(readyBy, minutes.minutes, fields.fields);
  if ('problems' in built) {
    for (const p of built.problems) report(p.field, p.problem);
    return undefined;
  }
  return {
    cron: built.cron,
    readyBy: { time: readyBy, lead: lead!, leadMinutes: minutes.minutes, days: fields.fields },
  };
}

export function checkSkip(
  raw: unknown,
  calendars: ReadonlyMap<string, SkipDays | undefined>,
  report: (field: string, problem: string) => void,
): SkipDays | undefined {
  if (typeof raw === 'string') {
    if (calendars.has(raw)) {
      const calendar = calendars.get(raw);
      // A broken calendar is reported once, under its own name.
      if (calendar === undefined) report('skip', `calendar "${raw}" is invalid (see its problems)`);
      return calendar && { ...calendar, calendar: raw };
    }
    const names = [...calendars.keys()];
    const close = names.filter((n) => distance(n, raw) <= Math.max(1, Math.floor(raw.length / 3)));
    const hint =
      names.length === 0
        ? ' (the file has no calendars: add a top-level "calendars:" mapping, or write skip: { holidays: …, dates: … })'
        : close.length > 0
          ? ` (did you mean ${close.map((n) => `"${n}"`).join(' or ')}?)`
          : ` (calendars: ${names.join(', ')})`;
    report('skip', `unknown calendar "${raw}"${hint}`);
    return undefined;
  }
  return parseSkipDays(raw, (field, problem) =>
    report(field === '(skip)' ? 'skip' : `skip.${field}`, problem),
  );
}

export function checkName(
  name: unknown,
  index: number,
  seenNames: Map<string, number>,
  seenIds: Map<string, string>,
  report: (field: string, problem: string) => void,
): void {
  if (typeof name !== 'string') return;
  const previous = seenNames.get(name);
  if (previous !== undefined) {
    report('name', `duplicate name (also used by schedule #${previous + 1})`);
    return;
  }
  seenNames.set(name, index);
  const id = scheduleLogicalId(name);
  const clash = seenIds.get(id);
  if (clash !== undefined)
    report('name', `maps to the same CloudFormation id (${id}) as "${clash}"; rename one`);
  else seenIds.set(id, name);
}

export function checkResumeOnly(
  value: z.output<typeof scheduleSchema>,
  report: (field: string, problem: string) => void,
) {
  if (value.action === 'pause') {
    if (value.keepAwakeUntil !== undefined)
      report('keepAwakeUntil', 'only a resume can set a keep-awake lease');
    if (value.keepAwakeFor !== undefined) report('keepAwakeFor', 'only a resume can set a keep-awake lease');
    if (value.readyBy !== undefined) report('readyBy', 'only a resume can have services ready by a time');
    if (value.readyCheck !== undefined) report('readyCheck', 'only a resume probes the services');
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

// ---------------------------------------------------------------------------------------------------------
// Time zones

const UTC_NAMES = new Set(['UTC', 'Etc/UTC']);
let canonicalZones: Set<string> | undefined;

export function checkTimezone(
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

// ---------------------------------------------------------------------------------------------------------
// Messages

export function labelOf(raw: unknown, index: number): string {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' ? `schedule "${name}"` : `schedule #${index + 1}`;
}

export function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(schedule)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.input === undefined && issue.code !== 'custom') return 'is required';
  // A record key that fails its refinement is wrapped; the inner message is the useful one.
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

export function compactTargets(targets: ScheduleTargets): ScheduleTargets {
  return {
    ...(targets.serviceArns?.length && { serviceArns: targets.serviceArns }),
    ...(targets.serviceNames?.length && { serviceNames: targets.serviceNames }),
    ...(targets.tags && Object.keys(targets.tags).length > 0 && { tags: targets.tags }),
  };
}

/** The CloudFormation logical id of a schedule's resource: stable across re-ordering of the file. */
export function scheduleLogicalId(name: string): string {
  return `Schedule${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
}
