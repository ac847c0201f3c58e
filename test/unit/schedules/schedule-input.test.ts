import { describe, expect, it } from 'vitest';
import { ExecutionInputSchema } from '../../../lib/contract/execution-input';
import {
  executionInputFor,
  firedInput,
  INPUT_LIMIT,
  type PackagedInput,
  packagedInput,
} from '../../../lib/schedules/schedule-input';
import { type Schedule, validateSchedules } from '../../../lib/schedules/schedules';

const PACKAGED_AT = new Date('2026-06-01T12:00:00Z');

function schedule(raw: Record<string, unknown>): Schedule {
  const { schedules, problems } = validateSchedules([
    {
      name: 'weekday-morning',
      action: 'resume',
      readyBy: '07:00',
      days: 'MON-FRI',
      timezone: 'Europe/Berlin',
      targets: { tags: { env: 'staging' } },
      ...raw,
    },
  ]);
  expect(problems).toEqual([]);
  return schedules[0]!;
}

/** `n` distinct service ARNs of 94 characters each. */
const arns = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `arn:aws:apprunner:eu-west-1:123456789012:service/service-${i}/${'0'.repeat(30)}${String(i).padStart(2, '0')}`,
  );

const ok = (result: PackagedInput | { problem: string }): PackagedInput => {
  if ('problem' in result) throw new Error(result.problem);
  return result;
};

describe('the input a schedule sends', () => {
  it('carries the schedule block: name, the Scheduler time placeholder, zone, readyBy and the expanded skip days', () => {
    // Act
    const input = executionInputFor(
      schedule({ skip: { holidays: 'DE', dates: ['2026-12-24', '2026-12-28..2026-12-31'] } }),
      { packagedAt: PACKAGED_AT, horizonYear: 2027 },
    );

    // Assess
    expect(input.schedule).toEqual({
      name: 'weekday-morning',
      scheduledTime: '<aws.scheduler.scheduled-time>',
      timezone: 'Europe/Berlin',
      readyBy: '07:00',
      skip: {
        horizon: '2027-12-31',
        holidays: expect.objectContaining({ '2026-01-01': "New Year's Day", '2027-12-26': 'Boxing Day' }),
        dates: ['2026-12-24', '2026-12-28..2026-12-31'],
      },
    });
    expect(Object.keys(input.schedule.skip!.holidays!)).toHaveLength(18);
  });

  it('expands holidays from 1 January of the packaging year through the end of the fifth year after it', () => {
    // Act
    const packaged = ok(packagedInput(schedule({ skip: { holidays: 'DE-BE' } }), PACKAGED_AT));

    // Assess
    const dates = Object.keys(packaged.input.schedule.skip!.holidays!);
    expect(packaged.input.schedule.skip!.horizon).toBe('2031-12-31');
    expect(dates[0]).toBe('2026-01-01');
    expect(dates.at(-1)).toBe('2031-12-26');
    expect(packaged.warnings).toEqual([]);
    expect(packaged.text).toBe(JSON.stringify(packaged.input));
  });

  it('gives a classic rule the placeholder its InputTransformer fills from the event time', () => {
    // Act
    const input = executionInputFor(schedule({ type: 'rule', timezone: undefined }), {
      packagedAt: PACKAGED_AT,
    });

    // Assess
    expect(input.schedule).toEqual({
      name: 'weekday-morning',
      scheduledTime: '<scheduledTime>',
      timezone: 'UTC',
      readyBy: '07:00',
    });
  });

  it('passes allowNoTargets and readyCheck through, and leaves them out when not set', () => {
    // Act
    const set = executionInputFor(schedule({ allowNoTargets: true, readyCheck: 'none' }));
    const unset = executionInputFor(schedule({}));

    // Assess
    expect(set).toMatchObject({ allowNoTargets: true, readyCheck: 'none' });
    expect(unset).not.toHaveProperty('allowNoTargets');
    expect(unset).not.toHaveProperty('readyCheck');
  });

  it('is accepted by the workflow once EventBridge has filled in the time', () => {
    // Prepare
    const packaged = ok(packagedInput(schedule({ skip: { holidays: ['DE-BE', 'FR'] } }), PACKAGED_AT));

    // Act
    const fired = firedInput(packaged.text, { type: 'scheduler' }, '2026-12-21T05:40:00Z');

    // Assess
    const parsed = ExecutionInputSchema.safeParse(fired);
    expect(parsed.success).toBe(true);
    expect((fired as { schedule: { scheduledTime: string } }).schedule.scheduledTime).toBe(
      '2026-12-21T05:40:00Z',
    );
    expect(ExecutionInputSchema.safeParse(JSON.parse(packaged.text)).success).toBe(false);
  });
});

