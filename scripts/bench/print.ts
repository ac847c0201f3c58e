import type { BundleFigures } from './bundles';
import type { RunFigures } from './measure';

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

/** One table, a row per scenario. */
export function printTable(rows: RunFigures[]): void {
  const header = [
    'run',
    'real s',
    'sim s',
    'longest op s',
    'over longest s',
    'outcomes',
    'transitions/svc',
    'invocations/svc',
    'GB-s/svc',
    'status reads/svc',
    'max history',
    'max payload KiB',
    'detect p50 s',
    'detect p95 s',
    'ready p50 s',
    '$/wake',
    'AR requests',
    'throttled',
    'peak rps',
  ];
  const lines = rows.map((r) => [
    r.scenario.label,
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
    f2(r.pollsPerService),
    String(r.historyEvents),
    r.largestPayloadKiB.toFixed(0),
    f1(r.detectionP50),
    f1(r.detectionP95),
    f1(r.readyP50),
    r.costPerWake.toExponential(2),
    String(r.appRunnerRequests),
    String(r.throttled),
    String(r.peakRequestsPerSecond),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
}

/** Today's figures (before predictive polling) that the targets are relative to: GB-s per wake at 1 and 10. */
export const BEFORE = { gbSecondsPerWake: { 1: 3.84, 10: 6.72 } as Record<number, number> };

/** Each target with the measured figure and whether it is met. */
export function printTargets(rows: RunFigures[], bundles: BundleFigures[]): void {
  const line = (ok: boolean, text: string) => console.log(`  ${ok ? 'MET ' : 'MISS'}  ${text}`);
  const design = rows.filter(
    (r) => r.scenario.design === 'design' && r.scenario.history && !r.scenario.readyByMinutes,
  );
  const normal = design.filter((r) => r.scenario.paging === 'normal' && r.scenario.warmup === 0);
  const naive = (services: number) =>
    rows.find((r) => r.scenario.design === 'naive' && r.scenario.services === services);
  console.log('\nTargets:');
  for (const r of design.filter((d) => d.scenario.warmup === 0)) {
    line(r.detectionP95 <= 2, `detection p95 ${f1(r.detectionP95)} s at ${r.scenario.label} (≤ 2 s)`);
  }
  for (const r of normal) {
    const b = naive(r.scenario.services);
    if (!b) continue;
    const ratio = r.costPerWake / b.costPerWake;
    line(
      ratio <= 0.5,
      `cost per service-wake at ${r.scenario.services}: ${(100 * ratio).toFixed(1)} % of naive (${r.costPerWake.toExponential(2)} vs ${b.costPerWake.toExponential(2)} $; ≤ 50 %)`,
    );
  }
  for (const r of normal) {
    const before = BEFORE.gbSecondsPerWake[r.scenario.services];
    if (before === undefined) continue;
    line(
      r.gbSecondsPerService <= before / 2,
      `Lambda GB-s per service-wake at ${r.scenario.services}: ${f2(r.gbSecondsPerService)} (≤ ${f2(before / 2)}, half of ${before})`,
    );
  }
  const allDesign = rows.filter((r) => r.scenario.design === 'design');
  if (allDesign.length === 0) return;
  const throttled = allDesign.reduce((a, r) => a + r.throttled, 0);
  line(throttled === 0, `throttled App Runner requests in every run of this design: ${throttled} (0)`);
  const history = Math.max(...allDesign.map((r) => r.historyEvents));
  line(history <= 20_000, `largest execution history ${history} events (≤ 20,000)`);
  const payload = Math.max(...allDesign.map((r) => r.largestPayloadKiB));
  line(payload < 256, `largest state payload ${payload.toFixed(0)} KiB (< 256 KiB)`);
  for (const r of design.filter((d) => d.scenario.services === 1000 && d.scenario.warmup === 0)) {
    const ok = (r.outcomes.SUCCEEDED ?? 0) === 1000 && r.overLongestSeconds <= 60;
    line(
      ok,
      `1,000 services (${r.scenario.paging}) done ${f1(r.overLongestSeconds)} s after the longest operation (≤ 60 s); ${JSON.stringify(r.outcomes)}`,
    );
  }
  const fallback = rows.find((r) => !r.scenario.history);
  if (fallback) {
    line(
      (fallback.outcomes.SUCCEEDED ?? 0) === fallback.scenario.services,
      `without history: every service SUCCEEDED (${JSON.stringify(fallback.outcomes)}), detection p95 ${f1(fallback.detectionP95)} s, ${f2(fallback.pollsPerService)} status reads per service`,
    );
  }
  for (const r of rows.filter((x) => x.readyBy)) {
    const rb = r.readyBy!;
    line(
      rb.missed === 0,
      `ready-by (${r.scenario.label}): ${rb.missed} missed; ready on average ${f1(rb.earlyMeanSeconds)} s before readyBy (closest ${f1(rb.earlyMinSeconds)} s); ${f1(rb.idleMinutesSaved)} service-minutes of idle running saved against waking all at the lead time`,
    );
  }
  for (const b of bundles) {
    line(b.bundleKiB <= 350, `${b.function}: bundle ${b.bundleKiB.toFixed(0)} KiB (≤ 350)`);
    line(
      b.importMsMedian <= 150,
      `${b.function}: cold import ${b.importMsMedian.toFixed(0)} ms (≤ 150, secondary)`,
    );
  }
}
