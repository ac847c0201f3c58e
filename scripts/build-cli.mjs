// Builds the installable CLI: one ESM bundle (dist/cli.mjs) with every dependency inside, so that
// `npm pack` yields a package that runs with plain Node from any directory, with no install step and no
// TypeScript loader. Run by `prepack` (so `npm pack` always ships a fresh build); in the checkout the
// sources run through tsx instead and need no build.
//
// The local runner (`run`: the real definition and Lambda handlers in-process) stays in the checkout: its
// loader is swapped for a module that says so, which also keeps the handlers and the workflow engine out
// of the bundle.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'fleets'), { recursive: true });

/** Resolves the local runner's loader to its packaged stand-in. */
const packagedLocalRunner = {
  name: 'packaged-local-runner',
  setup(b) {
    b.onResolve({ filter: /\/local-runner$/ }, () => ({
      path: join(root, 'cli', 'lib', 'local-runner.packaged.ts'),
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['cli/main.ts'],
  outfile: join(out, 'cli.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  keepNames: true,
  legalComments: 'linked',
  metafile: true,
  plugins: [packagedLocalRunner],
  // Some bundled CommonJS dependencies call require(); ESM has none of its own.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// The emulator's sample fleet is read from beside the bundle (emulator/index.ts: ./fleets/sample.yaml).
copyFileSync(join(root, 'emulator', 'fleets', 'sample.yaml'), join(out, 'fleets', 'sample.yaml'));

const inputs = Object.keys(result.metafile.inputs);
const leaked = inputs.filter((p) =>
  /(^|\/)(functions|cli\/local)\/|aws-local-stepfunctions|(^|\/)tsx\//.test(p),
);
if (leaked.length > 0) {
  console.error(
    `build-cli: the bundle must not contain the local runner, handlers or tsx:\n  ${leaked.join('\n  ')}`,
  );
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.error(`build-cli: dist/cli.mjs (${(bytes / 1024 / 1024).toFixed(2)} MiB, ${inputs.length} modules)`);
