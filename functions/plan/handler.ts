import { guarded } from '../../lib/app-runner/guarded';
import { lambdaAppRunner } from '../../lib/app-runner/lambda';
import { makeHandler } from '../../lib/runtime/handler';
import { lambdaRuntime, type RuntimeSource } from '../../lib/runtime/runtime';
import { type PlanEvent, type PlanResult, plan } from './core';

/** Plan: validate the execution input, resolve the targets, decide per service. */
export function createHandler(source: RuntimeSource = lambdaRuntime({ appRunner: lambdaAppRunner })) {
  return makeHandler<PlanEvent, PlanResult>(async (event, rt) => {
    const log = rt.logger.createChild({ persistentKeys: { executionId: event?.executionId, step: 'plan' } });
    const appRunner = guarded(rt.appRunner, rt.clock, {
      requestsPerSecond: rt.config.APPRUNNER_MAX_REQUESTS_PER_SECOND,
    });
    const result = await plan(event ?? { input: undefined }, {
      appRunner,
      clock: rt.clock,
      config: rt.config,
      log,
    });
    rt.metrics.addDimension('Action', result.run.action);
    rt.metrics.addMetric('AppRunnerRequests', 'Count', result.requests);
    rt.metrics.publishStoredMetrics();
    return result;
  }, source);
}

export const handler = createHandler();
