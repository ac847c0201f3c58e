import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AppRunnerModel,
  FleetValidationError,
  loadFleetFile,
  parseFleet,
  SAMPLE_FLEET_PATH,
} from '../../emulator/index';
import { ManualClock } from '../../lib/runtime/clock';
import { T0 } from './helpers';

// Fleet files: the shipped sample, and errors that name the bad field by its path.

const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
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

describe('the sample fleet', () => {
  it('validates and holds the demo cases: paused staging services, a running one, a lease, an in-flight resume, an opt-out and a production service', () => {
    // Act
    const fleet = loadFleetFile(SAMPLE_FLEET_PATH);
    const byName = new Map((fleet.services ?? []).map((s) => [s.name, s]));

    // Assess
    expect(['api-staging', 'web-staging', 'worker', 'admin-panel'].map((n) => byName.get(n)?.status)).toEqual(
      ['PAUSED', 'PAUSED', 'PAUSED', 'PAUSED'],
    );
    expect(byName.get('search')?.status).toBe('RUNNING');
    expect(byName.get('demo-app')?.tags?.['apprunner-scheduler:keep-awake-until']).toBe(
      '2099-01-01T00:00:00Z',
    );
    expect(byName.get('reports')?.inFlight?.type).toBe('RESUME_SERVICE');
    expect(byName.get('legacy-billing')?.tags?.['apprunner-scheduler:opt-out']).toBe('true');
    expect(byName.get('checkout')?.tags?.env).toBe('production');
    const staging = (fleet.services ?? []).filter((s) => s.tags?.env === 'staging');
    expect(staging).toHaveLength((fleet.services ?? []).length - 1);
    for (const s of fleet.services ?? []) {
      expect(s.durations?.resume).toBeGreaterThanOrEqual(20);
      expect(s.durations?.resume).toBeLessThanOrEqual(90);
    }
  });
});

describe('fleet validation', () => {
  it('names every bad field by its path', () => {
    // Act
    const issues = issuesOf(() =>
      parseFleet({
        accountId: '42',
        options: { resumeWhenRunning: 'maybe', listServicesPaging: { pageSize: 50 } },
        services: [{ name: 'good-one' }, { name: 'second', durations: { resume: 'slow' }, colour: 'red' }],
        faults: [{ type: 'throttle', rate: 2 }, { type: 'explode' }],
      }),
    );

    // Assess
    const paths = issues.map((i) => i.split(':')[0]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'accountId',
        'options.resumeWhenRunning',
        'options.listServicesPaging.pageSize',
        'services[1].durations.resume',
        'services[1]',
        'faults[0].rate',
        'faults[1].type',
      ]),
    );
    expect(issues.join('\n')).toContain('colour');
  });

  it('rejects service names App Runner would reject and duplicate names in a region', () => {
    // Act
    const issues = issuesOf(() =>
      parseFleet({ services: [{ name: 'api' }, { name: 'web-app' }, { name: 'web-app' }] }),
    );

    // Assess
    expect(issues[0]).toMatch(/^services\[0\]\.name: must match/);
    expect(issues[1]).toMatch(
      /^services\[2\]\.name: duplicate service name "web-app" in us-east-1 \(also services\[1\]\)/,
    );
  });

  it('rejects an in-flight operation that contradicts the starting status', () => {
    // Act
    const issues = issuesOf(() =>
      parseFleet({
        services: [{ name: 'reports', status: 'RUNNING', inFlight: { type: 'RESUME_SERVICE' } }],
      }),
    );

    // Assess
    expect(issues).toEqual([
      'services[0].status: a service with an in-flight RESUME_SERVICE must start PAUSED (or omit status)',
    ]);
  });

  it('reads JSON fleet files as well as YAML', () => {
    // Prepare
    const path = file(
      'fleet.json',
      JSON.stringify({ region: 'eu-west-1', services: [{ name: 'json-app', status: 'RUNNING' }] }),
    );

    // Act
    const fleet = loadFleetFile(path);

    // Assess
    expect(fleet).toEqual({ region: 'eu-west-1', services: [{ name: 'json-app', status: 'RUNNING' }] });
  });

  it('reports a YAML syntax error and a missing file as FleetValidationError with the file name', () => {
    // Prepare
    const broken = file('broken.yaml', 'services:\n  - name: [unclosed\n');

    // Act
    const syntax = issuesOf(() => loadFleetFile(broken));
    const missing = issuesOf(() => loadFleetFile(join(dir, 'nope.yaml')));

    // Assess
    expect(syntax[0]).toMatch(/^not valid YAML/);
    expect(missing[0]).toMatch(/^cannot read the file/);
    expect(() => loadFleetFile(broken)).toThrow(broken);
  });

  it('names bad durations, instance sizes, health checks, auto scaling and history fields by their path', () => {
    // Act
    const issues = issuesOf(() =>
      parseFleet({
        autoScalingConfigurations: [
          { name: 'tiny', minSize: 5, maxSize: 2 },
          { name: 'tiny', minSize: 1 },
        ],
        defaults: { durations: { jitter: 0.7 } },
        services: [
          {
            name: 'bad-sizes',
            durations: { warmup: { min: 10, max: 5 } },
            instance: { cpu: 'fast', memory: '5 GB' },
            healthCheck: { protocol: 'UDP', path: 'health' },
            autoScaling: 'no-such-config',
          },
          { name: 'bad-history', history: { count: 3, weeks: 2 } },
          {
            name: 'bad-calendar',
            history: { weeks: 2, timezone: 'Mars/Olympus', days: 'FUNDAY', resumeAt: '7am', everyHours: 3 },
          },
          { name: 'bad-status', status: 'CREATE_FAILED', history: { count: 2 } },
          { name: 'bad-entry', history: { operations: [{ type: 'PAUSE_SERVICE' }] } },
        ],
      }),
    );

    // Assess
    expect(issues).toEqual(
      expect.arrayContaining([
        'autoScalingConfigurations[0].minSize: must not be greater than maxSize',
        'autoScalingConfigurations[1].name: duplicate auto scaling configuration tiny revision 1',
        'defaults.durations.jitter: Too big: expected number to be <=0.5',
        'services[0].durations.warmup: min must not be greater than max',
        expect.stringMatching(/^services\[0\]\.instance\.cpu: must be one of 256, 512/),
        expect.stringMatching(/^services\[0\]\.instance\.memory: must be one of 512, 1024/),
        expect.stringMatching(/^services\[0\]\.healthCheck\.protocol: /),
        'services[0].healthCheck.path: must start with /',
        'services[0].autoScaling: no auto scaling configuration named "no-such-config" (define it in autoScalingConfigurations)',
        'services[1].history: give only one of operations, count and weeks (got count, weeks)',
        'services[2].history.timezone: must be an IANA time zone such as Europe/Berlin',
        'services[2].history.days: must be cron day-of-week syntax such as MON-FRI, SAT,SUN or 1-5',
        'services[2].history.resumeAt: must be a time of day as HH:MM (24-hour clock)',
        'services[2].history.everyHours: only applies with count',
        'services[3].history: a history needs a PAUSED or RUNNING service (status is CREATE_FAILED)',
        'services[4].history.operations[0]: give exactly one of startedAt and startedSecondsAgo',
      ]),
    );
  });

  it('says which field replaced resumeSeconds, pauseSeconds and deploySeconds', () => {
    // Act
    const issues = issuesOf(() =>
      parseFleet({
        defaults: { resumeSeconds: 60 },
        services: [{ name: 'old-style', pauseSeconds: 20, deploySeconds: 90 }],
      }),
    );

    // Assess
    expect(issues).toEqual([
      'defaults: Unrecognized key: "resumeSeconds" (resumeSeconds is now durations.resume)',
      'services[0]: Unrecognized keys: "pauseSeconds", "deploySeconds" (pauseSeconds is now durations.pause; deploySeconds is now durations.deploy)',
    ]);
  });
});

