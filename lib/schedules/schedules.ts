import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { isoDurationSeconds } from '../contract/execution-input';
import { parseSkipDays, type SkipDays } from './calendars';
import { DEFAULT_LEAD, leadMinutes } from './ready-by';
import {
  checkName,
  checkResumeOnly,
  checkSkip,
  checkTimezone,
  checkWhen,
  compactTargets,
  fieldOf,
  labelOf,
  messageOf,
  scheduleName,
  scheduleSchema,
  targetsSchema,
} from './schedule-checks';

/**
 * The schedules file (`schedules.yml`): what users write to pause and resume services on a timetable.
 *
 * One module serves the deployment (serverless.yml turns every schedule into an EventBridge Scheduler
 * schedule or rule through `deploy/schedules.cjs`) and the on-call CLI (which shows the next fire times).
 * Validation collects every problem in the file before failing, so one packaging run tells the user all
 * that is wrong, each as `schedule "<name>": <field>: <problem>` (or `calendar "<name>": …`, `file: …`).
 *
 * The parts: ./schedule-checks.ts (each field's checks), ./cron.ts (EventBridge cron, fire times),
 * ./ready-by.ts (readyBy → the deployed cron), ./calendars.ts (skip days, public holidays),
 * ./schedule-input.ts (the execution input a schedule sends), ./run-calendar.ts (what the workflow makes of
 * that input: bundle-safe), ./upcoming.ts (the next runs, as the CLI lists them), ./deployed.ts (the
 * schedules in the stack's Scheduler group), ./wall-clock.ts (time zones). Re-exported here: what the
 * CLI's status command and older callers import from this module.
 */

export { type FireTime, nextFireTimes } from './cron';
export { scheduleLogicalId } from './schedule-checks';
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
    if (value?.keepAwakeFor !== undefined && cron?.readyBy !== undefined) {
      // keepAwakeFor counts from the fire time, which is the lead before readyBy.
      if (isoDurationSeconds(value.keepAwakeFor) <= cron.readyBy.leadMinutes * 60) {
        report(
          'keepAwakeFor',
          `must be longer than the ready-by lead (${cron.readyBy.lead}): the lease counts from the fire time and would end before ${cron.readyBy.time}`,
        );
      }
    }

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
