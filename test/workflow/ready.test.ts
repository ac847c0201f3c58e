import { describe, expect, it } from 'vitest';
import { metricValues } from '../../cli/local/capture';
import { warmupMissNote } from '../../lib/contract/execution-result';
import { OBSERVED_WARMUP_TAG, READY_PATH_TAG } from '../../lib/contract/tags';
import { startWorld } from '../support/world';
import { runScenario, sinceT0, T0 } from './harness';

// RUNNING is not ready: after a resume, the workflow asks the application itself (the emulator answers each
// service's URL by Host: 503 until RUNNING and for its warm-up, then 200) before calling it done.

const wake = (names: string[], extra: Record<string, unknown> = {}) => ({
  action: 'resume',
  targets: { serviceNames: names },
  requestedBy: 'user:alice',
  ...extra,
});
const paused = (name: string, durations: Record<string, number>, extra: Record<string, unknown> = {}) => ({
  name,
  status: 'PAUSED' as const,
  durations,
  ...extra,
});

describe('readiness after a resume', () => {
  it('reports when each service answered, after its warm-up, and how long after RUNNING', async () => {
    // Prepare
    const fleet = {
      services: [
        paused(
          'api-staging',
          { resume: 30, warmup: 12 },
          { healthCheck: { protocol: 'HTTP', path: '/health' } },
        ),
        paused('web-staging', { resume: 40, warmup: 0 }),
      ],
    };

    // Act
    const run = await runScenario({ fleet, input: wake(['api-staging', 'web-staging']) });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    const api = run.outcome('api-staging');
    expect(api).toMatchObject({ outcome: 'SUCCEEDED', toStatus: 'RUNNING' });
    expect(api.durationSeconds).toBeGreaterThanOrEqual(30);
    expect(api.durationSeconds).toBeLessThanOrEqual(32);
    // 12 s of warm-up, probed every 2 s, two good answers in a row: ready 14–16 s after RUNNING.
    expect(api.readySeconds).toBeGreaterThanOrEqual(12);
    expect(api.readySeconds).toBeLessThanOrEqual(17);
    expect(Date.parse(api.readyAt ?? '')).toBeGreaterThan(Date.parse(api.runningAt ?? ''));
    expect(api.finishedAt).toBe(api.readyAt);
    const web = run.outcome('web-staging');
    expect(web.readySeconds).toBeLessThanOrEqual(3);
    // The probe asked for the HTTP health-check path, else "/", at the service's own URL.
    const probes = run.emulator.probes;
    expect(
      new Set(probes.filter((p) => p.host === run.service('api-staging').url).map((p) => p.path)),
    ).toEqual(new Set(['/health']));
    expect(
      new Set(probes.filter((p) => p.host === run.service('web-staging').url).map((p) => p.path)),
    ).toEqual(new Set(['/']));
    expect(run.metricValues('TimeToReadySeconds').sort((a, b) => a - b)).toHaveLength(2);
    expect(run.result.alerts).toEqual([]);
  });

  it('fails a service that never answers well as NOT_READY with the last answer, and finishes the others', async () => {
    // Prepare
    const fleet = {
      services: [paused('api-staging', { resume: 30 }), paused('worker', { resume: 30 })],
    };

    // Act
    const run = await runScenario({
      fleet,
      input: wake(['api-staging', 'worker']),
      faults: [{ type: 'never-ready', service: 'worker' }],
      env: { READY_TIMEOUT_SECONDS: '60' },
    });

    // Assess
    expect(run.result.status).toBe('FAILED');
    expect(run.outcome('api-staging')).toMatchObject({ outcome: 'SUCCEEDED' });
    const worker = run.outcome('worker');
    expect(worker).toMatchObject({ outcome: 'FAILED', reason: 'NOT_READY', toStatus: 'RUNNING' });
    expect(worker.error).toMatch(
      /^RUNNING, but not ready within 60 s: \d+ probes of https:\/\/.+\/, the last answered HTTP 503$/,
    );
    expect(run.service('worker').status).toBe('RUNNING');
    expect(run.result.alerts[0]?.message).toContain('worker: FAILED NOT_READY');
  });

  it('does not take a flapping answer for ready: two good answers in a row are needed', async () => {
    // Act
    const run = await runScenario({
      fleet: { services: [paused('api-staging', { resume: 30 })] },
      input: wake(['api-staging']),
      faults: [{ type: 'flapping', service: 'api-staging' }],
      env: { READY_TIMEOUT_SECONDS: '30' },
    });

    // Assess
    expect(run.outcome('api-staging')).toMatchObject({ outcome: 'FAILED', reason: 'NOT_READY' });
  });

  it('counts an answer slower than the probe time-out as no answer', async () => {
    // Act: each answer takes 1.5 s of real time; each probe waits 1 s
    const run = await runScenario({
      fleet: { services: [paused('api-staging', { resume: 30 })] },
      input: wake(['api-staging']),
      faults: [{ type: 'slow-ready', service: 'api-staging', delayMs: 1500 }],
      env: { READY_TIMEOUT_SECONDS: '10', READY_PROBE_TIMEOUT_SECONDS: '1' },
    });

    // Assess
    expect(run.outcome('api-staging')).toMatchObject({ outcome: 'FAILED', reason: 'NOT_READY' });
    expect(run.outcome('api-staging').error).toContain('no answer within 1000 ms');
  });

  it('skips the probe, and says why, for a ready-path tag of none, a private service, and readyCheck none', async () => {
    // Prepare
    const fleet = {
      services: [
        paused('api-staging', { resume: 30 }, { tags: { [READY_PATH_TAG]: 'none' } }),
        paused('admin-panel', { resume: 30 }, { public: false }),
        // Joined, not started by the run (no ResumeService answer), with a path tag: still known private.
        {
          name: 'reports',
          durations: { resume: 30 },
          public: false,
          tags: { [READY_PATH_TAG]: '/health' },
          inFlight: { type: 'RESUME_SERVICE' as const, elapsedSeconds: 10 },
        },
      ],
    };

    // Act: probes go straight to the service URL here, as in AWS (no READY_CHECK_ENDPOINT_URL)
    const world = await startWorld(fleet);
    const tagged = await world
      .run(wake(['api-staging', 'admin-panel', 'reports']), { env: { READY_CHECK_ENDPOINT_URL: '' } })
      .finally(() => world.stop());
    const off = await runScenario({ fleet, input: wake(['api-staging'], { readyCheck: 'none' }) });

    // Assess
    const line = (name: string) => tagged.report?.services.find((s) => s.serviceName === name);
    expect(line('api-staging')).toMatchObject({
      outcome: 'SUCCEEDED',
      readyCheckSkipped: 'ready-path tag is none',
    });
    expect(line('admin-panel')?.readyCheckSkipped).toMatch(/^private service/);
    expect(line('reports')).toMatchObject({
      outcome: 'SUCCEEDED',
      readyCheckSkipped: expect.stringMatching(/^private/),
    });
    expect(line('reports')?.notes?.join(' ')).toMatch(/joined RESUME_SERVICE/);
    expect(world.emulator.probes).toEqual([]);
    expect(off.outcome('api-staging')).toMatchObject({
      outcome: 'SUCCEEDED',
      readyCheckSkipped: 'readyCheck none',
    });
  });

  it('requests the path the ready-path tag names', async () => {
    // Act
    const run = await runScenario({
      fleet: { services: [paused('api-staging', { resume: 30 }, { tags: { [READY_PATH_TAG]: '/ready' } })] },
      input: wake(['api-staging']),
    });

    // Assess
    expect(run.outcome('api-staging').outcome).toBe('SUCCEEDED');
    expect(new Set(run.emulator.probes.map((p) => p.path))).toEqual(new Set(['/ready']));
  });
});

