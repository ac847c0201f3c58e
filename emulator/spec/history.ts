import { Cron } from 'croner';
import * as z from 'zod';
import { seconds } from './common';

/**
 * A service's past operations, as ListOperations will show them: written out one by one, generated as
 * alternating pause/resume pairs, or generated from a weekly calendar. One object, three forms (exactly one
 * of `operations`, `count` or `weeks`); the model turns it into operations that end before the clock's
 * start and agree with the service's status (see emulator/history.ts).
 */

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const timeOfDay = z.string().regex(HH_MM, 'must be a time of day as HH:MM (24-hour clock)');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Cron day-of-week syntax: MON-FRI, SAT,SUN, 1-5, *. */
function isDaysField(days: string): boolean {
  if (!/^[A-Za-z0-9,\-*/]+$/.test(days)) return false;
  try {
    new Cron(`0 0 * * ${days}`, { paused: true });
    return true;
  } catch {
    return false;
  }
}

export const historyOperationSchema = z
  .strictObject({
    type: z.enum(['RESUME_SERVICE', 'PAUSE_SERVICE', 'START_DEPLOYMENT', 'UPDATE_SERVICE']),
    /** Default SUCCEEDED. A FAILED operation leaves the service as it was. */
    status: z.enum(['SUCCEEDED', 'FAILED']).optional(),
    /** ISO-8601 start time … */
    startedAt: z.iso.datetime({ offset: true }).optional(),
    /** … or how long before the clock's start it started. */
    startedSecondsAgo: z
      .number()
      .positive()
      .max(366 * 24 * 3600)
      .optional(),
    /** Default: the service's duration for its type (with jitter). */
    durationSeconds: seconds.optional(),
  })
  .superRefine((op, ctx) => {
    if ((op.startedAt === undefined) === (op.startedSecondsAgo === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of startedAt and startedSecondsAgo' });
    }
  });
export type HistoryOperationSpec = z.input<typeof historyOperationSchema>;

const CALENDAR_FIELDS = ['timezone', 'resumeAt', 'pauseAt', 'days'] as const;

export const historySchema = z
  .strictObject({
    /** Explicit past operations (any order; they must not overlap). */
    operations: z.array(historyOperationSchema).min(1).max(5000).optional(),
    /** Generated: this many operations, alternating pause/resume, one every `everyHours`. */
    count: z.number().int().min(1).max(5000).optional(),
    /** Spacing of generated operations (start to start). Default 12. */
    everyHours: z
      .number()
      .positive()
      .max(30 * 24)
      .optional(),
    /** Generated from a calendar: this many weeks back from the clock's start. */
    weeks: z.number().int().min(1).max(52).optional(),
    /** IANA time zone of resumeAt/pauseAt/days. Default UTC. */
    timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
    /** Wall time of the daily resume. Default 07:00. */
    resumeAt: timeOfDay.optional(),
    /** Wall time of the daily pause. Default 20:00. */
    pauseAt: timeOfDay.optional(),
    /** Days with a resume and a pause, cron day-of-week syntax. Default MON-FRI. */
    days: z
      .string()
      .refine(isDaysField, 'must be cron day-of-week syntax such as MON-FRI, SAT,SUN or 1-5')
      .optional(),
    /** Every Nth generated operation FAILED (counted oldest first). */
    failEvery: z.number().int().min(1).optional(),
  })
  .superRefine((h, ctx) => {
    const forms = (['operations', 'count', 'weeks'] as const).filter((k) => h[k] !== undefined);
    if (forms.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          forms.length === 0
            ? 'give one of operations (explicit), count (pause/resume pairs) or weeks (a calendar)'
            : `give only one of operations, count and weeks (got ${forms.join(', ')})`,
      });
      return;
    }
    if (h.everyHours !== undefined && h.count === undefined) {
      ctx.addIssue({ code: 'custom', path: ['everyHours'], message: 'only applies with count' });
    }
    for (const field of CALENDAR_FIELDS) {
      if (h[field] !== undefined && h.weeks === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'only applies with weeks' });
      }
    }
    if (h.failEvery !== undefined && h.operations !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['failEvery'],
        message: 'only applies to generated history (give status: FAILED per operation instead)',
      });
    }
    if (h.weeks !== undefined && (h.resumeAt ?? '07:00') === (h.pauseAt ?? '20:00')) {
      ctx.addIssue({ code: 'custom', path: ['pauseAt'], message: 'must differ from resumeAt' });
    }
  });
/** A service's seeded operation history (fleet `history`). */
export type HistorySpec = z.input<typeof historySchema>;
