import * as z from 'zod';
import { SERVICE_ARN_PATTERN, SERVICE_NAME_PATTERN } from '../app-runner/arn';
import { InvalidInputError, issuesFromZod } from '../runtime/errors';

/** Hard ceiling on targets per execution; the configured MAX_TARGETS may only lower it. */
export const ABSOLUTE_MAX_TARGETS = 5000;
/** How far ahead a keep-awake lease may reach. */
export const MAX_LEASE_DAYS = 31;

/** ISO-8601 durations in days, hours and minutes (P1DT2H, PT10H, PT90M). */
export const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

/** Seconds in an ISO-8601 duration of days, hours and minutes (0 when it does not parse). */
export function isoDurationSeconds(duration: string): number {
  const match = ISO_DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) return 0;
  const [, days, hours, minutes] = match;
  return Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60;
}

export const ACTIONS = ['resume', 'pause'] as const;
export type Action = (typeof ACTIONS)[number];

const isoTimestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    'must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-28T08:00:00Z',
  )
  .refine(isRealDateTime, 'is not a real date and time');

/** Date.parse rolls impossible days over (2026-02-30 → March 2): check the day exists in its month. */
function isRealDateTime(text: string): boolean {
  if (Number.isNaN(Date.parse(text))) return false;
  const [year = 0, month = 0, day = 0] = text.slice(0, 10).split('-').map(Number);
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const tagKey = z
  .string()
  .min(1, 'tag keys must not be empty')
  .max(128, 'tag keys are at most 128 characters')
  .refine((k) => !k.toLowerCase().startsWith('aws:'), 'tag keys must not start with "aws:"');

/** How far ahead `readyBy` may be: the run waits (in a Wait state) until each service's own start time. */
export const MAX_READY_BY_HOURS = 12;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isRealDate = (d: string) => isRealDateTime(`${d}T00:00:00Z`);
const localDate = z
  .string()
  .regex(DATE, 'must be a date such as 2026-12-24')
  .refine(isRealDate, 'is not a real date');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * What a deployed schedule adds to the input it sends: which schedule fired and when it was due (EventBridge
 * Scheduler fills in `<aws.scheduler.scheduled-time>`), its time zone, and the calendar it carries. The days
 * to skip are expanded when packaging (public holidays up to `skip.horizon`), so the functions need no
 * holiday data of their own.
 */
export const ScheduleContextSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a schedule name such as weekday-morning'),
    scheduledTime: isoTimestamp,
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    /** Resume only: local wall time (HH:MM) by which every service should be ready. */
    readyBy: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a wall-clock time such as 07:00')
      .optional(),
    skip: z
      .object({
        /** Last local date the expanded holidays cover. */
        horizon: localDate,
        holidays: z
          .record(localDate, z.string().max(128, 'holiday names are at most 128 characters'))
          .optional(),
        /** Explicit dates and inclusive ranges (`2026-12-27..2027-01-01`). */
        dates: z
          .array(
            z
              .string()
              .regex(
                /^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$/,
                'must be a date or a range such as 2026-12-27..2027-01-01',
              )
              .refine((d) => d.split('..').every(isRealDate), 'is not a real date'),
          )
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ScheduleContext = z.output<typeof ScheduleContextSchema>;

/** Execution input (contract). Unknown fields are rejected so that typos never pass silently. */
export const ExecutionInputSchema = z
  .object({
    action: z.enum(ACTIONS, { error: 'must be "resume" or "pause"' }),
    targets: z
      .object({
        serviceArns: z
          .array(
            z
              .string()
              .regex(
                SERVICE_ARN_PATTERN,
                'must be an App Runner service ARN (arn:aws:apprunner:…:service/<name>/<id>)',
              ),
          )
          .max(ABSOLUTE_MAX_TARGETS)
          .optional(),
        serviceNames: z
          .array(
            z
              .string()
              .regex(SERVICE_NAME_PATTERN, 'must be an App Runner service name (4–40 of A–Z a–z 0–9 - _)'),
          )
          .max(ABSOLUTE_MAX_TARGETS)
          .optional(),
        tags: z
          .record(tagKey, z.string().max(256, 'tag values are at most 256 characters'))
          .refine((t) => Object.keys(t).length <= 10, 'at most 10 tags may be combined')
          .optional(),
      })
      .strict()
      .refine(
        (t) =>
          (t.serviceArns?.length ?? 0) + (t.serviceNames?.length ?? 0) + Object.keys(t.tags ?? {}).length > 0,
        'needs at least one selector: serviceArns, serviceNames or tags',
      ),
    dryRun: z.boolean().default(false),
    reason: z.string().max(512, 'is at most 512 characters').default(''),
    requestedBy: z
      .string()
      .min(1, 'must not be empty')
      .max(128, 'is at most 128 characters')
      .regex(/^[\w.:@/+=,-]+$/, 'may contain letters, digits and . : @ / + = , - _ only')
      .default('unknown'),
    keepAwakeUntil: isoTimestamp.optional(),
    /** Resume only: a lease relative to the run's start, as an ISO-8601 duration (PT10H, P1DT2H, PT90M). */
    keepAwakeFor: z
      .string()
      .regex(ISO_DURATION, 'must be an ISO-8601 duration such as PT10H, PT90M or P1DT2H')
      .refine((d) => isoDurationSeconds(d) > 0, 'must be longer than zero')
      .optional(),
    /** Resume only: every service should be ready (see readyCheck) by then; each starts at its own time. */
    readyBy: isoTimestamp.optional(),
    /** Resume only: `http` probes each service after RUNNING until it answers; `none` stops at RUNNING. */
    readyCheck: z.enum(['http', 'none'], { error: 'must be "http" or "none"' }).optional(),
    /** Pause only: pause even a service with an active keep-awake lease; the workflow removes the lease. */
    overrideLease: z.boolean().default(false),
    /** A selection that matches no service is a warning and an alert unless this is true. */
    allowNoTargets: z.boolean().default(false),
    /** Set by deployed schedules only. */
    schedule: ScheduleContextSchema.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.keepAwakeUntil !== undefined && input.action !== 'resume') {
      ctx.addIssue({
        code: 'custom',
        path: ['keepAwakeUntil'],
        message: 'is only allowed with action "resume"',
      });
    }
    if (input.keepAwakeFor !== undefined && input.action !== 'resume') {
      ctx.addIssue({
        code: 'custom',
        path: ['keepAwakeFor'],
        message: 'is only allowed with action "resume"',
      });
    }
    for (const field of ['readyBy'] as const) {
      if (input[field] !== undefined && input.action !== 'resume') {
        ctx.addIssue({ code: 'custom', path: [field], message: 'is only allowed with action "resume"' });
      }
    }
    if (input.readyCheck !== undefined && input.action !== 'resume') {
      ctx.addIssue({ code: 'custom', path: ['readyCheck'], message: 'is only allowed with action "resume"' });
    }
    if (input.schedule?.readyBy !== undefined && input.action !== 'resume') {
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'readyBy'],
        message: 'is only allowed with action "resume"',
      });
    }
    if (input.schedule?.readyBy !== undefined && input.readyBy !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['readyBy'],
        message: 'give readyBy or schedule.readyBy, not both',
      });
    }
    if (input.overrideLease && input.action !== 'pause') {
      ctx.addIssue({
        code: 'custom',
        path: ['overrideLease'],
        message: 'is only allowed with action "pause"',
      });
    }
    if (
      input.keepAwakeUntil !== undefined &&
      input.readyBy !== undefined &&
      Date.parse(input.keepAwakeUntil) <= Date.parse(input.readyBy)
    ) {
      // The lease would end before the services are due ready: a scheduled pause could put them to sleep.
      ctx.addIssue({
        code: 'custom',
        path: ['keepAwakeUntil'],
        message:
          'must be later than readyBy: the keep-awake lease would end before the services are due ready',
      });
    }
    if (input.keepAwakeFor !== undefined && input.keepAwakeUntil !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['keepAwakeFor'],
        message: 'give keepAwakeUntil or keepAwakeFor, not both',
      });
    }
  });

