import { describe, expect, it } from 'vitest';
import { advanceBatch, WORK_MARGIN_SECONDS } from '../../functions/operations/engine';
import type { AppRunnerPort, ServiceInfo } from '../../lib/app-runner/port';
import { VirtualClock } from '../../lib/runtime/clock';
import { batchState } from '../support/batch';

const START = Date.UTC(2026, 10, 30, 6, 0, 0);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** An App Runner that answers every DescribeService after 5 s and never finishes an operation. */
function slowAppRunner(clock: VirtualClock): AppRunnerPort {
  const describe = async (arn: string): Promise<ServiceInfo> => {
    await clock.sleep(5000);
    return { arn, name: arn.split('/')[1] ?? arn, region: 'us-east-1', status: 'OPERATION_IN_PROGRESS' };
  };
  const unused = () => Promise.reject(new Error('not expected in this test'));
  return {
    listServicesPage: unused,
    describeService: describe,
    resumeService: unused,
    pauseService: unused,
    listOperationsPage: unused,
    listTags: unused,
    tagResource: unused,
    untagResource: unused,
    describeAutoScalingConfiguration: unused,
  };
}

describe('the time one Check may take', () => {
  it('stops polling at the poll window plus the work margin however slow App Runner answers', async () => {
    // Prepare: 100 operations in flight, old enough to poll, one DescribeService each (no region count known)
    const clock = new VirtualClock(START);
    const batch = batchState(
      Array.from({ length: 100 }, () => ({
        operationId: '00000000-0000-4000-8000-000000000000',
        operationStartedAt: START - 60_000,
      })),
      { now: START, regionServiceCount: 100_000, settings: { requestsPerSecond: 1000 } },
    );

    // Act
    const next = await clock.run(() =>
      advanceBatch(batch, 'check', { appRunner: slowAppRunner(clock), clock, log: quiet }),
    );

    // Assess: 100 describes would take 500 s; the invocation stops after 40 + 30 s (+ the call under way)
    const spent = clock.now() - START;
    expect(spent).toBeLessThanOrEqual((40 + WORK_MARGIN_SECONDS + 5) * 1000);
    const polled = next.services.filter((s) => s.polls > 0).length;
    expect(polled).toBeGreaterThan(0);
    expect(polled).toBeLessThan(100);
    expect(next.allDone).toBe(false);
  });
});
