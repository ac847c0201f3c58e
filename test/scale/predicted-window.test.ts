import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRunResult, runLocalExecution } from '../../cli/local/executor';
import { type Emulator, startEmulator } from '../../emulator/index';
import type { OperationSnapshot } from '../../emulator/model';
import { predict } from '../../functions/operations/prediction';
import { VirtualClock } from '../../lib/runtime/clock';
import { peakPerSecond } from '../../scripts/bench/figures';

// Predictive polling at fleet scale, without timing anything: it reads the emulator's call log and each
// service's operations, on the simulated clock.

const START = Date.UTC(2026, 10, 30, 6, 0, 0);
const SERVICES = 1000;
/** The shipped request budget. */
const BUDGET = 10;
/**
 * Each operation lasts its service's usual ±5 %, and the run corrects every prediction by what it learns from
 * the operations that already ended (the median ratio of actual to expected): a window may open a few
 * per cent before the history alone says. 10 % covers that correction and nothing more.
 */
const LEARNT = 0.9;

function seconds(op: OperationSnapshot): number {
  return ((op.endedAt ?? op.startedAt) - op.startedAt) / 1000;
}

describe('a 1,000-service resume with 10 past operations per service, at the shipped 10 requests/s', () => {
  let emulator: Emulator;
  let result: LocalRunResult;
  /** Per service ARN: this run's operation, and the earliest plausible end the service's history gives. */
  const runOp = new Map<string, { startedAt: number; endedAt: number; low: number; minPast: number }>();

  beforeAll(async () => {
    const clock = new VirtualClock(START);
    emulator = await startEmulator({
      clock,
      fleet: {
        options: { requestsPerSecond: 20, seed: 23 },
        generate: {
          count: SERVICES,
          namePrefix: 'svc',
          status: 'PAUSED',
          tags: { env: 'scale' },
          durations: { resume: { min: 30, max: 300 }, jitter: 0.05 },
          history: { count: 10 },
        },
      },
    });
    result = await runLocalExecution(
      { action: 'resume', targets: { tags: { env: 'scale' } }, requestedBy: 'schedule:scale-test' },
      {
        appRunnerEndpoint: emulator.endpoint,
        clock,
        env: { APPRUNNER_MAX_REQUESTS_PER_SECOND: String(BUDGET) },
      },
    );
    for (const service of emulator.services()) {
      const [current, ...past] = service.operations; // newest first
      if (!current || current.startedAt < START) continue;
      const durations = past.filter((op) => op.type === 'RESUME_SERVICE').map(seconds);
      const { low } = predict(durations, { low: 1, expected: 60, high: 300 });
      runOp.set(service.arn, {
        startedAt: current.startedAt,
        endedAt: current.endedAt ?? Number.POSITIVE_INFINITY,
        low,
        minPast: Math.min(...durations),
      });
    }
  }, 300_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  it('resumes every service once, none throttled, within the budget', () => {
    expect(result.report?.summary).toMatchObject({ targeted: SERVICES, succeeded: SERVICES });
    expect(runOp.size).toBe(SERVICES);
    expect(emulator.calls.filter((c) => c.errorType === 'ThrottlingException')).toEqual([]);
    expect(peakPerSecond(emulator.calls.map((c) => c.at))).toBeLessThanOrEqual(BUDGET + 1);
  });

  it("reads each service's history once, and describes none alone before reading it", () => {
    const historyReads = new Map<string, number[]>();
    const firstDescribe = new Map<string, number>();
    for (const call of emulator.calls) {
      const op = call.serviceArn ? runOp.get(call.serviceArn) : undefined;
      if (!op || !call.serviceArn || call.at < op.startedAt) continue;
      if (call.op === 'ListOperations') {
        historyReads.set(call.serviceArn, [...(historyReads.get(call.serviceArn) ?? []), call.at]);
      }
      if (call.op === 'DescribeService' && call.at <= op.endedAt && !firstDescribe.has(call.serviceArn)) {
        firstDescribe.set(call.serviceArn, call.at);
      }
    }
    const readTwice = [...historyReads].filter(([, times]) => times.length > 1).map(([arn]) => arn);
    expect(readTwice).toEqual([]);
    const blind = [...firstDescribe].filter(([arn, at]) => (historyReads.get(arn)?.[0] ?? Infinity) > at);
    expect(blind).toEqual([]);
    // Not vacuous: histories were read, and services were described while their operations ran.
    expect(historyReads.size).toBeGreaterThan(SERVICES / 4);
    expect(firstDescribe.size).toBeGreaterThan(0);
    // The test's own windows (below) are those of the product's predictor on each service's history. Held
    // independently of it: each opens no later than the fastest past resume, and not much earlier either
    // (resumes here vary ±5 %), so a window that opened at once would fail here, not pass below.
    for (const { low, minPast } of runOp.values()) {
      expect(low).toBeLessThanOrEqual(minPast);
      expect(low).toBeGreaterThanOrEqual(0.8 * minPast);
    }
  });

  it('never asks for a service alone (DescribeService) before the window its history predicts', () => {
    const early: string[] = [];
    let polls = 0;
    for (const call of emulator.calls) {
      if (call.op !== 'DescribeService' || !call.serviceArn) continue;
      const op = runOp.get(call.serviceArn);
      if (!op || call.at <= op.startedAt || call.at > op.endedAt) continue;
      polls++;
      const opened = op.startedAt + LEARNT * op.low * 1000;
      if (call.at < opened) {
        early.push(`${call.serviceArn} at +${(call.at - op.startedAt) / 1000} s, window from +${op.low} s`);
      }
    }
    expect(early).toEqual([]);
    // Not vacuous: services were polled while their operations ran.
    expect(polls).toBeGreaterThan(0);
  });

  it('sweeps the region (ListServices) only when some operation in flight may be done', () => {
    // Starts come first: until a service's history is read (ListOperations), its window is the default one,
    // from POLL_INITIAL_DELAY_SECONDS (20 s) on; a sweep (20 services a request) may cover it then.
    const historyReadAt = new Map<string, number>();
    for (const call of emulator.calls) {
      if (call.op === 'ListOperations' && call.serviceArn && !historyReadAt.has(call.serviceArn)) {
        const op = runOp.get(call.serviceArn);
        if (op && call.at >= op.startedAt) historyReadAt.set(call.serviceArn, call.at);
      }
    }
    const opens = (arn: string, o: { startedAt: number; low: number }, at: number) =>
      o.startedAt + ((historyReadAt.get(arn) ?? Number.POSITIVE_INFINITY) <= at ? LEARNT * o.low : 20) * 1000;
    const firstStart = Math.min(...[...runOp.values()].map((o) => o.startedAt));
    const idle: number[] = [];
    let sweeps = 0;
    for (const call of emulator.calls) {
      if (call.op !== 'ListServices' || call.at <= firstStart) continue;
      const someDue = [...runOp.entries()].some(
        ([arn, o]) => call.at >= opens(arn, o, call.at) && call.at <= o.endedAt + 60_000,
      );
      sweeps++;
      if (!someDue) idle.push((call.at - START) / 1000);
    }
    expect(idle).toEqual([]);
    // Not vacuous: the run did sweep while operations ran.
    expect(sweeps).toBeGreaterThan(0);
  });
});
