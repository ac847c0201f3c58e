import { addDays, firstInstantAtOrAfter, localAt, localDate } from '../schedules/wall-clock';
import type { Segment } from './timeline';

/** One local calendar day of the period: [start, end) in epoch ms, clipped to the period. */
export interface LocalDay {
  /** `YYYY-MM-DD` in the time zone. */
  date: string;
  start: number;
  end: number;
}

/**
 * The local days in `zone` that [from, to) touches, earliest first, each clipped to the period. A day is
 * 23 or 25 hours long when daylight saving starts or ends in it; a zone whose clocks skip midnight starts
 * its day at the jump.
 */
export function localDays(from: number, to: number, zone: string): LocalDay[] {
  const days: LocalDay[] = [];
  let date = localDate(from, zone);
  let start = from;
  while (start < to) {
    const next = addDays(date, 1);
    const nextStart = firstInstantAtOrAfter(localAt(next), zone);
    const end = Math.min(nextStart, to);
    if (end > start) days.push({ date, start, end });
    date = next;
    start = nextStart;
  }
  return days;
}

/** Hours of `state` in each day (same order as `days`). */
export function hoursPerDay(
  segments: readonly Segment[],
  days: readonly LocalDay[],
  state: Segment['state'],
): number[] {
  return days.map((day) => {
    let ms = 0;
    for (const s of segments) {
      if (s.state !== state) continue;
      const overlap = Math.min(s.to, day.end) - Math.max(s.from, day.start);
      if (overlap > 0) ms += overlap;
    }
    return ms / 3_600_000;
  });
}

/** `Mon` for a `YYYY-MM-DD` date. */
export function weekday(date: string): string {
  return ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(localAt(date)).getUTCDay()] ?? '';
}
