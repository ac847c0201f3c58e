import { readFileSync } from 'node:fs';
import { distance } from 'fastest-levenshtein';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { ISO_DURATION, isoDurationSeconds, MAX_LEASE_DAYS } from '../contract/execution-input';
import { parseSkipDays, type SkipDays } from './calendars';
import { cronProblems } from './cron';
import { DEFAULT_LEAD, dayFields, leadMinutes, READY_BY, readyByCron } from './ready-by';

/**
 * The schedules file (`schedules.yml`): what users write to pause and resume services on a timetable.
 *
 * One module serves the deployment (serverless.yml turns every schedule into an EventBridge Scheduler
 * schedule or rule through `deploy/schedules.cjs`) and the on-call CLI (which shows the next fire times).
 * Validation collects every problem in the file before failing, so one packaging run tells the user all
 * that is wrong, each as `schedule "<name>": <field>: <problem>` (or `calendar "<name>": …`, `file: …`).
 *
 * The parts: ./cron.ts (EventBridge cron, fire times), ./ready-by.ts (readyBy → the deployed cron),
 * ./calendars.ts (skip days, public holidays), ./schedule-input.ts (the execution input a schedule sends),
 * ./run-calendar.ts (what the workflow makes of that input), ./wall-clock.ts (time zones).
 */

export { type FireTime, nextFireTimes } from './cron';
export { executionInputFor, type ScheduleExecutionInput } from './schedule-input';

export type ScheduleAction = 'resume' | 'pause';
export type ScheduleType = 'scheduler' | 'rule';

export interface ScheduleTargets {
  serviceArns?: string[];
  serviceNames?: string[];
  tags?: Record<string, string>;
}

/** A ready-by wake-up: fire `lead` before `time` (local), on `days`. */
export interface ReadyBy {
  /** Local wall-clock time (HH:MM) by which the services should be ready. */
  time: string;
  /** ISO-8601 duration the schedule fires before `time`, e.g. PT20M. */
  lead: string;
  leadMinutes: number;
  /** The four day fields of a cron, as they select the ready-by days (`? * MON-FRI *`). */
  days: string;
}

