import type { Clock } from './clock';

/**
 * A token bucket on a {@link Clock}: at most `ratePerSecond` acquisitions per second on average, with
 * bursts up to `burst`. Waiting uses the clock, so simulated runs respect the budget in simulated time.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    readonly ratePerSecond: number,
    // No bursts by default: each invocation starts with a fresh bucket, so a burst allowance would be
    // granted again at every step and several steps in a row could exceed the budget.
    private readonly burst = 1,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Resolves when the caller may make one request. Callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
      await this.clock.sleep(waitMs);
    }
  }
}
