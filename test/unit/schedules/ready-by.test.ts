import { describe, expect, it } from 'vitest';
import { nextFireTimes } from '../../../lib/schedules/cron';
import { dayFields, leadMinutes, readyByCron } from '../../../lib/schedules/ready-by';

describe('the cron of a ready-by schedule', () => {
  it.each<{ what: string; readyBy: string; lead: number; days: string; cron: string }>([
    {
      what: 'fires 20 minutes early',
      readyBy: '07:00',
      lead: 20,
      days: '? * MON-FRI *',
      cron: 'cron(40 6 ? * MON-FRI *)',
    },
    {
      what: 'fires within the same hour',
      readyBy: '07:45',
      lead: 15,
      days: '? * MON-FRI *',
      cron: 'cron(30 7 ? * MON-FRI *)',
    },
    {
      what: 'fires exactly at midnight',
      readyBy: '00:20',
      lead: 20,
      days: '? * MON *',
      cron: 'cron(0 0 ? * MON *)',
    },
    {
      what: 'keeps day-of-month forms when the day does not change',
      readyBy: '07:00',
      lead: 20,
      days: 'L * ? *',
      cron: 'cron(40 6 L * ? *)',
    },
    {
      what: 'keeps months and years when the day does not change',
      readyBy: '09:00',
      lead: 90,
      days: '? JAN-MAR 6L 2027',
      cron: 'cron(30 7 ? JAN-MAR 6L 2027)',
    },
    {
      what: 'fires on Sunday at 23:50 for ready by 00:10 on Monday',
      readyBy: '00:10',
      lead: 20,
      days: '? * MON *',
      cron: 'cron(50 23 ? * SUN *)',
    },
    {
      what: 'moves a weekday range back a day',
      readyBy: '00:10',
      lead: 20,
      days: '? * MON-FRI *',
      cron: 'cron(50 23 ? * SUN-THU *)',
    },
    {
      what: 'moves Sunday back to Saturday',
      readyBy: '00:10',
      lead: 20,
      days: '? * SUN *',
      cron: 'cron(50 23 ? * SAT *)',
    },
    {
      what: 'moves a list that wraps around the week',
      readyBy: '00:10',
      lead: 20,
      days: '? * SUN,TUE *',
      cron: 'cron(50 23 ? * MON,SAT *)',
    },
    {
      what: 'moves numeric weekdays',
      readyBy: '00:05',
      lead: 30,
      days: '? * 1-3 *',
      cron: 'cron(35 23 ? * SUN,MON,SAT *)',
    },
    {
      what: 'keeps every day every day',
      readyBy: '00:10',
      lead: 20,
      days: '? * * *',
      cron: 'cron(50 23 ? * * *)',
    },
    {
      what: 'keeps every day of the month every day',
      readyBy: '00:10',
      lead: 20,
      days: '* * ? *',
      cron: 'cron(50 23 * * ? *)',
    },
    {
      what: 'moves the first of the month to the last day of the previous one',
      readyBy: '00:10',
      lead: 20,
      days: '1 * ? *',
      cron: 'cron(50 23 L * ? *)',
    },
    {
      what: 'moves days of the month back a day',
      readyBy: '00:10',
      lead: 20,
      days: '2-5,15 * ? *',
      cron: 'cron(50 23 1-4,14 * ? *)',
    },
    {
      what: 'moves across midnight with a lead of hours',
      readyBy: '01:00',
      lead: 150,
      days: '? * MON *',
      cron: 'cron(30 22 ? * SUN *)',
    },
  ])('$what: ready by $readyBy on "$days" → $cron', ({ readyBy, lead, days, cron }) => {
    // Act
    const got = readyByCron(readyBy, lead, days);

    // Assess
    expect(got).toEqual({ cron });
  });

  it.each<{ what: string; days: string; says: RegExp }>([
    {
      what: 'the last Friday of the month',
      days: '? * 6L *',
      says: /day-of-week "6L" has no exact day before it/,
    },
    {
      what: 'the first Monday of the month',
      days: '? * 2#1 *',
      says: /day-of-week "2#1" has no exact day before it/,
    },
    {
      what: 'the last day of the month',
      days: 'L * ? *',
      says: /day-of-month "L" has no exact day before it/,
    },
    {
      what: 'the weekday nearest the 15th',
      days: '15W * ? *',
      says: /day-of-month "15W" has no exact day before it/,
    },
    {
      what: 'the 1st together with other days',
      days: '1,15 * ? *',
      says: /cannot be combined with other days/,
    },
    {
      what: 'the 31st, which not every month has',
      days: '31 * ? *',
      says: /day-of-month 31 does not exist in every month/,
    },
    {
      what: 'a day range reaching the 30th',
      days: '20-30 * ? *',
      says: /day-of-month 30 does not exist in every month/,
    },
    {
      what: 'a month restriction',
      days: '? JAN MON *',
      says: /days with a month or year .* cannot be moved back a day exactly/,
    },
    { what: 'a year restriction', days: '? * MON 2027', says: /days with a month or year/ },
  ])('refuses to guess when the lead crosses midnight on $what', ({ days, says }) => {
    // Act
    const got = readyByCron('00:10', 20, days);

    // Assess
    expect(got).toEqual({ problems: [{ field: 'days', problem: expect.stringMatching(says) }] });
    const problem = (got as { problems: Array<{ problem: string }> }).problems[0]!.problem;
    expect(problem).toMatch(/^ready by 00:10 with a 20-minute lead fires the day before, and /);
    expect(problem).toMatch(/use a later readyBy or a shorter readyByLead/);
  });

  it('reports bad day fields with the cron rules', () => {
    // Act + Assess: each line is one input and the problem it must produce
    expect(readyByCron('07:00', 20, '? * MON-FUN *')).toEqual({
      problems: [
        { field: 'days', problem: 'day-of-week: "FUN" is not a day-of-week value (1-7 or SUN-SAT)' },
      ],
    });
    expect(readyByCron('7:00', 20, '? * MON *')).toEqual({
      problems: [{ field: 'readyBy', problem: 'must be a wall-clock time such as "07:00"' }],
    });
  });

  it.each([
    '? * MON-FRI *',
    '? * SUN,WED *',
    '? * * *',
    '? * MON,WED-FRI *',
    '1 * ? *',
    '2-28 * ? *',
    '10,20 * ? *',
  ])('fires exactly the lead before every ready-by time of "%s" (30 occurrences, UTC)', (days) => {
    // Prepare
    const from = new Date('2026-01-01T00:00:00Z');
    const wanted = nextFireTimes({ cron: `cron(10 0 ${days})`, timezone: 'UTC' }, from, 30);

    // Act
    const built = readyByCron('00:10', 20, days);

    // Assess
    expect(built).toHaveProperty('cron');
    const fires = nextFireTimes(
      { cron: (built as { cron: string }).cron, timezone: 'UTC' },
      new Date(from.getTime() - 20 * 60_000),
      30,
    );
    expect(fires.map((f) => Date.parse(f.utc) + 20 * 60_000)).toEqual(wanted.map((w) => Date.parse(w.utc)));
  });
});

