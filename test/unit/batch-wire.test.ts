import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../lib/runtime/config';
import type { BatchState, TrackedService } from '../../lib/workflow/batch';
import { trackedResult } from '../../lib/workflow/service-result';
import { parseBatch } from '../../lib/workflow/step-payloads';
import { decodeBatch, encodeBatch } from '../../lib/workflow/wire';
import { batchState } from '../support/batch';

const statuses = [
  'RUNNING',
  'PAUSED',
  'OPERATION_IN_PROGRESS',
  'CREATE_FAILED',
  'DELETE_FAILED',
  'DELETED',
] as const;
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const name = fc.stringMatching(/^[a-z][a-z0-9-]{3,20}$/);

const tracked: fc.Arbitrary<TrackedService> = fc
  .record({
    account: fc.constantFrom('123456789012', '210987654321'),
    name,
    id: hex32,
    phase: fc.constantFrom('PENDING', 'WAITING', 'IN_FLIGHT', 'DONE'),
    status: fc.constantFrom(...statuses),
    fromStatus: fc.option(fc.constantFrom(...statuses), { nil: undefined }),
    operationId: fc.option(fc.uuid(), { nil: undefined }),
    operationStartedAt: fc.option(fc.integer({ min: 1.7e12, max: 1.9e12 }), { nil: undefined }),
    polls: fc.nat(500),
    transientErrors: fc.nat(5),
    notes: fc.array(fc.string({ maxLength: 60 }), { maxLength: 3 }),
    leaseSet: fc.option(fc.constant(true), { nil: undefined }),
    readyPathTag: fc.option(fc.constantFrom('none', 'health', '/ready'), { nil: undefined }),
    readyPath: fc.option(fc.constantFrom('/', '/health'), { nil: undefined }),
    observedWarmupSeconds: fc.option(fc.nat(3600), { nil: undefined }),
    warmupToRecord: fc.option(fc.nat(3600), { nil: undefined }),
    runningSince: fc.option(fc.integer({ min: 1.7e12, max: 1.9e12 }), { nil: undefined }),
    outcome: fc.constantFrom('SUCCEEDED', 'SKIPPED', 'FAILED', 'TIMED_OUT'),
    error: fc.option(fc.string({ minLength: 1, maxLength: 200 }), { nil: undefined }),
    finishedAt: fc.integer({ min: 1.7e12, max: 1.9e12 }),
  })
  .map((r) => {
    const arn = `arn:aws:apprunner:us-east-1:${r.account}:service/${r.name}/${r.id}`;
    const svc: TrackedService = {
      arn,
      name: r.name,
      phase: r.phase as TrackedService['phase'],
      status: r.status,
      polls: r.polls,
      transientErrors: r.transientErrors,
      notes: r.notes,
      ...(r.fromStatus ? { fromStatus: r.fromStatus } : {}),
      ...(r.operationId ? { operationId: r.operationId } : {}),
      ...(r.operationStartedAt !== undefined ? { operationStartedAt: r.operationStartedAt } : {}),
      ...(r.leaseSet ? { leaseSet: true } : {}),
    };
    if (r.phase !== 'DONE') {
      if (r.readyPathTag !== undefined) svc.readyPathTag = r.readyPathTag;
      if (r.readyPath !== undefined) svc.readyPath = r.readyPath;
      if (r.observedWarmupSeconds !== undefined) svc.observedWarmupSeconds = r.observedWarmupSeconds;
      if (r.runningSince !== undefined) svc.runningSince = r.runningSince;
    }
    // Still to be written after the service is done.
    if (r.warmupToRecord !== undefined) svc.warmupToRecord = r.warmupToRecord;
    if (r.phase === 'DONE') {
      // A finished service's line is built as the engine builds it (the wire form rebuilds it the same way).
      svc.result = trackedResult(
        { action: 'resume' },
        svc,
        r.finishedAt,
        r.outcome as 'SUCCEEDED',
        r.outcome !== 'SUCCEEDED' ? 'DEADLINE_EXCEEDED' : undefined,
        r.error,
      );
    }
    return svc;
  });

function batchOf(services: TrackedService[]): BatchState {
  return batchState(services, { round: 3, nextDelaySeconds: 5, requests: 42 });
}

