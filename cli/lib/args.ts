/** A mistake in how the CLI was called: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** "key=value" → [key, value]; names the flag on error. */
export function parseKeyValue(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} expects key=value, got "${text}"`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/**
 * Parses a keep-awake time: an ISO-8601 timestamp with a zone, a duration from now ("4h", "90m",
 * "1d2h"), or a wall-clock time in an IANA time zone ("08:00 Europe/Berlin": the next such time).
 */
export function parseUntil(text: string, now: Date): Date {
  const trimmed = text.trim();
  const duration = DURATION.exec(trimmed);
  if (duration && trimmed !== '') {
    const [, d = '0', h = '0', m = '0'] = duration;
    const ms = ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000;
    if (ms <= 0) throw new UsageError(`--until "${text}": the duration must be positive`);
    return new Date(now.getTime() + ms);
  }
  const wall = /^(\d{1,2}):(\d{2})(?:\s+([A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*))?$/.exec(trimmed);
  if (wall) {
    const [, hh = '0', mm = '0', zone = 'UTC'] = wall;
    if (Number(hh) > 23 || Number(mm) > 59) throw new UsageError(`--until "${text}": not a time of day`);
    return nextWallClock(Number(hh), Number(mm), zone, now, text);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(trimmed)) {
    const t = Date.parse(trimmed);
    if (!Number.isNaN(t)) return new Date(t);
  }
  throw new UsageError(
    `--until "${text}": expected an ISO-8601 time (2026-11-28T08:00:00Z), a duration (4h, 90m, 1d) or "HH:MM Area/City"`,
  );
}

/** The next instant at which the wall clock in `zone` reads hh:mm (DST-aware). */
function nextWallClock(hh: number, mm: number, zone: string, now: Date, text: string): Date {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
  } catch {
    throw new UsageError(`--until "${text}": unknown time zone "${zone}"`);
  }
  // Walk forward minute by minute from the next whole minute (at most 2 days): exact across DST changes,
  // and a wall time that does not exist that day (spring forward) moves on to the next day.
  const start = Math.ceil((now.getTime() + 1) / 60_000) * 60_000;
  for (let t = start; t < start + 2 * 86_400_000; t += 60_000) {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    if (Number(parts.hour) === hh && Number(parts.minute) === mm) return new Date(t);
  }
  throw new UsageError(`--until "${text}": no such time in ${zone} within two days`);
}
