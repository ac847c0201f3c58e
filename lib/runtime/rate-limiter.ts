import type { Clock } from './clock';

/**
 * A token bucket on a {@link Clock}: at most `ratePerSecond` acquisitions per second on average, with
 * bursts up to `burst`. Waiting uses the clock, so simulated runs respect the budget in simulated time.
 * The product waits for a token ({@link acquire}); the emulator, which answers at once, only asks whether
 * one is there ({@link tryAcquire}) and throttles the request when not.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  readonly burst: number;

  constructor(
    private readonly clock: Clock,
    readonly ratePerSecond: number,
    // No bursts by default: each invocation starts with a fresh bucket, so a burst allowance would be
    // granted again at every step and several steps in a row could exceed the budget.
    burst = 1,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    if (!(burst >= 1)) throw new RangeError('burst must be at least 1');
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Resolves when the caller may make one request. Callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Takes one token if there is one now, without waiting; false means: over the budget. */
  tryAcquire(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const now = this.clock.now();
    // A clock never runs backwards here, but a bucket must not mint tokens if one did.
    const elapsedMs = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.ratePerSecond);
    this.last = Math.max(this.last, now);
  }

  private async take(): Promise<void> {
    for (;;) {
      if (this.tryAcquire()) return;
      const waitMs = Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
      await this.clock.sleep(waitMs);
    }
  }
}
