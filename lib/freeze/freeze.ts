import * as z from 'zod';
import { issuesFromZod } from '../runtime/errors';

/**
 * A freeze stops the scheduled runs of a stage (each fire is recorded as skipped, `skippedRun.reason:
 * FROZEN`) until it expires or is lifted; on-call runs are not affected. It lives in one SSM parameter per
 * stage that both the CLI (read, write, delete) and the Plan function (read only) reach with
 * least-privilege IAM, and that a deploy never touches (the stack does not own it, so a deploy cannot lift
 * a freeze).
 */

/** How long a freeze lasts when nobody says: long enough for a week of incident or release freeze. */
export const DEFAULT_FREEZE_DAYS = 7;
/** The furthest a freeze may reach: a forgotten freeze must not stop the schedules for a season. */
export const MAX_FREEZE_DAYS = 31;
export const FREEZE_REASON_MAX = 256;

const DAY_MS = 86_400_000;

const isoTimestamp = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/,
    'must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-28T08:00:00Z',
  )
  .refine((t) => !Number.isNaN(Date.parse(t)), 'is not a real date and time');

/** The stored form (contract): the JSON value of the parameter. Extra fields are ignored. */
export const FreezeSchema = z.object({
  /** Who froze, as in requestedBy: `user:alice`, `runbook:bob`. */
  by: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'is at most 128 characters')
    .regex(/^[\w.:@/+=,-]+$/, 'may contain letters, digits and . : @ / + = , - _ only'),
  reason: z
    .string()
    .trim()
    .min(1, 'must say why')
    .max(FREEZE_REASON_MAX, `is at most ${FREEZE_REASON_MAX} characters`),
  /** When it ends; absent (a hand-written value) means DEFAULT_FREEZE_DAYS after `at`. */
  until: isoTimestamp.optional(),
  /** When it was set. */
  at: isoTimestamp,
});

export type Freeze = z.output<typeof FreezeSchema>;

/** The parameter holds something that is not a freeze; `issues` name each bad field. */
export class InvalidFreezeError extends Error {
  override readonly name = 'InvalidFreezeError';
  constructor(
    readonly source: string,
    readonly issues: Array<{ field: string; problem: string }>,
  ) {
    super(`${source} is not a valid freeze: ${issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
  }
}

/**
 * Reads a stored freeze (the parameter's text).
 * @throws InvalidFreezeError naming the parameter and every bad field
 */
export function parseFreeze(text: string, source = 'freeze'): Freeze {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidFreezeError(source, [{ field: '(value)', problem: 'is not JSON' }]);
  }
  const parsed = FreezeSchema.safeParse(value);
  if (!parsed.success) throw new InvalidFreezeError(source, issuesFromZod(parsed.error));
  return parsed.data;
}

/** The stored text of a freeze (validated first, so that nothing unreadable is ever written). */
export function serializeFreeze(freeze: Freeze): string {
  return JSON.stringify(FreezeSchema.parse(freeze));
}

/** When a freeze ends (ms since the epoch): its `until`, else {@link DEFAULT_FREEZE_DAYS} after `at`. */
export function freezeEnd(freeze: Freeze): number {
  return freeze.until !== undefined
    ? Date.parse(freeze.until)
    : Date.parse(freeze.at) + DEFAULT_FREEZE_DAYS * DAY_MS;
}

/** Whether a freeze still applies at `now`. */
export function isFrozen(freeze: Freeze | undefined, now: number): freeze is Freeze {
  return freeze !== undefined && now < freezeEnd(freeze);
}

/** The SSM parameter of a stage: `/apprunner-scheduler/<stage>/freeze` (the stack output FreezeParameterName). */
export function freezeParameterName(stage: string): string {
  return `/apprunner-scheduler/${stage}/freeze`;
}

/** What Plan needs of the freeze: reading it. */
export interface FreezeReader {
  /** The stored freeze, expired or not; undefined when there is none. @throws InvalidFreezeError */
  get(): Promise<Freeze | undefined>;
}

/** Where a freeze is kept. One contract test suite runs against every implementation. */
export interface FreezeStore extends FreezeReader {
  /** Stores a freeze, replacing any other. */
  put(freeze: Freeze): Promise<void>;
  /** Removes the freeze; resolves to whether there was one. */
  delete(): Promise<boolean>;
}

/** The freeze in force at `now`, if any (an expired one is ignored, never acted on). */
export async function activeFreeze(store: FreezeReader, now: number): Promise<Freeze | undefined> {
  const freeze = await store.get();
  return isFrozen(freeze, now) ? freeze : undefined;
}

/**
 * The freeze an SSM parameter holds, read through any GetParameter call: undefined when the parameter does
 * not exist (never frozen, or lifted).
 * @throws InvalidFreezeError for a value that is not a freeze; the call's own errors otherwise
 */
export async function freezeFromParameter(
  getParameter: () => Promise<string | undefined>,
  parameterName: string,
): Promise<Freeze | undefined> {
  try {
    const value = await getParameter();
    return value === undefined ? undefined : parseFreeze(value, `SSM parameter ${parameterName}`);
  } catch (error) {
    if (isParameterNotFound(error)) return undefined;
    throw error;
  }
}

export function isParameterNotFound(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ParameterNotFound';
}
