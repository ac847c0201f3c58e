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

/** An ISO-8601 instant with a zone or offset; undefined when `text` is not one. */
export function parseIsoInstant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text.trim()))
    return undefined;
  const t = Date.parse(text.trim().toUpperCase());
  return Number.isNaN(t) ? undefined : new Date(t);
}
