import {
  AppRunnerCallError,
  countingPort,
  findOperation,
  latestOperation,
  listAllServices,
  type OperationInfo,
  type ServiceStatus,
} from '../../lib/app-runner/port';
import { describeError } from '../../lib/runtime/errors';
import type { BatchState } from '../../lib/workflow/batch';
import { desiredStatus } from '../../lib/workflow/decide';
import { type StepFailure, stepFailureText } from '../../lib/workflow/failure';
import { type EngineDeps, finish } from './apply';
import { afterStepFailure } from './outcome';
import { sweepPages } from './pacing';

/**
 * Settles a batch whose step failed for good (the Catch recorded `failure`): reads every open service once
 * more — one ListServices sweep when that is cheaper — and records what App Runner shows (./outcome.ts
 * `afterStepFailure`). Never throws for a service's sake.
 */
export async function settleAfterFailure(
  state: BatchState & { failure: StepFailure },
  given: EngineDeps,
): Promise<BatchState> {
  const s = structuredClone(state);
  const deps: EngineDeps = { ...given, appRunner: countingPort(given.appRunner, () => s.requests++) };
  const { appRunner, clock } = deps;
  const failure = stepFailureText(s.failure);
  const open = s.services.filter((svc) => svc.phase !== 'DONE');
  const statuses = new Map<string, ServiceStatus>();
  if (open.length > sweepPages(s)) {
    try {
      for (const info of await listAllServices(appRunner, s.region)) statuses.set(info.arn, info.status);
    } catch (error) {
      deps.log.warn('ListServices sweep failed; describing the services one by one', {
        error: describeError(error).message,
      });
    }
  }
  for (const svc of open) {
    let status = statuses.get(svc.arn);
    let operation: OperationInfo | undefined;
    let readError: string | undefined;
    try {
      status ??= (await appRunner.describeService(svc.arn)).status;
      // Its operation known (tracked, or ended: probing), App Runner's account is needed only off course.
      const tracked = svc.phase === 'IN_FLIGHT' || svc.phase === 'PROBING';
      if (tracked && svc.operationId && status !== desiredStatus(s.run.action)) {
        operation = await findOperation(appRunner, svc.arn, svc.operationId);
      } else if (!tracked) {
        operation = await latestOperation(appRunner, svc.arn);
      }
    } catch (error) {
      if (error instanceof AppRunnerCallError && error.kind === 'NotFound') status = 'DELETED';
      else readError = describeError(error).message;
    }
    if (status !== undefined) svc.status = status;
    const verdict = afterStepFailure({
      svc,
      run: s.run,
      failure,
      ...(readError === undefined && status !== undefined
        ? { status }
        : { readError: readError ?? 'no status' }),
      ...(operation ? { operation } : {}),
    });
    finish(s, svc, verdict, clock.now());
    deps.log.warn('service settled after a workflow step failed', {
      serviceName: svc.name,
      outcome: verdict.outcome,
      reason: verdict.reason,
    });
  }
  s.allDone = true;
  s.nextDelaySeconds = 0;
  return s;
}
