import {
  ListOperationsCommand,
  paginateListOperations,
  ResumeServiceCommand,
} from '@aws-sdk/client-apprunner';
import { describe, expect, it } from 'vitest';
import {
  AppRunnerModel,
  type FleetSpec,
  FleetValidationError,
  loadFleetFile,
  type OperationSnapshot,
  SAMPLE_FLEET_PATH,
  type ServiceSnapshot,
} from '../../emulator/index';
import { ManualClock } from '../../lib/runtime/clock';
import { startHarness, T0 } from './helpers';

// Seeded operation history: what ListOperations shows of a service's past, so that predictors and the
// savings ledger have real history locally. T0 is Saturday 2026-11-28 06:00 UTC.

const HOUR = 3600_000;
const DAY = 24 * HOUR;

function model(fleet: FleetSpec, start = T0) {
  return new AppRunnerModel(fleet, new ManualClock(start));
}

/** Oldest first. */
const oldestFirst = (s: ServiceSnapshot | undefined) => (s?.operations ?? []).slice().reverse();

/** Replays a history and returns the first operation App Runner could not have run, if any. */
function impossible(ops: OperationSnapshot[], status: string): string | undefined {
  let state: string | undefined;
  let busyUntil = Number.NEGATIVE_INFINITY;
  for (const op of ops) {
    const from = op.type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING';
    state ??= from;
    if (state !== from) return `${op.type} at ${new Date(op.startedAt).toISOString()} from ${state}`;
    if (op.startedAt < busyUntil) return `overlap at ${new Date(op.startedAt).toISOString()}`;
    busyUntil = op.endedAt ?? Number.POSITIVE_INFINITY;
    if (op.status === 'SUCCEEDED') state = op.type === 'PAUSE_SERVICE' ? 'PAUSED' : 'RUNNING';
  }
  return state === undefined || state === status ? undefined : `ends ${state}, status ${status}`;
}

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FleetValidationError);
    return (error as FleetValidationError).issues;
  }
  throw new Error('expected a FleetValidationError');
}

describe('explicit history', () => {
  it('lists the given operations newest first, FAILED ones included, and the service was updated when the last ended', () => {
    // Prepare
    const fleet: FleetSpec = {
      services: [
        {
          name: 'billing',
          status: 'PAUSED',
          history: {
            operations: [
              { type: 'PAUSE_SERVICE', startedSecondsAgo: 2 * 3600, durationSeconds: 25 },
              { type: 'RESUME_SERVICE', startedAt: '2026-11-27T07:00:00Z', durationSeconds: 64 },
              {
                type: 'PAUSE_SERVICE',
                status: 'FAILED',
                startedAt: '2026-11-27T19:00:00+01:00',
                durationSeconds: 41,
              },
            ],
          },
        },
      ],
    };

    // Act
    const billing = model(fleet).snapshot('billing');

    // Assess
    expect(
      billing?.operations.map((o) => [
        o.type,
        o.status,
        new Date(o.startedAt).toISOString(),
        (o.endedAt ?? 0) - o.startedAt,
      ]),
    ).toEqual([
      ['PAUSE_SERVICE', 'SUCCEEDED', '2026-11-28T04:00:00.000Z', 25_000],
      ['PAUSE_SERVICE', 'FAILED', '2026-11-27T18:00:00.000Z', 41_000],
      ['RESUME_SERVICE', 'SUCCEEDED', '2026-11-27T07:00:00.000Z', 64_000],
    ]);
    expect(billing?.status).toBe('PAUSED');
    expect(billing?.updatedAt).toBe(T0 - 2 * HOUR + 25_000);
    expect(billing?.createdAt).toBeLessThan(Date.parse('2026-11-27T07:00:00Z'));
  });

  it('names each operation App Runner could not have run: from the wrong status, overlapping, ending after now, or leaving another status', () => {
    // Act
    const issues = issuesOf(() =>
      model({
        services: [
          {
            name: 'broken',
            status: 'PAUSED',
            history: {
              operations: [
                { type: 'RESUME_SERVICE', startedSecondsAgo: 7200, durationSeconds: 60 },
                { type: 'RESUME_SERVICE', startedSecondsAgo: 7170, durationSeconds: 60 },
                { type: 'PAUSE_SERVICE', startedSecondsAgo: 10, durationSeconds: 30 },
              ],
            },
          },
          {
            name: 'running',
            status: 'RUNNING',
            history: { operations: [{ type: 'PAUSE_SERVICE', startedSecondsAgo: 600, durationSeconds: 30 }] },
          },
        ],
      }),
    );

    // Assess
    expect(issues).toEqual([
      'services[0].history.operations[1]: starts before operations[0] ends (2026-11-28T04:01:00.000Z)',
      'services[0].history.operations[1]: a RESUME_SERVICE needs a PAUSED service, but the operations before it leave it RUNNING',
      "services[0].history.operations[2]: ends at 2026-11-28T06:00:20.000Z, after 2026-11-28T06:00:00.000Z (the clock's start or the in-flight operation's start)",
      'services[1].history.operations: the last successful operation leaves the service PAUSED, but its status is RUNNING',
    ]);
  });

  it('ends before an in-flight operation starts', () => {
    // Act
    const issues = issuesOf(() =>
      model({
        services: [
          {
            name: 'reports',
            inFlight: { type: 'RESUME_SERVICE', elapsedSeconds: 600 },
            history: { operations: [{ type: 'PAUSE_SERVICE', startedSecondsAgo: 620, durationSeconds: 30 }] },
          },
        ],
      }),
    );

    // Assess
    expect(issues).toEqual([
      "services[0].history.operations[0]: ends at 2026-11-28T05:50:10.000Z, after 2026-11-28T05:50:00.000Z (the clock's start or the in-flight operation's start)",
    ]);
  });
});

