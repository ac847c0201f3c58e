import {
  AppRunnerCallError,
  latestOperation,
  type OperationInfo,
  type ServiceInfo,
} from '../../lib/app-runner/port';
import { LEASE_TAGS, leaseTags, readLease } from '../../lib/contract/tags';
import type { BatchState, Phase, TrackedService } from '../../lib/workflow/batch';
import { desiredStatus } from '../../lib/workflow/decide';
import { addNotes, type EngineDeps, finish, onCallFailure, track, wait } from './apply';
import { beforeAction, creditOrSkip, readinessOf } from './outcome';
import { inFlightCount, startable } from './pacing';

/**
 * Starting operations: for each pending service whose start has come, act (resume or pause), join an
 * operation of this run's kind already in flight, wait for another operation to end, or record an outcome
 * at once — within the in-flight limit. Never throws for a service's sake.
 */

/** Starts pending services until `until`; true when anything changed. */
export async function startDue(s: BatchState, deps: EngineDeps, until: number): Promise<boolean> {
  let inFlight = inFlightCount(s);
  let progressed = false;
  for (const svc of startable(s, deps.clock.now())) {
    if (inFlight >= s.settings.maxInFlight || deps.clock.now() >= until) break;
    try {
      await startOne(s, svc, deps);
    } catch (error) {
      onCallFailure(s, svc, error, deps);
    }
    // startOne moved the service on (TypeScript cannot see that through the call).
    const phase = svc.phase as Phase;
    if (phase !== 'PENDING') progressed = true;
    if (phase === 'IN_FLIGHT') inFlight++;
  }
  return progressed;
}

async function startOne(s: BatchState, svc: TrackedService, deps: EngineDeps): Promise<void> {
  const { appRunner, clock, log } = deps;
  const { action } = s.run;
  // A resume that carries a lease writes it first, so that a pause arriving meanwhile already sees it.
  if (action === 'resume' && s.run.keepAwakeUntil && !svc.leaseSet) {
    await appRunner.tagResource(svc.arn, leaseTags(s.run.keepAwakeUntil, s.run.requestedBy, s.run.reason));
    svc.leaseSet = true;
    svc.notes.push(`keep-awake lease set until ${s.run.keepAwakeUntil}`);
  }
  // A pause re-reads the tags right before acting: a wake with a lease may have landed since Plan.
  const tags = action === 'pause' ? await appRunner.listTags(svc.arn) : {};
  let latest: OperationInfo | null | undefined;
  for (let attempt = 0; attempt < 3; ) {
    const verdict = beforeAction({ svc, run: s.run, tags, latest, now: clock.now() });
    switch (verdict.kind) {
      case 'need-latest-operation':
        latest = (await latestOperation(appRunner, svc.arn)) ?? null;
        continue;
      case 'reread':
        svc.status = (await appRunner.describeService(svc.arn)).status;
        latest = undefined;
        // Still OPERATION_IN_PROGRESS after a re-read: an operation App Runner does not list yet. Wait for it.
        if (svc.status === 'OPERATION_IN_PROGRESS') {
          wait(svc, 'the current operation', clock.now() + s.settings.pollIntervalSeconds * 1000);
          return;
        }
        continue;
      case 'join':
        track(svc, verdict.operation.id, verdict.operation.startedAt ?? clock.now(), true);
        svc.fromStatus ??= action === 'resume' ? 'PAUSED' : 'RUNNING';
        svc.notes.push(
          `joined ${verdict.operation.type} operation ${verdict.operation.id} already in flight`,
        );
        return;
      case 'wait':
        wait(svc, verdict.waitingFor, clock.now() + s.settings.pollIntervalSeconds * 1000);
        return;
      case 'already': {
        addNotes(svc, verdict.notes);
        // The newest operation, if this attempt has read it already (null: there is none).
        const newest =
          latest === undefined ? await latestOperation(appRunner, svc.arn) : (latest ?? undefined);
        finish(s, svc, creditOrSkip(s.run, verdict.reason, newest), clock.now());
        return;
      }
      case 'finish':
        finish(s, svc, verdict, clock.now());
        return;
      case 'act':
        addNotes(svc, verdict.notes);
    }
    attempt++;
    svc.fromStatus ??= svc.status;
    // An overridden lease is removed right before PauseService, so that it is never gone without a pause.
    if (action === 'pause' && s.run.overrideLease && !svc.leaseRemoved && hasActiveLease(tags, clock.now())) {
      await appRunner.untagResource(svc.arn, [...LEASE_TAGS]);
      svc.leaseRemoved = true;
    }
    try {
      const out =
        action === 'resume' ? await appRunner.resumeService(svc.arn) : await appRunner.pauseService(svc.arn);
      svc.status = out.service.status;
      learnService(s, svc, out.service, deps);
      if (out.operationId) {
        track(svc, out.operationId, clock.now(), false);
        log.info(`${action} started`, { serviceName: svc.name, operationId: out.operationId });
        return;
      }
      // App Runner accepted the call as a no-op: already in the desired state.
      svc.status = desiredStatus(action);
      const reason = action === 'resume' ? 'ALREADY_RUNNING' : 'ALREADY_PAUSED';
      finish(s, svc, creditOrSkip(s.run, reason, await latestOperation(appRunner, svc.arn)), clock.now());
      return;
    } catch (error) {
      if (!(error instanceof AppRunnerCallError) || error.kind !== 'InvalidState') throw error;
      // The status moved under us: re-read it and decide again, never fail blindly.
      log.info('App Runner refused the call in the current state; reconciling', {
        serviceName: svc.name,
        error: error.message,
      });
      const fresh = await appRunner.describeService(svc.arn);
      svc.status = fresh.status;
      learnService(s, svc, fresh, deps);
      latest = undefined;
    }
  }
  // Still contended after re-reading: try again on the next round.
  svc.lastError = 'the service kept changing state; will retry';
}

/**
 * Keeps what App Runner's full answer says that later steps need: the URL and the readiness probe's path (or
 * why there is none), and, for the savings estimate, memory and auto scaling configuration.
 */
export function learnService(s: BatchState, svc: TrackedService, info: ServiceInfo, deps: EngineDeps): void {
  if (info.url) svc.url = info.url;
  if (info.memoryMb !== undefined) svc.memoryMb = info.memoryMb;
  if (info.autoScalingConfigurationArn) svc.scalingArn = info.autoScalingConfigurationArn;
  if (s.run.action !== 'resume' || info.healthCheck === undefined) return;
  const readiness = readinessOf({
    run: s.run,
    ...(svc.readyPathTag !== undefined ? { readyPathTag: svc.readyPathTag } : {}),
    healthCheck: info.healthCheck,
    ...(info.publiclyAccessible !== undefined ? { publiclyAccessible: info.publiclyAccessible } : {}),
    ...(svc.url ? { url: svc.url } : {}),
    probeEndpointSet: deps.probeEndpointSet === true,
  });
  if ('path' in readiness) {
    svc.readyPath = readiness.path;
    svc.readySkip = undefined;
  } else {
    svc.readySkip = readiness.skip;
  }
}

function hasActiveLease(tags: Record<string, string>, now: number): boolean {
  const lease = readLease(tags);
  return lease.until !== undefined && lease.until > now;
}
