import { AppRunnerCallError, type AppRunnerPort } from '../../lib/app-runner/port';
import type { ReadinessProbe } from '../../lib/readiness/probe';
import type { Clock } from '../../lib/runtime/clock';
import { describeError } from '../../lib/runtime/errors';
import type { Log } from '../../lib/runtime/powertools';
import type { BatchState, TrackedService } from '../../lib/workflow/batch';
import { trackedResult } from '../../lib/workflow/service-result';
import { afterCallFailure, type CallFailure, type Finish, limitReached } from './outcome';
import { deadlineOf } from './pacing';

/**
 * Applying the verdicts of ./outcome.ts: the only places a service's phase or outcome changes, shared by the
 * parts of the engine (starting, polling, probing, settling).
 */

export interface EngineDeps {
  appRunner: AppRunnerPort;
  clock: Clock;
  log: Log;
  /** The readiness probe (resume); without it, services are done at RUNNING. */
  probe?: ReadinessProbe;
  /** READY_CHECK_ENDPOINT_URL is set: probes reach private services too. */
  probeEndpointSet?: boolean;
}

export function finish(s: BatchState, svc: TrackedService, verdict: Finish, now: number): void {
  if (verdict.operation) {
    svc.operationId = verdict.operation.id;
    svc.operationStartedAt = verdict.operation.startedAt;
  }
  addNotes(svc, verdict.notes ?? []);
  svc.phase = 'DONE';
  svc.result = trackedResult(s.run, svc, verdict.at ?? now, verdict.outcome, verdict.reason, verdict.error);
  // What only the next polls or probes needed goes: a finished service travels light.
  for (const key of [
    'nextPollAt',
    'nextProbeAt',
    'probeStreak',
    'prediction',
    'notBefore',
    'waitingFor',
    'url',
    'readyPathTag',
    'readyPath',
    'observedWarmupSeconds',
    'runningSince',
    'memoryMb',
    'scalingArn',
    'pausedSince',
    'lastError',
    'lastProbe',
    'probes',
  ] as const) {
    delete svc[key];
  }
}

export function track(svc: TrackedService, operationId: string, startedAt: number, joined: boolean): void {
  svc.phase = 'IN_FLIGHT';
  svc.operationId = operationId;
  svc.operationStartedAt = startedAt;
  svc.waitingFor = undefined;
  svc.nextPollAt = undefined;
  if (joined) svc.joined = true;
}

export function wait(svc: TrackedService, waitingFor: string, nextPollAt: number): void {
  svc.phase = 'WAITING';
  svc.waitingFor = waitingFor;
  svc.nextPollAt = nextPollAt;
  if (!svc.waited) svc.notes.push(`waited for ${waitingFor}`);
  svc.waited = true;
}

export function addNotes(svc: TrackedService, notes: readonly string[]): void {
  for (const note of notes) if (!svc.notes.includes(note)) svc.notes.push(note);
}

/** Ends every open service that has reached its deadline, its poll limit or its readiness time-out. */
export function settleLimits(s: BatchState, now: number): void {
  for (const svc of s.services) {
    const reached = limitReached(svc, now, { deadline: deadlineOf(s, svc), maxPolls: s.settings.maxPolls });
    if (reached) finish(s, svc, reached, now);
  }
}

/** A failed call about one service ends in that service's outcome (or a retry later), never the batch's. */
export function onCallFailure(s: BatchState, svc: TrackedService, error: unknown, deps: EngineDeps): void {
  const failure = toCallFailure(error);
  if (failure.kind === 'Unexpected') {
    deps.log.error('unexpected error while handling the service', {
      serviceName: svc.name,
      error: failure.message,
    });
  }
  const verdict = afterCallFailure(svc, failure);
  if (verdict.kind === 'finish') {
    finish(s, svc, verdict, deps.clock.now());
    return;
  }
  svc.transientErrors++;
  svc.lastError = verdict.error;
  deps.log.warn('App Runner call failed transiently; will retry', {
    serviceName: svc.name,
    error: verdict.error,
  });
}

function toCallFailure(error: unknown): CallFailure {
  if (error instanceof AppRunnerCallError) {
    return {
      kind: error.kind,
      transient: error.transient,
      awsErrorName: error.awsErrorName,
      message: error.message,
    };
  }
  const { name, message } = describeError(error);
  return { kind: 'Unexpected', transient: false, awsErrorName: name, message };
}
