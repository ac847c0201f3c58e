import { describe, expect, it } from 'vitest';
import { validateSchedules } from '../../../lib/schedules/schedules';

const wake = {
  name: 'morning',
  action: 'resume',
  readyBy: '07:00',
  days: 'MON-FRI',
  timezone: 'Europe/Berlin',
  targets: { tags: { env: 'staging' } },
};

const problemsOf = (document: unknown) => validateSchedules(document).problems;

describe('ready-by schedules in the file', () => {
  it('keeps a ready-by wake-up whose keep-awake lease outlasts the lead', () => {
    expect(problemsOf([{ ...wake, keepAwakeFor: 'PT21M' }])).toEqual([]);
  });

  it('deploys a ready-by wake-up as a cron that fires the lead earlier: the schedule, then the file, then 20 minutes', () => {
    // Act
    const { schedules, problems } = validateSchedules({
      readyByLead: 'PT45M',
      schedules: [
        wake,
        { ...wake, name: 'own-lead', readyByLead: 'PT5M' },
        { ...wake, name: 'every-day', days: undefined },
      ],
    });
    const plain = validateSchedules([wake]).schedules;

    // Assess
    expect(problems).toEqual([]);
    expect(schedules.map((s) => [s.name, s.cron, s.readyBy?.lead])).toEqual([
      ['morning', 'cron(15 6 ? * MON-FRI *)', 'PT45M'],
      ['own-lead', 'cron(55 6 ? * MON-FRI *)', 'PT5M'],
      ['every-day', 'cron(15 6 ? * * *)', 'PT45M'],
    ]);
    expect(plain[0]?.cron).toBe('cron(40 6 ? * MON-FRI *)');
  });

  it.each<{ what: string; schedule: Record<string, unknown>; says: string[] }>([
    {
      what: 'both cron and readyBy',
      schedule: { ...wake, cron: 'cron(0 7 ? * MON-FRI *)' },
      says: [
        'schedule "morning": readyBy: give either cron (fires at its time) or readyBy with days (fires early enough to be ready by then), not both',
      ],
    },
    {
      what: 'neither cron nor readyBy',
      schedule: { ...wake, readyBy: undefined, days: undefined },
      says: [
        'schedule "morning": cron: is required (e.g. "cron(0 7 ? * MON-FRI *)"), or give readyBy (e.g. "07:00") and days',
      ],
    },
    {
      what: 'days with a cron',
      schedule: { ...wake, readyBy: undefined, cron: 'cron(0 7 ? * MON-FRI *)' },
      says: ['schedule "morning": days: only with readyBy (a cron has its own day fields)'],
    },
    {
      what: 'readyBy on a pause',
      schedule: { ...wake, action: 'pause' },
      says: ['schedule "morning": readyBy: only a resume can have services ready by a time'],
    },
    {
      what: 'readyBy without a leading zero',
      schedule: { ...wake, readyBy: '7:00' },
      says: ['schedule "morning": readyBy: must be a wall-clock time such as "07:00" (quote it)'],
    },
    {
      what: 'a keep-awake lease no longer than the lead (it would end before the ready-by time)',
      schedule: { ...wake, keepAwakeFor: 'PT20M' },
      says: [
        'schedule "morning": keepAwakeFor: must be longer than the ready-by lead (PT20M): the lease counts from the fire time and would end before 07:00',
      ],
    },
    {
      what: 'a lead of a day',
      schedule: { ...wake, readyByLead: 'P1D' },
      says: ['schedule "morning": readyByLead: must be less than a day (e.g. PT45M or PT2H)'],
    },
    {
      what: 'a lead across midnight on the last Friday of the month',
      schedule: { ...wake, readyBy: '00:10', days: '? * 6L *' },
      says: [
        'schedule "morning": days: ready by 00:10 with a 20-minute lead fires the day before, and day-of-week "6L" has no exact day before it: use a later readyBy or a shorter readyByLead',
      ],
    },
    {
      what: 'a readyCheck on a pause',
      schedule: {
        ...wake,
        action: 'pause',
        readyBy: undefined,
        days: undefined,
        cron: 'cron(0 20 ? * * *)',
        readyCheck: 'none',
      },
      says: ['schedule "morning": readyCheck: only a resume probes the services'],
    },
  ])('refuses $what, naming the field', ({ schedule, says }) => {
    // Act + Assess
    expect(problemsOf([schedule])).toEqual(says);
  });

  it('names the file when its readyByLead is bad', () => {
    // Act + Assess
    expect(problemsOf({ readyByLead: '20 minutes', schedules: [wake] })).toEqual([
      'file: readyByLead: must be an ISO-8601 duration of at least a minute, such as PT20M or PT1H',
    ]);
  });
});

