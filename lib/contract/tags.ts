/** Tags this product reads and writes on App Runner services (contract: see docs). */
export const LEASE_TAG = 'apprunner-scheduler:keep-awake-until';
/** Who set the keep-awake lease (the requestedBy of the wake), written with {@link LEASE_TAG}. */
export const LEASE_BY_TAG = 'apprunner-scheduler:keep-awake-by';
/** Why the lease was set (the reason of the wake, at most {@link LEASE_REASON_MAX} characters). */
export const LEASE_REASON_TAG = 'apprunner-scheduler:keep-awake-reason';
export const LEASE_REASON_MAX = 256;
export const OPT_OUT_TAG = 'apprunner-scheduler:opt-out';

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

export function isOptedOut(tags: Record<string, string>): boolean {
  return (tags[OPT_OUT_TAG] ?? '').trim().toLowerCase() === 'true';
}
