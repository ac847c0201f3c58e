import type { FleetSpec } from '../../emulator/index';

/**
 * What the benchmark runs. Every fleet is generated with a fixed seed, so both designs (and every run) see
 * the same operations: resumes of 30–300 s, each service's ten past operations (ListOperations history),
 * and each operation varying by up to ±JITTER around the service's usual duration, as real ones do.
 */

/** Each operation's duration varies by up to this share around the service's usual one. */
export const JITTER = 0.05;
/** The emulator throttles above this many App Runner requests per second. */
export const EMULATOR_RPS = 20;
/** The shipped request budget (APPRUNNER_MAX_REQUESTS_PER_SECOND's default): the design runs with it. */
export const BUDGET_RPS = 10;

export type Design = 'design' | 'naive';
export type Paging = 'normal' | 'short';

export interface Scenario {
  /** Row label. */
  label: string;
  design: Design;
  services: number;
  /** `short`: every ListServices page comes back half full (10 of 20; App Runner may do so): sweeps cost twice. */
  paging: Paging;
  /** Ten past operations per service (ListOperations), or none. */
  history: boolean;
  /** Seconds each application needs after RUNNING before it answers (readiness). */
  warmup: number | { min: number; max: number };
  /** Minutes after the run's start by which every service should be ready (ready-by runs). */
  readyByMinutes?: number;
  /**
   * Ready-by runs: measure the next night — the same ready-by wake-up (which writes each service's observed
   * warm-up to its tag) and a pause run first, unmeasured; the measured run a day later plans with the tags.
   */
  nextNight?: boolean;
  seed?: number;
}

/**
 * The naive baseline: the same definition and handlers configured as a plain 10-second poller — one service
 * per batch (one Map iteration each), a fixed 10-second Wait→Check→Choice loop, no in-function polling, no
 * history. It does the same job (resume, then confirm readiness) and is measured at its best: no request
 * limit, every service polled at once (as a Distributed Map would).
 */
export const NAIVE_ENV: Record<string, string> = {
  APPRUNNER_MAX_REQUESTS_PER_SECOND: '1000',
  BATCH_SIZE: '1',
  MAX_BATCH_CONCURRENCY: '1000',
  MAX_CONCURRENT_OPERATIONS: '1',
  POLL_WINDOW_SECONDS: '0',
  POLL_INITIAL_DELAY_SECONDS: '10',
  POLL_MIN_DELAY_SECONDS: '10',
  POLL_MAX_DELAY_SECONDS: '10',
  POLL_INTERVAL_SECONDS: '10',
  POLL_FROM_HISTORY: 'false',
  MAX_POLLS: '10000',
  // Each service's loop would be a child execution of a Distributed Map, with a history of its own.
  HISTORY_EVENT_BUDGET: '10000000',
};

/** This design: the shipped defaults (10 App Runner requests/s among them). */
export const DESIGN_ENV: Record<string, string> = {};

export function fleetOf(s: Scenario): FleetSpec {
  return {
    options: {
      ...(s.design === 'design' ? { requestsPerSecond: EMULATOR_RPS } : {}),
      seed: s.seed ?? 7,
      ...(s.paging === 'short' ? { listServicesPaging: { pageSize: 10 } } : {}),
    },
    generate: {
      count: s.services,
      namePrefix: 'svc',
      status: 'PAUSED',
      tags: { env: 'bench' },
      durations: { resume: { min: 30, max: 300 }, warmup: s.warmup, jitter: JITTER },
      ...(s.history ? { history: { count: 10 } } : {}),
    },
  } as FleetSpec;
}

/** The rows `npm run bench` runs (`--sizes` picks other fleet sizes). */
export function defaultScenarios(sizes: number[], baseline: boolean): Scenario[] {
  const rows: Scenario[] = [];
  for (const n of sizes) {
    for (const paging of ['normal', 'short'] as const) {
      rows.push({ label: `${n} ${paging}`, design: 'design', services: n, paging, history: true, warmup: 0 });
    }
    if (baseline) {
      rows.push({
        label: `${n} naive`,
        design: 'naive',
        services: n,
        paging: 'normal',
        history: true,
        warmup: 0,
      });
    }
  }
  if (sizes.includes(100)) {
    rows.push({
      label: '100 no history',
      design: 'design',
      services: 100,
      paging: 'normal',
      history: false,
      warmup: 0,
    });
  }
  if (sizes.includes(10)) {
    rows.push({
      label: '10 warm-up 10–60 s',
      design: 'design',
      services: 10,
      paging: 'normal',
      history: true,
      warmup: { min: 10, max: 60 },
    });
    const readyBy: Scenario = {
      label: '10 ready-by +20 min',
      design: 'design',
      services: 10,
      paging: 'normal',
      history: true,
      warmup: { min: 5, max: 30 },
      readyByMinutes: 20,
    };
    rows.push(readyBy, { ...readyBy, label: `${readyBy.label}, next night`, nextNight: true });
  }
  return rows;
}
