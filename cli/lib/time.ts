const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `2026-03-30T07:00:00+02:00` → `Mon 2026-03-30 07:00 +02:00` (the weekday of the local date). */
export function formatLocal(local: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})(?::\d{2})?(.*)$/.exec(local);
  if (!m) return local;
  const [, y, mo, d, hm, offset] = m;
  const weekday = WEEKDAYS[new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay()];
  return `${weekday} ${y}-${mo}-${d} ${hm} ${offset === 'Z' ? '+00:00' : offset}`.trimEnd();
}

/** `2026-03-30T05:00:00.000Z` → `2026-03-30 05:00Z`. */
export function formatUtc(iso: string | number): string {
  const text = typeof iso === 'number' ? new Date(iso).toISOString() : iso;
  return text.replace('T', ' ').replace(/:\d{2}(\.\d+)?Z$/, 'Z');
}

/** "in 4h 10m" / "3h 5m ago" / "in 2d 3h" relative to `now`. */
export function relative(at: number, now: number): string {
  const diff = at - now;
  const minutes = Math.round(Math.abs(diff) / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const text = d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * Why an ISO-8601 instant cannot be: its date or time of day does not exist (2026-02-30, 25:00, an offset
 * of +24:00). Date.parse would roll it over silently (2026-02-30 → March 2). Undefined when the text is a
 * real instant, or not an ISO-8601 instant at all.
 */
export function notARealDate(text: string): string | undefined {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] =
    m.slice(1).map((part) => Number(part ?? 0));
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return 'not a real date and time: hours are 00–23, minutes and seconds 00–59';
  }
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years 0–99 as 1900–1999
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) {
    const days =
      month >= 1 && month <= 12
        ? ` (${text.trim().slice(0, 7)} has ${new Date(Date.UTC(year, month, 0)).getUTCDate()} days)`
        : '';
    return `not a real date: ${text.trim().slice(0, 10)} does not exist${days}`;
  }
  return undefined;
}

/** An ISO-8601 instant with a zone or offset; undefined when `text` is not one (or not a real one). */
export function parseIsoInstant(text: string): Date | undefined {
  if (!ISO_INSTANT.test(text.trim()) || notARealDate(text)) return undefined;
  const t = Date.parse(text.trim().toUpperCase());
  return Number.isNaN(t) ? undefined : new Date(t);
}
