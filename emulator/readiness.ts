import type { ProbeFaultDecision } from './faults';
import type { ServiceStatus } from './spec/common';

/**
 * A service's URL, as a readiness probe sees it: 503 while the service is not RUNNING, 503 for its warm-up
 * after it became RUNNING, then 200. Faults can keep it at 503 (never-ready) or make it alternate 200/503
 * request by request after warm-up (flapping: never two good answers in a row).
 */

export interface ReadinessInput {
  status: ServiceStatus;
  /** When it became RUNNING (epoch ms), while RUNNING. */
  runningSince?: number;
  warmupSeconds: number;
}

export interface ReadinessAnswer {
  httpStatus: 200 | 503;
  /** Why, in a few words (the answer's body says it). */
  reason: string;
  /** This answer would have been 200 but for flapping: the caller counts these. */
  flapped?: boolean;
}

/**
 * The answer at `now`. `goodAnswersSoFar` counts the answers this service gave that were ready before
 * flapping was applied; flapping answers 503 to every second one.
 */
export function readinessAt(
  service: ReadinessInput,
  now: number,
  faults: Pick<ProbeFaultDecision, 'neverReady' | 'flapping'>,
  goodAnswersSoFar: number,
): ReadinessAnswer {
  if (faults.neverReady) return { httpStatus: 503, reason: 'never ready (injected fault)' };
  if (service.status !== 'RUNNING' || service.runningSince === undefined) {
    return { httpStatus: 503, reason: `service is ${service.status}` };
  }
  const warmUntil = service.runningSince + service.warmupSeconds * 1000;
  if (now < warmUntil) {
    return { httpStatus: 503, reason: `warming up (${Math.ceil((warmUntil - now) / 1000)} s left)` };
  }
  if (faults.flapping && goodAnswersSoFar % 2 === 1) {
    return { httpStatus: 503, reason: 'flapping (injected fault)', flapped: true };
  }
  return { httpStatus: 200, reason: 'ready' };
}

/** The host a request names, lower case, without a port (IPv6 literals keep their brackets). */
export function hostOf(header: string | undefined): string {
  const host = (header ?? '').trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