describe('ready-by wake-ups', () => {
  /** Ten past resumes of `seconds` each (their history), and the same duration now. */
  const withHistory = (name: string, seconds: number, warmup = 5) =>
    paused(name, { resume: seconds, warmup }, { history: { count: 10 } });

  it('starts each service at its own time so that all are ready shortly before readyBy, none at the start', async () => {
    // Prepare: ready by 15 minutes from now
    const readyBy = new Date(T0 + 15 * 60_000).toISOString();
    const fleet = {
      services: [withHistory('fast', 30), withHistory('slow', 240), withHistory('medium', 90)],
    };

    // Act
    const run = await runScenario({ fleet, input: wake(['fast', 'slow', 'medium'], { readyBy }) });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    const starts: Record<string, number> = {};
    for (const name of ['fast', 'slow', 'medium']) {
      const line = run.outcome(name);
      expect(line).toMatchObject({ outcome: 'SUCCEEDED', readyBy, missedBySeconds: 0 });
      const ready = Date.parse(line.readyAt ?? '');
      expect(ready).toBeLessThanOrEqual(Date.parse(readyBy));
      starts[name] = sinceT0(Date.parse(line.operationStartedAt ?? ''));
      // Not awake (and billed) much longer than needed: ready within a few minutes of readyBy.
      expect(Date.parse(readyBy) - ready).toBeLessThan(4 * 60_000);
    }
    // Nothing started in the first five minutes; the slowest first, the fastest last.
    expect(Math.min(...Object.values(starts))).toBeGreaterThan(5 * 60);
    expect(starts.slow).toBeLessThan(starts.medium ?? 0);
    expect(starts.medium).toBeLessThan(starts.fast ?? 0);
    expect(run.metricValues('ReadyByMissedSeconds')).toEqual([0, 0, 0]);
    expect(run.result.alerts).toEqual([]);
  });

  it('plans ready-by starts on the default prediction when histories are not read (POLL_FROM_HISTORY=false)', async () => {
    // Prepare: ready by 30 minutes from now; the defaults assume a resume takes up to 300 s
    const readyBy = new Date(T0 + 30 * 60_000).toISOString();
    const fleet = { services: [withHistory('fast', 30), withHistory('slow', 240)] };

    // Act
    const run = await runScenario({
      fleet,
      input: wake(['fast', 'slow'], { readyBy }),
      env: { POLL_FROM_HISTORY: 'false' },
    });

    // Assess: no history read, both started at readyBy - (300 s + warm-up 30 s + margin 60 s), both in time
    expect(run.emulator.calls.filter((c) => c.op === 'ListOperations')).toEqual([]);
    for (const name of ['fast', 'slow']) {
      const line = run.outcome(name);
      expect(line).toMatchObject({ outcome: 'SUCCEEDED', readyBy, missedBySeconds: 0 });
      expect(sinceT0(Date.parse(line.operationStartedAt ?? ''))).toBeGreaterThanOrEqual(30 * 60 - 390);
    }
  });

  it('says by how much a service missed readyBy when its resume took longer than its history, and alerts', async () => {
    // Prepare: its past resumes took 30 s; today's takes 600 s
    const readyBy = new Date(T0 + 10 * 60_000).toISOString();
    const fleet = {
      services: [
        paused(
          'slowpoke',
          { resume: 600 },
          {
            history: {
              operations: Array.from({ length: 6 }, (_, i) => ({
                type: i % 2 === 0 ? 'PAUSE_SERVICE' : 'RESUME_SERVICE',
                status: 'SUCCEEDED',
                startedSecondsAgo: 86_400 * (i + 1),
                durationSeconds: 30,
              })),
            },
          },
        ),
      ],
    };

    // Act
    const run = await runScenario({ fleet, input: wake(['slowpoke'], { readyBy }) });

    // Assess
    const line = run.outcome('slowpoke');
    expect(line.outcome).toBe('SUCCEEDED');
    expect(line.missedBySeconds).toBeGreaterThan(0);
    expect(run.metricValues('ReadyByMissedSeconds')).toEqual([line.missedBySeconds]);
    expect(run.result.alerts[0]?.subject).toContain('missed their ready-by time');
  });

  it('waits for the first start in one Wait state, not by polling in between', async () => {
    // Prepare
    const readyBy = new Date(T0 + 60 * 60_000).toISOString();

    // Act
    const run = await runScenario({
      fleet: { services: [withHistory('api-staging', 60)] },
      input: wake(['api-staging'], { readyBy }),
    });

    // Assess: one long wait until the start, then the operation's own rhythm
    expect(run.result.waitDelays[0]).toBeGreaterThan(50 * 60);
    expect(run.result.invocations.CheckOperationsLambdaFunction.count).toBeLessThanOrEqual(4);
    expect(metricValues(run.result.captured.emf, 'ReadyByMissedSeconds')).toEqual([0]);
  });
});

