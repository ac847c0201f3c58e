/**
 * A formatter that reads the wall clock (24-hour, to the second) in an IANA time zone — the building block of
 * every DST-aware conversion here. Throws RangeError for an unknown zone.
 */
export function wallClockFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
