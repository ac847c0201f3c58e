import { describe, expect, it } from 'vitest';
import { metricSum } from '../../cli/local/capture';
import { InMemoryFreezeStore } from '../../lib/freeze/memory-store';
import { startWorld } from '../support/world';
import { T0 } from './harness';

// Whole runs that do not happen: a day off in the schedule's calendar, or a stage frozen by on call. A skipped run is recorded (execution SUCCEEDED
// with skippedRun), never silently dropped, and makes no App Runner call.

const fleet = { services: [{ name: 'api-staging', status: 'PAUSED' as const, tags: { env: 'staging' } }] };
const scheduledWake = {
  action: 'resume',
  targets: { tags: { env: 'staging' } },
  requestedBy: 'schedule:weekday-morning',
};
const iso = (ms: number) => new Date(ms).toISOString();

describe('a frozen stage', () => {
  it('records a scheduled run as skipped, with who froze it, why and until when, and calls App Runner not once', async () => {
    // Prepare
    const world = await startWorld(fleet);
    const freeze = new InMemoryFreezeStore({
      by: 'user:alice',
      reason: 'release freeze',
      at: iso(T0 - 3_600_000),
      until: iso(T0 + 86_400_000),
    });

    // Act
    const result = await world.run(scheduledWake, { freeze }).finally(() => world.stop());

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.skippedRun).toEqual({
      reason: 'FROZEN',
      by: 'user:alice',
      why: 'release freeze',
      until: iso(T0 + 86_400_000),
    });
    expect(result.report?.summary).toEqual({ targeted: 0, succeeded: 0, skipped: 0, failed: 0, timedOut: 0 });
    expect(world.emulator.calls).toEqual([]);
    expect(world.emulator.service('api-staging')?.status).toBe('PAUSED');
    expect(metricSum(result.captured.emf, 'RunsSkipped')).toBe(1);
    expect(result.alerts).toEqual([]);
  });

  it('does not hold back an on-call wake', async () => {
    // Prepare
    const world = await startWorld(fleet);
    const freeze = new InMemoryFreezeStore({ by: 'user:alice', reason: 'release freeze', at: iso(T0) });

    // Act
    const result = await world
      .run({ ...scheduledWake, requestedBy: 'user:bob' }, { freeze })
      .finally(() => world.stop());

    // Assess
    expect(result.report?.skippedRun).toBeUndefined();
    expect(result.report?.summary.succeeded).toBe(1);
  });

  it('lets scheduled runs go ahead again once the freeze has expired, without anyone lifting it', async () => {
    // Prepare: set eight days ago without an end: it lasted the default seven days
    const world = await startWorld(fleet);
    const freeze = new InMemoryFreezeStore({
      by: 'user:alice',
      reason: 'forgotten',
      at: iso(T0 - 8 * 86_400_000),
    });

    // Act
    const result = await world.run(scheduledWake, { freeze }).finally(() => world.stop());

    // Assess
    expect(result.report?.skippedRun).toBeUndefined();
    expect(result.report?.summary.succeeded).toBe(1);
  });

  it('goes ahead and says so when the freeze cannot be read', async () => {
    // Prepare: a parameter written by hand, not a freeze
    const world = await startWorld(fleet);
    const freeze = new InMemoryFreezeStore('{"reason": "no by"}');

    // Act
    const result = await world.run(scheduledWake, { freeze }).finally(() => world.stop());

    // Assess
    expect(result.report?.summary.succeeded).toBe(1);
    expect(result.report?.warnings?.[0]).toMatch(/^FREEZE_UNREADABLE: .*by: .*the run went ahead$/);
    expect(result.alerts).toHaveLength(1);
  });
});

describe("a day off in the schedule's calendar", () => {
  /** The input a deployed schedule sends, as EventBridge Scheduler fills it in when it fires. */
  const fired = (scheduledTime: string, skip: object) => ({
    ...scheduledWake,
    schedule: { name: 'weekday-morning', scheduledTime, timezone: 'Europe/Berlin', skip },
  });
  const skip = {
    horizon: '2031-12-31',
    holidays: { '2026-12-25': 'Christmas Day', '2026-12-26': 'Boxing Day' },
    dates: ['2026-12-28..2026-12-30'],
  };

  it.each([
    {
      when: "a public holiday in the schedule's time zone (07:00 Berlin is 06:00 UTC)",
      scheduledTime: '2026-12-25T06:00:00Z',
      expected: { reason: 'HOLIDAY', name: 'Christmas Day', date: '2026-12-25' },
    },
    {
      when: 'a day of a skip range',
      scheduledTime: '2026-12-29T06:00:00Z',
      expected: { reason: 'SKIP_DATE', name: 'skip dates 2026-12-28..2026-12-30', date: '2026-12-29' },
    },
    {
      when: 'a holiday that is still the day before in UTC (00:30 Berlin on Boxing Day)',
      scheduledTime: '2026-12-25T23:30:00Z',
      expected: { reason: 'HOLIDAY', name: 'Boxing Day', date: '2026-12-26' },
    },
  ])(
    'is recorded as a skipped run on $when, with no App Runner call',
    async ({ scheduledTime, expected }) => {
      // Prepare
      const world = await startWorld(fleet);

      // Act
      const result = await world.run(fired(scheduledTime, skip)).finally(() => world.stop());

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(result.report?.skippedRun).toEqual(expected);
      expect(world.emulator.calls).toEqual([]);
      expect(metricSum(result.captured.emf, 'RunsSkipped')).toBe(1);
    },
  );

  it('runs on the other days, and warns when the holiday calendar is about to run out', async () => {
    // Prepare: a working day, with a calendar expanded only until the end of the year
    const world = await startWorld(fleet);
    const input = fired('2026-11-30T06:00:00Z', { ...skip, horizon: '2026-12-31' });

    // Act
    const result = await world.run(input).finally(() => world.stop());

    // Assess
    expect(result.report?.skippedRun).toBeUndefined();
    expect(result.report?.summary.succeeded).toBe(1);
    expect(result.report?.warnings).toEqual([expect.stringMatching(/^SKIP_HORIZON: .*2026-12-31/)]);
    expect(result.alerts).toHaveLength(1);
  });
});
