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
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../cli/local/definition';
import { type BundleFigures, measureBundles } from './bundles';
import { measure, type RunFigures } from './measure';
import { printTable, printTargets } from './print';
import { BUDGET_RPS, defaultScenarios, EMULATOR_RPS, JITTER } from './scenarios';

// The AWS SDK warns on Node 20 at every client creation; the figures are what matter here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm run bench -- [--sizes=1,10,100,1000] [--only=<text>] [--no-baseline] [--no-bundles | --bundles-only]
  --sizes        fleet sizes to run (whole numbers, 1 to 5000, comma-separated)
  --only         only the rows whose label contains this text (e.g. ready-by, short, naive)
  --no-baseline  skip the naive baseline rows
  --no-bundles   skip bundle sizes and import times
  --bundles-only only bundle sizes and import times`;

/** The command line, checked: an unknown flag or a bad value stops the bench before anything runs. */
function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      sizes: { type: 'string' },
      only: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      'no-bundles': { type: 'boolean' },
      'bundles-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const sizes = (values.sizes ?? '1,10,100,1000').split(',').map((text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 5000) {
      throw new Error(`--sizes: "${text}" is not a whole number from 1 to 5000`);
    }
    return n;
  });
  if (values['no-bundles'] && values['bundles-only']) {
    throw new Error('--no-bundles and --bundles-only exclude each other');
  }
  return { ...values, sizes };
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseOptions>;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const scenarios = opts['bundles-only']
    ? []
    : defaultScenarios(opts.sizes, !opts['no-baseline']).filter(
        (s) => !opts.only || s.label.includes(opts.only),
      );
  if (!opts['bundles-only'] && scenarios.length === 0) {
    console.error(`error: --only "${opts.only}" matches no row of sizes ${opts.sizes.join(', ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
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
  const bundles: BundleFigures[] = opts['no-bundles'] ? [] : await measureBundles();
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
