import { guarded } from '../../lib/app-runner/guarded';
import { lambdaAppRunner } from '../../lib/app-runner/lambda';
import { makeHandler } from '../../lib/runtime/handler';
import { httpProbe, lambdaRuntime, type RuntimeSource } from '../../lib/runtime/runtime';
import type { BatchState } from '../../lib/workflow/batch';
import type { StepFailure } from '../../lib/workflow/failure';
import { parseBatch } from '../../lib/workflow/step-payloads';
import { advanceBatch, type Mode, settleAfterFailure } from './engine';

/**
 * The Start and Check steps. Both run the one batch engine (./engine.ts) on a batch: Start right after Plan
 * (acting on Plan's fresh statuses at once), Check after each Wait and, when a step
 * failed for good, to settle the batch from one more read. Two Lambda functions rather than one keep their
 * metrics, logs and alarms apart in the console.
 */
export function createHandler(
  mode: Mode,
  source: RuntimeSource = lambdaRuntime({ appRunner: lambdaAppRunner, probe: httpProbe }),
) {
  return makeHandler<unknown, BatchState>(async (event, rt) => {
    const batch = parseBatch(event);
    const log = rt.logger.createChild({
      persistentKeys: { executionId: batch.run.executionId, batchId: batch.batchId, step: mode },
    });
    let retried = 0;
    const appRunner = guarded(rt.appRunner, rt.clock, {
      requestsPerSecond: batch.settings.requestsPerSecond,
      onRetry: () => {
        retried++;
      },
    });
    const doneBefore = new Set(batch.services.filter((s) => s.result).map((s) => s.arn));
    const deps = {
      appRunner,
      clock: rt.clock,
      log,
      ...(rt.probe ? { probe: rt.probe } : {}),
      probeEndpointSet: rt.config.READY_CHECK_ENDPOINT_URL !== '',
    };
    // A batch arriving with a Catch's `failure` comes from "Record what App Runner shows": a step failed
    // for good, and its open services are settled from one more read instead of being advanced.
    const failure = (batch as BatchState & { failure?: StepFailure }).failure;
    const next = failure
      ? await settleAfterFailure({ ...batch, failure }, deps)
      : await advanceBatch(batch, deps);
    if (retried > 0) next.retried = (batch.retried ?? 0) + retried;
    for (const svc of next.services) {
      if (svc.result && !doneBefore.has(svc.arn)) {
        log.info('service finished', {
          serviceName: svc.name,
          serviceArn: svc.arn,
          outcome: svc.result.outcome,
          reason: svc.result.reason,
          operationId: svc.result.operationId,
          durationSeconds: svc.result.durationSeconds,
        });
      }
    }
    log.info(`${mode} round done`, {
      round: next.round,
      finished: next.services.filter((s) => s.phase === 'DONE').length - doneBefore.size,
      open: next.services.filter((s) => s.phase !== 'DONE').length,
      nextDelaySeconds: next.nextDelaySeconds,
    });
    // Published at once (not at the end of the invocation) so concurrent in-process runs never mix metrics.
    rt.metrics.addDimension('Action', batch.run.action);
    rt.metrics.addMetric('AppRunnerRequests', 'Count', next.requests - batch.requests);
    rt.metrics.publishStoredMetrics();
    return next;
  }, source);
}

/** Lambda entry points (serverless.yml: functions/operations/handler.start, …handler.check). */
export const start = createHandler('start');
export const check = createHandler('check');
