import { describe, expect, it } from 'vitest';
import { LAMBDA_FAILURES } from '../../cli/local/lambda-failures';
import { ErrorNames } from '../../lib/runtime/errors';
import {
  expectedMetrics,
  lineOf,
  outcomes,
  runRow,
  startWorld,
  summaryMetrics,
  taskError,
  type World,
} from './harness';

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
const START = 'Start the operations';
const CHECK = 'Check the operations';
const SETTLE = 'Record what App Runner shows';
const STEPS = ['Plan the run', START, CHECK, 'Report the outcomes'];
/** A crash, time-outs (new and old names) and an out-of-memory, as Step Functions reports them. */
const FAILURES = ['Runtime.ExitError', 'Sandbox.Timedout', 'States.Timeout', 'Lambda.Unknown'] as const;
const allSucceeded = Object.fromEntries(NAMES.map((n) => [n, 'SUCCEEDED']));

/** Exactly one resume operation per service, reported as that service's operation; no pause. */
function expectOneOperationEach(world: World, report: Parameters<typeof lineOf>[0]): void {
  expect(world.acceptedActions('ResumeService')).toEqual(Object.fromEntries(NAMES.map((n) => [n, 1])));
  for (const name of NAMES) {
    const ops = world.operationsStarted(name);
    expect(ops).toHaveLength(1);
    expect(lineOf(report, name).operationId).toBe(ops[0]!.id);
    expect(world.emulator.service(name)?.status).toBe('RUNNING');
  }
  expect(world.calls('PauseService')).toEqual([]);
}

