import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ExecutionInputSchema } from '../../lib/contract/execution-input';
import { firedInput, packagedInput } from '../../lib/schedules/schedule-input';
import { loadSchedules, SchedulesFileError, validateSchedules } from '../../lib/schedules/schedules';
import { badServiceArn, badServiceName, serviceArn, serviceName } from './arbitraries';

type RawSchedule = Record<string, unknown>;

const PACKAGED_AT = new Date('2026-12-01T00:00:00Z');

const slug = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')), {
    minLength: 1,
    maxLength: 12,
  })
  .map((a) => a.join(''));
const scheduleName = fc.array(slug, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('-'));

const cron = fc
  .record({
    minute: fc.integer({ min: 0, max: 59 }),
    hour: fc.integer({ min: 0, max: 23 }),
    days: fc.constantFrom('? * MON-FRI', '? * SAT', '? * 2-6', '1 * ?', 'L * ?', '? * 6#3', '15 1,4,7,10 ?'),
  })
  .map(({ minute, hour, days }) => `cron(${minute} ${hour} ${days} *)`);

const targets = fc
  .record(
    {
      serviceNames: fc.array(serviceName, { minLength: 1, maxLength: 3 }),
      serviceArns: fc.array(serviceArn, { minLength: 1, maxLength: 2 }),
      tags: fc.dictionary(
        fc.constantFrom('env', 'team', 'app'),
        fc.constantFrom('staging', 'dev', 'web', 'qa'),
        { minKeys: 1 },
      ),
    },
    { requiredKeys: [] },
  )
  .filter((t) => Object.keys(t).length > 0);

const skip = fc.oneof(
  fc
    .record(
      {
        holidays: fc.constantFrom('DE', 'DE-BE', ['FR', 'GB'], 'us-ny', 'JP'),
        dates: fc.constantFrom(['2026-12-24'], ['2026-12-27..2027-01-01', '2027-04-30']),
      },
      { requiredKeys: [] },
    )
    .filter((k) => Object.keys(k).length > 0),
);

/** A ready-by wake-up: readyBy and days in place of the cron (days that a midnight-crossing lead can move). */
const readyBy = fc.record(
  {
    readyBy: fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
    days: fc.constantFrom('MON-FRI', 'SAT,SUN', '*', '2-6', '? * * *', '15 * ? *'),
    readyByLead: fc.constantFrom('PT20M', 'PT1H', 'PT5M'),
  },
  { requiredKeys: ['readyBy'] },
);

/** A valid schedule as a user would write it (keepAwakeUntil is in the contract; keepAwakeFor is left out). */
const validSchedule: fc.Arbitrary<RawSchedule> = fc
  .record(
    {
      action: fc.constantFrom('resume', 'pause'),
      cron,
      timezone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC', 'Australia/Sydney'),
      targets,
      enabled: fc.boolean(),
      reason: fc.constantFrom('nightly', 'release day', 'save money'),
      keepAwakeUntil: fc.constantFrom('2027-01-15T18:00:00Z', '2027-03-01T08:30Z'),
      skip,
      allowNoTargets: fc.boolean(),
      readyBy: fc.option(readyBy, { nil: undefined }),
    },
    { requiredKeys: ['action', 'cron', 'timezone', 'targets'] },
  )
  .map(({ readyBy: wake, ...s }) => {
    if (s.action === 'pause') {
      const { keepAwakeUntil: _dropped, ...rest } = s;
      return rest;
    }
    if (wake !== undefined) {
      const { cron: _replaced, ...rest } = s;
      return { ...rest, ...wake };
    }
    return s;
  });

/** Valid schedules with unique names (and unique CloudFormation ids). */
const validFile = fc
  .uniqueArray(scheduleName, { minLength: 1, maxLength: 5, selector: (n) => n.replace(/-/g, '') })
  .chain((names) =>
    fc.tuple(...names.map((name) => validSchedule.map((s) => ({ name, ...s })))).map((list) => list),
  );

interface ScheduleMutation {
  what: string;
  /** The field the problem must name. */
  field: string;
  apply(schedule: RawSchedule): RawSchedule;
}

const set =
  (key: string, value: unknown) =>
  (s: RawSchedule): RawSchedule => ({ ...s, [key]: value });
const drop =
  (key: string) =>
  (s: RawSchedule): RawSchedule =>
    Object.fromEntries(Object.entries(s).filter(([k]) => k !== key));

/** The schedule as a cron schedule: the fields of a ready-by wake-up removed. */
const withoutReadyBy = (s: RawSchedule): RawSchedule => drop('readyByLead')(drop('days')(drop('readyBy')(s)));

