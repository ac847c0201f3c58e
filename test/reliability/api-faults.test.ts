import { describe, expect, it } from 'vitest';
import { ErrorNames } from '../../lib/runtime/errors';
import { expectedMetrics, lineOf, outcomes, runRow, summaryMetrics, type World } from './harness';

const STAGING = ['api-staging', 'web-staging', 'worker-staging'];
const fleet = {
  defaults: { durations: { resume: 45, pause: 30 } },
  services: [
    ...STAGING.map((name) => ({ name, status: 'PAUSED' as const, tags: { env: 'staging' } })),
    { name: 'billing-prod', status: 'PAUSED' as const, tags: { env: 'prod' } },
  ],
};
const wakeStaging = {
  action: 'resume',
  targets: { tags: { env: 'staging' } },
  requestedBy: 'schedule:weekday-morning',
};
const allSucceeded = Object.fromEntries(STAGING.map((n) => [n, 'SUCCEEDED']));
const oncePerService = Object.fromEntries(STAGING.map((n) => [n, 1]));

/** Every staging service resumed by exactly one App Runner operation, and nothing else touched. */
function expectOneResumeEach(world: World): void {
  expect(world.acceptedActions('ResumeService')).toEqual(oncePerService);
  for (const name of STAGING) {
    expect(world.operationsStarted(name)).toHaveLength(1);
    expect(world.emulator.service(name)?.status).toBe('RUNNING');
  }
  expect(world.calls('PauseService')).toEqual([]);
  expect(world.operationsStarted('billing-prod')).toEqual([]);
  expect(world.emulator.service('billing-prod')?.status).toBe('PAUSED');
}

describe('App Runner API faults', () => {
  it('rides out a minute of throttling on half of all calls: every service resumed once, no alert', async () => {
    // Prepare
    const faults = [{ type: 'throttle' as const, rate: 0.5, forSeconds: 60 }];

    // Act
    const { world, result } = await runRow(fleet, wakeStaging, { faults });

    // Assess
    expect(world.calls().filter((c) => c.errorType === 'ThrottlingException').length).toBeGreaterThan(5);
    expect(world.calls('ResumeService').some((c) => c.errorType === 'ThrottlingException')).toBe(true);
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    for (const name of STAGING) {
      expect(lineOf(result.report, name).operationId).toBe(world.operationsStarted(name)[0]!.id);
    }
    expectOneResumeEach(world);
    expect(result.alerts).toEqual([]);
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
    expect(summaryMetrics(result, 'resume')).toMatchObject({ ServicesSucceeded: 3, ServicesFailed: 0 });
  });

  it('rides out bursts of HTTP 500, with the SDK retrying too: every service resumed once, no alert', async () => {
    // Prepare: the first calls of the run, two ResumeService calls and a fifth of everything for 30 s fail.
    const faults = [
      { type: 'server-error' as const, next: 4 },
      { type: 'server-error' as const, operations: ['ResumeService'], next: 2 },
      { type: 'server-error' as const, rate: 0.2, forSeconds: 30 },
    ];

    // Act
    const { world, result } = await runRow(fleet, wakeStaging, {
      faults,
      env: { APPRUNNER_SDK_MAX_ATTEMPTS: '3' },
    });

    // Assess
    const errors = world.calls().filter((c) => c.httpStatus === 500);
    expect(errors.length).toBeGreaterThanOrEqual(6);
    // The two named ones, and any the seeded 20 % draws on (which calls those are depends on every call before).
    expect(errors.filter((c) => c.op === 'ResumeService').length).toBeGreaterThanOrEqual(2);
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    expectOneResumeEach(world);
    expect(result.alerts).toEqual([]);
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
  });

  it('gives up on responses slower than the request timeout, and joins the resume a timed-out call started', async () => {
    // Prepare: App Runner performs the first ResumeService but answers after 400 ms, past the 200 ms
    // timeout; two DescribeService answers are slow too.
    const faults = [
      { type: 'slow' as const, delayMs: 400, operations: ['ResumeService'], next: 1 },
      { type: 'slow' as const, delayMs: 400, operations: ['DescribeService'], next: 2 },
    ];
    const started = performance.now();

    // Act
    const { world, result } = await runRow(fleet, wakeStaging, {
      faults,
      env: { APPRUNNER_REQUEST_TIMEOUT_MS: '200', POLL_INITIAL_DELAY_SECONDS: '0' },
    });

    // Assess
    const realMs = performance.now() - started;
    // The emulator logs a call once answered: the slow ResumeService is logged after its retry.
    const retried = STAGING.filter((name) => world.calls('ResumeService', name).length > 1);
    expect(retried).toHaveLength(1);
    const slowName = retried[0]!;
    expect(
      world
        .calls('ResumeService', slowName)
        .map((c) => c.errorType ?? c.httpStatus)
        .sort(),
    ).toEqual([200, 'InvalidStateException']);
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    expect(lineOf(result.report, slowName).notes?.join(' ')).toMatch(/joined RESUME_SERVICE operation/);
    expect(lineOf(result.report, slowName).operationId).toBe(world.operationsStarted(slowName)[0]!.id);
    expectOneResumeEach(world);
    expect(result.alerts).toEqual([]);
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
    expect(realMs).toBeLessThan(5000);
  });

  it('fails the execution before touching anything when App Runner cannot be listed at plan time', async () => {
    // Prepare: every ListServices call is throttled for the whole run.
    const faults = [{ type: 'throttle' as const, operations: ['ListServices'] }];

    // Act
    const { world, result } = await runRow(fleet, wakeStaging, { faults });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe(ErrorNames.AppRunnerUnavailable);
    expect(result.invocations.PlanLambdaFunction.count).toBe(4);
    expect(result.invocations.StartOperationsLambdaFunction.count).toBe(0);
    expect(new Set(world.calls().map((c) => c.op))).toEqual(new Set(['ListServices']));
    for (const name of [...STAGING, 'billing-prod']) expect(world.operationsStarted(name)).toEqual([]);
    expect(result.alerts).toEqual([]);
  });
});