describe('Lambda task crashes and time-outs', () => {
  it('retries a Check that crashes mid-poll without starting a second operation', async () => {
    // Prepare
    const taskFault = (state: string, n: number, phase: string) =>
      state === CHECK && n === 1 && phase === 'before' ? taskError('Lambda.Unknown', 'crashed') : undefined;

    // Act
    const { world, result } = await runRow(fleet, wake, { taskFault });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    expect(result.invocations.CheckOperationsLambdaFunction.count).toBeGreaterThanOrEqual(1);
    expectOneOperationEach(world, result.report);
    expect(result.alerts).toEqual([]);
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
  });

  it('retries a Check that times out after starting an operation, and joins that operation', async () => {
    // Prepare: one operation at a time, so a Check starts the next service's resume once the previous
    // one is done; the first Check that does so then times out, and its result (the operation id) is lost.
    const world = await startWorld(fleet);
    const env = { MAX_CONCURRENT_OPERATIONS: '1' };
    let acceptedBefore = 0;
    let crashed = false;
    const taskFault = (state: string, _n: number, phase: string) => {
      if (state !== CHECK || crashed) return undefined;
      const accepted = world.calls('ResumeService').filter((c) => c.httpStatus === 200).length;
      if (phase === 'before') acceptedBefore = accepted;
      else if (accepted > acceptedBefore) {
        crashed = true;
        return taskError('States.Timeout', 'timed out');
      }
      return undefined;
    };

    // Act
    const result = await world.run(wake, { env, taskFault }).finally(() => world.stop());

    // Assess
    expect(crashed).toBe(true);
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    const rejected = world.calls('ResumeService').filter((c) => c.errorType === 'InvalidStateException');
    expect(rejected).toHaveLength(1);
    const joined = rejected[0]!.serviceArn!.split('/')[1]!;
    expect(lineOf(result.report, joined).notes?.join(' ')).toMatch(/joined RESUME_SERVICE operation/);
    expectOneOperationEach(world, result.report);
    expect(result.alerts).toEqual([]);
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
  });

  it('retries a Start that crashes before doing anything, and resumes every service once', async () => {
    // Prepare
    const taskFault = (state: string, n: number, phase: string) =>
      state === START && n <= 2 && phase === 'before' ? taskError('States.Timeout', 'timed out') : undefined;

    // Act
    const { world, result } = await runRow(fleet, wake, { taskFault });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    expectOneOperationEach(world, result.report);
    expect(world.calls('ResumeService').every((c) => c.httpStatus === 200)).toBe(true);
    expect(result.alerts).toEqual([]);
  });

  it('retries a Start that crashes after its resumes succeeded, and the retry joins every operation', async () => {
    // Prepare: the Start handler runs (ResumeService accepted for every service), then the task fails
    // and Step Functions retries it with the same input.
    const taskFault = (state: string, n: number, phase: string) =>
      state === START && n === 1 && phase === 'after' ? taskError('Lambda.Unknown', 'crashed') : undefined;

    // Act
    const { world, result } = await runRow(fleet, wake, { taskFault });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    for (const name of NAMES) {
      expect(world.calls('ResumeService', name).map((c) => c.errorType ?? c.httpStatus)).toEqual([
        200,
        'InvalidStateException',
      ]);
      expect(lineOf(result.report, name).notes?.join(' ')).toMatch(/joined RESUME_SERVICE operation/);
    }
    expectOneOperationEach(world, result.report);
    expect(result.alerts).toEqual([]);
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
  });

  it('retries a Plan that crashes, and acts on every service once', async () => {
    // Prepare
    const taskFault = (state: string, n: number, phase: string) =>
      state === 'Plan the run' && n === 1 && phase === 'before'
        ? taskError('Lambda.Unknown', 'out of memory')
        : undefined;

    // Act
    const { world, result } = await runRow(fleet, wake, { taskFault });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    expectOneOperationEach(world, result.report);
  });

  it('records the services of a batch whose Check keeps crashing as App Runner shows them: still in progress', async () => {
    // Prepare: every Check invocation crashes (the Retry policy gives up after 4 retries) at the first poll,
    // 20 s in, while the 45 s resumes are still running.
    const taskFault = (state: string, _n: number, phase: string) =>
      state === CHECK && phase === 'before' ? taskError('Runtime.ExitError', 'crashed') : undefined;

    // Act
    const { world, result } = await runRow(fleet, wake, { taskFault });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(outcomes(result.report)).toEqual(
      Object.fromEntries(NAMES.map((n) => [n, 'FAILED WORKFLOW_ERROR'])),
    );
    for (const name of NAMES) {
      const line = lineOf(result.report, name);
      const operation = world.operationsStarted(name)[0]!;
      expect(line.operationId).toBe(operation.id);
      expect(line.error).toBe(
        `the workflow step failed: Runtime.ExitError: crashed; App Runner still shows RESUME_SERVICE operation ${operation.id} in progress`,
      );
    }
    expect(world.acceptedActions('ResumeService')).toEqual(Object.fromEntries(NAMES.map((n) => [n, 1])));
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]!.message).toContain('api-staging: FAILED WORKFLOW_ERROR');
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
  });

  it('records the services of a batch whose Check keeps crashing as SUCCEEDED when App Runner finished them: no false alarm', async () => {
    // Prepare: 10 s resumes; the first Check (20 s in) crashes for good, when every resume has ended.
    const quick = { ...fleet, defaults: { durations: { resume: 10, pause: 10 } } };
    const taskFault = (state: string, _n: number, phase: string) =>
      state === CHECK && phase === 'before' ? taskError('Sandbox.Timedout', 'timed out') : undefined;

    // Act
    const { world, result } = await runRow(quick, wake, { taskFault });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(outcomes(result.report)).toEqual(allSucceeded);
    for (const name of NAMES) {
      expect(lineOf(result.report, name).notes).toContain('seen done after a workflow step failed');
    }
    expectOneOperationEach(world, result.report);
    expect(result.alerts).toEqual([]);
  });

  it('falls back to the last known status when even the second look fails for good', async () => {
    // Prepare: the Check function fails whatever it is asked, the second look included.
    const taskFault = (state: string, _n: number, phase: string) =>
      (state === CHECK || state === SETTLE) && phase === 'before'
        ? taskError('Lambda.Unknown', 'out of memory')
        : undefined;

    // Act
    const { world, result } = await runRow(fleet, wake, { taskFault });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(outcomes(result.report)).toEqual(
      Object.fromEntries(NAMES.map((n) => [n, 'FAILED WORKFLOW_ERROR'])),
    );
    for (const name of NAMES) {
      expect(lineOf(result.report, name).error).toBe(
        'the workflow step failed: Lambda.Unknown: out of memory; last known status OPERATION_IN_PROGRESS',
      );
    }
    expect(world.acceptedActions('ResumeService')).toEqual(Object.fromEntries(NAMES.map((n) => [n, 1])));
  });

  describe.each(STEPS)('a failure of the function behind "%s"', (step) => {
    it.each(FAILURES)(
      '%s twice in a row (once after its work, once before) leaves every outcome as if nothing happened',
      async (name) => {
        // Prepare: the first invocation does its work and its result is lost; the retry fails before working.
        const taskFault = (state: string, n: number, phase: string) =>
          state === step && ((n === 1 && phase === 'after') || (n === 2 && phase === 'before'))
            ? taskError(name, LAMBDA_FAILURES[name])
            : undefined;

        // Act
        const { world, result } = await runRow(fleet, wake, { taskFault });

        // Assess
        expect(result.status).toBe('SUCCEEDED');
        expect(outcomes(result.report)).toEqual(allSucceeded);
        expectOneOperationEach(world, result.report);
        expect(result.alerts).toEqual([]);
        // A Report that crashed after publishing its metrics publishes them again when retried: metrics,
        // like alerts, are at least once (docs/RELIABILITY.md). Every other step publishes them once.
        if (step !== 'Report the outcomes') {
          expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
        }
      },
    );
  });

  it('retries a Report that crashes after publishing: the report stays complete and the alert may repeat', async () => {
    // Prepare: an operation fails (so Report alerts), then the Report task crashes after publishing.
    const faults = [{ type: 'operation-fails' as const, service: 'web-staging' }];
    const taskFault = (state: string, n: number, phase: string) =>
      state === 'Report the outcomes' && n === 1 && phase === 'after'
        ? taskError('Lambda.Unknown', 'crashed')
        : undefined;

    // Act
    const { world, result } = await runRow(fleet, wake, { faults, taskFault });

    // Assess: at-least-once alerting; every outcome is still reported once, nothing acted on twice.
    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(outcomes(result.report)).toEqual({
      'api-staging': 'SUCCEEDED',
      'web-staging': 'FAILED OPERATION_FAILED',
      'worker-staging': 'SUCCEEDED',
    });
    expect(result.invocations.ReportLambdaFunction.count).toBe(2);
    expect(result.alerts).toHaveLength(2);
    expect(result.alerts[1]).toEqual(result.alerts[0]);
    expect(world.acceptedActions('ResumeService')).toEqual(Object.fromEntries(NAMES.map((n) => [n, 1])));
  });
});
