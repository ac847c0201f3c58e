import { describe, expect, it } from 'vitest';
import { LEASE_BY_TAG, LEASE_REASON_TAG, LEASE_TAG, OPT_OUT_TAG } from '../../lib/contract/tags';
import { arnOf, runScenario, summaryMetrics, T0 } from './harness';

describe('resume workflow', () => {
  it('resumes several paused services and sees each operation end within seconds', async () => {
    // Prepare
    const fleet = {
      services: [
        { name: 'api-staging', status: 'PAUSED' as const, durations: { resume: 45 } },
        { name: 'web-staging', status: 'PAUSED' as const, durations: { resume: 75 } },
        { name: 'worker-staging', status: 'PAUSED' as const, durations: { resume: 90 } },
      ],
    };
    const input = {
      action: 'resume',
      targets: { serviceNames: ['api-staging', 'web-staging', 'worker-staging'] },
      requestedBy: 'schedule:weekday-morning',
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.report?.summary).toEqual({
      targeted: 3,
      succeeded: 3,
      skipped: 0,
      failed: 0,
      timedOut: 0,
    });
    for (const name of ['api-staging', 'web-staging', 'worker-staging']) {
      const line = run.outcome(name);
      const service = run.service(name);
      const operation = service.operations[0]!;
      expect(service.status).toBe('RUNNING');
      expect(line).toMatchObject({
        outcome: 'SUCCEEDED',
        operationId: operation.id,
        fromStatus: 'PAUSED',
        toStatus: 'RUNNING',
      });
      expect(line.reason).toBeUndefined();
      expect(line.durationSeconds).toBeGreaterThanOrEqual(service.durations.resume);
      expect(line.durationSeconds).toBeLessThanOrEqual(service.durations.resume + 5);
      const detectedAfterMs = Date.parse(line.finishedAt!) - operation.endedAt!;
      expect(detectedAfterMs).toBeGreaterThanOrEqual(0);
      expect(detectedAfterMs).toBeLessThanOrEqual(5_000);
      expect(run.calls('ResumeService', name)).toHaveLength(1);
    }
    expect(run.result.alerts).toEqual([]);
    expect(run.result.report?.alert).toBeUndefined();
    expect(summaryMetrics(run)).toEqual({
      ServicesTargeted: 3,
      ServicesSucceeded: 3,
      ServicesSkipped: 0,
      ServicesFailed: 0,
      ServicesTimedOut: 0,
    });
    expect(run.metricValues('OperationDurationSeconds').sort()).toEqual(
      run.result.report?.services.map((s) => s.durationSeconds).sort(),
    );
    expect(run.calls('PauseService')).toEqual([]);
    expect(run.calls('TagResource')).toEqual([]);
  });

  it('skips a service that is already running without calling ResumeService', async () => {
    // Prepare
    const fleet = {
      services: [
        { name: 'api-staging', status: 'RUNNING' as const },
        { name: 'web-staging', status: 'PAUSED' as const, durations: { resume: 30 } },
      ],
    };
    const input = { action: 'resume', targets: { serviceNames: ['api-staging', 'web-staging'] } };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.outcome('api-staging')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'ALREADY_RUNNING',
      fromStatus: 'RUNNING',
      toStatus: 'RUNNING',
    });
    expect(run.outcome('web-staging').outcome).toBe('SUCCEEDED');
    expect(run.calls('ResumeService', 'api-staging')).toEqual([]);
    expect(run.calls('ResumeService')).toHaveLength(1);
    expect(run.result.alerts).toEqual([]);
    expect(summaryMetrics(run)).toMatchObject({ ServicesSkipped: 1, ServicesSucceeded: 1 });
  });

  it('joins a resume already in flight instead of starting another one', async () => {
    // Prepare
    const fleet = {
      services: [
        {
          name: 'reports',
          durations: { resume: 60 },
          inFlight: { type: 'RESUME_SERVICE' as const, elapsedSeconds: 10 },
        },
      ],
    };
    const input = { action: 'resume', targets: { serviceArns: [arnOf('reports')] } };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    const operation = run.service('reports').operations[0]!;
    const line = run.outcome('reports');
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.service('reports').operations).toHaveLength(1);
    expect(line).toMatchObject({
      outcome: 'SUCCEEDED',
      operationId: operation.id,
      fromStatus: 'PAUSED',
      toStatus: 'RUNNING',
    });
    expect(line.notes).toEqual([`joined RESUME_SERVICE operation ${operation.id} already in flight`]);
    // Measured from App Runner's StartedAt, 10 s before the run began.
    expect(line.durationSeconds).toBeGreaterThanOrEqual(60);
    expect(line.durationSeconds).toBeLessThanOrEqual(65);
    expect(Date.parse(line.finishedAt!) - operation.endedAt!).toBeLessThanOrEqual(5_000);
    expect(run.calls('ResumeService')).toEqual([]);
    expect(run.result.alerts).toEqual([]);
    expect(summaryMetrics(run)).toMatchObject({ ServicesTargeted: 1, ServicesSucceeded: 1 });
  });

  it('waits out an update in progress, then finds the service running and leaves it alone', async () => {
    // Prepare
    const fleet = {
      services: [
        {
          name: 'api-staging',
          durations: { deploy: 90 },
          inFlight: { type: 'UPDATE_SERVICE' as const, elapsedSeconds: 30 },
        },
      ],
    };
    const input = { action: 'resume', targets: { serviceNames: ['api-staging'] } };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    const update = run.service('api-staging').operations[0]!;
    const line = run.outcome('api-staging');
    expect(run.result.status).toBe('SUCCEEDED');
    expect(line).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_RUNNING', toStatus: 'RUNNING' });
    expect(line.notes).toEqual([`waited for UPDATE_SERVICE operation ${update.id}`]);
    expect(Date.parse(line.finishedAt!)).toBeGreaterThanOrEqual(update.endedAt!);
    expect(run.calls('ResumeService')).toEqual([]);
    expect(run.result.alerts).toEqual([]);
  });

  it('writes the keep-awake lease before resuming, also on a service that is already running', async () => {
    // Prepare
    const until = new Date(T0 + 4 * 3600_000).toISOString();
    const fleet = {
      services: [
        { name: 'api-staging', status: 'PAUSED' as const, durations: { resume: 40 } },
        { name: 'web-staging', status: 'RUNNING' as const },
      ],
    };
    const input = {
      action: 'resume',
      targets: { serviceNames: ['api-staging', 'web-staging'] },
      requestedBy: 'user:alice',
      reason: 'INC-4711: debugging "checkout" (prod)',
      keepAwakeUntil: until,
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess: the lease says until when, who and why (tag values take no quotes or parentheses)
    expect(run.result.status).toBe('SUCCEEDED');
    for (const name of ['api-staging', 'web-staging']) {
      expect(run.service(name).tags[LEASE_TAG]).toBe(until);
      expect(run.outcome(name).notes).toContain(`keep-awake lease set until ${until}`);
      const tagged = run.calls('TagResource', name);
      expect(tagged).toHaveLength(1);
      expect(tagged[0]?.input).toEqual({
        ResourceArn: arnOf(name),
        Tags: [
          { Key: LEASE_TAG, Value: until },
          { Key: LEASE_BY_TAG, Value: 'user:alice' },
          { Key: LEASE_REASON_TAG, Value: 'INC-4711: debugging checkout prod' },
        ],
      });
    }
    const order = run.emulator.calls
      .filter((c) => c.serviceArn === arnOf('api-staging') && ['TagResource', 'ResumeService'].includes(c.op))
      .map((c) => c.op);
    expect(order).toEqual(['TagResource', 'ResumeService']);
    expect(run.outcome('api-staging').outcome).toBe('SUCCEEDED');
    expect(run.outcome('web-staging')).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_RUNNING' });
    expect(run.calls('ResumeService', 'web-staging').filter((c) => c.httpStatus === 200)).toEqual([]);
    expect(run.result.alerts).toEqual([]);
  });

  it('turns keepAwakeFor into a lease that ends that long after the run started', async () => {
    // Prepare: a schedule's recurring "keep awake for 10 hours"
    const fleet = {
      services: [{ name: 'api-staging', status: 'PAUSED' as const, durations: { resume: 40 } }],
    };
    const input = {
      action: 'resume',
      targets: { serviceNames: ['api-staging'] },
      requestedBy: 'schedule:weekday-morning',
      keepAwakeFor: 'PT10H',
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    const lease = Date.parse(run.service('api-staging').tags[LEASE_TAG] ?? '');
    const started = Date.parse(run.result.report?.startedAt ?? '');
    expect(lease - started).toBeGreaterThanOrEqual(10 * 3600_000);
    expect(lease - started).toBeLessThan(10 * 3600_000 + 5_000);
    expect(run.outcome('api-staging').outcome).toBe('SUCCEEDED');
  });

  it('never resumes an opted-out service in a scheduled run, even one caught mid-operation', async () => {
    // Prepare
    const fleet = {
      services: [
        {
          name: 'legacy-billing',
          durations: { pause: 30 },
          tags: { [OPT_OUT_TAG]: 'true' },
          inFlight: { type: 'PAUSE_SERVICE' as const, elapsedSeconds: 5 },
        },
      ],
    };
    const input = {
      action: 'resume',
      targets: { serviceNames: ['legacy-billing'] },
      requestedBy: 'schedule:weekday-morning',
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.outcome('legacy-billing')).toMatchObject({ outcome: 'SKIPPED', reason: 'OPTED_OUT' });
    expect(run.calls('ResumeService')).toEqual([]);
    expect(run.service('legacy-billing').operations.map((op) => op.type)).toEqual(['PAUSE_SERVICE']);
  });
});
