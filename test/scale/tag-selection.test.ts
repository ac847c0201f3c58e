import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRunResult, runLocalExecution } from '../../cli/local/executor';
import { type Emulator, startEmulator } from '../../emulator/index';
import { VirtualClock } from '../../lib/runtime/clock';

// Plan's share of the App Runner request budget when 1,000 services are selected by tag. It counts requests
// and reads the simulated clock; it times nothing. Before the tag index, Plan made 1,050 App Runner
// requests here (50 ListServices pages + 1,000 ListTagsForResource) and took 104.9 s at 10 requests/s.

const START = Date.UTC(2026, 10, 30, 6, 0, 0);
const BUDGET = 10;

describe('Plan selecting 1,000 services by tag under the shipped 10 requests/s App Runner budget', () => {
  let emulator: Emulator;
  let result: LocalRunResult;

  beforeAll(async () => {
    const clock = new VirtualClock(START);
    emulator = await startEmulator({
      clock,
      fleet: {
        options: { requestsPerSecond: BUDGET, seed: 11 },
        generate: [
          { count: 1000, namePrefix: 'svc', status: 'PAUSED', tags: { env: 'scale', team: 'platform' } },
          { count: 40, namePrefix: 'other', status: 'PAUSED', tags: { env: 'scale', team: 'data' } },
        ],
      },
    });
    // A dry run decides for every service in Plan and starts nothing: Plan is the whole run.
    result = await runLocalExecution(
      {
        action: 'resume',
        targets: { tags: { env: 'scale', team: 'platform' } },
        dryRun: true,
        requestedBy: 'schedule:scale-test',
      },
      {
        appRunnerEndpoint: emulator.endpoint,
        clock,
        env: { APPRUNNER_MAX_REQUESTS_PER_SECOND: String(BUDGET) },
      },
    );
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  it('selects all 1,000 and only them', () => {
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.summary).toMatchObject({ targeted: 1000, skipped: 1000, failed: 0 });
  });

  it('spends App Runner requests only on the ListServices sweep: 52 pages of 20, no tag reads', () => {
    const ops = emulator.calls.map((c) => c.op);
    expect(ops).toHaveLength(Math.ceil(1040 / 20));
    expect(new Set(ops)).toEqual(new Set(['ListServices']));
  });

  it('finds the tagged services in ten GetResources calls of 100, outside the App Runner budget', () => {
    expect(emulator.taggingCalls).toHaveLength(10);
    expect(emulator.taggingCalls.every((c) => c.httpStatus === 200)).toBe(true);
  });

  it('plans in the time the sweep takes at 10 requests/s (about 5 s, not 105 s), never throttled', () => {
    expect(emulator.calls.filter((c) => c.errorType)).toEqual([]);
    expect(result.invocations.PlanLambdaFunction.clockMs / 1000).toBeLessThanOrEqual(52 / BUDGET + 1);
  });
});
