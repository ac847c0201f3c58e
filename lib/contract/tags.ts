/** Tags this product reads and writes on App Runner services (contract: see docs). */
export const LEASE_TAG = 'apprunner-scheduler:keep-awake-until';
export const OPT_OUT_TAG = 'apprunner-scheduler:opt-out';

export interface Lease {
  until?: number;
  /** The tag was present but unreadable; it is ignored and reported. */
  malformed?: string;
}

/** Reads the keep-awake lease tag. */
export function readLease(tags: Record<string, string>): Lease {
  const raw = tags[LEASE_TAG];
  if (raw === undefined || raw === '') return {};
  const until = Date.parse(raw);
  return Number.isNaN(until) ? { malformed: raw } : { until };
}

export function isOptedOut(tags: Record<string, string>): boolean {
  return (tags[OPT_OUT_TAG] ?? '').trim().toLowerCase() === 'true';
}