describe('readyBy days and lead', () => {
  it.each<{ days: string | undefined; want: ReturnType<typeof dayFields> }>([
    { days: 'MON-FRI', want: { fields: '? * MON-FRI *' } },
    { days: undefined, want: { fields: '? * * *' } },
    { days: ' 1 * ? * ', want: { fields: '1 * ? *' } },
    {
      days: 'MON FRI',
      want: { problem: expect.stringMatching(/give a day-of-week field such as "MON-FRI"/) },
    },
  ])('reads days $days as the cron day fields', ({ days, want }) => {
    // Act + Assess
    expect(dayFields(days)).toEqual(want);
  });

  it.each<{ lead: string; want: ReturnType<typeof leadMinutes> }>([
    { lead: 'PT20M', want: { minutes: 20 } },
    { lead: 'PT1H30M', want: { minutes: 90 } },
    { lead: 'PT23H59M', want: { minutes: 1439 } },
    { lead: 'P1D', want: { problem: 'must be less than a day (e.g. PT45M or PT2H)' } },
    { lead: 'PT0M', want: { problem: expect.stringMatching(/at least a minute/) } },
    { lead: '20m', want: { problem: expect.stringMatching(/ISO-8601 duration/) } },
  ])('reads the lead $lead', ({ lead, want }) => {
    // Act + Assess
    expect(leadMinutes(lead)).toEqual(want);
  });
});