describe('durations', () => {
  it("draw a range once per service, merge field by field over the defaults, and jitter each operation around the service's value", async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const m = new AppRunnerModel(
      {
        defaults: { durations: { resume: { min: 30, max: 40 }, pause: 25, jitter: 0.1 } },
        services: [
          { name: 'own-pause', status: 'PAUSED', durations: { pause: 10 } },
          { name: 'all-defaults', status: 'PAUSED', durations: { warmup: 7 } },
        ],
      },
      clock,
    );
    const own = m.snapshot('own-pause')!;

    // Act
    const lengths: number[] = [];
    for (let i = 0; i < 10; i++) {
      m.resumeService('us-east-1', own.arn);
      await clock.advance(60_000);
      m.pauseService('us-east-1', own.arn);
      await clock.advance(60_000);
    }
    for (const op of m.snapshot('own-pause')!.operations) {
      if (op.type === 'RESUME_SERVICE') lengths.push((op.endedAt ?? 0) - op.startedAt);
    }

    // Assess
    expect(own.durations).toEqual({
      resume: expect.any(Number),
      pause: 10,
      deploy: 120,
      warmup: 0,
      jitter: 0.1,
    });
    expect(Number.isInteger(own.durations.resume)).toBe(true);
    expect(own.durations.resume).toBeGreaterThanOrEqual(30);
    expect(own.durations.resume).toBeLessThanOrEqual(40);
    expect(m.snapshot('all-defaults')?.durations).toMatchObject({ pause: 25, warmup: 7, jitter: 0.1 });
    expect(lengths).toHaveLength(10);
    for (const ms of lengths) {
      expect(ms).toBeGreaterThanOrEqual(own.durations.resume * 900);
      expect(ms).toBeLessThanOrEqual(own.durations.resume * 1100);
    }
    expect(new Set(lengths).size).toBeGreaterThan(5);
  });
});
