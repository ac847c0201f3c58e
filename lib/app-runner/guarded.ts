import type { Clock } from '../runtime/clock';
import { RateLimiter } from '../runtime/rate-limiter';
import { AppRunnerCallError, type AppRunnerPort, aroundEachCall } from './port';

export interface GuardOptions {
  /** Request budget for this invocation (all calls share it). */
  requestsPerSecond: number;
  /** Attempts per call for throttling and 5xx, on top of the SDK's own, with backoff on the clock. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told of every transient failure that is retried (throttling, 5xx, a time-out), e.g. to count them. */
  onRetry?: (error: AppRunnerCallError) => void;
}

/**
 * Wraps a port so that every call waits for the request budget and transient errors (throttling,
 * 5xx, timeouts) are retried with capped exponential backoff and full jitter, on the given clock.
 */
export function guarded(port: AppRunnerPort, clock: Clock, options: GuardOptions): AppRunnerPort {
  const limiter = new RateLimiter(clock, options.requestsPerSecond);
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 8000;

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await limiter.acquire();
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof AppRunnerCallError) || !error.transient || attempt >= attempts) throw error;
        options.onRetry?.(error);
        const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
        await clock.sleep(Math.round(ceiling / 2 + Math.random() * (ceiling / 2)));
      }
    }
  }

  return aroundEachCall(port, run);
}
