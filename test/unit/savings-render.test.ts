import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildLedger, type Ledger, type LedgerServiceInput } from '../../lib/savings/ledger';
import { CSV_COLUMNS, dailyChart, ledgerCsv } from '../../lib/savings/render';

const H = 3_600_000;
const FROM = Date.UTC(2026, 10, 2, 0, 0, 0); // Mon

function pausedFrom(at: number, overrides: Partial<LedgerServiceInput> = {}): LedgerServiceInput {
  return {
    name: 'api-staging',
    arn: `arn:aws:apprunner:us-east-1:123456789012:service/api-staging/${'0'.repeat(32)}`,
    region: 'us-east-1',
    status: 'PAUSED',
    operations: [{ id: 'op-1', type: 'PAUSE_SERVICE', status: 'SUCCEEDED', startedAt: at, endedAt: at }],
    minSize: 1,
    memoryMb: 2048,
    ...overrides,
  };
}

describe('savings chart', () => {
  it('draws one plain-text bar per local day, longest for the day paused longest', () => {
    // Prepare: paused from Wednesday noon on, in a Monday-to-Friday period.
    const ledger = buildLedger([pausedFrom(FROM + 60 * H)], {
      from: FROM,
      to: FROM + 120 * H,
      timeZone: 'UTC',
    });

    // Act
    const chart = dailyChart(ledger, 40);

    // Assess
    const lines = chart.text.split('\n');
    const bar = (day: string) => (lines.find((l) => l.startsWith(day)) ?? '').split('█').length - 1;
    expect(chart.measure).toBe('usd');
    expect(lines.filter((l) => /^(Mon|Tue|Wed|Thu|Fri) 11-0\d/.test(l))).toHaveLength(5);
    expect(bar('Mon 11-02')).toBe(0);
    expect(bar('Wed 11-04')).toBe(20);
    expect(bar('Thu 11-05')).toBe(40);
    expect(lines.find((l) => l.startsWith('Thu 11-05'))).toMatch(/\$0\.34$/);
    expect(chart.text.includes(String.fromCharCode(27))).toBe(false);
  });

  it('charts paused hours when no service has a dollar figure', () => {
    // Prepare
    const ledger = buildLedger([pausedFrom(FROM, { region: 'eu-central-1' })], {
      from: FROM,
      to: FROM + 48 * H,
      timeZone: 'UTC',
    });

    // Act
    const chart = dailyChart(ledger);

    // Assess
    expect(chart.measure).toBe('hours');
    expect(chart.text).toMatch(/^Mon 11-02 ╢█+ 24\.0 h$/m);
  });
});

describe('savings CSV', () => {
  it('opens in a spreadsheet: a header row, CRLF line ends, one row per service', () => {
    // Prepare
    const ledger = buildLedger(
      [
        pausedFrom(FROM),
        pausedFrom(FROM + 12 * H, {
          name: 'worker',
          arn: 'arn:aws:apprunner:us-east-1:123456789012:service/worker/x',
        }),
      ],
      { from: FROM, to: FROM + 24 * H, timeZone: 'UTC' },
    );

    // Act
    const csv = ledgerCsv(ledger);

    // Assess
    expect(csv.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const records = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(records.map((r) => [r.service, r.paused_hours, r.estimated_savings_usd])).toEqual([
      ['api-staging', '24', '0.336'],
      ['worker', '12', '0.168'],
    ]);
  });

  it('quotes a field holding a comma, a quote or a line break (RFC 4180)', () => {
    // Prepare: names App Runner would refuse, to see the quoting.
    const ledger = buildLedger([pausedFrom(FROM)], { from: FROM, to: FROM + H, timeZone: 'UTC' });
    const odd: Ledger = {
      ...ledger,
      services: ledger.services.map((r) => ({ ...r, service: 'a,"b"\nc' })),
    };

    // Act
    const csv = ledgerCsv(odd);

    // Assess
    expect(csv.split('\r\n')[1]?.startsWith('"a,""b""\nc",us-east-1,1,')).toBe(true);
    const [record] = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(record?.service).toBe('a,"b"\nc');
  });
});
