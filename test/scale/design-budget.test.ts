import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRunResult, runLocalExecution } from '../../cli/local/executor';
import { type Emulator, startEmulator } from '../../emulator/index';
import {
  HISTORY_EVENT_TARGET,
  historyEventBound,
  maxRounds,
  minDelayWithinBudget,
} from '../../functions/plan/history-budget';
import { VirtualClock } from '../../lib/runtime/clock';
import { loadConfig } from '../../lib/runtime/config';
import { peakPerSecond } from '../../scripts/bench/figures';

// These tests keep the design honest without timing anything: they count events, requests and delays.

const START = Date.UTC(2026, 10, 30, 6, 0, 0);

describe('the history-event budget', () => {
  it('keeps a 1,000-service execution with the default configuration under 20,000 events in the worst case', () => {
    // Prepare
    const config = loadConfig({ AWS_REGION: 'eu-west-1' });
    const batches = Math.ceil(1000 / config.BATCH_SIZE);

    // Act
    const minDelay = minDelayWithinBudget(
      batches,
      config.OPERATION_DEADLINE_SECONDS,
      config.POLL_MIN_DELAY_SECONDS,
    );
    const bound = historyEventBound(batches, config.OPERATION_DEADLINE_SECONDS, minDelay);

    // Assess
    expect(bound).toBeLessThanOrEqual(HISTORY_EVENT_TARGET);
  });

  it('raises the minimum delay when a fleet is so large that the bound would pass 20,000', () => {
    // Prepare: 5,000 services in batches of 250, a 90-minute deadline, a 1-second minimum delay
    const batches = 20;

    // Act
    const minDelay = minDelayWithinBudget(batches, 5400, 1);

    // Assess
    expect(historyEventBound(batches, 5400, 1)).toBeGreaterThan(HISTORY_EVENT_TARGET);
    expect(minDelay).toBeGreaterThan(1);
    expect(historyEventBound(batches, 5400, minDelay)).toBeLessThanOrEqual(HISTORY_EVENT_TARGET);
    expect(historyEventBound(batches, 5400, minDelay - 1)).toBeGreaterThan(HISTORY_EVENT_TARGET);
  });

  it('counts at least one round for every minimum delay the deadline allows', () => {
    expect(maxRounds(900, 2)).toBe(451);
    expect(maxRounds(60, 600)).toBe(2);
  });
});

describe('a 1,000-service resume under a 20 requests/s App Runner limit', () => {
  let emulator: Emulator;
  let result: LocalRunResult;
  const budget = 18;

  beforeAll(async () => {
    const clock = new VirtualClock(START);
    emulator = await startEmulator({
      clock,
      fleet: {
        options: { requestsPerSecond: 20, seed: 11 },
        generate: {
          count: 1000,
          namePrefix: 'svc',
          status: 'PAUSED',
          tags: { env: 'scale' },
          durations: { resume: { min: 30, max: 300 } },
        },
      },
    });
    result = await runLocalExecution(
      { action: 'resume', targets: { tags: { env: 'scale' } }, requestedBy: 'schedule:scale-test' },
      {
        appRunnerEndpoint: emulator.endpoint,
        clock,
        env: {
          APPRUNNER_MAX_REQUESTS_PER_SECOND: String(budget),
          BATCH_SIZE: '1000',
          MAX_CONCURRENT_OPERATIONS: '1000',
          POLL_MIN_DELAY_SECONDS: '2',
          POLL_MAX_DELAY_SECONDS: '60',
        },
      },
    );
  }, 180_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  it('resumes every service, none failed by throttling', () => {
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.summary).toMatchObject({ targeted: 1000, succeeded: 1000, failed: 0, timedOut: 0 });
  });

  it('never exceeds the request budget in the emulator call log', () => {
    const times = emulator.calls.map((c) => c.at);
    expect(emulator.calls.filter((c) => c.errorType === 'ThrottlingException')).toHaveLength(0);
    // One request of slack: the limiter's bucket holds one token.
    expect(peakPerSecond(times)).toBeLessThanOrEqual(budget + 1);
  });

  it("keeps every state payload within Step Functions' 256 KiB limit, with all 1,000 services in one batch", () => {
    expect(result.largestPayloadChars).toBeLessThan(256 * 1024);
  });

  it('stays far below the history-event budget', () => {
    expect(result.historyEvents).toBeLessThanOrEqual(historyEventBound(1, 900, 2));
    expect(result.historyEvents).toBeLessThan(HISTORY_EVENT_TARGET);
  });

  it('keeps every Wait within the configured bounds', () => {
    expect(result.waitDelays.length).toBeGreaterThan(0);
    for (const delay of result.waitDelays) {
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(2);
      expect(delay).toBeLessThanOrEqual(60);
    }
  });
});
