import type { OperationInfo, OperationType } from '../../lib/app-runner/port';

/**
 * How long a service's next operation will take, predicted from that service's own past operations
 * (ListOperations keeps their start and end times). One predictor serves both uses: when to poll an
 * operation in flight (from `low` on, so nothing is polled before it can plausibly be done), and when to
 * start a resume so that the service is ready by a given time (from `high`, so it is never late).
 *
 * Robust to outliers (a resume that once took ten minutes does not move the window): the spread is the
 * median absolute deviation, and samples further than four spreads from the median are left out.
 */

/** Seconds from the operation's start. */
export interface Prediction {
  /** The earliest plausible end: no poll before it. */
  low: number;
  /** The typical duration (median). */
  expected: number;
  /** The latest plausible end: what a ready-by start plans with. */
  high: number;
  /** Past operations it is based on (0: the defaults). */
  samples: number;
}

/** What to assume without history (App Runner resumes are reported to take 30 s to 5 minutes). */
export interface PredictionDefaults {
  low: number;
  expected: number;
  high: number;
}

/** Past operations considered: the newest this many successful ones of the type. */
const HISTORY_SAMPLES = 10;

/** The durations (seconds) of a service's newest successful operations of a type, newest first. */
export function pastDurations(
  history: readonly OperationInfo[],
  type: OperationType,
  max = HISTORY_SAMPLES,
): number[] {
  const durations: number[] = [];
  for (const op of history) {
    if (durations.length >= max) break;
    if (op.type !== type || op.status !== 'SUCCEEDED') continue;
    if (op.startedAt === undefined || op.endedAt === undefined || op.endedAt < op.startedAt) continue;
    durations.push((op.endedAt - op.startedAt) / 1000);
  }
  return durations;
}

/** Predicts an operation's duration from past durations (seconds); the defaults when there are none. */
export function predict(durations: readonly number[], defaults: PredictionDefaults): Prediction {
  if (durations.length === 0) return { ...defaults, samples: 0 };
  const m = median(durations);
  const mad = median(durations.map((d) => Math.abs(d - m)));
  // Never a zero-width window: one sample, or identical ones, still leave room for some spread.
  const spread = Math.max(1.4826 * mad, 0.03 * m, 1);
  const inliers = durations.filter((d) => Math.abs(d - m) <= 4 * spread);
  const kept = inliers.length > 0 ? inliers : durations;
  // Few samples say little about the tails: widen the window until there are enough.
  const widen = durations.length < 3 ? 2 : 1;
  const low = Math.max(1, Math.min(...kept) - Math.max(2, spread) * widen);
  const high = Math.max(...kept) + spread * widen;
  return { low: round1(low), expected: round1(m), high: round1(high), samples: durations.length };
}

/**
 * Scales a prediction by what this run has learnt about App Runner today: `factor` is the median ratio
 * of actual to expected durations of the operations that already ended (1 = predictions were right).
 */
export function corrected(p: Prediction, factor: number): Prediction {
  if (!Number.isFinite(factor) || factor <= 0 || factor === 1) return p;
  return {
    ...p,
    low: round1(Math.max(1, p.low * factor)),
    expected: round1(p.expected * factor),
    high: round1(p.high * factor),
  };
}

/**
 * The correction factor learnt from finished operations (actual ÷ expected seconds); 1 until at least
 * `minSamples` have ended, so one odd operation does not move everyone's window.
 */
export function correctionFactor(ratios: readonly number[], minSamples = 3): number {
  const usable = ratios.filter((r) => Number.isFinite(r) && r > 0);
  if (usable.length < minSamples) return 1;
  // Bounded: a run teaches a correction, not a new model.
  return Math.min(2, Math.max(0.5, median(usable)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
