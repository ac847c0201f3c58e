#!/usr/bin/env node
// Entry point of the `apprunner-scheduler` CLI. The sources are TypeScript; tsx compiles them on load
// so that a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
