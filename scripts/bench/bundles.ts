import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../cli/local/definition';
import { percentile } from './figures';

/**
 * Bundle sizes and cold import times of the functions, bundled as serverless.yml bundles them (esbuild,
 * minified ESM, the AWS SDK left to the Lambda runtime).
 */

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
        target: 'node22', // as serverless.yml packages them (Node 20 here runs that output too)
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
