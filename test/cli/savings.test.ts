import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type FleetSpec, SAMPLE_FLEET_PATH, startEmulator } from '../../emulator/index';
import { CSV_COLUMNS } from '../../lib/savings/render';
import { runCli } from './helpers';

// `savings` against the App Runner emulator through the real SDK: a small fleet whose history is known (in
// hours before the emulator started, which is a moment before each command reads it), and the sample fleet.

type Service = NonNullable<FleetSpec['services']>[number];
const ago = (hours: number) => Math.round(hours * 3600);
/** Paused 100 h ago, resumed 50 h ago, paused 40 h ago, resumed 20 h ago, paused 10 h ago (now PAUSED). */
const nights: Service['history'] = {
  operations: [
    { type: 'PAUSE_SERVICE', startedSecondsAgo: ago(100), durationSeconds: 36 },
    { type: 'RESUME_SERVICE', startedSecondsAgo: ago(50), durationSeconds: 60 },
    { type: 'PAUSE_SERVICE', startedSecondsAgo: ago(40), durationSeconds: 36 },
    { type: 'RESUME_SERVICE', startedSecondsAgo: ago(20), durationSeconds: 60 },
    { type: 'PAUSE_SERVICE', startedSecondsAgo: ago(10), durationSeconds: 36 },
  ],
};

const fleet: FleetSpec = {
  accountId: '123456789012',
  region: 'us-east-1',
  autoScalingConfigurations: [{ name: 'high-availability', minSize: 3, maxSize: 10, maxConcurrency: 50 }],
  services: [
    {
      name: 'api-staging',
      status: 'PAUSED',
      tags: { env: 'staging' },
      instance: { cpu: '1 vCPU', memory: '2 GB' },
      history: nights,
    },
    {
      name: 'worker',
      status: 'PAUSED',
      tags: { env: 'staging' },
      instance: { cpu: '1024', memory: '2048' },
      autoScaling: 'high-availability',
      history: nights,
    },
    { name: 'checkout', status: 'RUNNING', tags: { env: 'production' } },
    { name: 'eu-api', region: 'eu-central-1', status: 'PAUSED', tags: { env: 'staging' }, history: nights },
  ],
};

interface SavingsJson {
  region: string;
  estimate: string;
  period: { from: string; to: string; hours: number; timeZone: string };
  services: Array<{
    service: string;
    pausedHours: number;
    runningHours: number;
    unknownHours: number;
    minSize: number;
    memoryMb: number | null;
    usdPerGbHour: number | null;
    estimatedSavingsUsd: number | null;
    historyFrom: string | null;
  }>;
  totals: {
    pausedHours: number;
    runningHours: number;
    estimatedSavingsUsd: number;
    servicesWithoutEstimate: number;
  };
  days: Array<{ date: string; weekday: string; pausedHours: number; estimatedSavingsUsd: number | null }>;
}

let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ fleet });
  env = { AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint, AWS_REGION: 'us-east-1' };
});

afterAll(async () => {
  await emulator?.stop();
});

