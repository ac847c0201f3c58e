import { describe, expect, it } from 'vitest';
import type { ExecutionReport } from '../../lib/contract/execution-result';
import { ErrorNames } from '../../lib/runtime/errors';
import { arnOf, runScenario, summaryMetrics, T0 } from './harness';

const three = (resumeSeconds = 60) => ({
  services: [
    { name: 'api-staging', status: 'PAUSED' as const, durations: { resume: resumeSeconds } },
    { name: 'web-staging', status: 'PAUSED' as const, durations: { resume: resumeSeconds } },
    { name: 'worker-staging', status: 'PAUSED' as const, durations: { resume: resumeSeconds } },
  ],
});
const resumeAll = {
  action: 'resume',
  targets: { serviceNames: ['api-staging', 'web-staging', 'worker-staging'] },
  requestedBy: 'schedule:weekday-morning',
};

describe('workflow failures', () => {
  it('fails the one service whose operation fails, alerts about it, and finishes the others', async () => {
    // Prepare
    const faults = [{ type: 'operation-fails' as const, service: 'web-staging' }];

    // Act
    const run = await runScenario({ fleet: three(), input: resumeAll, faults });

    // Assess
    const operation = run.service('web-staging').operations[0]!;
    expect(run.result.status).toBe('FAILED');
    expect(run.result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(JSON.parse(run.result.error!.cause) as ExecutionReport).toEqual(run.result.report);
    expect(run.outcome('web-staging')).toMatchObject({
      outcome: 'FAILED',
      reason: 'OPERATION_FAILED',
      operationId: operation.id,
      toStatus: 'PAUSED',
    });
    expect(run.outcome('web-staging').error).toContain(`operation ${operation.id} FAILED`);
    expect(run.outcome('api-staging').outcome).toBe('SUCCEEDED');
    expect(run.outcome('worker-staging').outcome).toBe('SUCCEEDED');
    expect(run.result.report?.summary).toEqual({
      targeted: 3,
      succeeded: 2,
      skipped: 0,
      failed: 1,
      timedOut: 0,
    });
    expect(run.result.alerts).toHaveLength(1);
    const alert = run.result.alerts[0]!;
    expect(alert.subject).toBe('App Runner Scheduler: resume needs attention (1 of 3 services)');
    expect(alert.message).toContain('web-staging: FAILED OPERATION_FAILED');
    expect(alert.message).toContain(arnOf('web-staging'));
    expect(alert.message).not.toContain('api-staging');
    expect(run.result.report?.alert).toMatchObject({ published: true });
    expect(summaryMetrics(run)).toEqual({
      ServicesTargeted: 3,
      ServicesSucceeded: 2,
      ServicesSkipped: 0,
      ServicesFailed: 1,
      ServicesTimedOut: 0,
    });
    expect(run.metricValues('OperationDurationSeconds')).toHaveLength(2);
    expect(run.calls('ResumeService')).toHaveLength(3);
  });

  it('times a never-ending operation out at the deadline and alerts about it', async () => {
    // Prepare
    const faults = [{ type: 'operation-never-ends' as const, service: 'worker-staging' }];

    // Act
    const run = await runScenario({
      fleet: three(30),
      input: resumeAll,
      faults,
      env: { OPERATION_DEADLINE_SECONDS: '120' },
    });

    // Assess
    const line = run.outcome('worker-staging');
    expect(run.result.status).toBe('FAILED');
    expect(run.result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(line).toMatchObject({
      outcome: 'TIMED_OUT',
      reason: 'DEADLINE_EXCEEDED',
      operationId: run.service('worker-staging').operations[0]!.id,
    });
    expect(line.error).toMatch(/^deadline passed: operation .+ still in progress/);
    const observedAt = Date.parse(line.finishedAt!) - T0;
    expect(observedAt).toBeGreaterThanOrEqual(120_000);
    expect(observedAt).toBeLessThanOrEqual(125_000);
    expect(run.outcome('api-staging').outcome).toBe('SUCCEEDED');
    expect(run.outcome('web-staging').outcome).toBe('SUCCEEDED');
    expect(run.result.alerts).toHaveLength(1);
    expect(run.result.alerts[0]!.message).toContain('worker-staging: TIMED_OUT DEADLINE_EXCEEDED');
    expect(summaryMetrics(run)).toMatchObject({
      ServicesSucceeded: 2,
      ServicesFailed: 0,
      ServicesTimedOut: 1,
    });
  });

  it('rides out a throttling storm and resumes every service', async () => {
    // Prepare
    const faults = [{ type: 'throttle' as const, rate: 0.5, forSeconds: 60 }];
    // The SDK's own retries back off in real time; leave retrying to the workflow (on the run's clock).
    const env = { APPRUNNER_SDK_MAX_ATTEMPTS: '1' };

    // Act
    const run = await runScenario({ fleet: three(45), input: resumeAll, faults, env });

    // Assess
    expect(run.calls().filter((c) => c.errorType === 'ThrottlingException').length).toBeGreaterThan(5);
    expect(run.result.status).toBe('SUCCEEDED');
    for (const name of ['api-staging', 'web-staging', 'worker-staging']) {
      expect(run.outcome(name).outcome).toBe('SUCCEEDED');
      expect(run.calls('ResumeService', name).filter((c) => c.httpStatus === 200)).toHaveLength(1);
    }
    expect(run.result.alerts).toEqual([]);
    expect(summaryMetrics(run)).toMatchObject({
      ServicesSucceeded: 3,
      ServicesFailed: 0,
      ServicesTimedOut: 0,
    });
  });

  it('stays within an App Runner request budget that throttles everything above it', async () => {
    // Prepare
    const fleet = { ...three(45), options: { requestsPerSecond: 2 } };
    const env = { APPRUNNER_SDK_MAX_ATTEMPTS: '1' };

    // Act
    const run = await runScenario({ fleet, input: resumeAll, env });

    // Assess
    expect(run.calls().filter((c) => c.errorType === 'ThrottlingException').length).toBeGreaterThan(0);
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.report?.summary).toMatchObject({ succeeded: 3, failed: 0, timedOut: 0 });
    expect(run.result.alerts).toEqual([]);
  });

  it('fails a service deleted while its operation runs, and finishes the others', async () => {
    // Prepare
    const faults = [{ type: 'deleted-mid-operation' as const, service: 'api-staging', afterSeconds: 5 }];

    // Act
    const run = await runScenario({ fleet: three(), input: resumeAll, faults });

    // Assess
    const line = run.outcome('api-staging');
    expect(run.result.status).toBe('FAILED');
    expect(run.result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(line).toMatchObject({ outcome: 'FAILED', reason: 'SERVICE_DELETED', toStatus: 'DELETED' });
    expect(line.error).toBe('the service was deleted while the workflow ran');
    expect(run.service('api-staging').status).toBe('DELETED');
    expect(run.outcome('web-staging').outcome).toBe('SUCCEEDED');
    expect(run.outcome('worker-staging').outcome).toBe('SUCCEEDED');
    expect(run.result.alerts[0]?.message).toContain('api-staging: FAILED SERVICE_DELETED');
    expect(summaryMetrics(run)).toMatchObject({ ServicesSucceeded: 2, ServicesFailed: 1 });
  });

  it('fails targets that do not exist and carries on with the rest', async () => {
    // Prepare
    const ghostArn = arnOf('phantom-api', 'ffffffffffffffffffffffffffffffff');
    const input = {
      action: 'resume',
      targets: { serviceNames: ['api-staging', 'ghost-service'], serviceArns: [ghostArn] },
    };

    // Act
    const run = await runScenario({ fleet: three(30), input });

    // Assess
    expect(run.result.status).toBe('FAILED');
    expect(run.result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(run.outcome('ghost-service')).toMatchObject({
      outcome: 'FAILED',
      reason: 'NOT_FOUND',
      serviceArn: '',
      error: 'no App Runner service named "ghost-service" in us-east-1',
    });
    expect(run.outcome('phantom-api')).toMatchObject({
      outcome: 'FAILED',
      reason: 'NOT_FOUND',
      serviceArn: ghostArn,
    });
    expect(run.outcome('api-staging').outcome).toBe('SUCCEEDED');
    expect(run.result.report?.summary).toMatchObject({ targeted: 3, succeeded: 1, failed: 2 });
    expect(run.calls('ResumeService')).toHaveLength(1);
    expect(run.result.alerts[0]?.message).toContain('ghost-service: FAILED NOT_FOUND');
    expect(run.result.alerts[0]?.message).toContain('(no such service)');
    expect(summaryMetrics(run)).toMatchObject({ ServicesTargeted: 3, ServicesFailed: 2 });
  });

  it('keeps the full report when the alert topic fails, and counts the failed alert', async () => {
    // Prepare
    const faults = [{ type: 'operation-fails' as const, service: 'web-staging' }];
    const alerts = {
      publish: async () => {
        throw new Error('SNS down');
      },
    };

    // Act
    const run = await runScenario({ fleet: three(), input: resumeAll, faults, alerts });

    // Assess
    expect(run.result.status).toBe('FAILED');
    expect(run.result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(run.result.report?.services).toHaveLength(3);
    expect(run.outcome('web-staging')).toMatchObject({ outcome: 'FAILED', reason: 'OPERATION_FAILED' });
    expect(run.result.report?.alert).toEqual({ published: false, error: 'SNS down' });
    expect(run.metric('AlertPublishFailed')).toBe(1);
    expect(summaryMetrics(run)).toMatchObject({
      ServicesTargeted: 3,
      ServicesSucceeded: 2,
      ServicesFailed: 1,
    });
  });
});
