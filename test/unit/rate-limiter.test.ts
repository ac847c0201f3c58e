import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/runtime/clock';
import { RateLimiter } from '../../lib/runtime/rate-limiter';

const T0 = Date.UTC(2026, 10, 28, 6, 0, 0);

/** Lets queued promise chains run (and register their timers) before the clock moves. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts `count` acquisitions at once and steps the clock until all are granted; returns grant times. */
async function grantTimes(limiter: RateLimiter, clock: ManualClock, count: number, stepMs = 10) {
  const granted: number[] = [];
  const all = Array.from({ length: count }, () =>
    limiter.acquire().then(() => granted.push(clock.now() - T0)),
  );
  for (let i = 0; i < 10_000 && granted.length < count; i++) {
    await settle();
    if (granted.length < count) await clock.advance(stepMs);
  }
  await Promise.all(all);
  return granted;
}

describe('RateLimiter', () => {
  it('grants the first request at once and spaces the rest 1/rate apart', async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(clock, 2);

    // Act
    const times = await grantTimes(limiter, clock, 4);

    // Assess
    expect(times).toEqual([0, 500, 1000, 1500]);
  });

  it('grants a burst at once, then refills at the rate', async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(clock, 10, 3);

    // Act
    const times = await grantTimes(limiter, clock, 5);

    // Assess
    expect(times).toEqual([0, 0, 0, 100, 200]);
  });

  it('does not bank idle time beyond the burst', async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(clock, 1);
    await clock.advance(60_000);

    // Act
    const times = await grantTimes(limiter, clock, 3, 100);

    // Assess
    expect(times).toEqual([60_000, 61_000, 62_000]);
  });

  it('never grants more than rate × seconds + burst in any stretch of time', async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(clock, 5, 2);

    // Act
    const times = await grantTimes(limiter, clock, 30, 7);

    // Assess
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const windowSeconds = (times[j]! - times[i]!) / 1000;
        expect(j - i + 1).toBeLessThanOrEqual(Math.floor(5 * windowSeconds + 2 + 1e-9));
      }
    }
  });

  it.each([0, -1, Number.NaN])('refuses a rate of %s', (rate) => {
    // Prepare
    const clock = new ManualClock(T0);

    // Act
    const create = () => new RateLimiter(clock, rate);

    // Assess
    expect(create).toThrow(RangeError);
  });
});
