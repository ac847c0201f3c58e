import { InvalidArgumentError } from 'commander';
import { wallClockFormat } from '../../lib/schedules/wall-clock';
import { notARealDate, parseIsoInstant } from './time';
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

const DURATION = /^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s)?$/i;

/**
 * A duration such as "4h", "90m", "1d2h", "1h 30m", "45s" or "0.5s", in milliseconds; undefined when the
 * text is not a duration at all (zero is returned as 0: callers decide whether it is allowed).
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const m = DURATION.exec(trimmed);
  if (!m || trimmed === '') return undefined;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return Math.round((((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000);
}

const ZONE = '([A-Za-z_]+(?:\\/[A-Za-z0-9_+-]+)*)';
const WALL_CLOCK = new RegExp(`^(\\d{1,2}):(\\d{2})(?:\\s+${ZONE})?$`);
const DATE_IN_ZONE = new RegExp(
  `^(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s+${ZONE}$`,
);
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses a keep-awake time:
 * - an ISO-8601 timestamp with a zone or offset (`2026-11-28T08:00:00Z`, `2026-11-28T09:00+01:00`),
 * - a duration from now (`4h`, `90m`, `1d2h`, `1h 30m`),
 * - a wall-clock time in an IANA time zone (`08:00 Europe/Berlin`: the next such time; `08:00` alone is UTC),
 * - a date and wall-clock time in an IANA time zone (`2026-11-28 08:00 Europe/Berlin`).
 *
 * Daylight saving is respected: a wall-clock time that does not exist on a day (spring forward) moves
 * to the next day for the "next HH:MM" form and is refused for the dated form; a repeated one (fall
 * back) means its first occurrence.
 * @throws UsageError naming the flag (default `--until`), the text and the accepted forms
 */
export function parseUntil(text: string, now: Date, flag = '--until'): Date {
  const label = `${flag} "${text}"`;
  const trimmed = text.trim();
  const ms = parseDuration(trimmed);
  if (ms !== undefined) {
    if (ms <= 0) throw new UsageError(`${label}: the duration must be positive`);
    return new Date(now.getTime() + ms);
  }
  if (trimmed.startsWith('-') && parseDuration(trimmed.slice(1)) !== undefined) {
    throw new UsageError(
      `${label}: must be in the future; a duration counts forward from now (e.g. ${trimmed.slice(1).trim()})`,
    );
  }
  const wall = WALL_CLOCK.exec(trimmed);
  if (wall) {
    const [, hh = '0', mm = '0', zone = 'UTC'] = wall;
    if (Number(hh) > 23 || Number(mm) > 59) throw new UsageError(`${label}: not a time of day`);
    return nextWallClock(Number(hh), Number(mm), zone, now, label);
  }
  const dated = DATE_IN_ZONE.exec(trimmed);
  if (dated) return wallClockOn(dated, label);
  if (ISO_WITH_OFFSET.test(trimmed)) {
    const unreal = notARealDate(trimmed);
    if (unreal) throw new UsageError(`${label}: ${unreal}`);
    const t = Date.parse(trimmed.toUpperCase());
    if (!Number.isNaN(t)) return new Date(t);
  }
  throw new UsageError(
    `${label}: expected an ISO-8601 time (2026-11-28T08:00:00Z), a duration (4h, 90m, 1d), ` +
      `"HH:MM Area/City" or "YYYY-MM-DD HH:MM Area/City"`,
  );
}

type WallParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** A formatter that reads the wall clock of `zone`; UsageError for an unknown zone. */
function wallClockReader(zone: string, label: string): (t: number) => WallParts {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = wallClockFormat(zone);
  } catch {
    throw new UsageError(`${label}: unknown time zone "${zone}" (use an IANA name such as Europe/Berlin)`);
  }
  return (t) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
    return {
      year: p.year ?? 0,
      month: p.month ?? 0,
      day: p.day ?? 0,
      hour: p.hour ?? 0,
      minute: p.minute ?? 0,
      second: p.second ?? 0,
    };
  };
}

/** The UTC offset of `zone` at instant `t`, in ms (wall clock minus UTC). */
function offsetAt(read: (t: number) => WallParts, t: number): number {
  const w = read(t);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The instants (earliest first) at which the wall clock in a zone reads the given local time: none in a
 * spring-forward gap, two in a fall-back overlap. Exact for every zone whose offset changes at most once
 * within a day of the time asked for.
 */
function instantsOf(read: (t: number) => WallParts, local: number): number[] {
  // The candidates are `local - offset` for the offsets in force a day around it.
  const offsets = new Set([offsetAt(read, local - 86_400_000), offsetAt(read, local + 86_400_000)]);
  const found = [...offsets]
    .map((off) => local - off)
    .filter((t) => {
      const w = read(t);
      return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) === local;
    });
  return [...new Set(found)].sort((a, b) => a - b);
}

/** The next instant after `now` at which the wall clock in `zone` reads hh:mm. */
function nextWallClock(hh: number, mm: number, zone: string, now: Date, label: string): Date {
  const read = wallClockReader(zone, label);
  const today = read(now.getTime());
  // Today, tomorrow or the day after (when today's time has passed and tomorrow's falls in a DST gap).
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const local = Date.UTC(today.year, today.month - 1, today.day + dayOffset, hh, mm, 0);
    const next = instantsOf(read, local).find((t) => t > now.getTime());
    if (next !== undefined) return new Date(next);
  }
  throw new UsageError(`${label}: no such time in ${zone} within two days`);
}

/** "YYYY-MM-DD HH:MM[:SS] Area/City" → the instant (the first one when the clock repeats it). */
function wallClockOn(m: RegExpExecArray, label: string): Date {
  const [, y, mo, d, hh, mi, ss = '0', zone = 'UTC'] = m;
  const parts = [y, mo, d, hh, mi, ss].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new UsageError(`${label}: not a real date and time`);
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) {
    throw new UsageError(`${label}: not a real date and time`);
  }
  const read = wallClockReader(zone, label);
  const [first] = instantsOf(read, local);
  if (first === undefined) {
    throw new UsageError(
      `${label}: that time does not exist in ${zone} (the clocks jump forward over it for daylight saving)`,
    );
  }
  return new Date(first);
}

/**
 * A `--since`: a duration back from now (`7d`, `12h`) or a past ISO-8601 instant, as milliseconds back from
 * `now`, at least `minMs` and at most `maxMs` back.
 * @throws InvalidArgumentError saying `expected` (the forms and bounds) when it is neither, or out of bounds
 */
export function parseSinceBack(
  value: string,
  bounds: { minMs: number; maxMs: number; expected: string },
  now = Date.now(),
): number {
  const duration = parseDuration(value);
  const unreal = notARealDate(value);
  if (unreal) throw new InvalidArgumentError(unreal);
  const instant = duration === undefined ? parseIsoInstant(value) : undefined;
  const back = duration ?? (instant ? now - instant.getTime() : undefined);
  if (back === undefined || back < bounds.minMs || back > bounds.maxMs) {
    throw new InvalidArgumentError(bounds.expected);
  }
  return back;
}
