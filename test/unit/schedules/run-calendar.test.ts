import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { ScheduleContext } from '../../../lib/contract/execution-input';
import { horizonWarning, readyByInstant, skippedDay } from '../../../lib/schedules/run-calendar';

const berlin = (scheduledTime: string, extra: Partial<ScheduleContext> = {}): ScheduleContext => ({
  name: 'weekday-morning',
  scheduledTime,
  timezone: 'Europe/Berlin',
  ...extra,
});

const skip: ScheduleContext['skip'] = {
  horizon: '2031-12-31',
  holidays: { '2026-12-25': 'Christmas Day', '2026-12-26': 'Boxing Day' },
  dates: ['2026-12-24', '2026-12-28..2027-01-01'],
};

describe('skippedDay', () => {
  it.each<{ what: string; ctx: ScheduleContext; want: ReturnType<typeof skippedDay> }>([
    {
      what: 'skips a public holiday with its name',
      ctx: berlin('2026-12-25T05:40:00Z', { skip }),
      want: { reason: 'HOLIDAY', name: 'Christmas Day', date: '2026-12-25' },
    },
    {
      what: 'uses the local date: 23:30 UTC on 24 December is already Christmas Day in Berlin',
      ctx: berlin('2026-12-24T23:30:00Z', { skip }),
      want: { reason: 'HOLIDAY', name: 'Christmas Day', date: '2026-12-25' },
    },
    {
      what: 'uses the local date: 06:00 in Auckland on 25 December is still 24 December in UTC',
      ctx: { ...berlin('2026-12-24T17:00:00Z', { skip }), timezone: 'Pacific/Auckland' },
      want: { reason: 'HOLIDAY', name: 'Christmas Day', date: '2026-12-25' },
    },
    {
      what: 'skips an explicit date',
      ctx: berlin('2026-12-24T05:40:00Z', { skip }),
      want: { reason: 'SKIP_DATE', name: 'skip date', date: '2026-12-24' },
    },
    {
      what: 'skips the first, a middle and the last day of a range, across the new year',
      ctx: berlin('2027-01-01T05:40:00Z', {
        skip: { horizon: '2031-12-31', dates: ['2026-12-28..2027-01-01'] },
      }),
      want: { reason: 'SKIP_DATE', name: 'skip dates 2026-12-28..2027-01-01', date: '2027-01-01' },
    },
    {
      what: 'names the holiday when a date is both a holiday and an explicit date',
      ctx: berlin('2026-12-26T05:40:00Z', { skip: { ...skip, dates: ['2026-12-20..2026-12-31'] } }),
      want: { reason: 'HOLIDAY', name: 'Boxing Day', date: '2026-12-26' },
    },
    { what: 'runs on an ordinary day', ctx: berlin('2026-12-23T05:40:00Z', { skip }), want: undefined },
    {
      what: 'runs the day after a range ends',
      ctx: berlin('2027-01-02T05:40:00Z', { skip }),
      want: undefined,
    },
    {
      what: 'runs on 24 December at 23:30 Berlin time (22:30 UTC) when only the 25th is a holiday',
      ctx: berlin('2026-12-24T22:30:00Z', { skip: { horizon: '2031-12-31', holidays: skip.holidays } }),
      want: undefined,
    },
    { what: 'runs when the schedule skips nothing', ctx: berlin('2026-12-25T05:40:00Z'), want: undefined },
    {
      what: "takes a ready-by schedule's day from its ready-by time: the fire at 23:50 on the 24th is for the 25th",
      ctx: berlin('2026-12-24T22:50:00Z', { readyBy: '00:10', skip }),
      want: { reason: 'HOLIDAY', name: 'Christmas Day', date: '2026-12-25' },
    },
    {
      what: 'runs the fire at 23:50 on Christmas Day, which is for the 26th only when the 26th is not skipped',
      ctx: berlin('2026-12-25T22:50:00Z', {
        readyBy: '00:10',
        skip: { horizon: '2031-12-31', holidays: { '2026-12-25': 'Christmas Day' } },
      }),
      want: undefined,
    },
  ])('$what', ({ ctx, want }) => {
    // Act
    const got = skippedDay(ctx);

    // Assess
    expect(got).toEqual(want);
  });
});

