import type { Config } from '../runtime/config';
import { tracer } from '../runtime/powertools';
import type { AppRunnerPort } from './port';
import { SdkAppRunner } from './sdk';
import type { SdkClientOptions } from './sdk-clients';

/**
 * How the functions' SDK clients are built in Lambda (App Runner's, the tag index's, Plan's SSM): the SDK's
 * retries and App Runner's per-call time-out.
 */
export function lambdaClientOptions(config: Config): SdkClientOptions {
  return {
    maxAttempts: config.APPRUNNER_SDK_MAX_ATTEMPTS,
    requestTimeoutMs: config.APPRUNNER_REQUEST_TIMEOUT_MS,
  };
}

/** The App Runner adapter as the functions build it in Lambda: SDK client per region, traced. */
export function lambdaAppRunner(config: Config): AppRunnerPort {
  return new SdkAppRunner({
    ...lambdaClientOptions(config),
    instrument: (client) => tracer.captureAWSv3Client(client),
  });
}
