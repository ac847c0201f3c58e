import { describe, expect, it } from 'vitest';
import { metricSum } from '../../cli/local/capture';
import { ErrorNames } from '../../lib/runtime/errors';
import { arnOf, expectedMetrics, lineOf, outcomes, runRow, summaryMetrics } from './harness';

const NAMES = ['api-staging', 'web-staging', 'worker-staging'];
const fleet = {
  defaults: { durations: { resume: 45, pause: 30 } },
  services: NAMES.map((name) => ({ name, status: 'PAUSED' as const })),
};
const wake = {
  action: 'resume',
  targets: { serviceNames: NAMES },
  requestedBy: 'schedule:weekday-morning',
};

describe('App Runner operations that go wrong', () => {
  it('fails only the service whose operation FAILED, never retries it blindly, and alerts about it', async () => {
    // Prepare
    const faults = [{ type: 'operation-fails' as const, service: 'web-staging' }];

    // Act
    const { world, result } = await runRow(fleet, wake, { faults });

    // Assess
    const [operation] = world.operationsStarted('web-staging');
    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(outcomes(result.report)).toEqual({
      'api-staging': 'SUCCEEDED',
      'web-staging': 'FAILED OPERATION_FAILED',
      'worker-staging': 'SUCCEEDED',
    });
    expect(lineOf(result.report, 'web-staging')).toMatchObject({
      operationId: operation!.id,
      toStatus: 'PAUSED',
    });
    expect(operation!.status).toBe('FAILED');
    expect(world.acceptedActions('ResumeService')).toEqual({
      'api-staging': 1,
      'web-staging': 1,
      'worker-staging': 1,
    });
    expect(world.calls('PauseService')).toEqual([]);
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]!.subject).toBe('App Runner Scheduler: resume needs attention (1 of 3 services)');
    expect(result.alerts[0]!.message).toContain(`web-staging: FAILED OPERATION_FAILED`);
    expect(result.alerts[0]!.message).toContain(`operation ${operation!.id}`);
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
    expect(summaryMetrics(result, 'resume')).toMatchObject({ ServicesSucceeded: 2, ServicesFailed: 1 });
  });

  it('times out an operation that never ends at the deadline, without starting another one', async () => {
    // Prepare
    const faults = [{ type: 'operation-never-ends' as const, service: 'worker-staging' }];
    const env = { OPERATION_DEADLINE_SECONDS: '120' };

    // Act
    const { world, result } = await runRow(fleet, wake, { faults, env });

    // Assess
    const line = lineOf(result.report, 'worker-staging');
    expect(result.status).toBe('FAILED');
    expect(outcomes(result.report)).toEqual({
      'api-staging': 'SUCCEEDED',
      'web-staging': 'SUCCEEDED',
      'worker-staging': 'TIMED_OUT DEADLINE_EXCEEDED',
    });
    expect(line.operationId).toBe(world.operationsStarted('worker-staging')[0]!.id);
    expect(line.error).toContain('still in progress');
    expect(Date.parse(line.finishedAt!) - Date.parse(result.report!.startedAt)).toBeLessThanOrEqual(
      (120 + 2) * 1000,
    );
    expect(world.acceptedActions('ResumeService')).toEqual({
      'api-staging': 1,
      'web-staging': 1,
      'worker-staging': 1,
    });
    expect(result.alerts[0]!.message).toContain('worker-staging: TIMED_OUT DEADLINE_EXCEEDED');
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
    expect(summaryMetrics(result, 'resume').ServicesTimedOut).toBe(1);
  });

  it('stops polling an operation that never ends at the poll limit', async () => {
    // Prepare
    const faults = [{ type: 'operation-never-ends' as const, service: 'api-staging' }];
    // A 45 s resume takes about a dozen polls: 20 is enough for a healthy operation.
    const env = { MAX_POLLS: '20' };

    // Act
    const { world, result } = await runRow(fleet, wake, { faults, env });

    // Assess
    expect(outcomes(result.report)).toEqual({
      'api-staging': 'TIMED_OUT POLL_LIMIT',
      'web-staging': 'SUCCEEDED',
      'worker-staging': 'SUCCEEDED',
    });
    expect(lineOf(result.report, 'api-staging').polls).toBe(20);
    expect(lineOf(result.report, 'api-staging').error).toContain(
      'gave up after 20 status checks (MAX_POLLS=20)',
    );
    expect(world.acceptedActions('ResumeService')).toEqual({
      'api-staging': 1,
      'web-staging': 1,
      'worker-staging': 1,
    });
    expect(world.calls('PauseService')).toEqual([]);
    expect(result.alerts[0]!.message).toContain('api-staging: TIMED_OUT POLL_LIMIT');
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
  });

  it('fails a service deleted mid-operation and finishes the others', async () => {
    // Prepare
    const faults = [{ type: 'deleted-mid-operation' as const, service: 'api-staging', afterSeconds: 5 }];

    // Act
    const { world, result } = await runRow(fleet, wake, { faults });

    // Assess
    expect(outcomes(result.report)).toEqual({
      'api-staging': 'FAILED SERVICE_DELETED',
      'web-staging': 'SUCCEEDED',
      'worker-staging': 'SUCCEEDED',
    });
    expect(world.emulator.service('api-staging')?.status).toBe('DELETED');
    expect(world.acceptedActions('ResumeService')).toEqual({
      'api-staging': 1,
      'web-staging': 1,
      'worker-staging': 1,
    });
    expect(result.alerts[0]!.message).toContain('api-staging: FAILED SERVICE_DELETED');
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
  });

  it.each([
    {
      action: 'resume',
      expected: ['FAILED NOT_RESUMABLE_STATE', 'FAILED NOT_RESUMABLE_STATE', 'FAILED SERVICE_DELETED'],
    },
    {
      action: 'pause',
      expected: ['SKIPPED NOT_PAUSABLE_STATE', 'SKIPPED NOT_PAUSABLE_STATE', 'SKIPPED NOT_PAUSABLE_STATE'],
    },
  ])(
    'never calls $action on services in CREATE_FAILED, DELETE_FAILED or DELETED, and reports each',
    async ({ action, expected }) => {
      // Prepare: a DELETED service is only reachable by ARN (ListServices no longer lists it).
      const broken = {
        services: [
          { name: 'create-failed', status: 'CREATE_FAILED' as const },
          { name: 'delete-failed', status: 'DELETE_FAILED' as const },
          { name: 'gone-service', status: 'DELETED' as const },
        ],
      };
      const input = {
        action,
        targets: { serviceNames: ['create-failed', 'delete-failed'], serviceArns: [arnOf('gone-service')] },
        requestedBy: 'user:oncall',
      };

      // Act
      const { world, result } = await runRow(broken, input);

      // Assess
      expect(outcomes(result.report)).toEqual({
        'create-failed': expected[0],
        'delete-failed': expected[1],
        'gone-service': expected[2],
      });
      expect(
        world.calls().filter((c) => ['ResumeService', 'PauseService', 'TagResource'].includes(c.op)),
      ).toEqual([]);
      expect(result.status).toBe(action === 'resume' ? 'FAILED' : 'SUCCEEDED');
      expect(result.alerts).toHaveLength(action === 'resume' ? 1 : 0);
      expect(summaryMetrics(result, action)).toEqual(expectedMetrics(result.report));
    },
  );

  it('keeps the report, the metrics and the failed execution truthful when the alert topic is down', async () => {
    // Prepare
    const faults = [{ type: 'operation-fails' as const, service: 'api-staging' }];
    const alerts = {
      publish: async () => {
        throw new Error('SNS down');
      },
    };

    // Act
    const { result } = await runRow(fleet, wake, { faults, alerts });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(JSON.parse(result.error!.cause)).toEqual(result.report);
    expect(outcomes(result.report)).toEqual({
      'api-staging': 'FAILED OPERATION_FAILED',
      'web-staging': 'SUCCEEDED',
      'worker-staging': 'SUCCEEDED',
    });
    expect(result.report?.alert).toEqual({ published: false, error: 'SNS down' });
    expect(result.alerts).toEqual([]);
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
    expect(metricSum(result.captured.emf, 'AlertPublishFailed')).toBe(1);
    expect(result.captured.logs.some((l) => l.level === 'ERROR' && String(l.message).includes('alert'))).toBe(
      true,
    );
  });
});
