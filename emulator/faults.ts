import type { Clock } from '../lib/runtime/clock';
import { seededRandom } from './random';
import type { FaultSpec } from './spec/faults';

/** The service a request or operation concerns, for fault selectors. */
export interface FaultTarget {
  name: string;
  arn: string;
}

/** What request-level faults decided for one call. */
export interface RequestFaultDecision {
  /** Real milliseconds to hold the response back. */
  delayMs: number;
  /** The fault that fails the call, which each API answers with its own error. */
  error?: 'throttle' | 'server-error';
}

/** What an operation-level fault makes of a new Pause/Resume operation. */
export type OperationFault =
  | { kind: 'fails' }
  | { kind: 'never-ends' }
  | { kind: 'deleted'; afterSeconds: number };

/** What readiness faults decided for one request to a service's URL. */
export interface ProbeFaultDecision {
  /** Real milliseconds to hold the answer back. */
  delayMs: number;
  neverReady: boolean;
  flapping: boolean;
}

interface InstalledFault {
  spec: FaultSpec;
  installedAt: number;
  remaining: number;
}

const REQUEST_FAULTS = new Set(['throttle', 'server-error', 'slow']);
const OPERATION_FAULTS = new Set(['operation-fails', 'operation-never-ends', 'deleted-mid-operation']);
const PROBE_FAULTS = new Set(['never-ready', 'flapping', 'slow-ready']);

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

  /**
   * Decides the request-level faults (slow, throttle, server-error) for one call. With `namedOnly` (calls
   * to another API than App Runner's), only faults that list `op` in `operations` apply.
   */
  onRequest(
    op: string,
    target: FaultTarget | undefined,
    options: { namedOnly?: boolean } = {},
  ): RequestFaultDecision {
    const decision: RequestFaultDecision = { delayMs: 0 };
    for (const fault of this.candidates(REQUEST_FAULTS, target)) {
      const { spec } = fault;
      const operations = (spec as { operations?: readonly string[] }).operations;
      if (operations ? !operations.includes(op) : options.namedOnly) continue;
      if (!this.inWindow(fault)) continue;
      if (spec.type !== 'slow' && decision.error) continue;
      if (!this.hits(fault)) continue;
      fault.remaining--;
      if (spec.type === 'slow') decision.delayMs = Math.max(decision.delayMs, spec.delayMs);
      else if (spec.type === 'throttle' || spec.type === 'server-error') decision.error = spec.type;
    }
    return decision;
  }

  /** Decides (and uses up) the operation-level fault, if any, for a new Pause/Resume operation. */
  onOperation(type: 'PAUSE_SERVICE' | 'RESUME_SERVICE', target: FaultTarget): OperationFault | undefined {
    for (const fault of this.candidates(OPERATION_FAULTS, target)) {
      const { spec } = fault;
      const operations = (spec as { operations?: readonly string[] }).operations;
      if (operations && !operations.includes(type)) continue;
      fault.remaining--;
      if (spec.type === 'operation-fails') return { kind: 'fails' };
      if (spec.type === 'operation-never-ends') return { kind: 'never-ends' };
      return {
        kind: 'deleted',
        afterSeconds: spec.type === 'deleted-mid-operation' ? (spec.afterSeconds ?? 5) : 5,
      };
    }
    return undefined;
  }

  /** Decides the readiness faults (never-ready, flapping, slow-ready) for one request to a service's URL. */
  onProbe(target: FaultTarget): ProbeFaultDecision {
    const decision: ProbeFaultDecision = { delayMs: 0, neverReady: false, flapping: false };
    for (const fault of this.candidates(PROBE_FAULTS, target)) {
      const { spec } = fault;
      if (!this.inWindow(fault) || !this.hits(fault)) continue;
      fault.remaining--;
      if (spec.type === 'never-ready') decision.neverReady = true;
      else if (spec.type === 'flapping') decision.flapping = true;
      else if (spec.type === 'slow-ready') decision.delayMs = Math.max(decision.delayMs, spec.delayMs);
    }
    return decision;
  }

  private candidates(types: ReadonlySet<string>, target: FaultTarget | undefined): InstalledFault[] {
    return this.faults.filter(
      (f) => types.has(f.spec.type) && f.remaining > 0 && matchesService(f.spec.service, target),
    );
  }

  private inWindow(fault: InstalledFault): boolean {
    const spec = fault.spec as { startsInSeconds?: number; forSeconds?: number };
    const now = this.clock.now();
    const start = fault.installedAt + (spec.startsInSeconds ?? 0) * 1000;
    if (now < start) return false;
    return spec.forSeconds === undefined || now < start + spec.forSeconds * 1000;
  }

  private hits(fault: InstalledFault): boolean {
    const rate = (fault.spec as { rate?: number }).rate;
    return rate === undefined || rate >= 1 || this.random() < rate;
  }
}

function matchesService(selector: string | undefined, target: FaultTarget | undefined): boolean {
  if (selector === undefined) return true;
  if (!target) return false;
  return selector === target.name || selector === target.arn;
}
