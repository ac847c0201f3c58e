import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One set of Powertools instances for every function (POWERTOOLS_* variables override the defaults). */
export const SERVICE_NAME = 'apprunner-scheduler';
export const METRICS_NAMESPACE = 'AppRunnerScheduler';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: SERVICE_NAME,
  // The functions publish their metrics as soon as they are known; the middleware's final flush then has
  // nothing left, which is expected: keep that notice out of the warnings.
  logger: {
    debug: (...args: unknown[]) => logger.debug(String(args[0])),
    info: (...args: unknown[]) => logger.info(String(args[0])),
    warn: (...args: unknown[]) =>
      String(args[0]).startsWith('No application metrics to publish')
        ? logger.debug(String(args[0]))
        : logger.warn(String(args[0])),
    error: (...args: unknown[]) => logger.error(String(args[0])),
  },
});
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

/** The slice of a logger the cores use, so they can be driven with any structured logger. */
export interface Log {
  debug(message: string, ...extra: Array<Record<string, unknown>>): void;
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}
