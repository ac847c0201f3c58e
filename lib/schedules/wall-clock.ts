/**
 * Wall clocks in IANA time zones, with nothing but `Intl`: small enough for any Lambda bundle. Every DST-aware
 * conversion of the schedules code goes through here. Local dates are `YYYY-MM-DD` strings; local times are
 * represented as "local milliseconds" (the wall-clock reading encoded as if it were UTC), which makes
 * calendar arithmetic on them plain integer arithmetic.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * A formatter that reads the wall clock (24-hour, to the second) in an IANA time zone — the building block of
 * every DST-aware conversion here. Throws RangeError for an unknown zone.
 */
export function wallClockFormat(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(zone, format);
  }
  return format;
}

/** The wall-clock reading in `zone` at instant `t` (ms), as local milliseconds (whole seconds). */
export function localMillis(t: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of wallClockFormat(zone).formatToParts(new Date(t))) p[part.type] = Number(part.value);
  return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

/** The UTC offset of `zone` at instant `t`, in ms (wall clock minus UTC). */
export function offsetAt(t: number, zone: string): number {
  return localMillis(t, zone) - Math.floor(t / 1000) * 1000;
}

/** The local date (`YYYY-MM-DD`) in `zone` at instant `t`. */
export function localDate(t: number, zone: string): string {
  return new Date(localMillis(t, zone)).toISOString().slice(0, 10);
}

/** `2026-03-30T07:00:00+02:00`: the wall clock in `zone` at `t`, with its UTC offset. */
export function localIso(t: number, zone: string): string {
  const local = localMillis(t, zone);
  const offsetMinutes = Math.round((local - Math.floor(t / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(local).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/**
 * The instants (earliest first) at which the wall clock in `zone` reads `local` (local milliseconds): none in
 * a spring-forward gap, two in a fall-back overlap. Exact for every zone whose offset changes at most once
 * within a day of the time asked for.
 */
export function instantsAt(local: number, zone: string): number[] {
  // The candidates are `local - offset` for the offsets in force a day around it.
  const offsets = new Set([offsetAt(local - 86_400_000, zone), offsetAt(local + 86_400_000, zone)]);
  const found = [...offsets].map((off) => local - off).filter((t) => localMillis(t, zone) === local);
  return [...new Set(found)].sort((a, b) => a - b);
}

/**
 * The first instant at which the wall clock in `zone` reads `local` or later. Equals the (first) instant of
 * `local` when it exists; in a spring-forward gap it is the moment the clocks jump over it (02:30 on the
 * night Berlin jumps from 02:00 to 03:00 → 03:00 CEST).
 */
export function firstInstantAtOrAfter(local: number, zone: string): number {
  const [first] = instantsAt(local, zone);
  if (first !== undefined) return first;
  // In a gap: `local - offsetAfter` reads earlier than `local`, `local - offsetBefore` reads later.
  const offsets = [offsetAt(local - 86_400_000, zone), offsetAt(local + 86_400_000, zone)];
  let low = local - Math.max(...offsets);
  let high = local - Math.min(...offsets);
  // Binary search for the jump, to the second (transitions fall on whole seconds).
  while (high - low > 1000) {
    const mid = low + Math.floor((high - low) / 2000) * 1000;
    if (localMillis(mid, zone) >= local) high = mid;
    else low = mid;
  }
  return high;
}

/** Local milliseconds of a `YYYY-MM-DD` date at `HH:MM`. */
export function localAt(date: string, time = '00:00'): number {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const [hh = 0, mm = 0] = time.split(':').map(Number);
  return Date.UTC(y, m - 1, d, hh, mm);
}

/** `YYYY-MM-DD` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  return new Date(localAt(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((localAt(to) - localAt(from)) / 86_400_000);
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    wallClockFormat(zone);
    return true;
  } catch {
    return false;
  }
}
