import { describe, expect, it } from 'vitest';
import { dateEntryProblem, expandHolidays, holidayCode } from '../../../lib/schedules/calendars';

describe('holiday codes', () => {
  it.each<{ code: string; want: ReturnType<typeof holidayCode> }>([
    { code: 'DE', want: { code: 'DE' } },
    { code: 'DE-BE', want: { code: 'DE-BE' } },
    { code: 'de-be', want: { code: 'DE-BE' } },
    { code: 'DE-BY-A', want: { code: 'DE-BY-A' } },
    { code: 'UK', want: { code: 'GB' } },
    { code: 'Germany', want: { problem: 'unknown country "Germany" (did you mean DE (Germany)?)' } },
    { code: 'DEU', want: { problem: 'unknown country "DEU" (did you mean DE (Germany)?)' } },
    {
      code: 'DE-BX',
      want: {
        problem: expect.stringMatching(
          /^unknown state "BX" of DE \(did you mean BB \(Brandenburg\), BE \(Berlin\), BW \(Baden-Württemberg\)\?\) \(DE: BB, BE, BW, BY, .*TH\)$/,
        ),
      },
    },
    {
      code: 'DE-BY-Q',
      want: { problem: expect.stringMatching(/^unknown region "Q" of DE-BY .*\(DE-BY: A, /) },
    },
    {
      code: 'DE-BE-X-Y',
      want: { problem: expect.stringMatching(/is not a holiday code: use a country \(DE\)/) },
    },
    { code: '', want: { problem: expect.stringMatching(/is not a holiday code/) } },
  ])('reads "$code"', ({ code, want }) => {
    // Act + Assess
    expect(holidayCode(code)).toEqual(want);
  });
});

describe('expanding public holidays', () => {
  it('lists German public holidays by local date with English names, and no other kinds of days', () => {
    // Act
    const holidays = expandHolidays(['DE'], '2026-12-01', '2027-01-06');

    // Assess: 24 and 31 December are not public holidays (bank/observance days elsewhere are left out)
    expect(holidays).toEqual({
      '2026-12-25': 'Christmas Day',
      '2026-12-26': 'Boxing Day',
      '2027-01-01': "New Year's Day",
    });
  });

  it('adds the holidays of a state to those of its country', () => {
    // Act
    const berlin = expandHolidays(['DE-BE'], '2027-03-01', '2027-03-31');
    const germany = expandHolidays(['DE'], '2027-03-01', '2027-03-31');

    // Assess
    expect(berlin['2027-03-08']).toBe("International Women's Day");
    expect(germany['2027-03-08']).toBeUndefined();
  });

  it('names two countries together on a shared date and keeps each country alone elsewhere', () => {
    // Act
    const holidays = expandHolidays(['DE', 'FR'], '2027-07-01', '2027-12-31');

    // Assess
    expect(holidays['2027-07-14']).toBe('Bastille Day');
    expect(holidays['2027-10-03']).toBe('National Holiday');
    expect(holidays['2027-11-01']).toBe("All Saints' Day");
    expect(holidays['2027-12-25']).toBe('Christmas Day');
  });

  it('covers every day of a holiday that lasts several days', () => {
    // Act
    const holidays = expandHolidays(['AE'], '2027-03-01', '2027-03-31');

    // Assess: Eid al-Fitr lasts three days in the UAE
    const eid = Object.entries(holidays).filter(([, name]) => name.includes('Eid al-Fitr'));
    expect(eid.map(([date]) => date)).toEqual(['2027-03-09', '2027-03-10', '2027-03-11']);
  });

  it('keeps only the dates inside the window, inclusive', () => {
    // Act
    const holidays = expandHolidays(['DE'], '2026-12-26', '2027-01-01');

    // Assess
    expect(Object.keys(holidays)).toEqual(['2026-12-26', '2027-01-01']);
  });
});

describe('skip dates', () => {
  it.each<{ entry: unknown; want: string | undefined }>([
    { entry: '2026-12-24', want: undefined },
    { entry: '2026-12-27..2027-01-01', want: undefined },
    { entry: '2026-12-24..2026-12-24', want: undefined },
    { entry: '2027-02-29', want: '"2027-02-29" is not a real date' },
    { entry: '2026-12-32..2027-01-01', want: '"2026-12-32" is not a real date' },
    { entry: '2027-01-01..2026-12-27', want: 'range "2027-01-01..2026-12-27" ends before it starts' },
    {
      entry: '24.12.2026',
      want: '"24.12.2026" is not a date such as "2026-12-24" or a range "2026-12-27..2027-01-01"',
    },
    { entry: '2026-12-24...2026-12-31', want: expect.stringMatching(/is not a date such as/) },
    { entry: 20261224, want: 'must be a date such as "2026-12-24" or a range "2026-12-27..2027-01-01"' },
  ])('checks $entry', ({ entry, want }) => {
    // Act + Assess
    expect(dateEntryProblem(entry)).toEqual(want);
  });
});
