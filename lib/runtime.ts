import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { type AlertPublisher, SnsAlertPublisher } from './alerts';
import type { AppRunnerPort } from './app-runner/port';
import { SdkAppRunner } from './app-runner/sdk';
import { type Clock, systemClock } from './clock';
import { type Config, loadConfig } from './config';
import { logger, metrics, tracer } from './powertools';

/**
 * Everything a handler needs from the outside world. Lambda builds the default once per container; the
 * local runner builds one with the same adapters but its own clock and alert recorder.
 */
export interface Runtime {
  config: Config;
  clock: Clock;
  appRunner: AppRunnerPort;
  alerts: AlertPublisher;
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

let cached: Runtime | undefined;

/** The production runtime: config from the environment (validated once), SDK adapters, system clock. */
export function defaultRuntime(): Runtime {
  if (!cached) {
    const config = loadConfig(process.env);
    cached = {
      config,
      clock: systemClock,
      appRunner: new SdkAppRunner({
        defaultRegion: config.AWS_REGION,
        maxAttempts: config.APPRUNNER_SDK_MAX_ATTEMPTS,
        requestTimeoutMs: config.APPRUNNER_REQUEST_TIMEOUT_MS,
        instrument: (client) => tracer.captureAWSv3Client(client),
      }),
      alerts: new SnsAlertPublisher(config.AWS_REGION),
      logger,
      metrics,
      tracer,
    };
  }
  return cached;
}

/** A runtime source: a fixed runtime, or a factory evaluated on the first invocation (cold start). */
export type RuntimeSource = Runtime | (() => Runtime);

export function resolveRuntime(source: RuntimeSource): () => Runtime {
  let resolved: Runtime | undefined;
  return () => {
    resolved ??= typeof source === 'function' ? source() : source;
    return resolved;
  };
}
