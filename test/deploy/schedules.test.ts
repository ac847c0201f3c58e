import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cronProblems, nextFireTimes, toCronerPattern } from '../../lib/schedules/cron';
import { executionInputFor } from '../../lib/schedules/schedule-input';
import { loadSchedules, SchedulesFileError, validateSchedules } from '../../lib/schedules/schedules';
import { REPO } from './package-stack';

const base = {
  name: 'morning',
  action: 'resume',
  cron: 'cron(0 7 ? * MON-FRI *)',
  timezone: 'Europe/Berlin',
  targets: { tags: { env: 'staging' } },
};

function problemsOf(...schedules: unknown[]): string[] {
  return validateSchedules(schedules).problems;
}

describe('next fire times', () => {
  it('keeps a weekday 07:00 Europe/Berlin wake-up at 07:00 local across the March change to summer time', () => {
    // Act
    const times = nextFireTimes(
      { cron: 'cron(0 7 ? * MON-FRI *)', timezone: 'Europe/Berlin' },
      new Date('2026-03-26T12:00:00Z'),
      3,
    );

    // Assess
    expect(times).toEqual([
      { local: '2026-03-27T07:00:00+01:00', utc: '2026-03-27T06:00:00.000Z' },
      { local: '2026-03-30T07:00:00+02:00', utc: '2026-03-30T05:00:00.000Z' },
      { local: '2026-03-31T07:00:00+02:00', utc: '2026-03-31T05:00:00.000Z' },
    ]);
  });

  it('does not fire a Europe/Berlin 02:30 schedule on the night the clocks skip from 02:00 to 03:00', () => {
    // Act
    const times = nextFireTimes(
      { cron: 'cron(30 2 * * ? *)', timezone: 'Europe/Berlin' },
      new Date('2026-03-28T00:00:00Z'),
      2,
    );

    // Assess
    expect(times).toEqual([
      { local: '2026-03-28T02:30:00+01:00', utc: '2026-03-28T01:30:00.000Z' },
      { local: '2026-03-30T02:30:00+02:00', utc: '2026-03-30T00:30:00.000Z' },
    ]);
  });

  it('fires a Europe/Berlin 02:30 schedule once, at the first 02:30, on the night 02:00-03:00 repeats in October', () => {
    // Act
    const times = nextFireTimes(
      { cron: 'cron(30 2 * * ? *)', timezone: 'Europe/Berlin' },
      new Date('2026-10-24T12:00:00Z'),
      2,
    );

    // Assess
    expect(times).toEqual([
      { local: '2026-10-25T02:30:00+02:00', utc: '2026-10-25T00:30:00.000Z' },
      { local: '2026-10-26T02:30:00+01:00', utc: '2026-10-26T01:30:00.000Z' },
    ]);
  });

  it('fires every local time of a half-hourly schedule once during the repeated October hour in Europe/Berlin', () => {
    // Act
    const times = nextFireTimes(
      { cron: 'cron(0/30 2 * * ? *)', timezone: 'Europe/Berlin' },
      new Date('2026-10-24T12:00:00Z'),
      3,
    );

    // Assess
    expect(times.map((t) => t.local)).toEqual([
      '2026-10-25T02:00:00+02:00',
      '2026-10-25T02:30:00+02:00',
      '2026-10-26T02:00:00+01:00',
    ]);
  });

  it('moves a 20:00 Europe/Berlin pause one hour later in UTC after the October change', () => {
    // Act
    const times = nextFireTimes(
      { cron: 'cron(0 20 ? * MON-FRI *)', timezone: 'Europe/Berlin' },
      new Date('2026-10-22T00:00:00Z'),
      3,
    );

    // Assess
    expect(times).toEqual([
      { local: '2026-10-22T20:00:00+02:00', utc: '2026-10-22T18:00:00.000Z' },
      { local: '2026-10-23T20:00:00+02:00', utc: '2026-10-23T18:00:00.000Z' },
      { local: '2026-10-26T20:00:00+01:00', utc: '2026-10-26T19:00:00.000Z' },
    ]);
  });

  it('does not fire an America/New_York 02:30 schedule on the March night the clocks skip 02:00-03:00', () => {
    // Act
    const times = nextFireTimes(
      { cron: 'cron(30 2 * * ? *)', timezone: 'America/New_York' },
      new Date('2026-03-07T00:00:00Z'),
      2,
    );

    // Assess
    expect(times).toEqual([
      { local: '2026-03-07T02:30:00-05:00', utc: '2026-03-07T07:30:00.000Z' },
      { local: '2026-03-09T02:30:00-04:00', utc: '2026-03-09T06:30:00.000Z' },
    ]);
  });

  it('fires an America/New_York 01:30 schedule once on the November night 01:00-02:00 repeats', () => {
    // Act
    const times = nextFireTimes(
      { cron: 'cron(30 1 * * ? *)', timezone: 'America/New_York' },
      new Date('2026-10-31T12:00:00Z'),
      2,
    );

    // Assess
    expect(times).toEqual([
      { local: '2026-11-01T01:30:00-04:00', utc: '2026-11-01T05:30:00.000Z' },
      { local: '2026-11-02T01:30:00-05:00', utc: '2026-11-02T06:30:00.000Z' },
    ]);
  });

  it('skips the second 01:00 of an hourly America/New_York schedule when the hour repeats in November', () => {
    // Act
    const times = nextFireTimes(
      { cron: 'cron(0 * * * ? *)', timezone: 'America/New_York' },
      new Date('2026-11-01T03:30:00Z'),
      3,
    );

    // Assess
    expect(times).toEqual([
      { local: '2026-11-01T00:00:00-04:00', utc: '2026-11-01T04:00:00.000Z' },
      { local: '2026-11-01T01:00:00-04:00', utc: '2026-11-01T05:00:00.000Z' },
      { local: '2026-11-01T02:00:00-05:00', utc: '2026-11-01T07:00:00.000Z' },
    ]);
  });

  it('reads EventBridge day-of-week numbers (1 = Sunday), names, last and nth weekdays', () => {
    // Act
    const from = new Date('2026-03-01T00:00:00Z');
    const first = (cron: string) => nextFireTimes({ cron, timezone: 'UTC' }, from, 1)[0]?.utc;

    // Assess
    expect(first('cron(0 7 ? * 1 *)')).toBe('2026-03-01T07:00:00.000Z'); // Sunday
    expect(first('cron(0 7 ? * 2-6 *)')).toBe('2026-03-02T07:00:00.000Z'); // Monday
    expect(first('cron(0 7 ? * SAT *)')).toBe('2026-03-07T07:00:00.000Z');
    expect(first('cron(0 7 ? * 6L *)')).toBe('2026-03-27T07:00:00.000Z'); // last Friday
    expect(first('cron(0 7 ? * 2#2 *)')).toBe('2026-03-09T07:00:00.000Z'); // second Monday
    expect(first('cron(0 7 L * ? *)')).toBe('2026-03-31T07:00:00.000Z');
    expect(first('cron(0/20 8 1 * ? *)')).toBe('2026-03-01T08:00:00.000Z');
  });
});

