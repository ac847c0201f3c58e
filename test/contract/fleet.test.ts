import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FleetValidationError, loadFleetFile, parseFleet, SAMPLE_FLEET_PATH } from '../../emulator/index';

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
});