describe("ready-by wake-ups learn each service's warm-up", () => {
  const withHistory = (name: string, resume: number, warmup: number, tags: Record<string, string> = {}) =>
    paused(name, { resume, warmup }, { history: { count: 10 }, tags });

  it('misses readyBy with a warm-up far beyond the assumed one, records what it observed, and is in time with it', async () => {
    // Prepare: the application needs 240 s after RUNNING; READY_WARMUP_SECONDS assumes 30 s (+ 60 s margin)
    const readyBy = new Date(T0 + 20 * 60_000).toISOString();
    const first = await runScenario({
      fleet: { services: [withHistory('heavy', 60, 240)] },
      input: wake(['heavy'], { readyBy }),
    });
    const observed = first.service('heavy').tags[OBSERVED_WARMUP_TAG];

    // Act: the next ready-by wake-up, with the tag the first one wrote
    const next = await runScenario({
      fleet: { services: [withHistory('heavy', 60, 240, { [OBSERVED_WARMUP_TAG]: observed ?? '' })] },
      input: wake(['heavy'], { readyBy }),
    });

    // Assess
    expect(first.outcome('heavy')).toMatchObject({ outcome: 'SUCCEEDED' });
    expect(first.outcome('heavy').missedBySeconds).toBeGreaterThan(0);
    const why = warmupMissNote(Number(observed), 30, 'READY_WARMUP_SECONDS');
    expect(first.outcome('heavy').notes).toEqual([why]);
    expect(first.result.alerts[0]?.message).toContain(`heavy: ready at ${first.outcome('heavy').readyAt}`);
    expect(first.result.alerts[0]?.message).toContain(why);
    // RUNNING seen → two good answers in a row: the warm-up plus at most a few probe intervals.
    expect(Number(observed)).toBeGreaterThanOrEqual(240);
    expect(Number(observed)).toBeLessThanOrEqual(250);
    const line = next.outcome('heavy');
    expect(line).toMatchObject({ outcome: 'SUCCEEDED', readyBy, missedBySeconds: 0 });
    // Started earlier by about the difference in warm-up, and still not awake much longer than needed.
    const startedEarlier =
      Date.parse(first.outcome('heavy').operationStartedAt ?? '') - Date.parse(line.operationStartedAt ?? '');
    expect(startedEarlier / 1000).toBeGreaterThanOrEqual(Number(observed) - 30 - 1);
    expect(Date.parse(readyBy) - Date.parse(line.readyAt ?? '')).toBeLessThan(3 * 60_000);
    // A warm-up that did not move noticeably is not written again.
    expect(next.calls('TagResource')).toEqual([]);
  });

  it('writes the observed warm-up only on ready-by resumes, and a write that fails costs no outcome', async () => {
    // Prepare
    const readyBy = new Date(T0 + 20 * 60_000).toISOString();
    const fleet = { services: [withHistory('alpha', 30, 40), withHistory('bravo', 30, 40)] };

    // Act
    const plain = await runScenario({ fleet, input: wake(['alpha', 'bravo']) });
    const failing = await runScenario({
      fleet,
      input: wake(['alpha', 'bravo'], { readyBy }),
      faults: [{ type: 'server-error', operations: ['TagResource'] }],
    });

    // Assess
    expect(plain.calls('TagResource')).toEqual([]);
    expect(plain.service('alpha').tags[OBSERVED_WARMUP_TAG]).toBeUndefined();
    expect(failing.calls('TagResource').length).toBeGreaterThanOrEqual(2);
    for (const name of ['alpha', 'bravo']) {
      expect(failing.outcome(name)).toMatchObject({ outcome: 'SUCCEEDED', missedBySeconds: 0 });
      expect(failing.service(name).tags[OBSERVED_WARMUP_TAG]).toBeUndefined();
    }
    expect(failing.result.status).toBe('SUCCEEDED');
    expect(failing.result.alerts).toEqual([]);
  });
});