describe('apprunner-scheduler savings', () => {
  it('prints each service, a total, a bar per day and what the estimate leaves out', async () => {
    // Act
    const run = await runCli(['savings', '--since', '3d', '--tz', 'Europe/Berlin'], env);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Savings from pausing in us-east-1, .* \(3 days\)$/m);
    expect(run.out).toMatch(
      /SERVICE\s+PAUSED\s+RUNNING\s+PAUSED %\s+MIN × MEMORY\s+\$\/GB-HOUR\s+EST\. SAVED\s+HISTORY/,
    );
    // 52 h of the 72 paused: × 3 × 2 GB × $0.007 ≈ $2.18, and × 1 ≈ $0.73.
    expect(run.out).toMatch(/^worker\s+52\.0 h\s+20\.0 h\s+72 %\s+3 × 2 GB\s+0\.007\s+\$2\.18\s*$/m);
    expect(run.out).toMatch(/^api-staging\s+52\.0 h\s+20\.0 h\s+72 %\s+1 × 2 GB\s+0\.007\s+\$0\.73\s*$/m);
    expect(run.out).toMatch(/^checkout\s+0\.0 h\s+0\.0 h\s+1 × 2 GB\s+0\.007\s+\$0\.00\s+none$/m);
    expect(run.out).toMatch(/^TOTAL \(3\)\s+104\.0 h\s+40\.0 h\s+72 %\s+\$2\.91\s*$/m);
    expect(run.out).toContain('Estimated USD saved per day (days in Europe/Berlin):');
    expect(run.out.match(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d-\d\d ╢/gm)?.length).toBeGreaterThanOrEqual(4);
    expect(run.out).toContain('EST. SAVED is a lower bound');
    expect(run.out).toContain('Price us-east-1 $0.007/GB-hour: AWS App Runner pricing page');
    expect(run.err).toContain("note: App Runner's history of 1 of 3 services does not reach back");
  });

  it('--json totals are the sums of its lines', async () => {
    // Act: the period given as an ISO time, three days back.
    const since = new Date(Date.now() - 72 * 3_600_000).toISOString();
    const run = await runCli(['savings', '--since', since, '--json'], env);

    // Assess
    expect(run.code).toBe(0);
    const ledger = JSON.parse(run.out) as SavingsJson;
    expect(ledger).toMatchObject({
      region: 'us-east-1',
      estimate: 'lower-bound',
      period: { hours: 72, timeZone: 'UTC' },
    });
    const sum = (pick: (s: SavingsJson['services'][number]) => number | null) =>
      ledger.services.reduce((acc, s) => acc + (pick(s) ?? 0), 0);
    expect(ledger.services).toHaveLength(3);
    expect(ledger.totals.pausedHours).toBeCloseTo(
      sum((s) => s.pausedHours),
      9,
    );
    expect(ledger.totals.runningHours).toBeCloseTo(
      sum((s) => s.runningHours),
      9,
    );
    expect(ledger.totals.estimatedSavingsUsd).toBeCloseTo(
      sum((s) => s.estimatedSavingsUsd),
      9,
    );
    expect(ledger.totals.estimatedSavingsUsd).toBeCloseTo(2.912, 2);
    expect(ledger.days.length).toBeGreaterThanOrEqual(3);
    const checkout = ledger.services.find((s) => s.service === 'checkout');
    expect(checkout).toMatchObject({
      minSize: 1,
      memoryMb: 2048,
      unknownHours: 72,
      historyFrom: ledger.period.to,
    });
  });

  it('lists the region once for --service and --tag together, and counts a service both select once', async () => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(['savings', '--service', 'api-staging', '--tag', 'env=staging', '--json'], env);

    // Assess
    expect(run.code).toBe(0);
    expect((JSON.parse(run.out) as SavingsJson).services.map((s) => s.service).sort()).toEqual([
      'api-staging',
      'worker',
    ]);
    expect(emulator.calls.filter((c) => c.op === 'ListServices')).toHaveLength(1);
  });

  it('--csv opens in a spreadsheet: a header row and one row per service', async () => {
    // Act
    const run = await runCli(['savings', '--since', '3d', '--csv', '--tag', 'env=staging'], env);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    const rows = parse(run.out, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.service).sort()).toEqual(['api-staging', 'worker']);
    const worker = rows.find((r) => r.service === 'worker');
    expect(Number(worker?.paused_hours)).toBeCloseTo(52, 1);
    expect(worker).toMatchObject({
      min_size: '3',
      memory_mb: '2048',
      usd_per_gb_hour: '0.007',
      history_from: '',
    });
  });

  it('says a region without a list price has no dollar figure, and takes --price-per-gb-hour for it', async () => {
    // Prepare
    const arn = emulator.service('eu-api', 'eu-central-1')?.arn ?? '';

    // Act
    const plain = await runCli(['savings', '--since', '3d', '--service', arn, '--json'], env);
    const priced = await runCli(
      ['savings', '--since', '3d', '--service', arn, '--json', '--price-per-gb-hour', '0.008'],
      env,
    );

    // Assess
    expect(plain.code).toBe(0);
    const [row] = (JSON.parse(plain.out) as SavingsJson).services;
    expect(row).toMatchObject({ service: 'eu-api', usdPerGbHour: null, estimatedSavingsUsd: null });
    expect(plain.err).toContain('note: no list price for eu-central-1 in the built-in table');
    const text = await runCli(['savings', '--since', '3d', '--service', arn, 'api-staging'], env);
    expect(text.out).toMatch(/^Savings from pausing in us-east-1, eu-central-1, /m);
    expect(text.out).toMatch(/^eu-api\s+52\.0 h\s+20\.0 h\s+72 %\s+1 × 2 GB\s+—\s+—\s*$/m);
    expect(text.out).toContain(
      'Estimated USD saved per day (days in UTC; 1 service(s) without a dollar figure not included):',
    );
    const [pricedRow] = (JSON.parse(priced.out) as SavingsJson).services;
    expect(pricedRow?.usdPerGbHour).toBe(0.008);
    expect(pricedRow?.estimatedSavingsUsd).toBeCloseTo(52 * 2 * 0.008, 2);
  });

  it('suggests the closest name for an unknown service, before reading any history', async () => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(['savings', '--service', 'api-stagin'], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('No App Runner service "api-stagin" in us-east-1');
    expect(run.err).toContain('Did you mean "api-staging"?');
    expect(emulator.calls.filter((c) => c.op === 'ListOperations')).toHaveLength(0);
  });

  it('fails when the tags match no service, naming them', async () => {
    // Act
    const run = await runCli(['savings', '--tag', 'env=stagng'], env);

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain('No App Runner service in us-east-1 carries the tags env=stagng');
  });

  it.each([
    { args: ['--since', '0h'], flag: "option '--since <when>'" },
    { args: ['--since', 'yesterday'], flag: "option '--since <when>'" },
    { args: ['--tz', 'Berlin'], flag: "option '--tz <zone>'" },
    { args: ['--price-per-gb-hour', '-1'], flag: "option '--price-per-gb-hour <usd>'" },
    { args: ['--price-per-gb-hour', '7'], flag: "option '--price-per-gb-hour <usd>'" },
    { args: ['--json', '--csv'], flag: "option '--json' cannot be used with option '--csv'" },
    { args: ['--tag', 'env'], flag: '--tag expects key=value' },
    { args: ['--service', 'no spaces allowed'], flag: 'is not an App Runner service name' },
    { args: ['--region', 'Frankfurt'], flag: '--region "Frankfurt"' },
  ])('exits 2 naming the flag for $args', async ({ args, flag }) => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(['savings', ...args], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(flag);
    expect(emulator.calls).toHaveLength(0);
  });

  it('documents its columns, bounds, exit codes and examples in --help', async () => {
    // Act
    const run = await runCli(['savings', '--help'], env);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('LOWER BOUND');
    expect(run.out).toContain('us-east-1 0.007');
    expect(run.out).toContain('Exit codes:');
    expect(run.out).toContain('$ apprunner-scheduler savings --csv > savings.csv');
  });
});

