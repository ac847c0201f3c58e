import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import type { FunctionId } from '../../cli/local/definition';
import { REPO } from '../deploy/package-stack';
import { type PackagedFunction, type PackagedStack, REGION } from './packaged-stack';

const run = promisify(execFile);

// Where a packaged function runs: its zip unpacked as its task root, the AWS SDK beside it (the nodejs22.x
// runtime provides it; the bundles leave it out), the runtime bootstrap, and the environment Lambda gives
// the process. Nothing of the test process (its modules, its environment) is reachable from there.

/** The unpacked functions and the runtime around them, shared by every run of a test file. */
export interface Sandbox {
  root: string;
  bootstrap: string;
  taskRoots: Record<FunctionId, string>;
}

/**
 * Unzips every function into `root`, links the AWS SDK packages (provided by the Lambda runtime, left
 * out of the bundles) where the bundles' imports find them, and transpiles the runtime bootstrap.
 */
export async function prepareSandbox(stack: PackagedStack, root: string): Promise<Sandbox> {
  const taskRoots = await unzipFunctions(stack, root);
  await mkdir(join(root, 'node_modules'), { recursive: true });
  for (const scope of ['@aws-sdk', '@smithy']) {
    await symlink(join(REPO, 'node_modules', scope), join(root, 'node_modules', scope), 'dir');
  }
  const source = await readFile(join(import.meta.dirname, 'runtime', 'bootstrap.ts'), 'utf8');
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
  const bootstrap = join(root, 'runtime', 'bootstrap.mjs');
  await mkdir(join(root, 'runtime'), { recursive: true });
  await writeFile(bootstrap, code);
  return { root, bootstrap, taskRoots };
}

/** Unzips each function's package into `<root>/<function id>` (its LAMBDA_TASK_ROOT); returns the paths. */
async function unzipFunctions(stack: PackagedStack, root: string): Promise<Record<FunctionId, string>> {
  const dirs = {} as Record<FunctionId, string>;
  await mkdir(root, { recursive: true });
  for (const fn of Object.values(stack.functions)) {
    dirs[fn.id] = join(root, fn.id);
    await run('unzip', ['-q', '-o', fn.zipPath, '-d', dirs[fn.id]]);
  }
  return dirs;
}

/** Variables Lambda sets itself and rejects in a function's configuration. */
const RESERVED = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/**
 * A container's environment: the function's own variables from the template, what Lambda sets for every
 * function, and `local` (what points at local stand-ins: `AWS_ENDPOINT_URL_<SERVICE>` for the SDK,
 * `AWS_XRAY_DAEMON_ADDRESS` for the X-Ray SDK).
 */
export function lambdaEnvironment(
  fn: PackagedFunction,
  sandbox: Sandbox,
  local: Record<string, string>,
): Record<string, string> {
  const stream = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomUUID().replaceAll('-', '')}`;
  return {
    ...fn.environment,
    // What Lambda sets for every function.
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    // One access key per function, so that what each function calls can be told apart (its role's check).
    AWS_ACCESS_KEY_ID: accessKeyOf(fn.id),
    AWS_SECRET_ACCESS_KEY: 'local-acceptance-secret',
    AWS_SESSION_TOKEN: 'local-acceptance-session',
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: stream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: sandbox.taskRoots[fn.id],
    LAMBDA_RUNTIME_DIR: join(sandbox.root, 'runtime'),
    _HANDLER: fn.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    // Where this machine is not Lambda: Node 20 here (the SDK warns about it), local stand-ins.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...local,
  };
}

/** Lambda refuses to deploy a function whose configuration sets one of its reserved variables. */
export function checkEnvironment(fn: PackagedFunction): void {
  const reserved = Object.keys(fn.environment).filter((k) => RESERVED.has(k));
  if (reserved.length > 0) throw new Error(`${fn.id} sets reserved variables Lambda rejects: ${reserved}`);
}

/** The access key a function's container signs with (`ASIALOCAL` + its logical id, upper case). */
export function accessKeyOf(fn: string): string {
  return `ASIALOCAL${fn.toUpperCase()}`;
}
