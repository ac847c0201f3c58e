import { type LocalRunResult, runLocalExecution } from '../../cli/local/executor';
import { startEmulator } from '../../emulator/index';
import { VirtualClock } from '../../lib/runtime/clock';
import { mean, peakPerSecond, percentile } from './figures';
import { DESIGN_ENV, fleetOf, NAIVE_ENV, type Scenario } from './scenarios';

/** us-east-1 list prices (2026): Step Functions Standard, Lambda arm64, Lambda requests. */
export const PRICES = { transition: 0.000025, gbSecondArm: 0.0000133334, request: 0.0000002 };
/** Memory of every function in serverless.yml (provider.memorySize). */
export const MEMORY_MB = 256;
/** Modelled Lambda time per App Runner request and per invocation (see `measure`). */
export const MODEL_MS_PER_REQUEST = 30;
export const MODEL_MS_PER_INVOCATION = 10;

export interface RunFigures {
  scenario: Scenario;
  realSeconds: number;
  simulatedSeconds: number;
  longestOperationSeconds: number;
  /** Simulated completion − longest operation. */
  overLongestSeconds: number;
  outcomes: Record<string, number>;
  transitionsPerService: number;
  invocationsPerService: number;
  gbSecondsPerService: number;
  /** Of which in-function time (sleeps, waits for the budget, probes) per service. */
  historyEvents: number;
  largestPayloadKiB: number;
  /** Seconds from an operation's end (App Runner's EndedAt) to the workflow seeing RUNNING. */
  detectionP50: number;
  detectionP95: number;
  /** Seconds from RUNNING to ready (readiness probe), median. */
  readyP50: number;
  costPerWake: number;
  appRunnerRequests: number;
  /** DescribeService + ListServices pages per service (the status reads). */
  pollsPerService: number;
  throttled: number;
  peakRequestsPerSecond: number;
  probes: number;
  /** Ready-by runs: seconds each service was ready before readyBy (mean, min), and misses. */
  readyBy?: { earlyMeanSeconds: number; earlyMinSeconds: number; missed: number; idleMinutesSaved: number };
}

const T0 = Date.UTC(2026, 10, 30, 6, 0, 0);

/** Runs one scenario: the real definition and handlers against the emulator on a simulated clock. */
export async function measure(scenario: Scenario): Promise<RunFigures> {
  const clock = new VirtualClock(T0);
  const emulator = await startEmulator({ clock, fleet: fleetOf(scenario) });
  const options = {
    appRunnerEndpoint: emulator.endpoint,
    clock,
    env: scenario.design === 'design' ? DESIGN_ENV : NAIVE_ENV,
  };
  const wake = (at: number) => ({
    action: 'resume',
    targets: { tags: { env: 'bench' } },
    requestedBy: 'schedule:bench',
    reason: 'benchmark',
    ...(scenario.readyByMinutes
      ? { readyBy: new Date(at + scenario.readyByMinutes * 60_000).toISOString() }
      : {}),
  });
  let start = T0;
  let readyBy: string | undefined;
  const real = performance.now();
  let result: LocalRunResult;
  try {
    if (scenario.nextNight) {
      // The night before (it learns each service's warm-up), then the evening's pause: not measured.
      await runLocalExecution(wake(T0), options);
      await runLocalExecution(
        {
          action: 'pause',
          targets: { tags: { env: 'bench' } },
          requestedBy: 'schedule:bench',
          reason: 'benchmark',
        },
        options,
      );
      await clock.advanceTo(T0 + 86_400_000);
      emulator.clearCalls();
      start = clock.now();
    }
    const input = wake(start);
    readyBy = input.readyBy;
    result = await runLocalExecution(input, options);
  } finally {
    await emulator.stop();
  }
  const realSeconds = (performance.now() - real) / 1000;
  const n = scenario.services;
  const outcomes: Record<string, number> = {};
  const detection: number[] = [];
  const ready: number[] = [];
  const early: number[] = [];
  let idleSaved = 0;
  let longest = 0;
  for (const svc of result.serviceResults) {
    outcomes[svc.outcome] = (outcomes[svc.outcome] ?? 0) + 1;
    const op = emulator.service(svc.serviceArn)?.operations.find((o) => o.id === svc.operationId);
    if (op?.endedAt === undefined) continue;
    longest = Math.max(longest, (op.endedAt - op.startedAt) / 1000);
    const seen = svc.runningAt ?? svc.finishedAt;
    if (svc.outcome === 'SUCCEEDED' && seen) detection.push((Date.parse(seen) - op.endedAt) / 1000);
    if (svc.readySeconds !== undefined) ready.push(svc.readySeconds);
    if (readyBy && svc.readyAt) {
      const ours = (Date.parse(readyBy) - Date.parse(svc.readyAt)) / 1000;
      early.push(ours);
      // Waking everything at the run's start (the schedule's lead time) would have had it ready after its
      // own resume and warm-up, and idle (billed) from then until readyBy.
      const theirs =
        (Date.parse(readyBy) - (start + (op.endedAt - op.startedAt) + (svc.readySeconds ?? 0) * 1000)) / 1000;
      idleSaved += Math.max(0, theirs - Math.max(0, ours)) / 60;
    }
  }
  const calls = emulator.calls;
  const invocations = Object.values(result.invocations);
  const invocationCount = invocations.reduce((a, b) => a + b.count, 0);
  // Billed Lambda time: each function's time on the simulated clock (in-function sleeps, waits for the request
  // budget and readiness probes are real time in Lambda), plus a modelled 30 ms per App Runner request (the
  // emulator answers in no simulated time; the real API takes tens of ms) and 10 ms of compute per
  // invocation. (Wall time here is not used: hundreds of handlers share one process and inflate it.)
  const billedMs =
    invocations.reduce((a, b) => a + b.clockMs, 0) +
    MODEL_MS_PER_REQUEST * calls.length +
    MODEL_MS_PER_INVOCATION * invocationCount;
  const gbSeconds = (billedMs / 1000) * (MEMORY_MB / 1024);
  const cost =
    result.transitions * PRICES.transition +
    gbSeconds * PRICES.gbSecondArm +
    invocationCount * PRICES.request;
  const statusReads = calls.filter((c) => c.op === 'DescribeService' || c.op === 'ListServices').length;
  return {
    scenario,
    realSeconds,
    simulatedSeconds: result.durationMs / 1000,
    longestOperationSeconds: longest,
    overLongestSeconds: result.durationMs / 1000 - longest,
    outcomes,
    transitionsPerService: result.transitions / n,
    invocationsPerService: invocationCount / n,
    gbSecondsPerService: gbSeconds / n,
    historyEvents: result.historyEvents,
    largestPayloadKiB: result.largestPayloadChars / 1024,
    detectionP50: percentile(detection, 50),
    detectionP95: percentile(detection, 95),
    readyP50: percentile(ready, 50),
    costPerWake: cost / n,
    appRunnerRequests: calls.length,
    pollsPerService: statusReads / n,
    throttled: calls.filter((c) => c.errorType === 'ThrottlingException').length,
    peakRequestsPerSecond: peakPerSecond(calls.map((c) => c.at)),
    probes: emulator.probes.length,
    ...(readyBy
      ? {
          readyBy: {
            earlyMeanSeconds: mean(early),
            earlyMinSeconds: Math.min(...early),
            missed: result.serviceResults.filter((s) => (s.missedBySeconds ?? 0) > 0).length,
            idleMinutesSaved: idleSaved,
          },
        }
      : {}),
  };
}
