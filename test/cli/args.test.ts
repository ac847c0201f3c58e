import { describe, expect, it } from 'vitest';
import { parseDuration, parseUntil, UsageError } from '../../cli/lib/args';
import { closestNames, editDistance, parseServiceRefs } from '../../cli/lib/resolve';
import { executionName } from '../../cli/lib/sfn';
import { notARealDate, parseIsoInstant } from '../../cli/lib/time';

// Pure parsing: --until across time zones and daylight saving, durations, names, suggestions.

const at = (iso: string) => new Date(iso);
const until = (text: string, now: string) => parseUntil(text, at(now)).toISOString();

describe('impossible dates', () => {
  it.each([
    ['2026-02-30T00:00:00Z', 'not a real date: 2026-02-30 does not exist (2026-02 has 28 days)'],
    ['2026-02-29T08:00:00+01:00', 'not a real date: 2026-02-29 does not exist (2026-02 has 28 days)'],
    ['2026-04-31T08:00:00Z', 'not a real date: 2026-04-31 does not exist (2026-04 has 30 days)'],
    ['2026-13-01T08:00:00Z', 'not a real date: 2026-13-01 does not exist'],
    ['2026-00-10T08:00:00Z', 'not a real date: 2026-00-10 does not exist'],
    ['2026-11-28T24:00:00Z', 'not a real date and time: hours are 00–23, minutes and seconds 00–59'],
    ['2026-11-28T08:60Z', 'not a real date and time: hours are 00–23, minutes and seconds 00–59'],
    ['2026-11-28T08:00:00+24:00', 'not a real date and time: hours are 00–23, minutes and seconds 00–59'],
  ])('refuses %s instead of rolling it over', (text, problem) => {
    // Act
    const parse = () => parseUntil(text, at('2026-11-28T03:00:00Z'));

    // Assess
    expect(notARealDate(text)).toBe(problem);
    expect(parseIsoInstant(text)).toBeUndefined();
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(`--until "${text}": ${problem}`);
  });

  it.each([
    '2028-02-29T00:00:00Z',
    '2026-12-31T23:59:59.999Z',
    '2026-11-28T08:00:00-12:00',
    'tomorrow',
    '4h',
  ])('has nothing against %s', (text) => {
    expect(notARealDate(text)).toBeUndefined();
  });
});

describe('parseUntil', () => {
  it.each(['-5m', '-1h 30m', ' -2d'])(
    'says %s must be in the future, not that it is no time at all',
    (text) => {
      // Act
      const parse = () => parseUntil(text, at('2026-11-28T03:00:00Z'), '--ready-by');

      // Assess
      expect(parse).toThrow(UsageError);
      expect(parse).toThrow(
        `--ready-by "${text}": must be in the future; a duration counts forward from now`,
      );
    },
  );

  it.each([
    ['4h', '2026-11-28T03:00:00.000Z', '2026-11-28T07:00:00.000Z'],
    ['90m', '2026-11-28T03:00:00.000Z', '2026-11-28T04:30:00.000Z'],
    ['1d2h', '2026-11-28T03:00:00.000Z', '2026-11-29T05:00:00.000Z'],
    ['1h 30m', '2026-11-28T03:00:00.000Z', '2026-11-28T04:30:00.000Z'],
    ['2H', '2026-11-28T03:00:00.000Z', '2026-11-28T05:00:00.000Z'],
  ])('reads the duration %s as that long after now', (text, now, expected) => {
    expect(until(text, now)).toBe(expected);
  });

  it.each([
    ['2026-11-28T08:00:00Z', '2026-11-28T08:00:00.000Z'],
    ['2026-11-28T09:00+01:00', '2026-11-28T08:00:00.000Z'],
    ['2026-11-28t08:00:00.5z', '2026-11-28T08:00:00.500Z'],
  ])('reads the ISO-8601 time %s with its offset', (text, expected) => {
    expect(until(text, '2026-11-28T03:00:00Z')).toBe(expected);
  });

  it.each([
    // winter (CET, +01:00) and summer (CEST, +02:00) in Berlin
    ['08:00 Europe/Berlin', '2026-11-28T03:00:00Z', '2026-11-28T07:00:00.000Z'],
    ['08:00 Europe/Berlin', '2026-07-01T03:00:00Z', '2026-07-01T06:00:00.000Z'],
    // already past today in Berlin: tomorrow
    ['08:00 Europe/Berlin', '2026-11-28T07:30:00Z', '2026-11-29T07:00:00.000Z'],
    // the date in the zone, not in UTC, decides "today": 23:30 UTC is already tomorrow in Tokyo
    ['08:00 Asia/Tokyo', '2026-11-27T23:30:00Z', '2026-11-28T23:00:00.000Z'],
    ['08:00 America/New_York', '2026-11-28T03:00:00Z', '2026-11-28T13:00:00.000Z'],
    ['05:30 Asia/Kolkata', '2026-11-28T03:00:00Z', '2026-11-29T00:00:00.000Z'],
    ['18:00', '2026-11-28T03:00:00Z', '2026-11-28T18:00:00.000Z'],
  ])('reads %s at %s as the next such wall-clock time', (text, now, expected) => {
    expect(until(text, now)).toBe(expected);
  });

  it('crosses the spring-forward change at the new offset (Berlin, 29 March 2026)', () => {
    // Saturday evening CET; the next 08:00 is Sunday, after the clocks went to CEST.
    expect(until('08:00 Europe/Berlin', '2026-03-28T20:00:00Z')).toBe('2026-03-29T06:00:00.000Z');
  });

  it('moves a wall-clock time skipped by spring-forward to the next day', () => {
    // 02:30 does not exist in Berlin on 29 March 2026 (02:00 → 03:00).
    expect(until('02:30 Europe/Berlin', '2026-03-28T23:00:00Z')).toBe('2026-03-30T00:30:00.000Z');
  });

  it('takes the first of two occurrences of a time repeated by fall-back (New York, 1 November 2026)', () => {
    // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(until('01:30 America/New_York', '2026-11-01T04:00:00Z')).toBe('2026-11-01T05:30:00.000Z');
    // Between the two, the second one is the next.
    expect(until('01:30 America/New_York', '2026-11-01T06:00:00Z')).toBe('2026-11-01T06:30:00.000Z');
  });

  it.each([
    ['2026-11-28 08:00 Europe/Berlin', '2026-11-28T07:00:00.000Z'],
    ['2026-07-01T08:00 Europe/Berlin', '2026-07-01T06:00:00.000Z'],
    ['2026-10-25 02:30 Europe/Berlin', '2026-10-25T00:30:00.000Z'],
  ])('reads the dated wall-clock time %s in its zone', (text, expected) => {
    expect(until(text, '2026-06-01T00:00:00Z')).toBe(expected);
  });

  it('refuses a dated wall-clock time that daylight saving skips', () => {
    expect(() => parseUntil('2026-03-29 02:30 Europe/Berlin', at('2026-03-01T00:00:00Z'))).toThrow(
      /does not exist in Europe\/Berlin/,
    );
  });

  it.each([
    ['tomorrow', /expected an ISO-8601 time/],
    ['0h', /the duration must be positive/],
    ['25:00 Europe/Berlin', /not a time of day/],
    ['08:00 Mars/Olympus', /unknown time zone "Mars\/Olympus"/],
    ['2026-02-30 08:00 Europe/Berlin', /not a real date and time/],
    ['2026-11-28T08:00:00', /expected an ISO-8601 time/],
  ])('refuses %s with a usage error that says what it expects', (text, message) => {
    expect(() => parseUntil(text, at('2026-11-28T03:00:00Z'))).toThrow(UsageError);
    expect(() => parseUntil(text, at('2026-11-28T03:00:00Z'))).toThrow(message);
  });
});