describe('the compact wire form of a batch', () => {
  it('decodes to exactly the batch that was encoded', () => {
    fc.assert(
      fc.property(fc.array(tracked, { minLength: 1, maxLength: 20 }), (services) => {
        // Prepare
        const batch = batchOf(services);

        // Act
        const back = decodeBatch(JSON.parse(JSON.stringify(encodeBatch(batch))));

        // Assess
        expect(back).toEqual(batch);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a finished batch of 1,000 services well under the 256 KiB state payload limit', () => {
    // Prepare: every service done, with an operation id, durations and a note
    const services: TrackedService[] = Array.from({ length: 1000 }, (_, i) => {
      const name = `svc-${String(i).padStart(4, '0')}`;
      const arn = `arn:aws:apprunner:us-east-1:123456789012:service/${name}/${'a'.repeat(28)}${String(i).padStart(4, '0')}`;
      const svc: TrackedService = {
        arn,
        name,
        phase: 'DONE',
        status: 'RUNNING',
        fromStatus: 'PAUSED',
        operationId: '5aeded82-bbea-4e5f-9861-86e714b89976',
        operationStartedAt: 1.8e12,
        polls: 120,
        transientErrors: 0,
        notes: [],
      };
      svc.result = {
        serviceArn: arn,
        serviceName: name,
        outcome: 'SUCCEEDED',
        operationId: svc.operationId,
        fromStatus: 'PAUSED',
        toStatus: 'RUNNING',
        durationSeconds: 240,
        polls: 120,
        finishedAt: new Date(1.8e12 + 240_000).toISOString(),
      };
      return svc;
    });

    // Act
    const readable = JSON.stringify(batchOf(services)).length;
    const wire = JSON.stringify(encodeBatch(batchOf(services))).length;

    // Assess
    expect(readable).toBeGreaterThan(256 * 1024);
    expect(wire).toBeLessThan(200 * 1024);
  });
});

describe('a batch too large for the payload limit', () => {
  it('sheds notes and long error texts rather than fail the step', () => {
    // Prepare: 1,000 failed services, each with a long error and long notes
    const services: TrackedService[] = Array.from({ length: 1000 }, (_, i) => {
      const name = `svc-${String(i).padStart(4, '0')}`;
      const arn = `arn:aws:apprunner:us-east-1:123456789012:service/${name}/${'b'.repeat(28)}${String(i).padStart(4, '0')}`;
      const notes = ['x'.repeat(150), 'y'.repeat(150)];
      return {
        arn,
        name,
        phase: 'DONE',
        status: 'PAUSED',
        polls: 3,
        transientErrors: 0,
        notes,
        result: {
          serviceArn: arn,
          serviceName: name,
          outcome: 'FAILED',
          reason: 'APP_RUNNER_ERROR',
          toStatus: 'PAUSED',
          polls: 3,
          finishedAt: new Date(1.8e12).toISOString(),
          notes,
          error: 'e'.repeat(290),
        },
      } satisfies TrackedService;
    });

    // Act
    const wire = encodeBatch(batchOf(services));
    const back = decodeBatch(wire);

    // Assess
    expect(JSON.stringify(wire).length).toBeLessThanOrEqual(240_000);
    expect(back.services).toHaveLength(1000);
    expect(
      back.services.every((s) => s.result?.outcome === 'FAILED' && s.result.reason === 'APP_RUNNER_ERROR'),
    ).toBe(true);
    expect(back.services[0]?.result?.error?.length).toBeLessThanOrEqual(80);
  });

  it("fills the settings a batch planned by an older release lacks with the configuration's defaults", () => {
    // Prepare: a batch as the first release planned it, without the readiness and history settings
    const old = structuredClone(batchOf([]));
    const settings = old.settings as Partial<BatchState['settings']>;
    for (const key of ['predictFromHistory', 'readyTimeoutSeconds', 'probeIntervalSeconds'] as const) {
      delete settings[key];
    }
    old.services = [
      {
        arn: 'arn:aws:apprunner:us-east-1:123456789012:service/api-staging/0123456789abcdef0123456789abcdef',
        name: 'api-staging',
        phase: 'PENDING',
        status: 'PAUSED',
        polls: 0,
        transientErrors: 0,
        notes: [],
      },
    ];

    // Act
    const parsed = parseBatch(old);

    // Assess
    expect(parsed.settings).toMatchObject({
      predictFromHistory: CONFIG_DEFAULTS.POLL_FROM_HISTORY,
      readyTimeoutSeconds: CONFIG_DEFAULTS.READY_TIMEOUT_SECONDS,
      probeIntervalSeconds: CONFIG_DEFAULTS.READY_PROBE_INTERVAL_SECONDS,
    });
    expect(parsed.settings.predictFromHistory).toBe(true);
  });
});
