import { describe, expect, it } from 'vitest';
import { ErrorNames } from '../../lib/runtime/errors';
import { runScenario, T0 } from './harness';

const fleet = {
  services: [
    { name: 'api-staging', status: 'PAUSED' as const, tags: { env: 'staging' } },
    { name: 'web-staging', status: 'RUNNING' as const, tags: { env: 'staging' } },
  ],
};
const names = { serviceNames: ['api-staging'] };

describe('invalid execution input', () => {
  it.each([
    {
      what: 'an unknown action',
      input: { action: 'restart', targets: names },
      message: 'action: must be "resume" or "pause"',
    },
    {
      what: 'no selector',
      input: { action: 'resume', targets: {} },
      message: 'targets: needs at least one selector: serviceArns, serviceNames or tags',
    },
    {
      what: 'no targets at all',
      input: { action: 'pause' },
      message: 'targets:',
    },
    {
      what: 'a malformed ARN',
      input: {
        action: 'resume',
        targets: { serviceArns: ['arn:aws:apprunner:us-east-1:123456789012:service/api-staging'] },
      },
      message: 'targets.serviceArns[0]: must be an App Runner service ARN',
    },
    {
      what: 'a service name App Runner would reject',
      input: { action: 'resume', targets: { serviceNames: ['api', 'web-staging'] } },
      message: 'targets.serviceNames[0]: must be an App Runner service name',
    },
    {
      what: 'a tag key in the aws: namespace',
      input: { action: 'pause', targets: { tags: { 'aws:cloudformation:stack-name': 'x' } } },
      message: 'targets.tags',
    },
    {
      what: 'a timestamp without a time zone',
      input: { action: 'resume', targets: names, keepAwakeUntil: '2026-11-28T08:00:00' },
      message: 'keepAwakeUntil: must be an ISO-8601 timestamp with a time zone',
    },
    {
      what: 'a timestamp that is not a real date',
      input: { action: 'resume', targets: names, keepAwakeUntil: '2026-02-30T08:00:00Z' },
      message: 'keepAwakeUntil: is not a real date and time',
    },
    {
      what: 'a keep-awake time in the past',
      input: { action: 'resume', targets: names, keepAwakeUntil: new Date(T0 - 60_000).toISOString() },
      message: 'keepAwakeUntil: is in the past',
    },
    {
      what: 'a keep-awake time more than 31 days ahead',
      input: {
        action: 'resume',
        targets: names,
        keepAwakeUntil: new Date(T0 + 32 * 86_400_000).toISOString(),
      },
      message: 'keepAwakeUntil: is more than 31 days ahead',
    },
    {
      what: 'keepAwakeUntil with a pause',
      input: { action: 'pause', targets: names, keepAwakeUntil: new Date(T0 + 3600_000).toISOString() },
      message: 'keepAwakeUntil: is only allowed with action "resume"',
    },
    {
      what: 'an unknown field (a typo of dryRun)',
      input: { action: 'pause', targets: names, dryrun: true },
      message: '"dryrun"',
    },
    {
      what: 'an unknown selector',
      input: { action: 'pause', targets: { serviceName: ['api-staging'] } },
      message: '"serviceName"',
    },
    {
      what: 'a dryRun that is not a boolean',
      input: { action: 'pause', targets: names, dryRun: 'yes' },
      message: 'dryRun:',
    },
    {
      what: 'a requestedBy with spaces',
      input: { action: 'pause', targets: names, requestedBy: 'alice smith' },
      message: 'requestedBy: may contain',
    },
    {
      what: 'input that is not an object',
      input: ['resume'],
      message: '(input): must be a JSON object',
    },
  ])('fails on $what before any App Runner call', async ({ input, message }) => {
    // Prepare
    const scenario = { fleet, input };

    // Act
    const run = await runScenario(scenario);

    // Assess
    expect(run.result.status).toBe('FAILED');
    expect(run.result.error?.name).toBe(ErrorNames.InvalidInput);
    expect(run.result.error?.message).toContain(message);
    expect(run.result.report).toBeUndefined();
    expect(run.emulator.calls).toEqual([]);
    expect(run.result.alerts).toEqual([]);
    expect(run.result.invocations.PlanLambdaFunction.count).toBe(1);
    expect(run.result.invocations.StartOperationsLambdaFunction.count).toBe(0);
  });

  it('names every bad field of one input at once', async () => {
    // Prepare
    const input = { action: 'wake', targets: { serviceArns: ['nope'] }, reason: 'x'.repeat(600) };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.error?.name).toBe(ErrorNames.InvalidInput);
    expect(run.result.error?.message).toContain('action:');
    expect(run.result.error?.message).toContain('targets.serviceArns[0]:');
    expect(run.result.error?.message).toContain('reason: is at most 512 characters');
    expect(run.emulator.calls).toEqual([]);
  });

  it('rejects more explicit targets than MAX_TARGETS allows, before any App Runner call', async () => {
    // Prepare
    const input = { action: 'resume', targets: { serviceNames: ['api-staging', 'web-staging'] } };

    // Act
    const run = await runScenario({ fleet, input, env: { MAX_TARGETS: '1' } });

    // Assess
    expect(run.result.error?.name).toBe(ErrorNames.InvalidInput);
    expect(run.result.error?.message).toContain('targets: names 2 services; the limit is 1 per execution');
    expect(run.emulator.calls).toEqual([]);
  });
});
