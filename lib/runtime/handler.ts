import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { decodeStepPayload, encodeStepPayload } from '../workflow/wire';
import { logger, metrics, tracer } from './powertools';
import { type Runtime, type RuntimeSource, resolveRuntime } from './runtime';

/** The plain function behind a handler: the event, the runtime (built once per container), the context. */
export type HandlerFn<E, R> = (event: E, runtime: Runtime, context: Context) => Promise<R>;

/**
 * The one seam for the batches' compact wire form: decodes the step's payload before the handler runs and
 * encodes its result after, so every core sees only readable batches (lib/workflow/wire.ts).
 */
function stepPayloadCodec(): MiddlewareObj<unknown, unknown> {
  return {
    before: (request) => {
      request.event = decodeStepPayload(request.event);
    },
    after: (request) => {
      request.response = encodeStepPayload(request.response);
    },
  };
}

/**
 * Wraps a handler function in the middy chain every function shares: Logger context, Metrics flush
 * (with the cold-start metric), Tracer segment, and the step payload codec (innermost, so the handler sees
 * readable batches). The runtime comes from `source` on the first call.
 */
export function makeHandler<E, R>(fn: HandlerFn<E, R>, source: RuntimeSource) {
  const runtime = resolveRuntime(source);
  return middy(async (event: E, context: Context) => fn(event, runtime(), context))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(stepPayloadCodec());
}