const mutation: fc.Arbitrary<ScheduleMutation> = fc.oneof(
  fc
    .constantFrom('sleep', 'stop', 'RESUME', '')
    .map((a) => ({ what: `action ${a}`, field: 'action', apply: set('action', a) })),
  fc.constant({ what: 'no action', field: 'action', apply: drop('action') }),
  fc
    .constantFrom(
      'cron(0 7 * * MON-FRI *)',
      'cron(0 7 ? * MON-FRI)',
      'cron(60 7 ? * MON-FRI *)',
      'cron(0 24 ? * * *)',
      'cron(0 7 ? * MON/2 *)',
      '0 7 * * 1-5',
      'rate(5 minutes)',
      'cron(0 7 ? FOO * *)',
    )
    .map((c) => ({
      what: `cron ${c}`,
      field: 'cron',
      apply: (s: RawSchedule) => ({ ...withoutReadyBy(s), cron: c }),
    })),
  fc.constant({
    what: 'neither cron nor readyBy',
    field: 'cron',
    apply: (s: RawSchedule) => drop('readyBy')(drop('cron')(s)),
  }),
  fc
    .constantFrom('Europe/Atlantis', 'CEST', 'europe/berlin', 'GMT+2', '')
    .map((tz) => ({ what: `timezone ${tz}`, field: 'timezone', apply: set('timezone', tz) })),
  fc.constant({ what: 'no timezone', field: 'timezone', apply: drop('timezone') }),
  fc.constant({
    what: 'a rule with a time zone',
    field: 'timezone',
    apply: (s: RawSchedule) => ({ ...s, type: 'rule', timezone: 'Europe/Berlin' }),
  }),
  fc.constant({ what: 'no targets', field: 'targets', apply: drop('targets') }),
  fc.constant({ what: 'empty targets', field: 'targets', apply: set('targets', {}) }),
  badServiceName.map((n) => ({
    what: `service name ${JSON.stringify(n)}`,
    field: 'targets.serviceNames[0]',
    apply: set('targets', { serviceNames: [n] }),
  })),
  badServiceArn.map((a) => ({
    what: `service ARN ${JSON.stringify(a)}`,
    field: 'targets.serviceArns[0]',
    apply: set('targets', { serviceArns: [a] }),
  })),
  fc.constant({
    what: 'a reserved tag key',
    field: 'targets.tags',
    apply: set('targets', { tags: { 'aws:cloudformation:stack-name': 'x' } }),
  }),
  fc
    .constantFrom('schedule', 'timeZone', 'target', 'dryRun', 'Action')
    .map((k) => ({ what: `unknown field ${k}`, field: k, apply: set(k, 'x') })),
  fc
    .constantFrom('yes', 'true', 1)
    .map((v) => ({ what: `enabled ${v}`, field: 'enabled', apply: set('enabled', v) })),
  fc.constantFrom('2027-01-15T18:00:00', '2027-01-15T18:00:00+01:00', 'tomorrow', '2027-01-15').map((v) => ({
    what: `keepAwakeUntil ${v}`,
    field: 'keepAwakeUntil',
    apply: (s: RawSchedule) => ({ ...s, action: 'resume', keepAwakeUntil: v }),
  })),
  fc.constant({
    what: 'a lease on a pause',
    field: 'keepAwakeUntil',
    apply: (s: RawSchedule) => ({ ...s, action: 'pause', keepAwakeUntil: '2027-01-15T18:00:00Z' }),
  }),
  fc.constantFrom('7:00', '24:00', '07:60', 'seven').map((v) => ({
    what: `readyBy ${v}`,
    field: 'readyBy',
    apply: (s: RawSchedule) => ({ ...drop('cron')(s), action: 'resume', readyBy: v }),
  })),
  fc.constant({
    what: 'readyBy next to a cron',
    field: 'readyBy',
    apply: (s: RawSchedule) => ({
      ...s,
      cron: 'cron(0 7 ? * MON-FRI *)',
      action: 'resume',
      readyBy: '07:00',
    }),
  }),
  fc.constantFrom('MON-FUN', 'MON FRI', '? JAN MON *').map((v) => ({
    what: `days ${v} before midnight`,
    field: 'days',
    apply: (s: RawSchedule) => ({
      ...drop('cron')(s),
      action: 'resume',
      readyBy: '00:10',
      readyByLead: 'PT20M',
      days: v,
    }),
  })),
  fc.constant({
    what: 'days with a cron',
    field: 'days',
    apply: (s: RawSchedule) => ({ ...withoutReadyBy(s), cron: 'cron(0 7 ? * MON-FRI *)', days: 'MON-FRI' }),
  }),
  fc.constantFrom('XX', 'DE-XX', 'Germany').map((code) => ({
    what: `holidays ${code}`,
    field: 'skip.holidays',
    apply: set('skip', { holidays: code }),
  })),
  fc.constantFrom('2026-02-30', '2027-01-02..2027-01-01', 'tomorrow').map((date) => ({
    what: `skip date ${date}`,
    field: 'skip.dates[0]',
    apply: set('skip', { dates: [date] }),
  })),
  fc.constant({ what: 'an unknown calendar', field: 'skip', apply: set('skip', 'office') }),
  fc.constantFrom('P40D', 'PT0M', '10h', 'PT').map((v) => ({
    what: `keepAwakeFor ${v}`,
    field: 'keepAwakeFor',
    apply: (s: RawSchedule) => ({ ...drop('keepAwakeUntil')(s), action: 'resume', keepAwakeFor: v }),
  })),
);

