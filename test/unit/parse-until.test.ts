import { describe, expect, it } from 'vitest';
import { parseUntil, UsageError } from '../../cli/lib/args';

// 2026 changes: Europe/Berlin springs forward on 29 March (02:00 CET → 03:00 CEST, 01:00 UTC) and falls back
// on 25 October (03:00 CEST → 02:00 CET, 01:00 UTC); America/New_York on 8 March and 1 November.
const at = (iso: string) => new Date(iso);

describe('parseUntil', () => {
  it.each([
    {
      what: 'a later time today in the zone',
      text: '08:00 Europe/Berlin',
      now: '2026-11-28T05:00:00Z',
      want: '2026-11-28T07:00:00.000Z',
    },
    {
      what: 'tomorrow when the time has passed today',
      text: '08:00 Europe/Berlin',
      now: '2026-11-28T07:30:00Z',
      want: '2026-11-29T07:00:00.000Z',
    },
    {
      what: 'summer time on the morning of the spring-forward day',
      text: '08:00 Europe/Berlin',
      now: '2026-03-29T00:30:00Z',
      want: '2026-03-29T06:00:00.000Z',
    },
    {
      what: 'summer time when asked the evening before the spring-forward day',
      text: '08:00 Europe/Berlin',
      now: '2026-03-28T20:00:00Z',
      want: '2026-03-29T06:00:00.000Z',
    },
    {
      what: 'winter time on the morning of the fall-back day',
      text: '08:00 Europe/Berlin',
      now: '2026-10-24T23:30:00Z',
      want: '2026-10-25T07:00:00.000Z',
    },
    {
      what: 'the next day for a time that does not exist on the spring-forward day',
      text: '02:30 Europe/Berlin',
      now: '2026-03-29T00:30:00Z',
      want: '2026-03-30T00:30:00.000Z',
    },
    {
      what: 'the first occurrence of a time repeated on the fall-back day',
      text: '02:30 Europe/Berlin',
      now: '2026-10-24T22:30:00Z',
      want: '2026-10-25T00:30:00.000Z',
    },
    {
      what: 'daylight time in New York on its spring-forward day',
      text: '09:00 America/New_York',
      now: '2026-03-08T05:00:00Z',
      want: '2026-03-08T13:00:00.000Z',
    },
    {
      what: 'a half-hour zone without daylight saving',
      text: '08:00 Asia/Kolkata',
      now: '2026-11-28T00:00:00Z',
      want: '2026-11-28T02:30:00.000Z',
    },
    {
      what: 'UTC when no zone is given',
      text: '08:00',
      now: '2026-11-28T06:00:00Z',
      want: '2026-11-28T08:00:00.000Z',
    },
    {
      what: 'a duration in hours',
      text: '4h',
      now: '2026-11-28T06:00:00Z',
      want: '2026-11-28T10:00:00.000Z',
    },
    {
      what: 'a duration in days and hours',
      text: '1d2h',
      now: '2026-11-28T06:00:00Z',
      want: '2026-11-29T08:00:00.000Z',
    },
    {
      what: 'a duration in minutes',
      text: '90m',
      now: '2026-11-28T06:00:00Z',
      want: '2026-11-28T07:30:00.000Z',
    },
    {
      what: 'an ISO-8601 time with an offset',
      text: '2026-11-28T09:00:00+01:00',
      now: '2026-11-28T06:00:00Z',
      want: '2026-11-28T08:00:00.000Z',
    },
  ])('reads $text as $what', ({ text, now, want }) => {
    // Prepare
    const current = at(now);

    // Act
    const until = parseUntil(text, current);

    // Assess
    expect(until.toISOString()).toBe(want);
  });

  it.each([
    { text: '0h', problem: 'must be positive' },
    { text: '25:00 Europe/Berlin', problem: 'not a time of day' },
    { text: '08:00 Mars/Olympus_Mons', problem: 'unknown time zone' },
    { text: 'tomorrow morning', problem: 'expected an ISO-8601 time' },
    { text: '2026-11-28T08:00:00', problem: 'expected an ISO-8601 time' },
  ])('refuses "$text" with a usage error', ({ text, problem }) => {
    // Prepare
    const now = at('2026-11-28T06:00:00Z');

    // Act
    const parse = () => parseUntil(text, now);

    // Assess
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(problem);
  });
});
