import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { AlertPublisher } from '../alerts';
import type { AppRunnerPort } from '../app-runner/port';
import type { TagIndex } from '../app-runner/tag-index';
import type { FreezeReader } from '../freeze/freeze';
import { HttpReadinessProbe, type ReadinessProbe } from '../readiness/probe';
import { type Clock, systemClock } from './clock';
import { type Config, loadConfig } from './config';
import { logger, metrics, tracer } from './powertools';

/**
 * Everything a handler needs from the outside world. Lambda builds one per container (on the first
 * invocation); the local runner builds one with the same adapters but its own clock and alert recorder.
 */
export interface Runtime {
  config: Config;
  clock: Clock;
  appRunner: AppRunnerPort;
  /** Which services carry a set of tags (Plan only; the other functions are built without it). */
  tagIndex?: TagIndex;
  alerts: AlertPublisher;
  /** Where the stage's freeze is read; undefined when freezes are not used (no FREEZE_PARAMETER_NAME). */
  freeze?: FreezeReader;
  /** The readiness probe (Start and Check); without it, a resumed service is done at RUNNING. */
  probe?: ReadinessProbe;
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** The adapters a function needs; each function builds only its own (smaller bundles, faster cold starts). */
export interface Adapters {
  appRunner?: (config: Config) => AppRunnerPort;
  tagIndex?: (config: Config) => TagIndex;
  alerts?: (config: Config) => AlertPublisher;
  freeze?: (config: Config) => FreezeReader | undefined;
  probe?: (config: Config) => ReadinessProbe;
}

/** The readiness probe as the functions build it: HTTPS to each service, or READY_CHECK_ENDPOINT_URL. */
export function httpProbe(config: Config): ReadinessProbe {
  return new HttpReadinessProbe(
    config.READY_CHECK_ENDPOINT_URL ? { endpoint: config.READY_CHECK_ENDPOINT_URL } : {},
  );
}

/** The production runtime: config from the environment (validated once), the given adapters, real time. */
export function lambdaRuntime(adapters: Adapters): () => Runtime {
  return () => {
    const config = loadConfig();
    return {
      config,
      clock: systemClock,
      appRunner: adapters.appRunner ? adapters.appRunner(config) : unavailable<AppRunnerPort>('App Runner'),
      ...(adapters.tagIndex ? { tagIndex: adapters.tagIndex(config) } : {}),
      alerts: adapters.alerts ? adapters.alerts(config) : unavailable<AlertPublisher>('alerts'),
      ...(adapters.freeze ? { freeze: adapters.freeze(config) } : {}),
      ...(adapters.probe ? { probe: adapters.probe(config) } : {}),
      logger,
      metrics,
      tracer,
    };
  };
}

/** A port this function was not built with: any use is a programming error, reported as such. */
function unavailable<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_target, prop) => () => {
      throw new Error(`this function has no ${what} adapter (called ${String(prop)})`);
    },
  });
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