describe('schedules file validation', () => {
  it('accepts the example schedules.yml: a ready-by weekday wake-up skipping Berlin holidays, evening and weekend pauses', () => {
    // Act
    const schedules = loadSchedules(join(REPO, 'schedules.yml'));

    // Assess
    expect(schedules.map((s) => [s.name, s.action, s.cron, s.timezone])).toEqual([
      ['weekday-morning', 'resume', 'cron(40 6 ? * MON-FRI *)', 'Europe/Berlin'],
      ['weekday-evening', 'pause', 'cron(0 20 ? * MON-FRI *)', 'Europe/Berlin'],
      ['weekend', 'pause', 'cron(0 0 ? * SAT *)', 'Europe/Berlin'],
    ]);
    expect(schedules[0]!.readyBy).toEqual({
      time: '07:00',
      lead: 'PT20M',
      leadMinutes: 20,
      days: '? * MON-FRI *',
    });
    expect(schedules[0]!.skip).toEqual({
      holidays: ['DE-BE'],
      dates: ['2026-12-24..2027-01-01'],
      calendar: 'berlin-office',
    });
    for (const s of schedules) {
      expect(s.targets).toEqual({ tags: { env: 'staging' } });
      expect(s.enabled).toBe(true);
      expect(s.type).toBe('scheduler');
    }
  });

  it('lists every problem of the file, each naming the schedule and the field', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'schedules-'));
    const path = join(dir, 'schedules.yml');
    await writeFile(
      path,
      [
        '- name: morning',
        '  action: wake',
        '  cron: cron(0 25 ? * MON-FRI *)',
        '  timezone: Europe/Berlin',
        '  targets: { tags: { env: staging } }',
        '- name: evening',
        '  action: pause',
        '  cron: cron(0 20 ? * MON-FRI *)',
        '  timezone: Mars/Olympus',
        '  targets: {}',
        '  colour: blue',
      ].join('\n'),
    );

    // Act
    const error = (() => {
      try {
        loadSchedules(path);
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(SchedulesFileError);
    expect((error as SchedulesFileError).problems).toEqual([
      'schedule "morning": action: unknown action: use "resume" or "pause"',
      'schedule "morning": cron: hours: 25 is out of range (0-23)',
      'schedule "evening": colour: unknown field',
      'schedule "evening": targets: no targets: give at least one of serviceArns, serviceNames or tags',
      'schedule "evening": timezone: unknown time zone "Mars/Olympus" (use an IANA name such as "Europe/Berlin")',
    ]);
    expect((error as Error).message).toContain(path);
  });

  it('reports a missing file and a file that is not YAML', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'schedules-'));
    await writeFile(join(dir, 'broken.yml'), '- name: [unclosed');

    // Act + Assess
    expect(() => loadSchedules(join(dir, 'missing.yml'))).toThrow(/cannot read the file/);
    expect(() => loadSchedules(join(dir, 'broken.yml'))).toThrow(/not valid YAML/);
  });

  it('requires exactly one of day-of-month and day-of-week to be "?"', () => {
    // Act + Assess: each line is one input and the problems it must produce
    expect(cronProblems('cron(0 7 * * MON *)')).toEqual([
      'one of day-of-month and day-of-week must be "?" (the other one selects the days): e.g. "? * MON-FRI" or "1 * ?"',
    ]);
    expect(cronProblems('cron(0 7 ? * ? *)')[0]).toMatch(/one of day-of-month and day-of-week must be "\?"/);
    expect(cronProblems('cron(0 7 ? * MON-FRI *)')).toEqual([]);
  });

  it('explains malformed crons field by field', () => {
    // Act + Assess: each line is one input and the problems it must produce
    expect(cronProblems('0 7 * * *')).toEqual(['must look like cron(0 7 ? * MON-FRI *)']);
    expect(cronProblems('cron(0 7 * * ?)')[0]).toMatch(/needs 6 fields .* got 5/);
    expect(cronProblems('cron(60 7 ? * MON *)')).toEqual(['minutes: 60 is out of range (0-59)']);
    expect(cronProblems('cron(0 7 ? * MON-FUN *)')).toEqual([
      'day-of-week: "FUN" is not a day-of-week value (1-7 or SUN-SAT)',
    ]);
    expect(cronProblems('cron(0 7 ? * 0 *)')).toEqual(['day-of-week: 0 is out of range (1-7 or SUN-SAT)']);
    expect(cronProblems('cron(0 7 ? * MON/2 *)')).toEqual([
      'day-of-week: steps ("/") are not allowed in day-of-week: "MON/2"',
    ]);
    expect(cronProblems('cron(0 7 ? 13 MON *)')).toEqual(['month: 13 is out of range (1-12 or JAN-DEC)']);
    expect(cronProblems('cron(0 7 ? * MON 1960)')).toEqual(['year: 1960 is out of range (1970-2199)']);
    expect(cronProblems('cron(0 17-9 ? * MON *)')).toEqual(['hours: range "17-9" goes backwards']);
  });

  it('rejects aliases and unknown time zones, naming the canonical zone when there is one', () => {
    // Act + Assess: each line is one input and the problems it must produce
    expect(problemsOf({ ...base, timezone: 'US/Eastern' })).toEqual([
      'schedule "morning": timezone: "US/Eastern" is not a canonical IANA name; use "America/New_York"',
    ]);
    expect(problemsOf({ ...base, timezone: 'Europe/Atlantis' })).toEqual([
      'schedule "morning": timezone: unknown time zone "Europe/Atlantis" (use an IANA name such as "Europe/Berlin")',
    ]);
    expect(problemsOf({ ...base, timezone: undefined })).toEqual([
      'schedule "morning": timezone: is required: an IANA time zone such as "Europe/Berlin" or "UTC"',
    ]);
  });

  it('runs "rule" schedules in UTC and refuses a local time zone for them', () => {
    // Act
    const ok = validateSchedules([{ ...base, type: 'rule', timezone: undefined }]);

    // Assess
    expect(ok.schedules[0]).toMatchObject({ type: 'rule', timezone: 'UTC' });
    expect(problemsOf({ ...base, type: 'rule' })).toEqual([
      'schedule "morning": timezone: a "rule" schedule runs in UTC; omit timezone or use type "scheduler" for local times',
    ]);
  });

  it('rejects duplicate names, bad names, bad targets and keep-awake leases on pauses', () => {
    // Act + Assess: each line is one input and the problems it must produce
    expect(problemsOf(base, { ...base, action: 'pause' })).toEqual([
      'schedule "morning": name: duplicate name (also used by schedule #1)',
    ]);
    expect(problemsOf({ ...base, name: 'Morning Wake' })).toEqual([
      'schedule "Morning Wake": name: use lower-case letters, digits and hyphens (e.g. "weekday-morning")',
    ]);
    expect(problemsOf({ ...base, name: undefined })).toEqual(['schedule #1: name: is required']);
    expect(problemsOf({ ...base, targets: undefined })).toEqual([
      'schedule "morning": targets: no targets: give serviceArns, serviceNames or tags',
    ]);
    expect(
      problemsOf({ ...base, targets: { serviceNames: ['x'], tags: { 'aws:cloudformation': 'x' } } }),
    ).toEqual([
      'schedule "morning": targets.serviceNames[0]: is not a valid App Runner service name',
      'schedule "morning": targets.tags.aws:cloudformation: tag keys starting with "aws:" are reserved',
    ]);
    expect(problemsOf({ ...base, action: 'pause', keepAwakeUntil: '2026-12-01T18:00:00Z' })).toEqual([
      'schedule "morning": keepAwakeUntil: only a resume can set a keep-awake lease',
    ]);
  });

  it('builds the execution input of the contract: requestedBy names the schedule, dryRun is false, the schedule block waits for its time', () => {
    // Prepare
    const [schedule] = validateSchedules([
      { ...base, reason: 'office hours', keepAwakeUntil: '2099-12-01T18:00:00Z', allowNoTargets: true },
    ]).schedules;

    // Act
    const input = executionInputFor(schedule!);

    // Assess
    expect(input).toEqual({
      action: 'resume',
      targets: { tags: { env: 'staging' } },
      dryRun: false,
      reason: 'office hours',
      requestedBy: 'schedule:morning',
      keepAwakeUntil: '2099-12-01T18:00:00Z',
      allowNoTargets: true,
      schedule: {
        name: 'morning',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        timezone: 'Europe/Berlin',
      },
    });
  });

  it('reads month and weekday names that contain the letters of the special L and W (JUL, WED)', () => {
    // Act + Assess
    expect(cronProblems('cron(0 7 ? JUL WED *)')).toEqual([]);
    expect(cronProblems('cron(0 7 ? * MON,WED-FRI *)')).toEqual([]);
    expect(cronProblems('cron(0 7 ? * WEDW *)')).toEqual(['day-of-week: "WEDW" is not allowed here']);
  });

  it('converts EventBridge crons to croner patterns', () => {
    // Act + Assess: each line is one input and the problems it must produce
    expect(toCronerPattern('cron(0 7 ? * MON-FRI *)')).toBe('0 0 7 * * 2-6 *');
    expect(toCronerPattern('cron(0/15 7 ? JAN-MAR 6L 2027)')).toBe('0 0-59/15 7 * 1-3 6#L 2027');
    expect(toCronerPattern('cron(0 7 L * ? *)')).toBe('0 0 7 L * * *');
    expect(toCronerPattern('cron(0 7 ? * L *)')).toBe('0 0 7 * * 7 *');
  });
});
