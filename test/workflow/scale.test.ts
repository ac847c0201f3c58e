import { describe, expect, it } from 'vitest';
import type { FleetSpec, OperationSnapshot } from '../../emulator/index';
import { OPT_OUT_TAG } from '../../lib/contract/tags';
import { ErrorNames } from '../../lib/runtime/errors';
import { runScenario, summaryMetrics, T0 } from './harness';

/** The most operations running at the same moment (an operation occupies [startedAt, endedAt)). */
function maxOverlap(operations: OperationSnapshot[]): number {
  const edges = operations.flatMap((op) => [
    { at: op.startedAt, delta: 1 },
    { at: op.endedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  // Ends before starts at the same instant: a slot freed at t can be reused at t.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let max = 0;
  for (const edge of edges) {
    open += edge.delta;
    max = Math.max(max, open);
  }
  return max;
}

describe('a large mixed fleet', () => {
  it('keeps at most MAX_CONCURRENT_OPERATIONS operations in flight and gives every service one outcome', async () => {
    // Prepare
    const fleet: FleetSpec = {
      generate: [
        { count: 40, namePrefix: 'paused', status: 'PAUSED', durations: { resume: { min: 30, max: 120 } } },
        { count: 4, namePrefix: 'running', status: 'RUNNING' },
      ],
      services: [
        { name: 'opted-out-1', status: 'PAUSED', tags: { [OPT_OUT_TAG]: 'true' } },
        { name: 'opted-out-2', status: 'PAUSED', tags: { [OPT_OUT_TAG]: 'true' } },
        { name: 'broken-create', status: 'CREATE_FAILED' },
        { name: 'resuming-1', inFlight: { type: 'RESUME_SERVICE', elapsedSeconds: 20 } },
        {
          name: 'deploying-1',
          durations: { deploy: 100 },
          inFlight: { type: 'START_DEPLOYMENT', elapsedSeconds: 10 },
        },
        { name: 'failing-1', status: 'PAUSED', faults: [{ type: 'operation-fails' }] },
      ],
    };
    // Services are started in target order: the operation in flight is joined before the slots fill up.
    const names = [
      'resuming-1',
      'deploying-1',
      ...Array.from({ length: 40 }, (_, i) => `paused-${String(i + 1).padStart(4, '0')}`),
      ...Array.from({ length: 4 }, (_, i) => `running-${String(i + 1).padStart(4, '0')}`),
      'opted-out-1',
      'opted-out-2',
      'broken-create',
      'failing-1',
    ];
    const input = {
      action: 'resume',
      targets: { serviceNames: names },
      requestedBy: 'schedule:weekday-morning',
    };

    // Act
    const run = await runScenario({ fleet, input, env: { MAX_CONCURRENT_OPERATIONS: '10' } });

    // Assess
    const report = run.result.report!;
    expect(report.services).toHaveLength(50);
    expect(new Set(report.services.map((s) => s.serviceArn)).size).toBe(50);
    expect(report.services.map((s) => s.serviceName).sort()).toEqual([...names].sort());
    const resumes = run.emulator
      .services()
      .flatMap((s) => s.operations)
      .filter((op) => op.type === 'RESUME_SERVICE');
    // 41 started by the run, and the one it joined (which holds a slot until it ends).
    expect(resumes.filter((op) => op.startedAt >= T0)).toHaveLength(41);
    expect(resumes).toHaveLength(42);
    expect(maxOverlap(resumes)).toBe(10);
    for (let i = 1; i <= 40; i++) {
      expect(run.outcome(`paused-${String(i).padStart(4, '0')}`).outcome).toBe('SUCCEEDED');
    }
    for (let i = 1; i <= 4; i++) {
      expect(run.outcome(`running-${String(i).padStart(4, '0')}`)).toMatchObject({
        outcome: 'SKIPPED',
        reason: 'ALREADY_RUNNING',
      });
    }
    expect(run.outcome('opted-out-1')).toMatchObject({ outcome: 'SKIPPED', reason: 'OPTED_OUT' });
    expect(run.outcome('broken-create')).toMatchObject({ outcome: 'FAILED', reason: 'NOT_RESUMABLE_STATE' });
    expect(run.outcome('resuming-1').notes?.[0]).toMatch(/^joined RESUME_SERVICE operation/);
    expect(run.outcome('resuming-1').outcome).toBe('SUCCEEDED');
    expect(run.outcome('deploying-1')).toMatchObject({ outcome: 'SKIPPED', reason: 'ALREADY_RUNNING' });
    expect(run.outcome('failing-1')).toMatchObject({ outcome: 'FAILED', reason: 'OPERATION_FAILED' });
    expect(report.summary).toEqual({ targeted: 50, succeeded: 41, skipped: 7, failed: 2, timedOut: 0 });
    expect(run.result.status).toBe('FAILED');
    expect(run.result.error?.name).toBe(ErrorNames.ServicesFailed);
    expect(run.result.alerts).toHaveLength(1);
    expect(run.result.alerts[0]!.subject).toBe(
      'App Runner Scheduler: resume needs attention (2 of 50 services)',
    );
    expect(summaryMetrics(run)).toEqual({
      ServicesTargeted: 50,
      ServicesSucceeded: 41,
      ServicesSkipped: 7,
      ServicesFailed: 2,
      ServicesTimedOut: 0,
    });
    expect(run.metricValues('OperationDurationSeconds')).toHaveLength(41);
  });
});
