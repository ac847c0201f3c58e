import { describe, expect, it } from 'vitest';
import type { FleetSpec } from '../../emulator/index';
import { LEASE_TAG, OPT_OUT_TAG } from '../../lib/contract/tags';
import { arnOf, MUTATING_OPS, runScenario, summaryMetrics, T0 } from './harness';

const isMutating = (op: string) => (MUTATING_OPS as readonly string[]).includes(op);

describe('target selection and dry runs', () => {
  it('selects by tags across short and empty pages and never touches a service without them', async () => {
    // Prepare
    const staging = ['api-staging', 'web-staging', 'worker-staging', 'jobs-staging', 'admin-staging'];
    const fleet = {
      options: {
        listServicesPaging: { pageSize: 2, shortPagesEvery: 2, emptyPagesEvery: 3, trailingEmptyPage: true },
      },
      services: [
        { name: 'checkout', status: 'RUNNING' as const, tags: { env: 'production', team: 'payments' } },
        ...staging.map((name) => ({
          name,
          status: 'RUNNING' as const,
          durations: { pause: 20 },
          tags: { env: 'staging', team: 'platform' },
        })),
        { name: 'data-staging', status: 'RUNNING' as const, tags: { env: 'staging', team: 'data' } },
        { name: 'untagged', status: 'RUNNING' as const },
      ],
    };
    const input = { action: 'pause', targets: { tags: { env: 'staging', team: 'platform' } } };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.report?.services.map((s) => s.serviceName).sort()).toEqual([...staging].sort());
    for (const name of staging) {
      expect(run.outcome(name)).toMatchObject({ outcome: 'SUCCEEDED', toStatus: 'PAUSED' });
      expect(run.calls('PauseService', name)).toHaveLength(1);
    }
    for (const name of ['checkout', 'data-staging', 'untagged']) {
      // The tag index names the matching services: nothing touches one that does not match.
      expect(run.calls(undefined, name)).toEqual([]);
      expect(run.service(name).status).toBe('RUNNING');
    }
    // One GetResources (not an App Runner call) found the five, filtered on both tags.
    expect(run.emulator.taggingCalls.map((c) => [c.op, c.httpStatus])).toEqual([['GetResources', 200]]);
    expect(run.emulator.taggingCalls[0]?.input).toMatchObject({
      ResourceTypeFilters: ['apprunner:service'],
      TagFilters: [
        { Key: 'env', Values: ['staging'] },
        { Key: 'team', Values: ['platform'] },
      ],
    });
    // Plan followed every NextToken through the short, empty and trailing empty pages, and read no tags:
    // the first tag read is the pause's own, right before it acts.
    const firstTagRead = run.emulator.calls.findIndex((c) => c.op === 'ListTagsForResource');
    const planPages = run.emulator.calls.slice(0, firstTagRead);
    expect(planPages.every((c) => c.op === 'ListServices')).toBe(true);
    expect(planPages.length).toBeGreaterThan(4);
    expect(planPages.some((c) => c.errorType)).toBe(false);
    expect(run.result.alerts).toEqual([]);
    expect(summaryMetrics(run)).toMatchObject({ ServicesTargeted: 5, ServicesSucceeded: 5 });
  });

  it('counts a service selected twice (by name, ARN and tags) once', async () => {
    // Prepare
    const fleet = {
      services: [
        {
          name: 'api-staging',
          status: 'PAUSED' as const,
          durations: { resume: 30 },
          tags: { env: 'staging' },
        },
      ],
    };

    // Act
    const run = await runScenario({
      fleet,
      input: {
        action: 'resume',
        targets: {
          serviceNames: ['api-staging', 'api-staging'],
          serviceArns: [arnOf('api-staging')],
          tags: { env: 'staging' },
        },
      },
    });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.report?.services).toHaveLength(1);
    expect(run.outcome('api-staging').outcome).toBe('SUCCEEDED');
    expect(run.calls('ResumeService')).toHaveLength(1);
  });

  it('changes nothing in a dry run and reports what it would have done', async () => {
    // Prepare
    const fleet: FleetSpec = {
      services: [
        { name: 'api-staging', status: 'PAUSED' as const, tags: { env: 'staging' } },
        { name: 'web-staging', status: 'RUNNING' as const, tags: { env: 'staging' } },
        {
          name: 'legacy-billing',
          status: 'PAUSED' as const,
          tags: { env: 'staging', [OPT_OUT_TAG]: 'true' },
        },
        {
          name: 'reports',
          tags: { env: 'staging' },
          inFlight: { type: 'RESUME_SERVICE' as const, elapsedSeconds: 10 },
        },
      ],
    };
    const input = {
      action: 'resume',
      targets: { tags: { env: 'staging' } },
      dryRun: true,
      requestedBy: 'schedule:weekday-morning',
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.report?.dryRun).toBe(true);
    expect(run.outcome('api-staging')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'DRY_RUN',
      notes: ['would resume (status PAUSED)'],
    });
    expect(run.outcome('web-staging')).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_RUNNING' });
    expect(run.outcome('legacy-billing')).toMatchObject({ outcome: 'SKIPPED', reason: 'OPTED_OUT' });
    expect(run.outcome('reports')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'DRY_RUN',
      notes: ['would resume (status OPERATION_IN_PROGRESS)'],
    });
    expect(run.calls().filter((c) => isMutating(c.op))).toEqual([]);
    expect(run.result.alerts).toEqual([]);
    expect(summaryMetrics(run)).toEqual({
      ServicesTargeted: 4,
      ServicesSucceeded: 0,
      ServicesSkipped: 4,
      ServicesFailed: 0,
      ServicesTimedOut: 0,
    });
    expect(run.result.invocations.StartOperationsLambdaFunction.count).toBe(0);
  });

  it('does not write a keep-awake lease in a dry run', async () => {
    // Prepare
    const until = new Date(T0 + 3600_000).toISOString();
    const fleet = { services: [{ name: 'web-staging', status: 'RUNNING' as const }] };
    const input = {
      action: 'resume',
      targets: { serviceNames: ['web-staging'] },
      dryRun: true,
      keepAwakeUntil: until,
    };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.outcome('web-staging')).toMatchObject({
      outcome: 'SKIPPED',
      reason: 'DRY_RUN',
      notes: ['would set the keep-awake lease (already RUNNING)'],
    });
    expect(run.calls().filter((c) => isMutating(c.op))).toEqual([]);
    expect(run.service('web-staging').tags[LEASE_TAG]).toBeUndefined();
  });

  it('warns, alerts and counts a tag selection that matches no service, and changes nothing', async () => {
    // Prepare: a typo in the tag value
    const fleet = {
      services: [{ name: 'api-staging', status: 'PAUSED' as const, tags: { env: 'staging' } }],
    };
    const input = { action: 'resume', targets: { tags: { env: 'stagng' } }, requestedBy: 'schedule:nightly' };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.report?.summary.targeted).toBe(0);
    expect(run.result.report?.warnings).toEqual([
      'NO_TARGETS: tags env=stagng matched no service in us-east-1 (1 services there)',
    ]);
    expect(run.result.alerts).toHaveLength(1);
    expect(run.result.alerts[0]?.subject).toBe('App Runner Scheduler: resume matched no service');
    expect(run.result.alerts[0]?.message).toContain('NO_TARGETS: tags env=stagng');
    expect(run.metric('NoTargets')).toBe(1);
    expect(run.calls().filter((c) => isMutating(c.op))).toEqual([]);
  });

  it('accepts a selection that matches nothing quietly when the input allows it', async () => {
    // Prepare
    const fleet = {
      services: [{ name: 'api-staging', status: 'PAUSED' as const, tags: { env: 'staging' } }],
    };
    const input = { action: 'resume', targets: { tags: { env: 'preview' } }, allowNoTargets: true };

    // Act
    const run = await runScenario({ fleet, input });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.report?.warnings).toBeUndefined();
    expect(run.result.alerts).toEqual([]);
    expect(run.metric('NoTargets')).toBe(0);
  });
});
