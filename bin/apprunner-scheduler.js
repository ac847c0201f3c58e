#!/usr/bin/env node
// Entry point of the `apprunner-scheduler` CLI.
// - In the source checkout (cli/main.ts is here) the TypeScript sources run through tsx: no build step.
// - Installed from the package (`npm pack`, `npm install -g`), the bundle dist/cli.mjs runs with plain
//   Node: no TypeScript loader and no dependencies at run time.
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `apprunner-scheduler … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const sources = new URL('../cli/main.ts', import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import(new URL('../dist/cli.mjs', import.meta.url).href));
}
process.exitCode = await main(process.argv);