export type ExecutionInput = z.output<typeof ExecutionInputSchema>;

/**
 * Validates execution input. `now` and `maxTargets` add the checks that depend on time and config.
 * @throws InvalidInputError naming every bad field
 */
export function parseExecutionInput(raw: unknown, opts: { now: number; maxTargets: number }): ExecutionInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidInputError([{ field: '(input)', problem: 'must be a JSON object' }]);
  }
  // JSON may carry a "__proto__" key, which object schemas drop silently: a tag selector that loses a
  // key selects more services than asked, so refuse it instead.
  const tags = (raw as { targets?: { tags?: unknown } }).targets?.tags;
  if (tags && typeof tags === 'object' && Object.keys(tags).includes('__proto__')) {
    throw new InvalidInputError([
      { field: 'targets.tags.__proto__', problem: 'this tag key is not supported' },
    ]);
  }
  const parsed = ExecutionInputSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(issuesFromZod(parsed.error));
  const input = parsed.data;
  const explicit = (input.targets.serviceArns?.length ?? 0) + (input.targets.serviceNames?.length ?? 0);
  if (explicit > opts.maxTargets) {
    throw new InvalidInputError([
      {
        field: 'targets',
        problem: `names ${explicit} services; the limit is ${opts.maxTargets} per execution`,
      },
    ]);
  }
  if (input.keepAwakeFor !== undefined) {
    const seconds = isoDurationSeconds(input.keepAwakeFor);
    if (seconds > MAX_LEASE_DAYS * 86_400) {
      throw new InvalidInputError([
        { field: 'keepAwakeFor', problem: `is more than ${MAX_LEASE_DAYS} days` },
      ]);
    }
  }
  if (input.readyBy !== undefined) {
    const readyBy = Date.parse(input.readyBy);
    if (readyBy <= opts.now) {
      throw new InvalidInputError([{ field: 'readyBy', problem: 'is in the past' }]);
    }
    if (readyBy > opts.now + MAX_READY_BY_HOURS * 3_600_000) {
      throw new InvalidInputError([
        { field: 'readyBy', problem: `is more than ${MAX_READY_BY_HOURS} hours ahead` },
      ]);
    }
  }
  if (input.keepAwakeFor !== undefined && input.readyBy !== undefined) {
    // The lease counts from now (Plan), so it must outlast the wait until readyBy.
    if (opts.now + isoDurationSeconds(input.keepAwakeFor) * 1000 <= Date.parse(input.readyBy)) {
      throw new InvalidInputError([
        {
          field: 'keepAwakeFor',
          problem:
            'ends before readyBy: the lease counts from the start of the run; make it longer or use keepAwakeUntil',
        },
      ]);
    }
  }
  if (input.keepAwakeUntil !== undefined) {
    const until = Date.parse(input.keepAwakeUntil);
    if (until <= opts.now) {
      throw new InvalidInputError([{ field: 'keepAwakeUntil', problem: 'is in the past' }]);
    }
    if (until > opts.now + MAX_LEASE_DAYS * 86_400_000) {
      throw new InvalidInputError([
        { field: 'keepAwakeUntil', problem: `is more than ${MAX_LEASE_DAYS} days ahead` },
      ]);
    }
  }
  return input;
}
