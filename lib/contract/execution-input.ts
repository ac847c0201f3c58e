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
