import { SSMClient } from '@aws-sdk/client-ssm';
import { guarded } from '../../lib/app-runner/guarded';
import { lambdaAppRunner, lambdaClientOptions } from '../../lib/app-runner/lambda';
import { lambdaTagIndex } from '../../lib/app-runner/lambda-tag-index';
import { boundEachCall, clientConfig } from '../../lib/app-runner/sdk-clients';
import type { FreezeStore } from '../../lib/freeze/freeze';
import { SsmFreezeStore } from '../../lib/freeze/ssm-store';
import type { Config } from '../../lib/runtime/config';
import { makeHandler } from '../../lib/runtime/handler';
import { tracer } from '../../lib/runtime/powertools';
import { lambdaRuntime, type RuntimeSource } from '../../lib/runtime/runtime';
import { type PlanEvent, type PlanResult, plan } from './core';

/** The freeze store as Lambda builds it: the stage's SSM parameter, when one is configured. */
function lambdaFreeze(config: Config): FreezeStore | undefined {
  if (!config.FREEZE_PARAMETER_NAME) return undefined;
  // Bounded like App Runner's and the tag index's clients: a slow SSM must not hold Plan to its time-out.
  const options = lambdaClientOptions(config);
  const client = tracer.captureAWSv3Client(new SSMClient(clientConfig(config.AWS_REGION, options)));
  return new SsmFreezeStore(boundEachCall(client, options), config.FREEZE_PARAMETER_NAME);
}

/** Plan: validate the execution input, resolve the targets, decide per service. */
export function createHandler(
  source: RuntimeSource = lambdaRuntime({
    appRunner: lambdaAppRunner,
    tagIndex: lambdaTagIndex,
    freeze: lambdaFreeze,
  }),
) {
  return makeHandler<PlanEvent, PlanResult>(async (event, rt) => {
    const log = rt.logger.createChild({ persistentKeys: { executionId: event?.executionId, step: 'plan' } });
    const appRunner = guarded(rt.appRunner, rt.clock, {
      requestsPerSecond: rt.config.APPRUNNER_MAX_REQUESTS_PER_SECOND,
    });
    const result = await plan(event ?? { input: undefined }, {
      appRunner,
      ...(rt.tagIndex ? { tagIndex: rt.tagIndex } : {}),
      clock: rt.clock,
      config: rt.config,
      log,
      ...(rt.freeze ? { freeze: rt.freeze } : {}),
    });
    if (result.run.skippedRun) rt.metrics.addMetric('RunsSkipped', 'Count', 1);
    rt.metrics.addDimension('Action', result.run.action);
    rt.metrics.addMetric('AppRunnerRequests', 'Count', result.requests);
    rt.metrics.publishStoredMetrics();
    return result;
  }, source);
}

export const handler = createHandler();
