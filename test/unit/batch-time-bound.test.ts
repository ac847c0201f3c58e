import { describe, expect, it } from 'vitest';
import { advanceBatch } from '../../functions/operations/engine';
import { WORK_MARGIN_SECONDS } from '../../functions/operations/pacing';
import { InMemoryAppRunner } from '../../lib/app-runner/memory';
import { VirtualClock } from '../../lib/runtime/clock';
import { batchState } from '../support/batch';

const START = Date.UTC(2026, 10, 30, 6, 0, 0);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('the time one Check may take', () => {
  it('stops polling at the poll window plus the work margin however slow App Runner answers', async () => {
    // Prepare: 100 resumes in flight that never end, old enough to poll; App Runner answers every call after
    // 5 s; one DescribeService each (no region count known)
    const clock = new VirtualClock(START);
    const appRunner = new InMemoryAppRunner(clock);
    const services = Array.from({ length: 100 }, (_, i) =>
      appRunner.addService({
        name: `svc-${String(i).padStart(4, '0')}`,
        inFlight: { type: 'RESUME_SERVICE', elapsedSeconds: 60, seconds: Number.POSITIVE_INFINITY },
      }),
    );
    appRunner.delayWith(() => 5000);
    const batch = batchState(
      services.map((s) => ({
        arn: s.arn,
        name: s.name,
        operationId: '00000000-0000-4000-8000-000000000000',
        operationStartedAt: START - 60_000,
      })),
      { now: START, regionServiceCount: 100_000, settings: { requestsPerSecond: 1000 } },
    );

    // Act
    const next = await clock.run(() => advanceBatch(batch, { appRunner, clock, log: quiet }));

    // Assess: 100 describes would take 500 s; the invocation stops after 40 + 30 s (+ the call under way)
    const spent = clock.now() - START;
    expect(spent).toBeLessThanOrEqual((40 + WORK_MARGIN_SECONDS + 5) * 1000);
    const polled = next.services.filter((s) => s.polls > 0).length;
    expect(polled).toBeGreaterThan(0);
    expect(polled).toBeLessThan(100);
    expect(next.allDone).toBe(false);
  });
});
