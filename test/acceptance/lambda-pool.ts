import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { transform } from 'esbuild';
import type { FunctionId } from '../../cli/local/definition';
import type { FunctionInvoker } from '../../cli/local/executor';
import { REPO } from '../deploy/package-stack';
import { type PackagedFunction, type PackagedStack, REGION, unzipFunctions } from './packaged-stack';
import type { InvokeMessage, LambdaError, RuntimeMessage } from './runtime/bootstrap';

// Runs the packaged functions the way Lambda does: each container is its own Node process, started
// with the function's environment from the template plus what the platform sets (nothing of the test
// process leaks in), the bundle's code as its task root, and only the AWS SDK (which the nodejs22.x
// runtime provides) resolvable beside it. Containers are reused while warm, one invocation at a time;
// a crashed or timed-out one is replaced by a cold one. Failures reach the state machine under the
// names Lambda gives them: the thrown error's name, `Runtime.ExitError`, `Sandbox.Timedout`, and
// `Runtime.ImportModuleError` / `Runtime.HandlerNotFound` for a bundle that cannot load.

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

/** The error an invocation fails with, as Step Functions sees it: name = errorType, cause = the payload. */
export class LambdaInvocationError extends Error {
  constructor(readonly payload: LambdaError) {
    super(JSON.stringify(payload));
    this.name = payload.errorType;
  }
}

/** A failure of the platform injected into one invocation of a function. */
export interface LambdaFault {
  /** Which invocation of the function (1-based, retries included). */
  invocation: number;
  /** crash: the process is killed (Runtime.ExitError); timeout: the invocation runs out of time (Sandbox.Timedout). */
  kind: 'crash' | 'timeout';
  /** Resolves when the fault should strike, called as the invocation starts; default: at once. */
  when?: () => Promise<void>;
}

export interface Invocation {
  fn: FunctionId;
  n: number;
  requestId: string;
  event: unknown;
  /** How it failed, if it did. */
  error?: LambdaError;
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

class Container {
  readonly child: ChildProcess;
  /** Resolves with the init error, or undefined once the handler is loaded. */
  readonly ready: Promise<LambdaError | undefined>;
  busy = true;
  dead = false;

