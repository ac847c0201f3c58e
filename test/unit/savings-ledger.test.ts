import { describe, expect, it } from 'vitest';
import type { OperationInfo, OperationStatus, OperationType } from '../../lib/app-runner/port';
import { parseMemoryMb } from '../../lib/app-runner/sdk';
import {
  buildLedger,
  type LedgerOptions,
  type LedgerRow,
  type LedgerServiceInput,
} from '../../lib/savings/ledger';

// The arithmetic of the savings ledger, on hand-made App Runner histories: one week, Mon 2026-11-02 00:00Z to
// Mon 2026-11-09 00:00Z, us-east-1 at $0.007 per GB-hour.

const H = 3_600_000;
const FROM = Date.UTC(2026, 10, 2, 0, 0, 0);
const TO = FROM + 168 * H;
const WEEK: LedgerOptions = { from: FROM, to: TO, timeZone: 'UTC' };

let ids = 0;
/** An operation that started at `at` and took `seconds` (App Runner lists start and end times). */
function op(
  type: OperationType,
  at: number,
  { status = 'SUCCEEDED', seconds = 36 }: { status?: OperationStatus; seconds?: number } = {},
): OperationInfo {
  ids += 1;
  return { id: `op-${ids}`, type, status, startedAt: at, endedAt: at + seconds * 1000 };
}

function service(overrides: Partial<LedgerServiceInput> = {}): LedgerServiceInput {
  const name = overrides.name ?? 'api-staging';
  return {
    name,
    arn: `arn:aws:apprunner:${overrides.region ?? 'us-east-1'}:123456789012:service/${name}/${'0'.repeat(32)}`,
    region: 'us-east-1',
    status: 'PAUSED',
    operations: [],
    minSize: 1,
    memoryMb: 2048,
    ...overrides,
  };
}

function only(services: LedgerServiceInput[], options: LedgerOptions = WEEK): LedgerRow {
  const [row] = buildLedger(services, options).services;
  if (!row) throw new Error('no row');
  return row;
}

