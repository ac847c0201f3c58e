import { describe, expect, it } from 'vitest';
import { ManualClock, VirtualClock } from '../../lib/runtime/clock';

const T0 = Date.UTC(2026, 10, 28, 6, 0, 0);
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await turn();
}

describe('ManualClock', () => {
  it('wakes sleepers in order of their due time, only when advanced that far', async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const woke: Array<[string, number]> = [];
    void clock.sleep(3_000).then(() => woke.push(['c', clock.now() - T0]));
    void clock.sleep(1_000).then(() => woke.push(['a', clock.now() - T0]));
    void clock.sleep(2_000).then(() => woke.push(['b', clock.now() - T0]));

    // Act
    await clock.advance(2_500);
    const early = [...woke];
    await clock.advance(10_000);

    // Assess
    expect(early).toEqual([
      ['a', 1_000],
      ['b', 2_000],
    ]);
    expect(woke.at(-1)).toEqual(['c', 3_000]);
    expect(clock.now()).toBe(T0 + 12_500);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('VirtualClock', () => {
  it('jumps to the next timer as soon as nobody is busy', async () => {
    // Prepare
    const clock = new VirtualClock(T0);
    const realStart = performance.now();

    // Act
    await clock.sleep(3_600_000);

    // Assess
    expect(clock.now()).toBe(T0 + 3_600_000);
    expect(performance.now() - realStart).toBeLessThan(1_000);
  });

  it('stands still while an actor is busy, and moves once it is done', async () => {
    // Prepare
    const clock = new VirtualClock(T0);
    let woke = false;
    const sleeper = clock.sleep(60_000).then(() => {
      woke = true;
    });
    const seen: number[] = [];

    // Act
    await clock.run(async () => {
      for (let i = 0; i < 50; i++) {
        await turn();
        seen.push(clock.now());
      }
    });
    const wokeWhileBusy = woke;
    await sleeper;

    // Assess
    expect(new Set(seen)).toEqual(new Set([T0]));
    expect(wokeWhileBusy).toBe(false);
    expect(clock.now()).toBe(T0 + 60_000);
  });

  it('counts an actor asleep on the clock as idle', async () => {
    // Prepare
    const clock = new VirtualClock(T0);

    // Act
    const [a, b] = await Promise.all([
      clock.run(async () => {
        await clock.sleep(5_000);
        return clock.now();
      }),
      clock.run(async () => {
        await clock.sleep(2_000);
        await clock.sleep(2_000);
        return clock.now();
      }),
    ]);

    // Assess
    expect(a).toBe(T0 + 5_000);
    expect(b).toBe(T0 + 4_000);
  });

  it('stays put while an actor entered by hand has not exited', async () => {
    // Prepare
    const clock = new VirtualClock(T0);
    clock.enter();
    const sleeper = clock.sleep(1_000);

    // Act
    await turns(40);
    const whileBusy = clock.now();
    clock.exit();
    await sleeper;

    // Assess
    expect(whileBusy).toBe(T0);
    expect(clock.now()).toBe(T0 + 1_000);
  });
});
