import { describe, expect, it } from 'vitest';
import type { AppRunnerPort, ServiceInfo } from '../../lib/app-runner/port';
import { advanceBatch, type BatchState, WORK_MARGIN_SECONDS } from '../../lib/batch';
import { VirtualClock } from '../../lib/clock';

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
  };
}

describe('the time one Check may take', () => {
  it('stops polling at the poll window plus the work margin however slow App Runner answers', async () => {
    // Prepare: 100 operations in flight, old enough to poll, one DescribeService each (no region count known)
    const clock = new VirtualClock(START);
    const services = Array.from({ length: 100 }, (_, i) => ({
      arn: `arn:aws:apprunner:us-east-1:123456789012:service/svc-${String(i).padStart(4, '0')}/${'c'.repeat(32)}`,
      name: `svc-${String(i).padStart(4, '0')}`,
      phase: 'IN_FLIGHT' as const,
      status: 'OPERATION_IN_PROGRESS' as const,
      operationId: '00000000-0000-4000-8000-000000000000',
      operationStartedAt: START - 60_000,
      polls: 0,
      transientErrors: 0,
      notes: [],
    }));
    const batch: BatchState = {
      run: {
        action: 'resume',
        dryRun: false,
        reason: '',
        requestedBy: 'user:x',
        scheduled: false,
        startedAt: new Date(START).toISOString(),
      },
      batchId: 'us-east-1#1',
      region: 'us-east-1',
      regionServiceCount: 100_000,
      settings: {
        deadlineAt: START + 900_000,
        maxPolls: 400,
        maxInFlight: 1000,
        requestsPerSecond: 1000,
        pollWindowSeconds: 40,
        pollIntervalSeconds: 3,
        initialDelaySeconds: 20,
        minDelaySeconds: 2,
        maxDelaySeconds: 60,
      },
      services,
      round: 1,
      nextDelaySeconds: 0,
      allDone: false,
      requests: 0,
    };

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
