import type { Config } from '../runtime/config';
import { tracer } from '../runtime/powertools';
import { lambdaClientOptions } from './lambda';
import type { TagIndex } from './tag-index';
import { SdkTagIndex } from './tag-index-sdk';

/**
 * The tag index as Lambda builds it: the Resource Groups Tagging API (its own request budget, not App
 * Runner's), with the same client options as App Runner's, traced. Apart from ./lambda.ts so that only Plan
 * loads the tagging client: the SDK is not bundled, and the Operations functions would import it at every
 * cold start for nothing.
 */
export function lambdaTagIndex(config: Config): TagIndex {
  return new SdkTagIndex({
    ...lambdaClientOptions(config),
    instrument: (client) => tracer.captureAWSv3Client(client),
  });
}
