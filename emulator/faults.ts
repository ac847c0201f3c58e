import type { Clock } from '../lib/runtime/clock';
import type { FaultSpec } from './fleet';

/** A small seeded PRNG (mulberry32): fault rates and generated fleets are reproducible run to run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A token bucket on the emulator's clock: `ratePerSecond` tokens per second, burst of one second's worth. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly clock: Clock,
  ) {
    this.tokens = ratePerSecond;
    this.last = clock.now();
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = Math.max(this.last, now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The service a request or operation concerns, for fault selectors. */
export interface FaultTarget {
  name: string;
  arn: string;
}

/** What request-level faults decided for one call. */
export interface RequestFaultDecision {
  /** Real milliseconds to hold the response back. */
  delayMs: number;
  error?: 'ThrottlingException' | 'InternalServiceErrorException';
}

/** What an operation-level fault makes of a new Pause/Resume operation. */
export type OperationFault =
  | { kind: 'fails' }
  | { kind: 'never-ends' }
  | { kind: 'deleted'; afterSeconds: number };

interface InstalledFault {
  spec: FaultSpec;
  installedAt: number;
  remaining: number;
}

/**
 * Holds the injected faults and decides, call by call, which apply. Windows are measured on the emulator's
 * clock; rates draw from a seeded PRNG so a run with the same calls sees the same faults.
 */
export class FaultInjector {
  private faults: InstalledFault[] = [];
  private random: () => number;

  constructor(
    private readonly clock: Clock,
    seed = 1,
  ) {
    this.random = seededRandom(seed);
  }

  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  /** Installs a fault; its window (if any) starts now. `service` fills in the selector when the spec has none. */
  add(spec: FaultSpec, service?: string): void {
    const withService = spec.service === undefined && service !== undefined ? { ...spec, service } : spec;
    this.faults.push({ spec: withService, installedAt: this.clock.now(), remaining: spec.next ?? Infinity });
  }

  clear(): void {
    this.faults = [];
  }

  /** The faults still installed (a `next: N` fault disappears once used N times). */
  get active(): readonly FaultSpec[] {
    return this.faults.filter((f) => f.remaining > 0).map((f) => f.spec);
  }

  /** Decides the request-level faults (slow, throttle, server-error) for one call. */
  onRequest(op: string, target: FaultTarget | undefined): RequestFaultDecision {
    const decision: RequestFaultDecision = { delayMs: 0 };
    const now = this.clock.now();
    for (const fault of this.faults) {
      const { spec } = fault;
      if (spec.type !== 'throttle' && spec.type !== 'server-error' && spec.type !== 'slow') continue;
      if (fault.remaining <= 0) continue;
      if (spec.operations && !spec.operations.includes(op)) continue;
      if (!matchesService(spec.service, target)) continue;
      const start = fault.installedAt + (spec.startsInSeconds ?? 0) * 1000;
      if (now < start) continue;
      if (spec.forSeconds !== undefined && now >= start + spec.forSeconds * 1000) continue;
      if (spec.type !== 'slow' && decision.error) continue;
      if (spec.rate !== undefined && spec.rate < 1 && this.random() >= spec.rate) continue;
      fault.remaining--;
      if (spec.type === 'slow') decision.delayMs = Math.max(decision.delayMs, spec.delayMs);
      else
        decision.error = spec.type === 'throttle' ? 'ThrottlingException' : 'InternalServiceErrorException';
    }
    return decision;
  }

  /** Decides (and uses up) the operation-level fault, if any, for a new Pause/Resume operation. */
  onOperation(type: 'PAUSE_SERVICE' | 'RESUME_SERVICE', target: FaultTarget): OperationFault | undefined {
    for (const fault of this.faults) {
      const { spec } = fault;
      if (
        spec.type !== 'operation-fails' &&
        spec.type !== 'operation-never-ends' &&
        spec.type !== 'deleted-mid-operation'
      ) {
        continue;
      }
      if (fault.remaining <= 0) continue;
      if (spec.operations && !spec.operations.includes(type)) continue;
      if (!matchesService(spec.service, target)) continue;
      fault.remaining--;
      if (spec.type === 'operation-fails') return { kind: 'fails' };
      if (spec.type === 'operation-never-ends') return { kind: 'never-ends' };
      return { kind: 'deleted', afterSeconds: spec.afterSeconds ?? 5 };
    }
    return undefined;
  }
}

function matchesService(selector: string | undefined, target: FaultTarget | undefined): boolean {
  if (selector === undefined) return true;
  if (!target) return false;
  return selector === target.name || selector === target.arn;
}
