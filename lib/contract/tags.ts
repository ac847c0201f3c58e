/** Tags this product reads and writes on App Runner services (contract: see docs). */
export const LEASE_TAG = 'apprunner-scheduler:keep-awake-until';
/** Who set the keep-awake lease (the requestedBy of the wake), written with {@link LEASE_TAG}. */
export const LEASE_BY_TAG = 'apprunner-scheduler:keep-awake-by';
/** Why the lease was set (the reason of the wake, at most {@link LEASE_REASON_MAX} characters). */
export const LEASE_REASON_TAG = 'apprunner-scheduler:keep-awake-reason';
const LEASE_REASON_MAX = 256;
export const OPT_OUT_TAG = 'apprunner-scheduler:opt-out';
/** The path the readiness probe requests after a resume, or `none` to skip the probe. */
export const READY_PATH_TAG = 'apprunner-scheduler:ready-path';

/**
 * Seconds from RUNNING to ready that the last ready-by wake-up of the service observed; the workflow writes
 * it (only when it changed noticeably) and plans the next ready-by start with it.
 */
export const OBSERVED_WARMUP_TAG = 'apprunner-scheduler:observed-warmup';
/** The longest warm-up the tag may carry (a larger or unreadable value is ignored). */
export const MAX_OBSERVED_WARMUP_SECONDS = 3600;

/** The observed warm-up in whole seconds, or undefined when the tag is absent or not such a number. */
export function readObservedWarmup(tags: Record<string, string>): number | undefined {
  const raw = tags[OBSERVED_WARMUP_TAG]?.trim();
  if (!raw || !/^\d{1,4}$/.test(raw)) return undefined;
  const seconds = Number(raw);
  return seconds <= MAX_OBSERVED_WARMUP_SECONDS ? seconds : undefined;
}

/**
 * Whether a newly observed warm-up is worth writing over the one the tag holds: always when there is none,
 * else when it moved by more than 5 s and by more than a fifth (a steady service costs no write).
 */
export function warmupChanged(previous: number | undefined, observed: number): boolean {
  if (previous === undefined) return true;
  const moved = Math.abs(observed - previous);
  return moved > 5 && moved > previous / 5;
}

/** The tags that make up a keep-awake lease (removed together when a lease is overridden). */
export const LEASE_TAGS = [LEASE_TAG, LEASE_BY_TAG, LEASE_REASON_TAG] as const;

export interface Lease {
  until?: number;
  /** The tag was present but unreadable; it is ignored and reported. */
  malformed?: string;
  /** Who set it and why, when the lease carries them (leases set before they were recorded do not). */
  by?: string;
  reason?: string;
}

/** Reads the keep-awake lease tags. */
export function readLease(tags: Record<string, string>): Lease {
  const raw = tags[LEASE_TAG];
  if (raw === undefined || raw === '') return {};
  const by = tags[LEASE_BY_TAG] || undefined;
  const reason = tags[LEASE_REASON_TAG] || undefined;
  const until = Date.parse(raw);
  const who = { ...(by ? { by } : {}), ...(reason ? { reason } : {}) };
  return Number.isNaN(until) ? { malformed: raw, ...who } : { until, ...who };
}

/**
 * The tags a lease is written as. Tag values take letters, digits, spaces and `_ . : / = + - @` and at most
 * 256 characters: anything else in the reason becomes a space (the full reason stays in the run's report).
 */
export function leaseTags(until: string, by: string, reason: string): Record<string, string> {
  const clean = (text: string) =>
    text
      .replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^aws:/i, '')
      .slice(0, LEASE_REASON_MAX);
  return {
    [LEASE_TAG]: until,
    [LEASE_BY_TAG]: clean(by) || 'unknown',
    ...(clean(reason) ? { [LEASE_REASON_TAG]: clean(reason) } : {}),
  };
}

/** `until 2026-11-28T08:00:00.000Z, set by user:alice ("INC-4711")`: a lease, as a person reads it. */
export function describeLease(lease: Lease): string {
  const until = lease.until !== undefined ? `until ${new Date(lease.until).toISOString()}` : 'unreadable';
  const by = lease.by ? `, set by ${lease.by}` : '';
  const why = lease.reason ? ` ("${lease.reason}")` : '';
  return `${until}${by}${why}`;
}

export function isOptedOut(tags: Record<string, string>): boolean {
  return (tags[OPT_OUT_TAG] ?? '').trim().toLowerCase() === 'true';
}