export interface Schedule {
  name: string;
  description?: string;
  action: ScheduleAction;
  /**
   * EventBridge cron as deployed, `cron(minutes hours day-of-month month day-of-week year)`. For a ready-by
   * schedule it is computed: the lead before `readyBy.time`, on the days before when that crosses midnight.
   */
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
  /** Resume only. */
  readyBy?: ReadyBy;
  /** Resume only: `none` stops at RUNNING without probing the service. */
  readyCheck?: 'http' | 'none';
  skip?: SkipDays;
  /** A selection that matches no service is a warning and an alert unless this is true. */
  allowNoTargets: boolean;
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
const CRON_OR_READY_BY =
  'is required (e.g. "cron(0 7 ? * MON-FRI *)"), or give readyBy (e.g. "07:00") and days';

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

const scheduleName = z
  .string()
  .max(64, 'must be at most 64 characters')
  .regex(SCHEDULE_NAME, 'use lower-case letters, digits and hyphens (e.g. "weekday-morning")');

const scheduleSchema = z.strictObject({
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

/**
 * Reads and validates a schedules file. The file is a YAML list of schedules, or a mapping with a
 * `schedules` list and optionally shared `calendars` and a file-wide `readyByLead`.
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

const FILE_KEYS = ['schedules', 'calendars', 'readyByLead'];

/** The parts of the file: the schedule list, the shared calendars and the file-wide lead. */
function fileParts(document: unknown, problems: string[]) {
  if (document == null) return { list: [] as unknown[], calendars: {}, lead: undefined };
  if (Array.isArray(document)) return { list: document as unknown[], calendars: {}, lead: undefined };
  const map = document as Record<string, unknown>;
  if (typeof document !== 'object' || !Array.isArray(map.schedules)) return undefined;
  for (const key of Object.keys(map).filter((k) => !FILE_KEYS.includes(k))) {
    problems.push(`file: ${key}: unknown field (the file has ${FILE_KEYS.join(', ')})`);
  }
  const calendars = map.calendars ?? {};
  if (typeof calendars !== 'object' || calendars === null || Array.isArray(calendars)) {
    problems.push('file: calendars: must be a mapping of calendar names to { holidays, dates }');
    return { list: map.schedules as unknown[], calendars: {}, lead: map.readyByLead };
  }
  return {
    list: map.schedules as unknown[],
    calendars: calendars as Record<string, unknown>,
    lead: map.readyByLead,
  };
}

/** Validates an already parsed schedules document; returns the schedules and every problem found. */
export function validateSchedules(document: unknown): { schedules: Schedule[]; problems: string[] } {
  const problems: string[] = [];
  const parts = fileParts(document, problems);
  if (parts === undefined) {
    return {
      schedules: [],
      problems: ['the file must be a list of schedules (or a mapping with a "schedules" list)'],
    };
  }

  let fileLead = DEFAULT_LEAD;
  if (parts.lead !== undefined) {
    const lead =
      typeof parts.lead === 'string'
        ? leadMinutes(parts.lead)
        : { problem: 'must be an ISO-8601 duration such as PT20M' };
    if ('problem' in lead) problems.push(`file: readyByLead: ${lead.problem}`);
    else fileLead = parts.lead as string;
  }

  // Calendars are checked once each; a schedule that refers to a broken one is left out with it.
  const calendars = new Map<string, SkipDays | undefined>();
  for (const [name, raw] of Object.entries(parts.calendars)) {
    const report = (field: string, problem: string) =>
      problems.push(`calendar "${name}": ${field}: ${problem}`);
    if (!scheduleName.safeParse(name).success) {
      report('(name)', 'use lower-case letters, digits and hyphens (e.g. "berlin-office")');
    }
    calendars.set(name, parseSkipDays(raw, report));
  }

  const schedules: Schedule[] = [];
  const seenNames = new Map<string, number>();
  const seenIds = new Map<string, string>();

  parts.list.forEach((raw, index) => {
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

    // Targets, cron, time zone and skip are checked even when other fields failed, so every problem shows at once.
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
    const cron = checkWhen(rawObject, timezone, fileLead, report);
    const skip = rawObject.skip === undefined ? undefined : checkSkip(rawObject.skip, calendars, report);

    checkName(rawObject.name, index, seenNames, seenIds, report);
    if (value) checkResumeOnly(value, report);

    if (
      value &&
      targets.success &&
      timezone !== undefined &&
      cron !== undefined &&
      problems.length === before
    ) {
      schedules.push({
        name: value.name,
        ...(value.description !== undefined && { description: value.description }),
        action: value.action,
        cron: cron.cron,
        timezone,
        targets: compactTargets(targets.data),
        enabled: value.enabled,
        ...(value.keepAwakeUntil !== undefined && { keepAwakeUntil: value.keepAwakeUntil }),
        ...(value.keepAwakeFor !== undefined && { keepAwakeFor: value.keepAwakeFor }),
        reason: value.reason ?? value.description ?? `scheduled ${value.action} (${value.name})`,
        type: value.type,
        ...(cron.readyBy !== undefined && { readyBy: cron.readyBy }),
        ...(value.readyCheck !== undefined && { readyCheck: value.readyCheck }),
        ...(skip !== undefined && { skip }),
        allowNoTargets: value.allowNoTargets,
      });
    }
  });

  return { schedules, problems };
}

/** The deployed cron: `cron` as written, or the one a `readyBy` with `days` and a lead comes to. */
function checkWhen(
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

function checkSkip(
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

function checkName(
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

function checkResumeOnly(
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

/** The CloudFormation logical id of a schedule's resource: stable across re-ordering of the file. */
export function scheduleLogicalId(name: string): string {
  return `Schedule${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
}

// ---------------------------------------------------------------------------------------------------------
// Time zones

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