describe('parseDuration', () => {
  it('reads day, hour, minute and second parts, and nothing else', () => {
    expect(parseDuration('1d2h3m4s')).toBe(((26 * 60 + 3) * 60 + 4) * 1000);
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('0.5s')).toBe(500);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('4 hours')).toBeUndefined();
  });
});

describe('service arguments', () => {
  it('accepts names and ARNs by App Runner pattern, de-duplicated', () => {
    const arn = `arn:aws:apprunner:eu-west-1:123456789012:service/api-prod/${'a'.repeat(32)}`;
    expect(parseServiceRefs(['api-staging', arn, 'api-staging'])).toEqual([
      { kind: 'name', name: 'api-staging' },
      { kind: 'arn', arn, region: 'eu-west-1' },
    ]);
  });

  it('names every argument that is neither a name nor an ARN', () => {
    expect(() => parseServiceRefs(['ok-name', 'x', 'arn:aws:apprunner:eu-west-1:1:service/a/b'])).toThrow(
      /"x" is not an App Runner service name[\s\S]*"arn:aws:apprunner:eu-west-1:1:service\/a\/b" is not an App Runner service ARN/,
    );
  });

  it('suggests the closest names by edit distance, ignoring case, best first', () => {
    const names = ['api-staging', 'web-staging', 'worker', 'admin-panel', 'search'];
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestNames('api-stagign', names)).toEqual(['api-staging']);
    expect(closestNames('API-STAGING', names)).toEqual(['api-staging']);
    expect(closestNames('wroker', names)).toEqual(['worker']);
    expect(closestNames('staging', names)).toEqual(['api-staging', 'web-staging']);
    expect(closestNames('billing-prod', names)).toEqual([]);
  });
});

describe('execution names', () => {
  const now = at('2026-11-28T03:01:59.999Z');

  it('reads as verb, services, UTC minute and a random suffix', () => {
    expect(executionName('wake', ['api-staging'], now, 'ab12')).toBe('wake-api-staging-20261128T0301Z-ab12');
    expect(executionName('pause', ['api', 'web'], now, 'ab12')).toBe('pause-api-web-20261128T0301Z-ab12');
    expect(executionName('wake', ['api', 'web', 'jobs'], now, 'ab12')).toBe(
      'wake-api-and-2-more-20261128T0301Z-ab12',
    );
  });

  it('stays within 80 allowed characters however long the names', () => {
    const name = executionName('wake', ['a'.repeat(40), 'b'.repeat(40)], now);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(name).toMatch(/^wake-a{40}-b+-\d{8}T\d{4}Z-[0-9a-f]{4}$/);
  });

  it('differs between two starts in the same minute', () => {
    expect(executionName('wake', ['api-staging'], now)).not.toBe(executionName('wake', ['api-staging'], now));
  });
});