  constructor(
    fn: PackagedFunction,
    env: Record<string, string>,
    bootstrap: string,
    onLine: (l: string) => void,
  ) {
    this.child = fork(bootstrap, [], {
      cwd: env.LAMBDA_TASK_ROOT,
      env,
      // As the nodejs22.x bootstrap does: the heap bounded by the function's memory, no flags of ours.
      execArgv: [`--max-old-space-size=${Math.floor(fn.memoryMb * 0.9)}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', onLine);
    }
    this.child.once('exit', () => {
      this.dead = true;
    });
    this.ready = new Promise((resolve) => {
      const onMessage = (m: RuntimeMessage) => {
        if (m.type !== 'ready' && m.type !== 'init-error') return;
        this.child.off('message', onMessage);
        resolve(m.type === 'init-error' ? m.error : undefined);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', (code, signal) => resolve(exitError('(init)', code, signal)));
    });
  }

  kill(): void {
    this.dead = true;
    this.child.kill('SIGKILL');
  }
}

function exitError(requestId: string, code: number | null, signal: NodeJS.Signals | null): LambdaError {
  const why = signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`;
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${why}`,
    trace: [],
  };
}

/** The packaged functions of one stack, run as Lambda runs them, with local stand-ins for AWS endpoints. */
export class LambdaPool {
  readonly invocations: Invocation[] = [];
  /** Every line the functions printed (logs and EMF), in order. */
  readonly output: Array<{ fn: FunctionId; line: string }> = [];
  /** Faults that struck, in order. */
  readonly struck: Array<{ fn: FunctionId; invocation: number; kind: LambdaFault['kind'] }> = [];
  private readonly containers = new Map<FunctionId, Container[]>();
  private readonly faults = new Map<FunctionId, LambdaFault[]>();
  private readonly counts = new Map<FunctionId, number>();

  /** @param endpoints `AWS_ENDPOINT_URL_<SERVICE>` values pointing the SDK at local stand-ins. */
  constructor(
    private readonly stack: PackagedStack,
    private readonly sandbox: Sandbox,
    private readonly endpoints: Record<string, string>,
  ) {
    for (const fn of Object.values(stack.functions)) {
      const reserved = Object.keys(fn.environment).filter((k) => RESERVED.has(k));
      if (reserved.length > 0)
        throw new Error(`${fn.id} sets reserved variables Lambda rejects: ${reserved}`);
    }
  }

  /** One invoker per function, for the local runner's `functions` option. */
  invokers(): Record<FunctionId, FunctionInvoker> {
    const invokers = {} as Record<FunctionId, FunctionInvoker>;
    for (const id of Object.keys(this.stack.functions) as FunctionId[]) {
      invokers[id] = (event) => this.invoke(id, event);
    }
    return invokers;
  }

  injectFault(fn: FunctionId, fault: LambdaFault): void {
    this.faults.set(fn, [...(this.faults.get(fn) ?? []), fault]);
  }

  /** The EMF documents the functions printed. */
  emf(): Array<Record<string, unknown>> {
    return this.output.flatMap(({ line }) => {
      try {
        const doc = JSON.parse(line) as Record<string, unknown>;
        return doc && typeof doc === 'object' && '_aws' in doc ? [doc] : [];
      } catch {
        return [];
      }
    });
  }

  async stop(): Promise<void> {
    const alive = [...this.containers.values()]
      .flat()
      .filter((c) => c.child.exitCode === null && !c.child.signalCode);
    const exits = alive.map((c) => new Promise<void>((resolve) => c.child.once('exit', () => resolve())));
    for (const c of alive) c.kill();
    await Promise.all(exits);
    this.containers.clear();
  }

  private environment(fn: PackagedFunction): Record<string, string> {
    const stream = `2026/12/01/[$LATEST]${randomUUID().replaceAll('-', '')}`;
    return {
      ...fn.environment,
      // What Lambda sets for every function.
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'ASIALOCALACCEPTANCE0',
      AWS_SECRET_ACCESS_KEY: 'local-acceptance-secret',
      AWS_SESSION_TOKEN: 'local-acceptance-session',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: stream,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      LAMBDA_TASK_ROOT: this.sandbox.taskRoots[fn.id],
      LAMBDA_RUNTIME_DIR: join(this.sandbox.root, 'runtime'),
      _HANDLER: fn.handler,
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      PATH: '/usr/local/bin:/usr/bin:/bin',
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
      // Where this machine is not Lambda: Node 20 here (the SDK warns about it), local endpoints.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...this.endpoints,
    };
  }

  private container(fn: PackagedFunction): Container {
    const warm = (this.containers.get(fn.id) ?? []).find((c) => !c.busy && !c.dead);
    if (warm) {
      warm.busy = true;
      return warm;
    }
    const cold = new Container(fn, this.environment(fn), this.sandbox.bootstrap, (line) =>
      this.output.push({ fn: fn.id, line }),
    );
    this.containers.set(fn.id, [...(this.containers.get(fn.id) ?? []).filter((c) => !c.dead), cold]);
    return cold;
  }

  private async invoke(id: FunctionId, event: unknown): Promise<unknown> {
    const fn = this.stack.functions[id];
    const n = (this.counts.get(id) ?? 0) + 1;
    this.counts.set(id, n);
    const requestId = randomUUID();
    const record: Invocation = { fn: id, n, requestId, event };
    this.invocations.push(record);
    const container = this.container(fn);
    const initError = await container.ready;
    try {
      if (initError) {
        container.kill();
        throw new LambdaInvocationError(initError);
      }
      return await this.run(fn, n, container, requestId, event);
    } catch (error) {
      if (error instanceof LambdaInvocationError) record.error = error.payload;
      throw error;
    } finally {
      container.busy = false;
    }
  }

  private run(
    fn: PackagedFunction,
    n: number,
    container: Container,
    requestId: string,
    event: unknown,
  ): Promise<unknown> {
    const { child } = container;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        finish();
      };
      const onMessage = (m: RuntimeMessage) => {
        if (m.type === 'result' && m.requestId === requestId) settle(() => resolve(JSON.parse(m.payload)));
        if (m.type === 'error' && m.requestId === requestId)
          settle(() => reject(new LambdaInvocationError(m.error)));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        settle(() => reject(new LambdaInvocationError(exitError(requestId, code, signal))));
      // Lambda stops the sandbox at the timeout; the next invocation gets a fresh one.
      const timeOut = () =>
        settle(() => {
          container.kill();
          reject(
            new LambdaInvocationError({
              errorType: 'Sandbox.Timedout',
              errorMessage: `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
              trace: [],
            }),
          );
        });
      const timer = setTimeout(timeOut, fn.timeoutSeconds * 1000);
      child.on('message', onMessage);
      child.once('exit', onExit);
      const fault = this.faults.get(fn.id)?.find((f) => f.invocation === n);
      if (fault) {
        (fault.when?.() ?? Promise.resolve()).then(
          () => {
            if (settled) return;
            this.struck.push({ fn: fn.id, invocation: n, kind: fault.kind });
            if (fault.kind === 'crash') container.kill();
            else timeOut();
          },
          () => undefined, // the moment never came: the fault did not strike (see `struck`)
        );
      }
      const message: InvokeMessage = {
        type: 'invoke',
        requestId,
        invokedFunctionArn: fn.arn,
        event: JSON.stringify(event ?? null),
        deadlineMs: Date.now() + fn.timeoutSeconds * 1000,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};Parent=${randomUUID().replaceAll('-', '').slice(0, 16)};Sampled=1`,
      };
      child.send(message);
    });
  }
}
