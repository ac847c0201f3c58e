import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { FunctionId } from '../../cli/local/definition';
import type { FunctionInvoker } from '../../cli/local/executor';
import { LambdaInvocationError } from '../../cli/local/lambda-failures';
import type { PackagedFunction, PackagedStack } from './packaged-stack';
import type { InvokeMessage, LambdaError, RuntimeMessage } from './runtime/bootstrap';
import { checkEnvironment, lambdaEnvironment, type Sandbox } from './sandbox';

// Runs the packaged functions the way Lambda does: each container is its own Node process in the
// sandbox (see sandbox.ts: the bundle as its task root, the function's environment from the template
// plus what the platform sets, nothing of the test process). Containers are reused while warm, one
// invocation at a time; a crashed or timed-out one is replaced by a cold one. Failures reach the state
// machine under the names Lambda gives them: the thrown error's name, `Runtime.ExitError`,
// `Sandbox.Timedout`, and `Runtime.ImportModuleError` / `Runtime.HandlerNotFound` for a bundle that
// cannot load.

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
      // Like Lambda's Node.js bootstrap: the heap bounded by the function's memory; no flags of ours.
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

  /**
   * @param local what the platform sets that points at local stand-ins: `AWS_ENDPOINT_URL_<SERVICE>` for
   * the SDK, `AWS_XRAY_DAEMON_ADDRESS` for the X-Ray SDK.
   */
  constructor(
    private readonly stack: PackagedStack,
    private readonly sandbox: Sandbox,
    private readonly local: Record<string, string>,
  ) {
    for (const fn of Object.values(stack.functions)) checkEnvironment(fn);
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

  private container(fn: PackagedFunction): Container {
    const warm = (this.containers.get(fn.id) ?? []).find((c) => !c.busy && !c.dead);
    if (warm) {
      warm.busy = true;
      return warm;
    }
    const cold = new Container(
      fn,
      lambdaEnvironment(fn, this.sandbox, this.local),
      this.sandbox.bootstrap,
      (line) => this.output.push({ fn: fn.id, line }),
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
      // A container that died idle cannot take the invocation: Lambda reports that as the runtime's exit.
      child.send(message, (error) => {
        if (error) onExit(child.exitCode, child.signalCode);
      });
    });
  }
}
