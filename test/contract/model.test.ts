import { describe, expect, it } from 'vitest';
import { AppRunnerApiError } from '../../emulator/errors';
import { AppRunnerModel, parseServiceArn, serviceIdFor } from '../../emulator/model';
import { ManualClock } from '../../lib/runtime/clock';
import { RateLimiter } from '../../lib/runtime/rate-limiter';
import { T0 } from './helpers';

// The state model without HTTP: everything is a function of the fleet and a ManualClock.

const region = 'us-east-1';

function model(fleet: ConstructorParameters<typeof AppRunnerModel>[0], clock = new ManualClock(T0)) {
  return { m: new AppRunnerModel(fleet, clock), clock };
}

describe('AppRunnerModel', () => {
  it('derives stable service ids and ARNs from account, region and name', () => {
    // Prepare
    const fleet = { services: [{ name: 'api-staging' }] };

    // Act
    const a = model(fleet).m.snapshot('api-staging');
    const b = model(fleet).m.snapshot('api-staging');

    // Assess
    expect(a?.id).toBe(serviceIdFor('123456789012', region, 'api-staging'));
    expect(a?.id).toBe(b?.id);
    expect(a?.arn).toBe(`arn:aws:apprunner:us-east-1:123456789012:service/api-staging/${a?.id}`);
    expect(parseServiceArn(a?.arn ?? '')).toEqual({
      region,
      accountId: '123456789012',
      name: 'api-staging',
      id: a?.id,
    });
  });

  it('moves an operation PENDING → IN_PROGRESS → SUCCEEDED purely from the clock', async () => {
    // Prepare
    const { m, clock } = model({
      services: [{ name: 'api-staging', status: 'PAUSED', durations: { resume: 30 } }],
    });
    const arn = m.snapshot('api-staging')!.arn;

    // Act
    const { operationId } = m.resumeService(region, arn);
    const timeline: string[] = [];
    for (const ms of [0, 999, 1, 28_999, 1]) {
      await clock.advance(ms);
      const s = m.snapshot(arn)!;
      timeline.push(`${s.status}/${s.operations[0]?.status}`);
    }

    // Assess
    expect(timeline).toEqual([
      'OPERATION_IN_PROGRESS/PENDING',
      'OPERATION_IN_PROGRESS/PENDING',
      'OPERATION_IN_PROGRESS/IN_PROGRESS',
      'OPERATION_IN_PROGRESS/IN_PROGRESS',
      'RUNNING/SUCCEEDED',
    ]);
    expect(m.snapshot(arn)?.operations[0]).toMatchObject({
      id: operationId,
      endedAt: T0 + 30_000,
      updatedAt: T0 + 30_000,
    });
  });

  it('gives the same operation ids to the same calls in two runs', () => {
    // Prepare
    const fleet = { services: [{ name: 'api-staging', status: 'PAUSED' as const }] };
    const first = model(fleet).m;
    const second = model(fleet).m;

    // Act
    const a = first.resumeService(region, first.snapshot('api-staging')!.arn).operationId;
    const b = second.resumeService(region, second.snapshot('api-staging')!.arn).operationId;

    // Assess
    expect(a).toBe(b);
  });

  it('returns a failed resume to PAUSED and a failed pause to RUNNING', async () => {
    // Prepare
    const { m, clock } = model({
      services: [
        {
          name: 'resumer',
          status: 'PAUSED',
          durations: { resume: 10 },
          faults: [{ type: 'operation-fails' }],
        },
        {
          name: 'pauser',
          status: 'RUNNING',
          durations: { pause: 10 },
          faults: [{ type: 'operation-fails' }],
        },
      ],
    });

    // Act
    m.resumeService(region, m.snapshot('resumer')!.arn);
    m.pauseService(region, m.snapshot('pauser')!.arn);
    await clock.advance(10_000);

    // Assess
    expect(m.snapshot('resumer')).toMatchObject({ status: 'PAUSED', operations: [{ status: 'FAILED' }] });
    expect(m.snapshot('pauser')).toMatchObject({ status: 'RUNNING', operations: [{ status: 'FAILED' }] });
  });

  it('starts an in-flight resume part-way through and finishes it on time', async () => {
    // Prepare
    const { m, clock } = model({
      services: [
        {
          name: 'reports',
          inFlight: { type: 'RESUME_SERVICE', elapsedSeconds: 15 },
          durations: { resume: 50 },
        },
      ],
    });

    // Act
    const atStart = m.snapshot('reports')!;
    await clock.advance(35_000);
    const atEnd = m.snapshot('reports')!;

    // Assess
    expect(atStart.status).toBe('OPERATION_IN_PROGRESS');
    expect(atStart.operations[0]).toMatchObject({
      type: 'RESUME_SERVICE',
      status: 'IN_PROGRESS',
      startedAt: T0 - 15_000,
    });
    expect(atEnd.status).toBe('RUNNING');
  });

  it('shows a deleted service to DescribeService for deletedVisibleSeconds, then answers ResourceNotFoundException', async () => {
    // Prepare
    const { m, clock } = model({
      options: { deletedVisibleSeconds: 60 },
      services: [{ name: 'old-app', status: 'DELETED' }],
    });
    const arn = m.snapshot('old-app')!.arn;

    // Act
    const visible = m.describeService(region, arn);
    const listed = m.listServices(region).services;
    await clock.advance(60_000);
    let error: unknown;
    try {
      m.describeService(region, arn);
    } catch (e) {
      error = e;
    }

    // Assess
    expect(visible).toMatchObject({ status: 'DELETED', deletedAt: T0 });
    expect(listed).toEqual([]);
    expect(error).toBeInstanceOf(AppRunnerApiError);
    expect((error as AppRunnerApiError).errorType).toBe('ResourceNotFoundException');
    expect(m.snapshot('old-app')?.visible).toBe(false);
  });

  it('generates 1,000 services with durations spread over 30–300 s, reproducibly, round-robin over regions', () => {
    // Prepare
    const fleet = {
      options: { seed: 7 },
      generate: {
        count: 1000,
        namePrefix: 'svc',
        durations: { resume: { min: 30, max: 300 } },
        regions: ['us-east-1', 'eu-west-1'],
      },
    };

    // Act
    const services = model(fleet).m.snapshots();
    const again = model(fleet).m.snapshots();
    const durations = services.map((s) => s.durations.resume);

    // Assess
    expect(services).toHaveLength(1000);
    expect(services[0]).toMatchObject({ name: 'svc-0001', region: 'us-east-1', status: 'PAUSED' });
    expect(services[1]?.region).toBe('eu-west-1');
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...durations)).toBeLessThanOrEqual(300);
    expect(new Set(durations).size).toBeGreaterThan(200);
    expect(durations.every(Number.isInteger)).toBe(true);
    expect(again.map((s) => s.durations.resume)).toEqual(durations);
  });

  it('adds services at runtime at the current clock time', async () => {
    // Prepare
    const { m, clock } = model({});
    await clock.advance(5_000);

    // Act
    const [added] = m.addServices({
      name: 'late-comer',
      status: 'RUNNING',
      createdAt: '2026-01-01T00:00:00Z',
    });

    // Assess
    expect(added).toMatchObject({ name: 'late-comer', status: 'RUNNING', createdAt: Date.UTC(2026, 0, 1) });
    expect(() => m.addServices({ name: 'late-comer' })).toThrow(/already exists/);
    expect(() => m.addServices({ name: 'x' })).toThrow(/name/);
  });
});

describe('the request budget (the one token bucket, as the emulator uses it)', () => {
  it('allows a burst of one second of requests and refills continuously with the clock', async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const bucket = new RateLimiter(clock, 20, 20);

    // Act
    const burst = Array.from({ length: 21 }, () => bucket.tryAcquire());
    await clock.advance(50);
    const afterOneTwentieth = [bucket.tryAcquire(), bucket.tryAcquire()];

    // Assess
    expect(burst.filter(Boolean)).toHaveLength(20);
    expect(burst[20]).toBe(false);
    expect(afterOneTwentieth).toEqual([true, false]);
  });
});