describe('savings ledger', () => {
  it('clips a pause that began before the period and one still running at its end to the period', () => {
    // Prepare: paused two hours before the week, resumed at 06:00 on Monday, paused again 4 h before the end
    // (each pause takes 36 s = 0.01 h to take effect).
    const svc = service({
      operations: [
        op('PAUSE_SERVICE', FROM - 2 * H),
        op('RESUME_SERVICE', FROM + 6 * H),
        op('PAUSE_SERVICE', TO - 4 * H),
      ],
    });

    // Act
    const row = only([svc]);

    // Assess: 6 h + 3.99 h paused, the rest running; 9.99 h × 1 × 2 GB × $0.007.
    expect(row.pausedHours).toBe(9.99);
    expect(row.runningHours).toBe(158.01);
    expect(row.unknownHours).toBe(0);
    expect(row.pausedIntervals).toBe(2);
    expect(row.estimatedSavingsUsd).toBe(0.1399);
    expect(row.historyFrom).toBeNull();
  });

  it('counts a service paused for the whole period as paused every hour of it', () => {
    // Prepare
    const svc = service({ operations: [op('PAUSE_SERVICE', FROM - 10 * 24 * H)] });

    // Act
    const row = only([svc]);

    // Assess: 168 h × 2 GB × $0.007
    expect(row).toMatchObject({ pausedHours: 168, runningHours: 0, sharePaused: 1, pausedIntervals: 1 });
    expect(row.estimatedSavingsUsd).toBe(2.352);
  });

  it('counts a service that was never paused as running, with nothing saved', () => {
    // Prepare: created before the period (its history is complete), deployed during it.
    const svc = service({
      status: 'RUNNING',
      operations: [op('CREATE_SERVICE', FROM - 30 * 24 * H), op('START_DEPLOYMENT', FROM + 24 * H)],
    });

    // Act
    const row = only([svc]);

    // Assess
    expect(row).toMatchObject({ pausedHours: 0, runningHours: 168, sharePaused: 0, estimatedSavingsUsd: 0 });
    expect(row.historyFrom).toBeNull();
  });

  it('makes no paused interval of a failed pause', () => {
    // Prepare
    const svc = service({
      status: 'RUNNING',
      operations: [
        op('RESUME_SERVICE', FROM - 24 * H),
        op('PAUSE_SERVICE', FROM + 10 * H, { status: 'FAILED' }),
      ],
    });

    // Act
    const row = only([svc]);

    // Assess
    expect(row).toMatchObject({ pausedHours: 0, runningHours: 168, pausedIntervals: 0 });
  });

  it('keeps a service paused through a failed resume, until the next resume that did not fail', () => {
    // Prepare
    const svc = service({
      status: 'RUNNING',
      operations: [
        op('PAUSE_SERVICE', FROM - 24 * H),
        op('RESUME_SERVICE', FROM + 24 * H, { status: 'FAILED' }),
        op('RESUME_SERVICE', FROM + 48 * H),
      ],
    });

    // Act
    const row = only([svc]);

    // Assess
    expect(row).toMatchObject({ pausedHours: 48, runningHours: 120, pausedIntervals: 1 });
  });

  it('multiplies by MinSize and the memory of each instance', () => {
    // Prepare: MinSize 3 instances of 4 GB, paused 10 h.
    const svc = service({
      minSize: 3,
      memoryMb: 4096,
      operations: [op('PAUSE_SERVICE', FROM + 10 * H, { seconds: 0 }), op('RESUME_SERVICE', FROM + 20 * H)],
    });

    // Act
    const row = only([svc]);

    // Assess: 10 h × 3 × 4 GB × $0.007
    expect(row.pausedHours).toBe(10);
    expect(row.estimatedSavingsUsd).toBe(0.84);
  });

  it('gives the same figure for memory written "2048" and "2 GB"', () => {
    // Prepare
    const history = [op('PAUSE_SERVICE', FROM, { seconds: 0 }), op('RESUME_SERVICE', FROM + 50 * H)];
    const asMib = service({ name: 'mib-spelling', operations: history, memoryMb: parseMemoryMb('2048') });
    const asGb = service({ name: 'gb-spelling', operations: history, memoryMb: parseMemoryMb('2 GB') });

    // Act
    const rows = buildLedger([asMib, asGb], WEEK).services;

    // Assess: 50 h × 2 GB × $0.007
    expect(rows.map((r) => [r.memoryMb, r.estimatedSavingsUsd])).toEqual([
      [2048, 0.7],
      [2048, 0.7],
    ]);
  });

  it('says a region has no price instead of guessing one, and leaves it out of the dollar total', () => {
    // Prepare
    const history = [op('PAUSE_SERVICE', FROM, { seconds: 0 }), op('RESUME_SERVICE', FROM + 100 * H)];
    const priced = service({ name: 'in-virginia', operations: history });
    const unpriced = service({ name: 'in-frankfurt', region: 'eu-central-1', operations: history });

    // Act
    const ledger = buildLedger([priced, unpriced], WEEK);

    // Assess
    const frankfurt = ledger.services.find((r) => r.service === 'in-frankfurt');
    expect(frankfurt).toMatchObject({
      pausedHours: 100,
      usdPerGbHour: null,
      priceSource: null,
      estimatedSavingsUsd: null,
    });
    expect(ledger.totals).toMatchObject({
      estimatedSavingsUsd: 1.4,
      servicesWithoutEstimate: 1,
      pausedHours: 200,
    });
  });

  it('prices every region with --price-per-gb-hour when given', () => {
    // Prepare
    const svc = service({
      region: 'eu-central-1',
      operations: [op('PAUSE_SERVICE', FROM, { seconds: 0 }), op('RESUME_SERVICE', FROM + 100 * H)],
    });

    // Act
    const row = only([svc], { ...WEEK, priceOverride: 0.008 });

    // Assess: 100 h × 2 GB × $0.008
    expect(row).toMatchObject({
      usdPerGbHour: 0.008,
      priceSource: '--price-per-gb-hour',
      estimatedSavingsUsd: 1.6,
    });
  });

  it('says how far back a history shorter than the period reaches, and counts nothing before it', () => {
    // Prepare: the oldest operation App Runner still lists is Wednesday's resume (paused before it, since
    // when nobody knows); paused again Wednesday 20:00.
    const wednesday = FROM + 48 * H;
    const svc = service({
      operations: [
        op('RESUME_SERVICE', wednesday + 7 * H),
        op('PAUSE_SERVICE', wednesday + 20 * H, { seconds: 0 }),
      ],
    });

    // Act
    const row = only([svc]);

    // Assess: 55 h before the history are unknown; of the rest, 13 h running, 100 h paused.
    expect(row.historyFrom).toBe(new Date(wednesday + 7 * H).toISOString());
    expect(row).toMatchObject({ unknownHours: 55, runningHours: 13, pausedHours: 100 });
    expect(row.sharePaused).toBeCloseTo(100 / 113, 4);
  });

  it('has no history to tell from for a service without operations', () => {
    // Prepare
    const svc = service({ status: 'RUNNING', operations: [] });

    // Act
    const row = only([svc]);

    // Assess
    expect(row).toMatchObject({ pausedHours: 0, runningHours: 0, unknownHours: 168, sharePaused: null });
    expect(row.historyFrom).toBe(new Date(TO).toISOString());
  });

  it('counts a service created during the period from its creation only', () => {
    // Prepare
    const created = FROM + 24 * H;
    const svc = service({
      status: 'RUNNING',
      createdAt: created,
      operations: [op('CREATE_SERVICE', created)],
    });

    // Act
    const row = only([svc]);

    // Assess
    expect(row).toMatchObject({ runningHours: 144, unknownHours: 0, pausedHours: 0, historyFrom: null });
  });

  it('totals are the sums of the lines, and the lines are sorted by estimated saving', () => {
    // Prepare: three services with different sizes and hours, one without a price.
    const services = [
      service({ name: 'small', memoryMb: 1024, operations: [op('PAUSE_SERVICE', FROM + 1234567)] }),
      service({ name: 'big', minSize: 3, memoryMb: 4096, operations: [op('PAUSE_SERVICE', FROM + 7654321)] }),
      service({ name: 'far-away', region: 'eu-west-3', operations: [op('PAUSE_SERVICE', FROM + 3333333)] }),
    ];

    // Act
    const ledger = buildLedger(services, WEEK);

    // Assess
    const sum = (pick: (r: LedgerRow) => number | null) =>
      ledger.services.reduce((acc, r) => acc + (pick(r) ?? 0), 0);
    expect(ledger.services.map((r) => r.service)).toEqual(['big', 'small', 'far-away']);
    expect(ledger.totals.pausedHours).toBeCloseTo(
      sum((r) => r.pausedHours),
      9,
    );
    expect(ledger.totals.runningHours).toBeCloseTo(
      sum((r) => r.runningHours),
      9,
    );
    expect(ledger.totals.estimatedSavingsUsd).toBeCloseTo(
      sum((r) => r.estimatedSavingsUsd),
      9,
    );
    expect(ledger.totals.servicesWithoutEstimate).toBe(1);
  });

  it('buckets paused hours into the local days of the chosen time zone, a week of nights and a weekend', () => {
    // Prepare: awake 07:00–20:00 Berlin (06:00–19:00Z in November) on weekdays, paused otherwise.
    const operations: OperationInfo[] = [op('PAUSE_SERVICE', FROM - 5 * H, { seconds: 0 })];
    for (let day = 0; day < 5; day++) {
      const midnight = FROM + day * 24 * H;
      operations.push(
        op('RESUME_SERVICE', midnight + 6 * H),
        op('PAUSE_SERVICE', midnight + 19 * H, { seconds: 0 }),
      );
    }
    const svc = service({ operations });

    // Act
    const ledger = buildLedger([svc], { from: FROM - H, to: TO - H, timeZone: 'Europe/Berlin' });

    // Assess: Berlin days Mon–Sun: 11 h paused on weekdays (00:00–07:00, 20:00–24:00), 24 h at the weekend.
    expect(ledger.days.map((d) => `${d.weekday} ${d.pausedHours}`)).toEqual([
      'Mon 11',
      'Tue 11',
      'Wed 11',
      'Thu 11',
      'Fri 11',
      'Sat 24',
      'Sun 24',
    ]);
    expect(ledger.days[5]?.estimatedSavingsUsd).toBe(0.336);
  });

  it('gives the day daylight saving ends its 25 hours', () => {
    // Prepare: Berlin leaves summer time on Sunday 2026-10-25; paused the whole weekend and Monday.
    const from = Date.UTC(2026, 9, 23, 22, 0, 0); // Sat 00:00 CEST
    const to = Date.UTC(2026, 9, 26, 23, 0, 0); // Tue 00:00 CET
    const svc = service({ operations: [op('PAUSE_SERVICE', from - 24 * H)] });

    // Act
    const ledger = buildLedger([svc], { from, to, timeZone: 'Europe/Berlin' });

    // Assess
    expect(ledger.days.map((d) => [d.date, d.pausedHours])).toEqual([
      ['2026-10-24', 24],
      ['2026-10-25', 25],
      ['2026-10-26', 24],
    ]);
  });

  it('refuses an empty period and a price override that is not a positive number', () => {
    // Act / Assess
    expect(() => buildLedger([], { from: TO, to: FROM, timeZone: 'UTC' })).toThrow(/period/);
    expect(() => buildLedger([], { ...WEEK, priceOverride: -1 })).toThrow(/priceOverride/);
  });
});
