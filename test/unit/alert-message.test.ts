import { describe, expect, it } from 'vitest';
import { alertMessage, alertSubject, summarize } from '../../functions/report/core';
import type { ExecutionReport, ServiceResult } from '../../lib/contract/execution-result';

const arn = (name: string) =>
  `arn:aws:apprunner:eu-west-1:123456789012:service/${name}/0123456789abcdef0123456789abcdef`;
const EXECUTION =
  'arn:aws:states:eu-west-1:123456789012:execution:apprunner-scheduler:schedule-weekday-morning-1';

function report(services: ServiceResult[], overrides: Partial<ExecutionReport> = {}): ExecutionReport {
  return {
    action: 'resume',
    dryRun: false,
    reason: 'nightly wake-up',
    requestedBy: 'schedule:weekday-morning',
    startedAt: '2026-11-28T06:00:00.000Z',
    finishedAt: '2026-11-28T06:02:00.000Z',
    executionId: EXECUTION,
    summary: summarize(services),
    services,
    ...overrides,
  };
}

const mixed: ServiceResult[] = [
  { serviceArn: arn('api-staging'), serviceName: 'api-staging', outcome: 'SUCCEEDED', durationSeconds: 61 },
  {
    serviceArn: arn('web-staging'),
    serviceName: 'web-staging',
    outcome: 'SKIPPED',
    reason: 'ALREADY_RUNNING',
  },
  {
    serviceArn: arn('jobs-staging'),
    serviceName: 'jobs-staging',
    outcome: 'FAILED',
    reason: 'OPERATION_FAILED',
    operationId: 'op-123',
    error: 'App Runner reports operation op-123 FAILED; the service is PAUSED',
  },
  {
    serviceArn: arn('worker-staging'),
    serviceName: 'worker-staging',
    outcome: 'TIMED_OUT',
    reason: 'DEADLINE_EXCEEDED',
    operationId: 'op-456',
    error: 'deadline passed: operation op-456 still in progress',
  },
  {
    serviceArn: '',
    serviceName: 'ghost-service',
    outcome: 'FAILED',
    reason: 'NOT_FOUND',
    error: 'no App Runner service named "ghost-service" in eu-west-1',
  },
];

describe('alertMessage', () => {
  it('names every service that needs attention with its reason, error, ARN and operation', () => {
    // Prepare
    const r = report(mixed);

    // Act
    const message = alertMessage(r, 'eu-west-1');

    // Assess
    expect(message.split('\n')[0]).toBe(
      'Resume run finished: 1 succeeded, 1 skipped, 2 failed, 1 timed out (of 5).',
    );
    expect(message).toContain(
      '  - jobs-staging: FAILED OPERATION_FAILED — App Runner reports operation op-123 FAILED; the service is PAUSED',
    );
    expect(message).toContain(`    ${arn('jobs-staging')} operation op-123`);
    expect(message).toContain('  - worker-staging: TIMED_OUT DEADLINE_EXCEEDED — deadline passed');
    expect(message).toContain('  - ghost-service: FAILED NOT_FOUND');
    expect(message).toContain('    (no such service)');
    expect(message).not.toContain('api-staging');
    expect(message).not.toContain('web-staging');
  });

  it('links the execution in the console and says who asked, why and when', () => {
    // Prepare
    const r = report(mixed);

    // Act
    const message = alertMessage(r, 'eu-west-1');

    // Assess
    expect(message).toContain(`Execution:    ${EXECUTION}`);
    expect(message).toContain(
      `Console:      https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION}`,
    );
    expect(message).toContain('Requested by: schedule:weekday-morning (nightly wake-up)');
    expect(message).toContain('Window:       2026-11-28T06:00:00.000Z → 2026-11-28T06:02:00.000Z');
  });

  it('suggests a retry command for the services that exist, with the verb of the action', () => {
    // Prepare
    const resume = report(mixed);
    const pause = report(mixed, { action: 'pause' });

    // Act
    const messages = [alertMessage(resume, 'eu-west-1'), alertMessage(pause, 'eu-west-1')];

    // Assess
    expect(messages[0]).toContain('  - retry: npx apprunner-scheduler wake jobs-staging worker-staging\n');
    expect(messages[1]).toContain('  - retry: npx apprunner-scheduler pause jobs-staging worker-staging\n');
    expect(messages[1]!.split('\n')[0]).toMatch(/^Pause run finished:/);
  });

  it('has no console link for a local run and no attention section when all went well', () => {
    // Prepare
    const fine = report(mixed.slice(0, 2), { executionId: undefined, reason: '' });

    // Act
    const message = alertMessage(fine, 'eu-west-1');

    // Assess
    expect(message).toContain('Execution:    (local run)');
    expect(message).not.toContain('Console:');
    expect(message).toContain('Requested by: schedule:weekday-morning\n');
    expect(message).not.toContain('Needs attention');
    expect(message).not.toContain('retry');
  });

  it('puts the action and the count of troubled services in the subject', () => {
    // Prepare
    const bad = report(mixed);
    const good = report(mixed.slice(0, 2), { action: 'pause' });

    // Act
    const subjects = [alertSubject(bad), alertSubject(good)];

    // Assess
    expect(subjects).toEqual([
      'App Runner Scheduler: resume needs attention (3 of 5 services)',
      'App Runner Scheduler: pause finished (2 services)',
    ]);
  });
});
