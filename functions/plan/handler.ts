import { guarded } from '../../lib/app-runner/guarded';
import { lambdaAppRunner, lambdaClientOptions } from '../../lib/app-runner/lambda';
import { lambdaTagIndex } from '../../lib/app-runner/lambda-tag-index';
import { boundEachCall, clientConfig } from '../../lib/app-runner/sdk-clients';
import { type FreezeReader, freezeFromParameter } from '../../lib/freeze/freeze';
import type { Config } from '../../lib/runtime/config';
import { makeHandler } from '../../lib/runtime/handler';
import { tracer } from '../../lib/runtime/powertools';
import { lambdaRuntime, type RuntimeSource } from '../../lib/runtime/runtime';
import { type PlanEvent, type PlanResult, plan } from './core';

/**
 * The freeze as Lambda reads it: the stage's SSM parameter, when one is configured. Only scheduled runs read
 * it, so the SSM client loads on the first read, not at cold start (~60 ms that on-call runs do not wait for).
 * Not through lib/freeze/ssm-store.ts: its static import of the SSM client would be hoisted to the top of
 * the bundle (esbuild, ESM) even when it is imported dynamically; test/acceptance checks the bundle.
 */
function lambdaFreeze(config: Config): FreezeReader | undefined {
  const name = config.FREEZE_PARAMETER_NAME;
  if (!name) return undefined;
  let reader: Promise<() => Promise<string | undefined>> | undefined;
  const load = async () => {
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    // Bounded like App Runner's and the tag index's clients: a slow SSM must not hold Plan to its time-out.
    const options = lambdaClientOptions(config);
    const client = boundEachCall(
      tracer.captureAWSv3Client(new SSMClient(clientConfig(config.AWS_REGION, options))),
      options,
    );
    return async () => (await client.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  };
  return {
    get: async () => {
      // A load that failed is tried again by the next read, not cached for the container's life.
      reader ??= load().catch((error: unknown) => {
        reader = undefined;
        throw error;
      });
      return freezeFromParameter(await reader, name);
    },
  };
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
