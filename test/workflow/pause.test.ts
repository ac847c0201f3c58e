import { describe, expect, it } from 'vitest';
import { LEASE_BY_TAG, LEASE_REASON_TAG, LEASE_TAG, OPT_OUT_TAG } from '../../lib/contract/tags';
import { arnOf, MUTATING_OPS, runScenario, summaryMetrics, T0 } from './harness';

const future = new Date(T0 + 2 * 3600_000).toISOString();
const past = new Date(T0 - 3600_000).toISOString();

describe('pause workflow', () => {
  it('waits for a deployment in progress to end, then pauses the service', async () => {
    // Prepare
    const fleet = {
      services: [
        {
          name: 'api-staging',
          durations: { pause: 20, deploy: 120 },
          inFlight: { type: 'START_DEPLOYMENT' as const, elapsedSeconds: 30 },
        },
      ],
    };
    const input = { action: 'pause', targets: { serviceNames: ['api-staging'] } };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    const [pause, deployment] = run.service('api-staging').operations;
    const line = run.outcome('api-staging');
    expect(run.result.status).toBe('SUCCEEDED');
    expect(deployment).toMatchObject({ type: 'START_DEPLOYMENT', status: 'SUCCEEDED' });
    expect(pause).toMatchObject({ type: 'PAUSE_SERVICE', status: 'SUCCEEDED' });
    expect(line).toMatchObject({
      outcome: 'SUCCEEDED',
      operationId: pause!.id,
      fromStatus: 'RUNNING',
      toStatus: 'PAUSED',
    });
    expect(line.notes).toEqual([`waited for START_DEPLOYMENT operation ${deployment!.id}`]);
    const pauseCalls = run.calls('PauseService', 'api-staging');
    expect(pauseCalls).toHaveLength(1);
    expect(pauseCalls[0]!.at).toBeGreaterThanOrEqual(deployment!.endedAt!);
    // The deployment ends 90 s into the run: the pause starts soon after, not at the next long poll.
    expect(pauseCalls[0]!.at - deployment!.endedAt!).toBeLessThanOrEqual(5_000);
    expect(line.durationSeconds).toBeGreaterThanOrEqual(20);
    expect(line.durationSeconds).toBeLessThanOrEqual(25);
    expect(run.service('api-staging').status).toBe('PAUSED');
    expect(run.result.alerts).toEqual([]);
    expect(summaryMetrics(run)).toMatchObject({ ServicesTargeted: 1, ServicesSucceeded: 1 });
  });

  it('skips a service whose keep-awake lease has not expired and pauses one whose lease has', async () => {
    // Prepare
    const fleet = {
      services: [
        { name: 'demo-app', status: 'RUNNING' as const, tags: { [LEASE_TAG]: future } },
        {
          name: 'old-demo',
          status: 'RUNNING' as const,
          durations: { pause: 20 },
          tags: { [LEASE_TAG]: past },
        },
      ],
    };
    const input = {
      action: 'pause',
      targets: { serviceNames: ['demo-app', 'old-demo'] },
      requestedBy: 'schedule:weeknight',
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.outcome('demo-app')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'KEEP_AWAKE_LEASE',
      toStatus: 'RUNNING',
      notes: [`kept awake until ${future}`],
    });
    expect(run.outcome('old-demo')).toMatchObject({ outcome: 'SUCCEEDED', toStatus: 'PAUSED' });
    expect(run.calls('PauseService', 'demo-app')).toEqual([]);
    expect(run.calls('PauseService', 'old-demo')).toHaveLength(1);
    expect(run.service('demo-app').status).toBe('RUNNING');
    expect(run.result.alerts).toEqual([]);
    expect(summaryMetrics(run)).toMatchObject({ ServicesSkipped: 1, ServicesSucceeded: 1 });
  });

  it('pauses a leased service when told to override the lease, removing the lease only right before PauseService', async () => {
    // Prepare
    const fleet = {
      services: [
        {
          name: 'demo-app',
          status: 'RUNNING' as const,
          durations: { pause: 20 },
          tags: {
            [LEASE_TAG]: future,
            [LEASE_BY_TAG]: 'user:bob',
            [LEASE_REASON_TAG]: 'demo for ACME',
            team: 'sales',
          },
        },
      ],
    };
    const input = {
      action: 'pause',
      targets: { serviceNames: ['demo-app'] },
      requestedBy: 'user:alice',
      overrideLease: true,
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.outcome('demo-app')).toMatchObject({ outcome: 'SUCCEEDED', toStatus: 'PAUSED' });
    expect(run.outcome('demo-app').notes).toContain(
      `keep-awake lease until ${future}, set by user:bob ("demo for ACME") overridden by user:alice`,
    );
    expect(run.service('demo-app').tags).toEqual({ team: 'sales' });
    const mutating = run
      .calls(undefined, 'demo-app')
      .filter((c) => ['UntagResource', 'PauseService'].includes(c.op));
    expect(mutating.map((c) => c.op)).toEqual(['UntagResource', 'PauseService']);
    expect(mutating[0]?.input).toEqual({
      ResourceArn: arnOf('demo-app'),
      TagKeys: [LEASE_TAG, LEASE_BY_TAG, LEASE_REASON_TAG],
    });
  });

  it('leaves the lease in place in a dry run that would override it', async () => {
    // Prepare
    const fleet = {
      services: [{ name: 'demo-app', status: 'RUNNING' as const, tags: { [LEASE_TAG]: future } }],
    };
    const input = {
      action: 'pause',
      targets: { serviceNames: ['demo-app'] },
      dryRun: true,
      overrideLease: true,
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.outcome('demo-app')).toMatchObject({ outcome: 'SKIPPED', reason: 'DRY_RUN' });
    expect(run.outcome('demo-app').notes).toContain('would pause (status RUNNING)');
    expect(run.service('demo-app').tags[LEASE_TAG]).toBe(future);
    expect(
      run.calls().filter((c) => ['UntagResource', 'PauseService', 'TagResource'].includes(c.op)),
    ).toEqual([]);
  });

  it('leaves an opted-out service alone in a scheduled run', async () => {
    // Prepare
    const fleet = {
      services: [{ name: 'legacy-billing', status: 'RUNNING' as const, tags: { [OPT_OUT_TAG]: 'true' } }],
    };
    const input = {
      action: 'pause',
      targets: { serviceNames: ['legacy-billing'] },
      requestedBy: 'schedule:weeknight',
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.outcome('legacy-billing')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'OPTED_OUT',
      notes: [`tag ${OPT_OUT_TAG}=true`],
    });
    expect(run.calls().filter((c) => (MUTATING_OPS as readonly string[]).includes(c.op))).toEqual([]);
    expect(run.service('legacy-billing').status).toBe('RUNNING');
  });

  it('pauses an opted-out service when a person asks explicitly, and says so in the report', async () => {
    // Prepare
    const fleet = {
      services: [
        {
          name: 'legacy-billing',
          status: 'RUNNING' as const,
          durations: { pause: 20 },
          tags: { [OPT_OUT_TAG]: 'true' },
        },
      ],
    };
    const input = {
      action: 'pause',
      targets: { serviceNames: ['legacy-billing'] },
      requestedBy: 'user:alice',
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.outcome('legacy-billing')).toMatchObject({
      outcome: 'SUCCEEDED',
      fromStatus: 'RUNNING',
      toStatus: 'PAUSED',
      notes: ['opt-out tag overridden by an explicit request from user:alice'],
    });
    expect(run.calls('PauseService')).toHaveLength(1);
    expect(run.service('legacy-billing').status).toBe('PAUSED');
  });

  it('skips a service that is already paused without calling PauseService', async () => {
    // Prepare
    const fleet = {
      services: [
        { name: 'api-staging', status: 'PAUSED' as const },
        { name: 'web-staging', status: 'RUNNING' as const, durations: { pause: 10 } },
      ],
    };
    const input = { action: 'pause', targets: { serviceNames: ['api-staging', 'web-staging'] } };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.outcome('api-staging')).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_PAUSED' });
    expect(run.outcome('web-staging')).toMatchObject({ outcome: 'SUCCEEDED', toStatus: 'PAUSED' });
    expect(run.calls('PauseService', 'api-staging')).toEqual([]);
    expect(summaryMetrics(run)).toEqual({
      ServicesTargeted: 2,
      ServicesSucceeded: 1,
      ServicesSkipped: 1,
      ServicesFailed: 0,
      ServicesTimedOut: 0,
    });
  });
});
