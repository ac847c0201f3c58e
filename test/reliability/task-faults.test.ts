import { describe, expect, it } from 'vitest';
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

  it('records every service of a batch whose Check keeps crashing as FAILED, alerts, and starts nothing twice', async () => {
    // Prepare: every Check invocation crashes; the Retry policy gives up after 4 retries.
    const taskFault = (state: string, _n: number, phase: string) =>
      state === CHECK && phase === 'before' ? taskError('Lambda.Unknown', 'crashed') : undefined;

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
      expect(line.operationId).toBe(world.operationsStarted(name)[0]!.id);
      expect(line.error).toContain('the workflow step failed: Lambda.Unknown');
    }
    expect(world.acceptedActions('ResumeService')).toEqual(Object.fromEntries(NAMES.map((n) => [n, 1])));
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]!.message).toContain('api-staging: FAILED WORKFLOW_ERROR');
    expect(summaryMetrics(result, 'resume')).toEqual(expectedMetrics(result.report));
    expect(summaryMetrics(result, 'resume').ServicesFailed).toBe(3);
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