describe('apprunner-scheduler savings on the sample fleet', () => {
  let sample: Emulator;

  beforeAll(async () => {
    sample = await startEmulator({ fleet: SAMPLE_FLEET_PATH });
  });

  afterAll(async () => {
    await sample?.stop();
  });

  it('prints a non-empty ledger of its weeks of nights and weekends', async () => {
    // Act
    const run = await runCli(['savings', '--since', '14d', '--tz', 'Europe/Berlin', '--json'], {
      AWS_ENDPOINT_URL_APPRUNNER: sample.endpoint,
      AWS_REGION: 'us-east-1',
    });

    // Assess: every weekend day of the two weeks has api-staging paused all day (24 h, or 25 h if DST ends).
    expect(run.code).toBe(0);
    const ledger = JSON.parse(run.out) as SavingsJson;
    expect(ledger.services).toHaveLength(9);
    expect(ledger.totals.estimatedSavingsUsd).toBeGreaterThan(10);
    const api = ledger.services.find((s) => s.service === 'api-staging');
    expect(api?.pausedHours).toBeGreaterThan(api?.runningHours ?? Number.POSITIVE_INFINITY);
    // The first and last days are partial: compare whole days only.
    const whole = ledger.days.slice(1, -1);
    const weekend = whole.filter((d) => d.weekday === 'Sat' || d.weekday === 'Sun');
    const midweek = whole.filter((d) => ['Tue', 'Wed', 'Thu'].includes(d.weekday));
    expect(Math.min(...weekend.map((d) => d.estimatedSavingsUsd ?? 0))).toBeGreaterThan(
      Math.max(...midweek.map((d) => d.estimatedSavingsUsd ?? 0)),
    );
  });
});

describe('apprunner-scheduler savings of a service younger than the period', () => {
  let young: Emulator;

  beforeAll(async () => {
    // Prepare: created 30 h ago; App Runner's history shows only a pause 20 h ago (not its CREATE_SERVICE)
    young = await startEmulator({
      fleet: {
        services: [
          {
            name: 'young-api',
            status: 'PAUSED',
            createdAt: new Date(Date.now() - 30 * 3_600_000).toISOString(),
            history: {
              operations: [{ type: 'PAUSE_SERVICE', startedSecondsAgo: ago(20), durationSeconds: 36 }],
            },
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await young?.stop();
  });

  it('counts the hours before the service existed as neither paused, running nor unknown', async () => {
    // Act
    const run = await runCli(['savings', '--since', '72h', '--json'], {
      AWS_ENDPOINT_URL_APPRUNNER: young.endpoint,
      AWS_REGION: 'us-east-1',
    });

    // Assess: of 72 h, 42 h before CreatedAt are absent; 10 h before the oldest operation stay unknown
    expect(run.code).toBe(0);
    const [line] = (JSON.parse(run.out) as SavingsJson).services;
    expect(line?.pausedHours).toBeCloseTo(20, 1);
    expect(line?.runningHours).toBeCloseTo(0, 1); // the 36 s the pause took
    expect(line?.unknownHours).toBeCloseTo(10, 1);
  });
});