describe('skip days in the file', () => {
  it('shares a named calendar between schedules, and keeps the plain list form working', () => {
    // Act
    const shared = validateSchedules({
      calendars: { 'berlin-office': { holidays: 'de-be', dates: ['2026-12-24'] } },
      schedules: [
        { ...wake, skip: 'berlin-office' },
        { ...wake, name: 'inline', skip: { holidays: ['FR', 'DE'], dates: ['2026-12-27..2027-01-01'] } },
      ],
    });
    const list = validateSchedules([{ ...wake, skip: { dates: ['2026-12-24'] } }]);

    // Assess
    expect(shared.problems).toEqual([]);
    expect(shared.schedules.map((s) => s.skip)).toEqual([
      { holidays: ['DE-BE'], dates: ['2026-12-24'], calendar: 'berlin-office' },
      { holidays: ['FR', 'DE'], dates: ['2026-12-27..2027-01-01'] },
    ]);
    expect(list.schedules[0]?.skip).toEqual({ holidays: [], dates: ['2026-12-24'] });
  });

  it('names each bad holiday code and date by its position, with "did you mean"', () => {
    // Act
    const problems = problemsOf([
      {
        ...wake,
        skip: {
          holidays: ['DE-BE', 'Frnace'],
          dates: ['2026-12-24', '2026-02-30', '2027-01-02..2027-01-01'],
        },
      },
    ]);

    // Assess
    expect(problems).toEqual([
      'schedule "morning": skip.holidays[1]: unknown country "Frnace" (did you mean FR (France)?)',
      'schedule "morning": skip.dates[1]: "2026-02-30" is not a real date',
      'schedule "morning": skip.dates[2]: range "2027-01-02..2027-01-01" ends before it starts',
    ]);
  });

  it('refuses an unknown calendar with "did you mean", and a calendar in a file that has none', () => {
    // Act
    const typo = problemsOf({
      calendars: { 'berlin-office': { holidays: 'DE-BE' } },
      schedules: [{ ...wake, skip: 'berlin-ofice' }],
    });
    const none = problemsOf([{ ...wake, skip: 'berlin-office' }]);

    // Assess
    expect(typo).toEqual([
      'schedule "morning": skip: unknown calendar "berlin-ofice" (did you mean "berlin-office"?)',
    ]);
    expect(none).toEqual([
      'schedule "morning": skip: unknown calendar "berlin-office" (the file has no calendars: add a top-level "calendars:" mapping, or write skip: { holidays: …, dates: … })',
    ]);
  });

  it('reports a broken calendar once under its name and leaves out the schedules that use it', () => {
    // Act
    const { schedules, problems } = validateSchedules({
      calendars: { office: { holidays: 'DE-XX', colour: 'blue' }, Bad_Name: { dates: ['2026-12-24'] } },
      schedules: [
        { ...wake, skip: 'office' },
        { ...wake, name: 'other' },
      ],
      colour: 'red',
    });

    // Assess
    expect(problems).toEqual([
      'file: colour: unknown field (the file has schedules, calendars, readyByLead)',
      'calendar "office": colour: unknown field (use holidays and dates)',
      expect.stringMatching(/^calendar "office": holidays: unknown state "XX" of DE \(DE: BB, BE/),
      'calendar "Bad_Name": (name): use lower-case letters, digits and hyphens (e.g. "berlin-office")',
      'schedule "morning": skip: calendar "office" is invalid (see its problems)',
    ]);
    expect(schedules.map((s) => s.name)).toEqual(['other']);
  });

  it('refuses a skip without holidays or dates, and one that is not a mapping', () => {
    // Act + Assess
    expect(problemsOf([{ ...wake, skip: {} }])).toEqual([
      'schedule "morning": skip: give holidays (a country or region code such as DE-BE), dates, or both',
    ]);
    expect(problemsOf([{ ...wake, skip: ['DE'] }])).toEqual([
      'schedule "morning": skip: must be a mapping with holidays and/or dates, such as { holidays: DE-BE, dates: ["2026-12-24"] }',
    ]);
  });

  it('passes allowNoTargets through and refuses anything but true or false', () => {
    // Act
    const { schedules } = validateSchedules([{ ...wake, allowNoTargets: true }]);

    // Assess
    expect(schedules[0]?.allowNoTargets).toBe(true);
    expect(problemsOf([{ ...wake, allowNoTargets: 'yes' }])).toEqual([
      'schedule "morning": allowNoTargets: Invalid input: expected boolean, received string',
    ]);
  });
});
