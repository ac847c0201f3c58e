// The Lambda runtime of the acceptance layer: one Node process per function container, started by
// lambda-pool.ts with the function's environment and nothing of the test process. It plays the part of
// Lambda's Node.js runtime interface client: load `_HANDLER` from `LAMBDA_TASK_ROOT` at init (a missing
// module or export is an init error under Lambda's names), then run one invocation at a time, handed over
// on the IPC channel, and answer with the result or the error as Lambda reports it.
//
// It imports nothing but Node built-ins: it is transpiled on its own into the sandbox and must not reach
// the repository's code or node_modules (only the bundle's own imports may, as on Lambda).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** An invocation, as lambda-pool.ts sends it (the event as JSON text, as Lambda receives it). */
export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  invokedFunctionArn: string;
  event: string;
  deadlineMs: number;
  traceId: string;
}

/** What the runtime tells lambda-pool.ts. */
export type RuntimeMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: LambdaError }
  | { type: 'result'; requestId: string; payload: string }
  | { type: 'error'; requestId: string; error: LambdaError };

/** An error as Lambda returns it to Step Functions (errorType becomes the Task's Error name). */
export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

const env = process.env;

function send(message: RuntimeMessage): void {
  process.send?.(message);
}

function toLambdaError(error: unknown, errorType?: string): LambdaError {
  if (error instanceof Error) {
    return {
      errorType: errorType ?? error.name,
      errorMessage: errorType ? `${error.name}: ${error.message}` : error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: errorType ?? typeof error, errorMessage: String(error), trace: [] };
}

/** Resolves `_HANDLER` ("functions/plan/handler.handler") the way the Node.js runtime does. */
async function loadHandler(): Promise<Handler> {
  const spec = env._HANDLER ?? '';
  const root = env.LAMBDA_TASK_ROOT ?? process.cwd();
  const dot = spec.lastIndexOf('.');
  const modulePath = dot > 0 ? spec.slice(0, dot) : spec;
  const exportName = dot > 0 ? spec.slice(dot + 1) : 'handler';
  const file = ['.js', '.mjs', '.cjs'].map((ext) => join(root, modulePath + ext)).find((f) => existsSync(f));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${modulePath}'`), {
      runtimeType: 'ImportModuleError',
    });
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw Object.assign(error as Error, { runtimeType: 'ImportModuleError' });
  }
  const handler = loaded[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${modulePath}.${exportName} is undefined or not exported`), {
      runtimeType: 'HandlerNotFound',
    });
  }
  return handler as Handler;
}

function contextFor(message: InvokeMessage): Record<string, unknown> {
  const name = env.AWS_LAMBDA_FUNCTION_NAME ?? '';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function main(): Promise<void> {
  // The harness's end is the container's end (Lambda would freeze it; nobody will thaw this one).
  process.on('disconnect', () => process.exit(0));
  let handler: Handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    const type = (error as { runtimeType?: string }).runtimeType;
    send({ type: 'init-error', error: toLambdaError(error, type ? `Runtime.${type}` : undefined) });
    return;
  }
  process.on('message', async (message: InvokeMessage) => {
    if (message.type !== 'invoke') return;
    // Lambda hands each invocation its X-Ray trace header through the environment.
    env._X_AMZN_TRACE_ID = message.traceId;
    try {
      const result = await handler(JSON.parse(message.event), contextFor(message));
      send({ type: 'result', requestId: message.requestId, payload: JSON.stringify(result ?? null) });
    } catch (error) {
      send({ type: 'error', requestId: message.requestId, error: toLambdaError(error) });
    }
  });
  send({ type: 'ready' });
}

await main();
