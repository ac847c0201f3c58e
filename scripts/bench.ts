/**
 * The benchmark (`npm run bench`): runs the real state machine definition and handlers against the App
 * Runner emulator on a simulated clock, for fleets of 1, 10, 100 and 1,000 services, with this design's
 * configuration and with a naive baseline (one service per Map iteration, a fixed 10-second
 * Wait→Check→Choice loop, no in-function polling) on the same operations. Prints one table, then bundle
 * sizes and import times per function, and writes the figures as JSON.
 */
import '../lib/runtime/polyfills';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../cli/local/definition';
import { type LocalRunResult, runLocalExecution } from '../cli/local/executor';
import { startEmulator } from '../emulator/index';
import { VirtualClock } from '../lib/runtime/clock';

// The AWS SDK warns on Node 20 at every client creation; the figures are what matter here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** us-east-1 list prices (2026): Step Functions Standard, Lambda arm64, Lambda requests. */
export const PRICES = { transition: 0.000025, gbSecondArm: 0.0000133334, request: 0.0000002 };
/** Memory of every function in serverless.yml (provider.memorySize). */
export const MEMORY_MB = 256;
/** Modelled Lambda time per App Runner request and per invocation (see `measure`). */
export const MODEL_MS_PER_REQUEST = 30;
export const MODEL_MS_PER_INVOCATION = 10;
/** The emulator throttles above this many App Runner requests per second (the target's constraint). */
export const EMULATOR_RPS = 20;
/** The request budget the functions are configured with (just under the emulator's limit). */
export const BUDGET_RPS = 18;

/** This design: the shipped defaults, with the request budget set just under the emulator's limit. */
export const DESIGN_ENV: Record<string, string> = {
  APPRUNNER_MAX_REQUESTS_PER_SECOND: String(BUDGET_RPS),
};

/**
 * The naive baseline: one service per Map iteration, a fixed 10-second Wait→Check→Choice loop, one
 * DescribeService per check, no in-function polling. It is measured at its best: every service polled at
 * once (as a Distributed Map would) and no App Runner request limit (it needs N/10 requests per second).
 */
export const NAIVE_ENV: Record<string, string> = {
  APPRUNNER_MAX_REQUESTS_PER_SECOND: '1000',
  BATCH_SIZE: '1',
  MAX_BATCH_CONCURRENCY: '1000',
  MAX_CONCURRENT_OPERATIONS: '1',
  POLL_WINDOW_SECONDS: '0',
  POLL_INITIAL_DELAY_SECONDS: '10',
  POLL_MIN_DELAY_SECONDS: '10',
  POLL_MAX_DELAY_SECONDS: '10',
  MAX_POLLS: '10000',
  // Each service's loop would be a child execution of a Distributed Map, with a history of its own.
  HISTORY_EVENT_BUDGET: '10000000',
};

export interface RunFigures {
  design: 'design' | 'naive';
  services: number;
  realSeconds: number;
  simulatedSeconds: number;
  longestOperationSeconds: number;
  /** simulated completion − longest operation (target: ≤ 150 s). */
  overLongestSeconds: number;
  outcomes: Record<string, number>;
  transitionsPerService: number;
  invocationsPerService: number;
  gbSecondsPerService: number;
  historyEvents: number;
  /** Largest state payload in KiB (Step Functions' limit: 256 KiB). */
  largestPayloadKiB: number;
  detectionP50: number;
  detectionP95: number;
  costPerWake: number;
  appRunnerRequests: number;
  throttled: number;
  peakRequestsPerSecond: number;
}