describe('generated history: count', () => {
  it('alternates pause and resume every 12 hours, ending with the operation that left the service as it is', () => {
    // Prepare
    const fleet: FleetSpec = {
      defaults: { durations: { resume: 60, pause: 30 }, history: { count: 10 } },
      services: [
        { name: 'sleeper', status: 'PAUSED' },
        { name: 'waker', status: 'RUNNING' },
      ],
    };

    // Act
    const m = model(fleet);
    const sleeper = oldestFirst(m.snapshot('sleeper'));
    const waker = oldestFirst(m.snapshot('waker'));

    // Assess
    expect(sleeper).toHaveLength(10);
    expect(sleeper.at(-1)).toMatchObject({
      type: 'PAUSE_SERVICE',
      status: 'SUCCEEDED',
      startedAt: T0 - 12 * HOUR,
    });
    expect(sleeper[0]).toMatchObject({ type: 'RESUME_SERVICE', startedAt: T0 - 120 * HOUR });
    expect(waker.at(-1)).toMatchObject({ type: 'RESUME_SERVICE', status: 'SUCCEEDED' });
    expect(impossible(sleeper, 'PAUSED')).toBeUndefined();
    expect(impossible(waker, 'RUNNING')).toBeUndefined();
    expect(sleeper.every((o) => (o.endedAt ?? Number.POSITIVE_INFINITY) <= T0)).toBe(true);
  });

  it('fails every Nth operation, oldest first, and stays a history App Runner could have written', () => {
    // Prepare
    const fleet: FleetSpec = {
      services: [{ name: 'flaky', status: 'PAUSED', history: { count: 12, everyHours: 6, failEvery: 4 } }],
    };

    // Act
    const ops = oldestFirst(model(fleet).snapshot('flaky'));

    // Assess
    expect(ops.map((o) => o.status[0]).join('')).toBe('SSSFSSSFSSSF');
    expect(impossible(ops, 'PAUSED')).toBeUndefined();
    expect(ops[1]!.startedAt - ops[0]!.startedAt).toBe(6 * HOUR);
  });

  it("spreads each operation by up to ±jitter around the service's duration, the same way every run", () => {
    // Prepare
    const fleet = (seed: number): FleetSpec => ({
      options: { seed },
      services: [
        {
          name: 'spread',
          status: 'PAUSED',
          durations: { resume: 100, pause: 40, jitter: 0.2 },
          history: { count: 40 },
        },
      ],
    });
    const resumes = (m: AppRunnerModel) =>
      (m.snapshot('spread')?.operations ?? [])
        .filter((o) => o.type === 'RESUME_SERVICE')
        .map((o) => (o.endedAt ?? 0) - o.startedAt);

    // Act
    const first = resumes(model(fleet(1)));
    const again = resumes(model(fleet(1)));
    const otherSeed = resumes(model(fleet(2)));

    // Assess
    expect(first).toHaveLength(20);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(80_000);
    expect(Math.max(...first)).toBeLessThanOrEqual(120_000);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(20_000);
    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  it('says when operations would not fit between each other', () => {
    // Act
    const issues = issuesOf(() =>
      model({
        services: [
          {
            name: 'crowded',
            status: 'PAUSED',
            durations: { resume: 600 },
            history: { count: 4, everyHours: 0.1 },
          },
        ],
      }),
    );

    // Assess
    expect(issues).toEqual([
      'services[0].history.everyHours: operations last up to 600 s; leave more room between them',
    ]);
  });

  it('gives every generated service its own history', () => {
    // Act
    const m = model({ generate: { count: 3, namePrefix: 'gen', status: 'RUNNING', history: { count: 4 } } });

    // Assess
    expect(m.snapshots()).toHaveLength(3);
    for (const s of m.snapshots()) {
      expect(s.operations).toHaveLength(4);
      expect(s.operations[0]?.type).toBe('RESUME_SERVICE');
    }
  });
});

describe('generated history: a weekly calendar', () => {
  it('resumes and pauses at wall times on weekdays in the time zone, and leaves weekends paused', () => {
    // Prepare: two weeks before Saturday 06:00 UTC; Berlin is UTC+1 in November
    const fleet: FleetSpec = {
      services: [
        {
          name: 'office-hours',
          status: 'PAUSED',
          history: {
            weeks: 2,
            timezone: 'Europe/Berlin',
            resumeAt: '07:00',
            pauseAt: '20:00',
            days: 'MON-FRI',
          },
        },
      ],
    };

    // Act
    const ops = oldestFirst(model(fleet).snapshot('office-hours'));

    // Assess
    expect(ops).toHaveLength(20);
    const starts = ops.map((o) => new Date(o.startedAt).toISOString());
    expect(starts.slice(0, 2)).toEqual(['2026-11-16T06:00:00.000Z', '2026-11-16T19:00:00.000Z']);
    expect(starts.at(-1)).toBe('2026-11-27T19:00:00.000Z');
    expect(ops.every((o) => ![0, 6].includes(new Date(o.startedAt).getUTCDay()))).toBe(true);
    expect(impossible(ops, 'PAUSED')).toBeUndefined();
  });

  it('follows the time zone across a daylight-saving change', () => {
    // Prepare: New York moves to EDT on Sunday 2026-03-08
    const start = Date.UTC(2026, 2, 14, 6, 0, 0);
    const fleet: FleetSpec = {
      services: [
        {
          name: 'new-york',
          status: 'PAUSED',
          history: { weeks: 2, timezone: 'America/New_York', resumeAt: '07:00', pauseAt: '19:00' },
        },
      ],
    };

    // Act
    const resumes = oldestFirst(model(fleet, start).snapshot('new-york'))
      .filter((o) => o.type === 'RESUME_SERVICE')
      .map((o) => new Date(o.startedAt).toISOString().slice(5, 16));

    // Assess
    expect(resumes).toEqual([
      '03-02T12:00',
      '03-03T12:00',
      '03-04T12:00',
      '03-05T12:00',
      '03-06T12:00',
      '03-09T11:00',
      '03-10T11:00',
      '03-11T11:00',
      '03-12T11:00',
      '03-13T11:00',
    ]);
  });

  it("ends with the newest operation that agrees with the service's status", () => {
    // Prepare: on Saturday the calendar has it paused since Friday evening, but this service is RUNNING
    const fleet: FleetSpec = { services: [{ name: 'left-on', status: 'RUNNING', history: { weeks: 1 } }] };

    // Act
    const ops = oldestFirst(model(fleet).snapshot('left-on'));

    // Assess
    expect(ops.at(-1)).toMatchObject({ type: 'RESUME_SERVICE', status: 'SUCCEEDED' });
    expect(new Date(ops.at(-1)!.startedAt).toISOString()).toBe('2026-11-27T07:00:00.000Z');
    expect(impossible(ops, 'RUNNING')).toBeUndefined();
  });

  it('with failEvery, a failed resume leaves the day paused (no pause that evening)', () => {
    // Prepare
    const fleet: FleetSpec = {
      services: [{ name: 'flaky', status: 'PAUSED', history: { weeks: 1, failEvery: 3 } }],
    };

    // Act
    const ops = oldestFirst(model(fleet).snapshot('flaky'));

    // Assess
    const failedResumes = ops.filter((o) => o.status === 'FAILED' && o.type === 'RESUME_SERVICE');
    expect(failedResumes.length).toBeGreaterThan(0);
    expect(impossible(ops, 'PAUSED')).toBeUndefined();
    for (const op of failedResumes) {
      const sameDay = ops.filter((o) => o.startedAt > op.startedAt && o.startedAt < op.startedAt + 16 * HOUR);
      expect(sameDay).toEqual([]);
    }
  });
});

describe('history on the wire', () => {
  it('ListOperations pages through four weeks newest first, and a new resume comes first', async () => {
    // Prepare
    const h = await startHarness({
      services: [{ name: 'api-staging', status: 'PAUSED', history: { weeks: 4 } }],
    });
    const client = h.client();
    const arn = h.arn('api-staging');
    try {
      const { OperationId } = await client.send(new ResumeServiceCommand({ ServiceArn: arn }));

      // Act
      const pages: number[] = [];
      const all: Array<{ Id?: string; StartedAt?: Date }> = [];
      for await (const page of paginateListOperations({ client, pageSize: 20 }, { ServiceArn: arn })) {
        pages.push(page.OperationSummaryList?.length ?? 0);
        all.push(...(page.OperationSummaryList ?? []));
      }
      const first = await client.send(new ListOperationsCommand({ ServiceArn: arn, MaxResults: 1 }));

      // Assess
      expect(all).toHaveLength(41);
      expect(pages).toEqual([20, 20, 1]);
      expect(all[0]?.Id).toBe(OperationId);
      const starts = all.map((o) => o.StartedAt?.getTime() ?? 0);
      expect(starts).toEqual(starts.slice().sort((a, b) => b - a));
      expect(starts.at(-1)).toBeGreaterThanOrEqual(T0 - 28 * DAY);
      expect(first.OperationSummaryList?.[0]?.Id).toBe(OperationId);
    } finally {
      await h.emulator.stop();
    }
  });
});

describe('the sample fleet', () => {
  it('carries weeks of weekday history for the staging services, with a failed resume on worker, all consistent', () => {
    // Act
    const m = model(loadFleetFile(SAMPLE_FLEET_PATH), Date.UTC(2026, 11, 2, 12, 0, 0));

    // Assess
    for (const name of ['api-staging', 'web-staging', 'worker', 'admin-panel', 'search']) {
      const s = m.snapshot(name)!;
      const ops = oldestFirst(s);
      expect(ops.length, name).toBeGreaterThanOrEqual(30);
      expect(ops[0]!.startedAt, name).toBeLessThan(Date.UTC(2026, 11, 2) - 27 * DAY);
      expect(impossible(ops, s.status), name).toBeUndefined();
    }
    expect(m.snapshot('worker')?.operations.some((o) => o.status === 'FAILED')).toBe(true);
    expect(m.snapshot('checkout')?.operations).toEqual([]);
  });
});
