import type { OperationType } from './spec/common';
import type { DurationsSpec } from './spec/service';

/** A service's durations in seconds, ranges drawn, defaults applied. */
export interface ResolvedDurations {
  resume: number;
  pause: number;
  deploy: number;
  warmup: number;
  /** 0–0.5: each operation lasts its base value × (1 ± up to jitter). */
  jitter: number;
}

const BUILT_IN_DURATIONS: ResolvedDurations = {
  resume: 60,
  pause: 30,
  deploy: 120,
  warmup: 0,
  jitter: 0,
};

type Range = number | { min: number; max: number };

/** A fixed value, or a whole number of seconds in [min, max] drawn from `random`. */
function drawRange(range: Range, random: () => number): number {
  if (typeof range === 'number') return range;
  return range.min + Math.floor(random() * (Math.floor(range.max) - Math.ceil(range.min) + 1));
}

/**
 * Resolves a service's durations: its own fields over the fleet's defaults over the built-in values.
 * Ranges draw in a fixed order (resume, pause, deploy, warmup), so a fleet draws the same values every run.
 */
export function resolveDurations(
  own: DurationsSpec | undefined,
  defaults: DurationsSpec | undefined,
  random: () => number,
): ResolvedDurations {
  const pick = (key: 'resume' | 'pause' | 'deploy' | 'warmup') => {
    const range = own?.[key] ?? defaults?.[key];
    return range === undefined ? BUILT_IN_DURATIONS[key] : drawRange(range, random);
  };
  return {
    resume: pick('resume'),
    pause: pick('pause'),
    deploy: pick('deploy'),
    warmup: pick('warmup'),
    jitter: own?.jitter ?? defaults?.jitter ?? BUILT_IN_DURATIONS.jitter,
  };
}

/** The service's base duration (seconds) for an operation type. */
export function baseSecondsOf(durations: ResolvedDurations, type: OperationType): number {
  if (type === 'RESUME_SERVICE') return durations.resume;
  if (type === 'PAUSE_SERVICE') return durations.pause;
  if (type === 'START_DEPLOYMENT' || type === 'UPDATE_SERVICE') return durations.deploy;
  return 0;
}

/** One operation's duration in milliseconds: the base value moved by up to ±jitter; `unit` is in [0, 1). */
export function jitteredMs(baseSeconds: number, jitter: number, unit: number): number {
  return Math.round(baseSeconds * 1000 * (1 + jitter * (2 * unit - 1)));
}