describe('packaging warnings', () => {
  it('warns when a ready-by wake-up fires at a local time the clocks skip, naming the day', () => {
    // Act
    const packaged = ok(packagedInput(schedule({ readyBy: '03:10', days: '*' }), PACKAGED_AT));
    const fine = ok(packagedInput(schedule({ readyBy: '03:30', days: '*' }), PACKAGED_AT));

    // Assess
    expect(packaged.warnings).toEqual([
      'schedule "weekday-morning": fires at cron(50 2 ? * * *) Europe/Berlin, a time the clocks skip on 2027-03-28 (daylight saving): EventBridge Scheduler does not fire that day; pick readyBy and readyByLead so that it fires outside the jump',
    ]);
    expect(fine.warnings).toEqual([]);
  });
});

describe("EventBridge's 8,192-character input limit", () => {
  const manyCountries = ['DE', 'FR', 'GB', 'US', 'IT', 'ES', 'NL', 'BE', 'AT', 'CH', 'DK', 'SE'];

  it('shrinks the holiday horizon a year at a time until the input fits, and says so', () => {
    // Act
    const packaged = ok(packagedInput(schedule({ skip: { holidays: manyCountries } }), PACKAGED_AT));

    // Assess
    const horizon = packaged.input.schedule.skip!.horizon;
    expect(horizon < '2031-12-31').toBe(true);
    expect(packaged.text.length).toBeLessThanOrEqual(INPUT_LIMIT);
    expect(packaged.warnings[0]).toBe(
      `schedule "weekday-morning": with public holidays through 2031 its input would exceed EventBridge's 8,192-character limit: holidays are expanded up to ${horizon} only`,
    );
    const bigger = executionInputFor(schedule({ skip: { holidays: manyCountries } }), {
      packagedAt: PACKAGED_AT,
      horizonYear: Number(horizon.slice(0, 4)) + 1,
    });
    expect(JSON.stringify(bigger).length).toBeGreaterThan(INPUT_LIMIT);
  });

  it('warns when the holidays end within a year of packaging', () => {
    // Prepare: 72 ARNs leave room for one year of three countries' holidays only
    const targets = { serviceArns: arns(72) };

    // Act
    const packaged = ok(
      packagedInput(schedule({ targets, skip: { holidays: ['DE', 'FR', 'GB'] } }), PACKAGED_AT),
    );

    // Assess
    expect(packaged.input.schedule.skip!.horizon).toBe('2026-12-31');
    expect(packaged.warnings[1]).toBe(
      'schedule "weekday-morning": skips public holidays only up to 2026-12-31 (213 days from now): package and deploy again before then (runs warn from 90 days before)',
    );
  });

  it('refuses an input that does not fit even without any year of holidays beyond this one', () => {
    // Prepare
    const arns = Array.from(
      { length: 90 },
      (_, i) =>
        `arn:aws:apprunner:eu-west-1:123456789012:service/service-${i}/${'0'.repeat(30)}${String(i).padStart(2, '0')}`,
    );

    // Act
    const withHolidays = packagedInput(
      schedule({ targets: { serviceArns: arns }, skip: { holidays: 'DE' } }),
      PACKAGED_AT,
    );
    const without = packagedInput(schedule({ targets: { serviceArns: arns } }), PACKAGED_AT);

    // Assess
    expect(withHolidays).toEqual({
      problem: expect.stringMatching(
        /^\(input\): is [\d,]+ characters even with public holidays of 2026 only, over EventBridge's 8,192-character limit: select fewer services/,
      ),
    });
    expect(without).toEqual({
      problem: expect.stringMatching(
        /^\(input\): is [\d,]+ characters, over EventBridge's 8,192-character limit/,
      ),
    });
  });
});
