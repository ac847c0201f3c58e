/**
 * The benchmark (`npm run bench`): runs the real state machine definition and handlers against the App
 * Runner emulator on a simulated clock, for fleets of 1, 10, 100 and 1,000 services with normal and short
 * ListServices pages, with this design and with a naive baseline (./scenarios.ts), plus a run without
 * history, one with slow warm-ups and one ready-by run. Prints one table, the targets (MET/MISS), bundle
 * sizes and import times, and writes the figures to bench-results/latest.json.
 */
import '../../lib/runtime/polyfills';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../cli/local/definition';
import { type BundleFigures, measureBundles } from './bundles';
import { measure, type RunFigures } from './measure';
import { printTable, printTargets } from './print';
import { BUDGET_RPS, defaultScenarios, EMULATOR_RPS, JITTER } from './scenarios';

// The AWS SDK warns on Node 20 at every client creation; the figures are what matter here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sizesArg = args.find((a) => a.startsWith('--sizes='));
  const sizes = sizesArg ? sizesArg.slice(8).split(',').map(Number) : [1, 10, 100, 1000];
  const only = args.find((a) => a.startsWith('--only='))?.slice(7);
  const scenarios = args.includes('--bundles-only')
    ? []
    : defaultScenarios(sizes, !args.includes('--no-baseline')).filter((s) => !only || s.label.includes(only));
  const rows: RunFigures[] = [];
  for (const scenario of scenarios) {
    process.stderr.write(`running ${scenario.label} (${scenario.design})…\n`);
    rows.push(await measure(scenario));
  }
  console.log(
    `\nApp Runner Scheduler benchmark — ${new Date().toISOString()} — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}`,
  );
  console.log(
    `This design runs with the shipped budget of ${BUDGET_RPS} App Runner requests/s (the emulator throttles above ${EMULATOR_RPS}); the naive baseline runs unthrottled, every service at once. Resumes of 30–300 s, each operation ±${100 * JITTER} % around its service's usual, 10 past operations per service.\n`,
  );
  printTable(rows);
  const bundles: BundleFigures[] = args.includes('--no-bundles') ? [] : await measureBundles();
  if (bundles.length > 0) {
    console.log(
      '\nBundles (esbuild, minified ESM, as packaged) and cold module import (median of 5 fresh processes):',
    );
    for (const b of bundles) {
      console.log(
        `  ${b.function.padEnd(24)} ${b.bundleKiB.toFixed(0).padStart(5)} KiB   import ${b.importMsMedian.toFixed(0).padStart(4)} ms`,
      );
    }
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

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
