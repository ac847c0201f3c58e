import { describe, expect, it } from 'vitest';
import { metricSum } from '../../cli/local/capture';
import { LEASE_TAG } from '../../lib/contract/tags';
import { lineOf, outcomes, startWorld, T0, when } from './harness';

const NAMES = ['api-staging', 'web-staging', 'worker-staging'];
const staging = {
  defaults: { durations: { resume: 45, pause: 30 } },
  services: NAMES.map((name) => ({ name, status: 'PAUSED' as const, tags: { env: 'staging' } })),
};
const morning = {
  action: 'resume',
  targets: { tags: { env: 'staging' } },
  reason: 'Wake staging up for the working day',
  requestedBy: 'schedule:weekday-morning',
};
const evening = {
  action: 'pause',
  targets: { serviceNames: ['api-staging'] },
  reason: 'Pause staging after the working day',
  requestedBy: 'schedule:weekday-evening',
};

describe('concurrent executions', () => {
  it('starts one operation per service when the same schedule is delivered twice at once, and both runs agree', async () => {
    // Prepare
    const world = await startWorld(staging);

    // Act
    const [first, second] = await Promise.all([
      world.run(morning, { name: 'weekday-morning-delivery-1' }),
      world.run(morning, { name: 'weekday-morning-delivery-2' }),
    ]).finally(() => world.stop());

    // Assess
    expect(first.status).toBe('SUCCEEDED');
    expect(second.status).toBe('SUCCEEDED');
    const allSucceeded = Object.fromEntries(NAMES.map((n) => [n, 'SUCCEEDED']));
    expect(outcomes(first.report)).toEqual(allSucceeded);
    expect(outcomes(second.report)).toEqual(allSucceeded);
    expect(world.acceptedActions('ResumeService')).toEqual(Object.fromEntries(NAMES.map((n) => [n, 1])));
    for (const name of NAMES) {
      const [operation, ...others] = world.operationsStarted(name);
      expect(others).toEqual([]);
      const lines = [lineOf(first.report, name), lineOf(second.report, name)];
      expect(lines.map((l) => l.operationId)).toEqual([operation!.id, operation!.id]);
      // Exactly one of the two runs started the operation; the other joined it.
      const joined = lines.filter((l) => l.notes?.some((n) => n.startsWith('joined RESUME_SERVICE')));
      expect(joined).toHaveLength(1);
      expect(world.emulator.service(name)?.status).toBe('RUNNING');
    }
    expect(world.calls('PauseService')).toEqual([]);
    expect([...first.alerts, ...second.alerts]).toEqual([]);
    // In-process runs share stdout, so a capture may hold lines of both runs: count each EMF line once.
    const emf = [...new Set([...first.captured.emf, ...second.captured.emf])];
    expect(metricSum(emf, 'ServicesSucceeded', { Action: 'resume' })).toBe(6);
    expect(metricSum(emf, 'ServicesTargeted', { Action: 'resume' })).toBe(6);
    expect(metricSum(emf, 'ServicesFailed', { Action: 'resume' })).toBe(0);
  });

  it('lets a scheduled pause skip a service whose on-call wake with a lease is in flight, leaving it running', async () => {
    // Prepare
    const world = await startWorld(staging);
    const wake = {
      action: 'resume',
      targets: { serviceNames: ['api-staging'] },
      reason: 'incident 4711',
      requestedBy: 'user:alice',
      keepAwakeUntil: new Date(T0 + 4 * 3600_000).toISOString(),
    };
    const resumed = () => world.calls('ResumeService', 'api-staging').some((c) => c.httpStatus === 200);

    // Act: the pause starts as soon as App Runner has accepted the wake's resume.
    const waking = world.run(wake, { name: 'oncall-wake' });
    const pausing = when(resumed, 'the wake to call ResumeService').then(() =>
      world.run(evening, { name: 'weekday-evening' }),
    );
    const [woken, paused] = await Promise.all([waking, pausing]).finally(() => world.stop());

    // Assess
    expect(woken.status).toBe('SUCCEEDED');
    expect(lineOf(woken.report, 'api-staging').outcome).toBe('SUCCEEDED');
    expect(paused.status).toBe('SUCCEEDED');
    expect(lineOf(paused.report, 'api-staging')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'KEEP_AWAKE_LEASE',
      fromStatus: 'OPERATION_IN_PROGRESS',
    });
    expect(world.calls('PauseService')).toEqual([]);
    expect(world.operationsStarted('api-staging').map((o) => o.type)).toEqual(['RESUME_SERVICE']);
    expect(world.emulator.service('api-staging')?.status).toBe('RUNNING');
    expect(world.emulator.service('api-staging')?.tags[LEASE_TAG]).toBe(wake.keepAwakeUntil);
  });

  it('lets a pause planned before the lease existed see it before calling PauseService', async () => {
    // Prepare: a deployment is in progress, so the pause plans to act, then waits for the deployment to
    // end; meanwhile an on-call wake writes its lease. The pause re-reads the tags right before acting.
    const world = await startWorld({
      services: [
        {
          name: 'api-staging',
          status: 'OPERATION_IN_PROGRESS',
          inFlight: { type: 'START_DEPLOYMENT', durationSeconds: 60 },
        },
      ],
    });
    const wake = {
      action: 'resume',
      targets: { serviceNames: ['api-staging'] },
      requestedBy: 'user:alice',
      keepAwakeUntil: new Date(T0 + 4 * 3600_000).toISOString(),
    };
    const pauseWaiting = () => world.calls('ListOperations', 'api-staging').length > 0;

    // Act
    const pausing = world.run(evening, { name: 'weekday-evening' });
    const waking = when(pauseWaiting, 'the pause to find the deployment').then(() =>
      world.run(wake, { name: 'oncall-wake' }),
    );
    const [paused, woken] = await Promise.all([pausing, waking]).finally(() => world.stop());

    // Assess
    expect(lineOf(paused.report, 'api-staging')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'KEEP_AWAKE_LEASE',
    });
    expect(lineOf(paused.report, 'api-staging').notes?.join(' ')).toMatch(/waited for START_DEPLOYMENT/);
    expect(lineOf(woken.report, 'api-staging')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'ALREADY_RUNNING',
    });
    expect(world.calls('PauseService')).toEqual([]);
    expect(world.calls('ResumeService')).toEqual([]);
    expect(world.emulator.service('api-staging')?.status).toBe('RUNNING');
    expect(world.emulator.service('api-staging')?.tags[LEASE_TAG]).toBe(wake.keepAwakeUntil);
  });

  it('makes a scheduled pause without a lease wait for a wake in flight to finish, then pause', async () => {
    // Prepare
    const world = await startWorld(staging);
    const wake = { action: 'resume', targets: { serviceNames: ['api-staging'] }, requestedBy: 'user:alice' };
    const resumed = () => world.calls('ResumeService', 'api-staging').some((c) => c.httpStatus === 200);

    // Act
    const waking = world.run(wake, { name: 'oncall-wake' });
    const pausing = when(resumed, 'the wake to call ResumeService').then(() =>
      world.run(evening, { name: 'weekday-evening' }),
    );
    const [woken, paused] = await Promise.all([waking, pausing]).finally(() => world.stop());

    // Assess
    const [resume, pause, ...others] = world.operationsStarted('api-staging');
    expect(others).toEqual([]);
    expect(resume).toMatchObject({ type: 'RESUME_SERVICE', status: 'SUCCEEDED' });
    expect(pause).toMatchObject({ type: 'PAUSE_SERVICE', status: 'SUCCEEDED' });
    expect(pause!.startedAt).toBeGreaterThanOrEqual(resume!.endedAt!);
    expect(lineOf(woken.report, 'api-staging')).toMatchObject({
      outcome: 'SUCCEEDED',
      operationId: resume!.id,
    });
    expect(lineOf(paused.report, 'api-staging')).toMatchObject({
      outcome: 'SUCCEEDED',
      operationId: pause!.id,
      toStatus: 'PAUSED',
    });
    expect(lineOf(paused.report, 'api-staging').notes?.join(' ')).toMatch(/waited for RESUME_SERVICE/);
    expect(world.acceptedActions('ResumeService')).toEqual({ 'api-staging': 1 });
    expect(world.acceptedActions('PauseService')).toEqual({ 'api-staging': 1 });
    expect(world.emulator.service('api-staging')?.status).toBe('PAUSED');
    expect([...woken.alerts, ...paused.alerts]).toEqual([]);
  });

  it('stops probing a service another run paused, and reads its status with the polls, not per probe', async () => {
    // Prepare: the application never answers; once it is probed, a scheduled pause takes it down
    const world = await startWorld(staging, [{ type: 'never-ready', service: 'api-staging' }]);
    const wake = { action: 'resume', targets: { serviceNames: ['api-staging'] }, requestedBy: 'user:alice' };
    const probed = () => world.emulator.probes.some((p) => p.service === 'api-staging');

    // Act
    const waking = world.run(wake, { name: 'oncall-wake' });
    const pausing = when(probed, 'the wake to probe api-staging').then(() =>
      world.run(evening, { name: 'weekday-evening' }),
    );
    const [woken, paused] = await Promise.all([waking, pausing]).finally(() => world.stop());

    // Assess: the wake ends when it sees the service leave RUNNING, long before its readiness time-out
    const line = lineOf(woken.report, 'api-staging');
    expect(line.outcome).toBe('SUCCEEDED');
    expect(line.readyCheckSkipped).toMatch(
      /^the service left RUNNING \(now (OPERATION_IN_PROGRESS|PAUSED)\) before it answered$/,
    );
    expect(lineOf(paused.report, 'api-staging').outcome).toBe('SUCCEEDED');
    const probes = world.emulator.probes.filter((p) => p.service === 'api-staging');
    expect(probes.length).toBeGreaterThanOrEqual(10);
    expect(probes.length).toBeLessThan(30);
    // One status read per 20 s of probing (about ten answers), not one per answer.
    const [resume] = world.operationsStarted('api-staging');
    const reads = world
      .calls('DescribeService', 'api-staging')
      .filter((c) => c.at >= (resume?.endedAt ?? 0) && c.at <= Date.parse(line.finishedAt ?? ''));
    expect(reads.length).toBeGreaterThan(0); // the read that saw it leave RUNNING
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(probes.length / 10) + 1);
    expect(woken.alerts).toEqual([]);
  });
});