/** Runs one fleet size with one configuration and measures it. */
export async function measure(services: number, design: 'design' | 'naive', seed = 7): Promise<RunFigures> {
  const clock = new VirtualClock(Date.UTC(2026, 10, 30, 6, 0, 0));
  const emulator = await startEmulator({
    clock,
    fleet: {
      options: { ...(design === 'design' ? { requestsPerSecond: EMULATOR_RPS } : {}), seed },
      generate: {
        count: services,
        namePrefix: 'svc',
        status: 'PAUSED',
        tags: { env: 'bench' },
        durations: { resume: { min: 30, max: 300 } },
      },
    },
  });
  const real = performance.now();
  let result: LocalRunResult;
  try {
    result = await runLocalExecution(
      {
        action: 'resume',
        targets: { tags: { env: 'bench' } },
        requestedBy: 'schedule:bench',
        reason: 'benchmark',
      },
      { appRunnerEndpoint: emulator.endpoint, clock, env: design === 'design' ? DESIGN_ENV : NAIVE_ENV },
    );
  } finally {
    await emulator.stop();
  }
  const realSeconds = (performance.now() - real) / 1000;
  const outcomes: Record<string, number> = {};
  const latencies: number[] = [];
  let longest = 0;
  for (const svc of result.serviceResults) {
    outcomes[svc.outcome] = (outcomes[svc.outcome] ?? 0) + 1;
    const snap = emulator.service(svc.serviceArn);
    const op = snap?.operations.find((o) => o.id === svc.operationId);
    if (op?.endedAt !== undefined) {
      longest = Math.max(longest, (op.endedAt - op.startedAt) / 1000);
      if (svc.outcome === 'SUCCEEDED' && svc.finishedAt)
        latencies.push((Date.parse(svc.finishedAt) - op.endedAt) / 1000);
    }
  }
  const invocations = Object.values(result.invocations);
  const calls = emulator.calls;
  const invocationCount = invocations.reduce((a, b) => a + b.count, 0);
  // Billed Lambda time: the function's time on the simulated clock (in-function sleeps and waits for the
  // request budget are real time in Lambda), plus a modelled 30 ms per App Runner request (the emulator
  // answers in no simulated time; the real API takes tens of ms) and 10 ms of compute per invocation.
  // (Wall time measured here is not used: hundreds of handlers share one process and inflate it.)
  const billedMs =
    invocations.reduce((a, b) => a + b.clockMs, 0) +
    MODEL_MS_PER_REQUEST * calls.length +
    MODEL_MS_PER_INVOCATION * invocationCount;
  const gbSeconds = (billedMs / 1000) * (MEMORY_MB / 1024);
  const cost =
    result.transitions * PRICES.transition +
    gbSeconds * PRICES.gbSecondArm +
    invocationCount * PRICES.request;
  return {
    design,
    services,
    realSeconds,
    simulatedSeconds: result.durationMs / 1000,
    longestOperationSeconds: longest,
    overLongestSeconds: result.durationMs / 1000 - longest,
    outcomes,
    transitionsPerService: result.transitions / services,
    invocationsPerService: invocationCount / services,
    gbSecondsPerService: gbSeconds / services,
    historyEvents: result.historyEvents,
    largestPayloadKiB: result.largestPayloadChars / 1024,
    detectionP50: percentile(latencies, 50),
    detectionP95: percentile(latencies, 95),
    costPerWake: cost / services,
    appRunnerRequests: calls.length,
    throttled: calls.filter((c) => c.errorType === 'ThrottlingException').length,
    peakRequestsPerSecond: peakPerSecond(calls.map((c) => c.at)),
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** The most requests in any one-second window (of clock time). */
export function peakPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

export interface BundleFigures {
  function: string;
  bundleKiB: number;
  importMsMedian: number;
}

/** Each function's handler module, as serverless.yml bundles it (Start and Check share the engine's module). */
const FUNCTIONS: Record<string, string> = {
  plan: 'functions/plan/handler.ts',
  'start/check operations': 'functions/operations/handler.ts',
  report: 'functions/report/handler.ts',
};

/**
 * Bundles each function as serverless.yml does (SDK left out: the runtime provides it) and measures the
 * bundle size and the cold import time of the module, SDK included.
 */
export async function measureBundles(): Promise<BundleFigures[]> {
  // Inside the repository, so that the SDK left out of the bundle resolves from node_modules, as it
  // resolves from the runtime's own node_modules in Lambda.
  mkdirSync(join(REPO_ROOT, 'bench-results'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, 'bench-results', 'bundles-'));
  try {
    const out: BundleFigures[] = [];
    for (const [fn, entry] of Object.entries(FUNCTIONS)) {
      const file = join(dir, `${fn.replace(/\W+/g, '-')}.mjs`);
      await build({
        entryPoints: [join(REPO_ROOT, entry)],
        outfile: file,
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        mainFields: ['module', 'main'],
        external: ['@aws-sdk/*', '@smithy/*'],
        banner: {
          js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
        logLevel: 'silent',
      });
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const ms = execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
          ],
          {
            env: {
              ...process.env,
              AWS_REGION: 'us-east-1',
              AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            },
          },
        );
        times.push(Number(String(ms).trim()));
      }
      out.push({
        function: fn,
        bundleKiB: statSync(file).size / 1024,
        importMsMedian: percentile(times, 50),
      });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

function printTable(rows: RunFigures[]): void {
  const header = [
    'services',
    'design',
    'real s',
    'sim s',
    'longest op s',
    'over longest s',
    'outcomes',
    'transitions/svc',
    'invocations/svc',
    'GB-s/svc',
    'max history',
    'max payload KiB',
    'detect p50 s',
    'detect p95 s',
    '$/wake',
    'AR requests',
    'throttled',
    'peak rps',
  ];
  const lines = rows.map((r) => [
    String(r.services),
    r.design,
    f1(r.realSeconds),
    f1(r.simulatedSeconds),
    f1(r.longestOperationSeconds),
    f1(r.overLongestSeconds),
    Object.entries(r.outcomes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    f2(r.transitionsPerService),
    f2(r.invocationsPerService),
    f2(r.gbSecondsPerService),
    String(r.historyEvents),
    r.largestPayloadKiB.toFixed(0),
    f1(r.detectionP50),
    f1(r.detectionP95),
    r.costPerWake.toExponential(2),
    String(r.appRunnerRequests),
    String(r.throttled),
    String(r.peakRequestsPerSecond),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
}

/** The issue's targets, each with the measured figure and whether it is met. */
function printTargets(rows: RunFigures[], bundles: BundleFigures[]): void {
  const design = rows.filter((r) => r.design === 'design');
  const line = (ok: boolean, text: string) => console.log(`  ${ok ? 'MET ' : 'MISS'}  ${text}`);
  console.log('\nTargets:');
  const big = design.find((r) => r.services === 1000);
  if (big) {
    const allOk = (big.outcomes.SUCCEEDED ?? 0) === 1000;
    line(
      allOk,
      `1,000 services: ${JSON.stringify(big.outcomes)}; throttled requests ${big.throttled} (retried), peak ${big.peakRequestsPerSecond} req/s`,
    );
    line(
      big.overLongestSeconds <= 150,
      `1,000 services done ${big.overLongestSeconds.toFixed(1)} s after the longest operation (≤ 150 s)`,
    );
  }
  if (design.length > 0) {
    const maxHistory = Math.max(...design.map((r) => r.historyEvents));
    line(maxHistory <= 20_000, `largest execution history ${maxHistory} events (≤ 20,000)`);
    const p95 = Math.max(...design.map((r) => r.detectionP95));
    line(p95 <= 5, `detection latency p95 ≤ ${p95.toFixed(1)} s in every run (≤ 5 s)`);
    const ratios = design
      .map((d) => {
        const b = rows.find((r) => r.design === 'naive' && r.services === d.services);
        return b ? d.costPerWake / b.costPerWake : Number.NaN;
      })
      .filter(Number.isFinite);
    if (ratios.length > 0) {
      const sorted = [...ratios].sort((a, b) => a - b);
      const mid = sorted.length / 2;
      const median = Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
      line(
        median <= 0.5,
        `cost per service-wake: median ${(100 * median).toFixed(1)} % of naive across runs (≤ 50 %); per run ${ratios
          .map((r) => `${(100 * r).toFixed(1)} %`)
          .join(', ')}`,
      );
    }
  }
  for (const b of bundles) {
    line(
      b.bundleKiB <= 350 && b.importMsMedian <= 150,
      `${b.function}: bundle ${b.bundleKiB.toFixed(0)} KiB (≤ 350), import ${b.importMsMedian.toFixed(0)} ms (≤ 150)`,
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizesArg = args.find((a) => a.startsWith('--sizes='));
  const sizes = sizesArg ? sizesArg.slice(8).split(',').map(Number) : [1, 10, 100, 1000];
  const skipNaive = args.includes('--no-baseline');
  if (args.includes('--bundles-only')) sizes.length = 0;
  const rows: RunFigures[] = [];
  for (const n of sizes) {
    for (const design of skipNaive ? (['design'] as const) : (['design', 'naive'] as const)) {
      process.stderr.write(`running ${n} services (${design})…\n`);
      rows.push(await measure(n, design));
    }
  }
  console.log(
    `\nApp Runner Scheduler benchmark — ${new Date().toISOString()} — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}`,
  );
  console.log(
    `Emulator throttles this design above ${EMULATOR_RPS} requests/s (functions budgeted at ${BUDGET_RPS}/s); the naive baseline runs unthrottled, all services at once; operations 30–300 s.\n`,
  );
  printTable(rows);
  console.log('\nCost per service-wake, this design vs the naive baseline (same operations):');
  for (const n of sizes) {
    const d = rows.find((r) => r.services === n && r.design === 'design');
    const b = rows.find((r) => r.services === n && r.design === 'naive');
    if (d && b)
      console.log(
        `  ${String(n).padStart(5)} services: ${(100 * (d.costPerWake / b.costPerWake)).toFixed(1)} % of naive`,
      );
  }
  const bundles = await measureBundles();
  console.log(
    '\nBundles (esbuild, minified ESM, as packaged) and cold module import (median of 5 fresh processes):',
  );
  for (const b of bundles) {
    console.log(
      `  ${b.function.padEnd(18)} ${b.bundleKiB.toFixed(0).padStart(5)} KiB   import ${b.importMsMedian.toFixed(0).padStart(4)} ms`,
    );
  }
  printTargets(rows, bundles);
  const outDir = join(REPO_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'latest.json');
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, runs: rows, bundles }, null, 2)}\n`,
  );
  console.log(`\nFigures written to ${file}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