describe('what pausing saved', () => {
  it('adds the paused hours and the estimated saving to the line of a resume that ends a paused interval', async () => {
    // Prepare: paused 10 hours ago (its last operation), 2 GB, MinSize 3, in us-east-1 ($0.007 per GB-hour)
    const fleet = {
      autoScalingConfigurations: [{ name: 'high-availability', minSize: 3, maxSize: 10, maxConcurrency: 50 }],
      services: [
        paused(
          'api-staging',
          { resume: 30 },
          {
            instance: { cpu: '1 vCPU', memory: '2 GB' },
            autoScaling: 'high-availability',
            history: {
              operations: [
                {
                  type: 'PAUSE_SERVICE',
                  status: 'SUCCEEDED',
                  startedSecondsAgo: 36_030,
                  durationSeconds: 30,
                },
                {
                  type: 'RESUME_SERVICE',
                  status: 'SUCCEEDED',
                  startedSecondsAgo: 86_400,
                  durationSeconds: 40,
                },
              ],
            },
          },
        ),
      ],
    };

    // Act
    const run = await runScenario({ fleet, input: wake(['api-staging']) });

    // Assess: the resume started within a second of T0, 10 hours after the pause ended
    const line = run.outcome('api-staging');
    expect(line.pausedHours).toBeCloseTo(10, 1);
    expect(line.estimatedSavingsUsd).toBeCloseTo(10 * 3 * 2 * 0.007, 3);
    expect(run.metricValues('EstimatedSavingsUsd')).toEqual([
      line.estimatedSavingsUsd,
      line.estimatedSavingsUsd,
    ]);
    expect(run.calls('DescribeAutoScalingConfiguration')).toHaveLength(1);
    // Per service under its own dimension, beside the function's `service` (the dashboard's SEARCH finds it).
    const perService = run.result.captured.emf.find(
      (doc) => doc.AppRunnerService === 'api-staging' && 'EstimatedSavingsUsd' in doc,
    );
    expect(perService).toMatchObject({
      service: 'apprunner-scheduler',
      EstimatedSavingsUsd: line.estimatedSavingsUsd,
    });
    const warnings = run.result.captured.logs.filter((l) => l.level === 'WARN').map((l) => l.message);
    expect(warnings.join('\n')).not.toMatch(/dimension/i);
  });
});