const labelOf = (s: RawSchedule, index: number) =>
  typeof s.name === 'string' && s.name !== '' ? `schedule "${s.name}"` : `schedule #${index + 1}`;

/** Whether some problem is about `field` (or a part of it) of the schedule with this label. */
const names = (problems: readonly string[], label: string, field: string) =>
  problems.some(
    (p) => p.startsWith(`${label}: ${field}`) && /^[:.[]/.test(p.slice(`${label}: ${field}`.length)),
  );

describe('schedules file, property-based', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schedules-property-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts every valid schedules file, and each schedule starts the workflow with a valid input', () => {
    fc.assert(
      fc.property(validFile, (list) => {
        // Act
        const { schedules, problems } = validateSchedules(list);

        // Assess
        expect(problems).toEqual([]);
        expect(schedules.map((s) => s.name)).toEqual(list.map((s) => s.name));
        for (const schedule of schedules) {
          const packaged = packagedInput(schedule, PACKAGED_AT);
          if ('problem' in packaged) throw new Error(packaged.problem);
          const input = firedInput(packaged.text, schedule, '2027-01-04T06:40:00Z');
          expect(ExecutionInputSchema.safeParse(input).success).toBe(true);
          expect(input).toMatchObject({
            requestedBy: `schedule:${schedule.name}`,
            schedule: {
              name: schedule.name,
              scheduledTime: '2027-01-04T06:40:00Z',
              timezone: schedule.timezone,
            },
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a broken schedule naming the schedule and the field, and keeps the others', () => {
    fc.assert(
      fc.property(validFile, fc.nat(), mutation, (list, at, m) => {
        // Prepare
        const index = at % list.length;
        const file = list.map((s, i) => (i === index ? m.apply(s) : s));

        // Act
        const { schedules, problems } = validateSchedules(file);

        // Assess
        expect(names(problems, labelOf(file[index]!, index), m.field), `${m.what}: ${problems}`).toBe(true);
        for (const p of problems) expect(p).toMatch(/^schedule ("[^"]*"|#\d+): [\w.[\]:-]+: ./);
        expect(schedules.map((s) => s.name)).toEqual(list.filter((_, i) => i !== index).map((s) => s.name));
      }),
      { numRuns: 500 },
    );
  });

  it('names both schedules of a duplicate name and refuses the second', () => {
    fc.assert(
      fc.property(validFile, validSchedule, (list, extra) => {
        // Prepare
        const duplicate = { ...extra, name: list[0]!.name };

        // Act
        const { problems } = validateSchedules([...list, duplicate]);

        // Assess
        expect(problems).toEqual([
          `schedule "${list[0]!.name}": name: duplicate name (also used by schedule #1)`,
        ]);
      }),
      { numRuns: 100 },
    );
  });

  it('fails loading a file with a broken schedule with every problem in one error', () => {
    fc.assert(
      fc.property(validFile, mutation, mutation, (list, first, second) => {
        // Prepare
        const file = [
          first.apply(list[0]!),
          ...list.slice(1),
          second.apply({ ...list[0]!, name: 'second-one' }),
        ];
        const path = join(dir, 'schedules.yml');
        writeFileSync(path, stringify(file));

        // Act
        let error: unknown;
        try {
          loadSchedules(path);
        } catch (caught) {
          error = caught;
        }

        // Assess
        expect(error).toBeInstanceOf(SchedulesFileError);
        const { problems } = error as SchedulesFileError;
        expect(names(problems, labelOf(file[0]!, 0), first.field), `${first.what}: ${problems}`).toBe(true);
        expect(names(problems, 'schedule "second-one"', second.field), `${second.what}: ${problems}`).toBe(
          true,
        );
        expect((error as Error).message).toContain(path);
      }),
      { numRuns: 50 },
    );
  });
});
