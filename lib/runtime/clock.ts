import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Time as the product sees it. Production code uses {@link systemClock}; the emulator, the local runner,
 * the tests and the benchmark can swap in a {@link ManualClock} (driven by hand) or a {@link VirtualClock}
 * (which jumps to the next timer whenever every actor is idle), so that minutes of App Runner operations
 * take milliseconds of real time and nothing sleeps in tests.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

interface Timer {
  due: number;
  seq: number;
  resolve: () => void;
}

/** A clock that only moves when told to: `advance(ms)` or `advanceTo(t)` fire due timers in order. */
export class ManualClock implements Clock {
  protected current: number;
  protected timers: Timer[] = [];
  private seq = 0;

  constructor(start: number | Date = Date.UTC(2026, 10, 28, 6, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return this.timer(ms);
  }

  /** A timer that fires after `ms` of clock time, outside any actor bookkeeping. */
  timer(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ due: this.current + Math.max(0, ms), seq: this.seq++, resolve });
      this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      this.onTimerAdded();
    });
  }

  /** Number of sleepers waiting on this clock. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, waking every sleeper that falls due (in order). */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    while (this.timers.length > 0 && this.timers[0]!.due <= target) {
      const timer = this.timers.shift()!;
      this.current = Math.max(this.current, timer.due);
      timer.resolve();
      // Let the woken sleeper run before the next one wakes.
      await flushMicrotasks();
    }
    this.current = Math.max(this.current, target);
  }

  protected onTimerAdded(): void {}
}

/**
 * A discrete-event clock: time stands still while any actor is busy, and jumps straight to the next timer
 * once every actor is idle (asleep on this clock, or finished). Wrap each unit of work in {@link run}.
 */
export class VirtualClock extends ManualClock {
  private busy = 0;
  private activity = 0;
  private scheduled = false;
  private readonly actor = new AsyncLocalStorage<true>();

  /** Runs `fn` as a busy actor. Sleeping on this clock inside `fn` counts as idle. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await this.actor.run(true, fn);
    } finally {
      this.exit();
    }
  }

  /** Marks an actor busy (for callers that cannot use {@link run}). */
  enter(): void {
    this.busy++;
    this.activity++;
  }

  exit(): void {
    this.busy--;
    this.activity++;
    this.scheduleAdvance();
  }

  override sleep(ms: number): Promise<void> {
    // A busy actor that sleeps is idle until it wakes.
    const inActor = this.actor.getStore() === true;
    if (inActor) this.busy--;
    return super.sleep(ms).then(() => {
      if (inActor) this.busy++;
      this.activity++;
    });
  }

  protected override onTimerAdded(): void {
    this.activity++;
    this.scheduleAdvance();
  }

  private scheduleAdvance(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void this.advanceWhenQuiet();
  }

  private async advanceWhenQuiet(): Promise<void> {
    try {
      for (;;) {
        if (this.timers.length === 0) return;
        // Quiet means: nobody busy and nothing happened for several turns of the event loop (engine
        // transitions between states run on timers and microtasks, not inside any actor).
        const seen = this.activity;
        let quiet = true;
        for (let turn = 0; turn < 12; turn++) {
          await nextTurn();
          if (this.busy > 0 || this.activity !== seen) {
            quiet = false;
            break;
          }
        }
        if (!quiet) {
          if (this.busy > 0) return; // exit() reschedules
          continue;
        }
        const next = this.timers[0]!;
        await this.advanceTo(next.due);
      }
    } finally {
      this.scheduled = false;
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
