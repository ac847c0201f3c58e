import type { Config } from '../runtime/config';
import { tracer } from '../runtime/powertools';
import type { AppRunnerPort } from './port';
import { SdkAppRunner } from './sdk';

/** The App Runner adapter as the functions build it in Lambda: SDK client per region, traced. */
export function lambdaAppRunner(config: Config): AppRunnerPort {
  return new SdkAppRunner({
    maxAttempts: config.APPRUNNER_SDK_MAX_ATTEMPTS,
    requestTimeoutMs: config.APPRUNNER_REQUEST_TIMEOUT_MS,
    instrument: (client) => tracer.captureAWSv3Client(client),
  });
}
