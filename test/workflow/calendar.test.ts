import { describe, expect, it } from 'vitest';
import { metricSum } from '../../cli/local/capture';
import { InMemoryFreezeStore } from '../../lib/freeze/memory-store';
import { startWorld } from '../support/world';
import { T0 } from './harness';

// Whole runs that do not happen: a stage frozen by on call. A skipped run is recorded (execution SUCCEEDED
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