describe('readyByInstant', () => {
  it.each<{ what: string; ctx: ScheduleContext; want: string | undefined }>([
    {
      what: 'is 07:00 local on the day of a 06:40 fire (winter, +01:00)',
      ctx: berlin('2026-12-21T05:40:00Z', { readyBy: '07:00' }),
      want: '2026-12-21T06:00:00.000Z',
    },
    {
      what: 'is 07:00 local on the day of a 06:40 fire (summer, +02:00)',
      ctx: berlin('2026-06-22T04:40:00Z', { readyBy: '07:00' }),
      want: '2026-06-22T05:00:00.000Z',
    },
    {
      what: 'is 00:10 the next day for a fire at 23:50 (the lead crossed midnight)',
      ctx: berlin('2026-12-20T22:50:00Z', { readyBy: '00:10' }),
      want: '2026-12-20T23:10:00.000Z',
    },
    {
      what: 'is 07:00 after the spring-forward night for a fire at 06:40 on that Sunday',
      ctx: berlin('2026-03-29T04:40:00Z', { readyBy: '07:00' }),
      want: '2026-03-29T05:00:00.000Z',
    },
    {
      what: 'is the moment the clocks jump when readyBy falls in the spring-forward gap (02:30 → 03:00 CEST)',
      ctx: berlin('2026-03-29T00:10:00Z', { readyBy: '02:30' }),
      want: '2026-03-29T01:00:00.000Z',
    },
    {
      what: 'is the first 02:30 of the repeated October hour for a fire before it',
      ctx: berlin('2026-10-25T00:10:00Z', { readyBy: '02:30' }),
      want: '2026-10-25T00:30:00.000Z',
    },
    {
      what: 'is the second 02:30 of the repeated October hour for a fire between the two',
      ctx: berlin('2026-10-25T00:45:00Z', { readyBy: '02:30' }),
      want: '2026-10-25T01:30:00.000Z',
    },
    {
      what: 'is the next day when the fire time is already past readyBy',
      ctx: berlin('2026-12-21T06:30:00Z', { readyBy: '07:00' }),
      want: '2026-12-22T06:00:00.000Z',
    },
    {
      what: 'handles America/New_York across the March change (00:10 EDT after a 23:50 EST fire)',
      ctx: { ...berlin('2026-03-08T04:50:00Z', { readyBy: '00:10' }), timezone: 'America/New_York' },
      want: '2026-03-08T05:10:00.000Z',
    },
    { what: 'is undefined without readyBy', ctx: berlin('2026-12-21T05:40:00Z'), want: undefined },
  ])('$what', ({ ctx, want }) => {
    // Act
    const got = readyByInstant(ctx);

    // Assess
    expect(got).toBe(want);
  });
});

describe('horizonWarning', () => {
  const withHorizon = (scheduledTime: string, horizon: string, holidays = true) =>
    berlin(scheduledTime, {
      skip: { horizon, ...(holidays ? { holidays: {} } : { dates: ['2026-12-24'] }) },
    });

  it.each<{ what: string; ctx: ScheduleContext; want: string | undefined }>([
    {
      what: 'says nothing years before the horizon',
      ctx: withHorizon('2026-12-21T05:40:00Z', '2031-12-31'),
      want: undefined,
    },
    {
      what: 'says nothing 91 days before the horizon',
      ctx: withHorizon('2031-10-01T05:40:00Z', '2031-12-31'),
      want: undefined,
    },
    {
      what: 'warns 90 days before the horizon, counting local days',
      ctx: withHorizon('2031-10-01T22:30:00Z', '2031-12-31'),
      want: 'SKIP_HORIZON: schedule weekday-morning skips public holidays only up to 2031-12-31 (90 days left); package and deploy the stack again to extend them',
    },
    {
      what: 'warns on the horizon itself',
      ctx: withHorizon('2031-12-31T05:40:00Z', '2031-12-31'),
      want: 'SKIP_HORIZON: schedule weekday-morning skips public holidays only up to 2031-12-31 (0 days left); package and deploy the stack again to extend them',
    },
    {
      what: 'says that holidays are no longer skipped after the horizon',
      ctx: withHorizon('2032-01-05T05:40:00Z', '2031-12-31'),
      want: 'SKIP_HORIZON: schedule weekday-morning no longer skips public holidays: they were expanded up to 2031-12-31; package and deploy the stack again to extend them',
    },
    {
      what: 'says nothing for a schedule that skips explicit dates only',
      ctx: withHorizon('2032-01-05T05:40:00Z', '2031-12-31', false),
      want: undefined,
    },
    { what: 'says nothing without skip days', ctx: berlin('2032-01-05T05:40:00Z'), want: undefined },
  ])('$what', ({ ctx, want }) => {
    // Act
    const got = horizonWarning(ctx);

    // Assess
    expect(got).toBe(want);
  });
});

describe('the run calendar module', () => {
  it('bundles to a few KiB without holiday data, a cron library or YAML, so Plan can import it', async () => {
    // Act
    const result = await build({
      entryPoints: ['lib/schedules/run-calendar.ts'],
      bundle: true,
      minify: true,
      write: false,
      platform: 'node',
      format: 'esm',
      metafile: true,
    });

    // Assess
    const bytes = result.outputFiles[0]!.contents.length;
    const inputs = Object.keys(result.metafile.inputs);
    expect(bytes).toBeLessThan(8 * 1024);
    expect(inputs.filter((i) => i.includes('node_modules'))).toEqual([]);
  });
});
