import { AppRunnerClient, ListServicesCommand } from '@aws-sdk/client-apprunner';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { RetryStrategyV2 } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../emulator/index';
import { AppRunnerCallError } from '../../lib/app-runner/port';
import { SdkAppRunner } from '../../lib/app-runner/sdk';
import {
  boundEachCall,
  clientConfig,
  immediateRetries,
  type SdkClientOptions,
} from '../../lib/app-runner/sdk-clients';
import { SdkTagIndex } from '../../lib/app-runner/tag-index-sdk';
import { ManualClock } from '../../lib/runtime/clock';
import { caught, T0 } from './helpers';

// What the two SDK adapters share (lib/app-runner/sdk-clients.ts), held by both: one options object builds
// either, and an error their APIs do not name is classified the same way by each.

/** One call through each adapter, built from the same options. */
const adapters = {
  'App Runner (SdkAppRunner)': (options: SdkClientOptions) => {
    const port = new SdkAppRunner(options);
    return { call: () => port.listServicesPage('us-east-1'), destroy: () => port.destroy() };
  },
  'tag index (SdkTagIndex)': (options: SdkClientOptions) => {
    const index = new SdkTagIndex(options);
    return {
      call: () => index.servicesWithTags('us-east-1', { env: 'staging' }),
      destroy: () => index.destroy(),
    };
  },
};

describe.each(Object.entries(adapters))('the %s adapter', (_, build) => {
  let emulator: Emulator | undefined;
  const mocks: Array<{ restore(): void }> = [];
  afterEach(async () => {
    for (const mock of mocks.splice(0)) mock.restore();
    await emulator?.stop();
    emulator = undefined;
  });

  it('classifies a refusal the API does not name (HTTP 403) as AccessDenied, not worth retrying', async () => {
    // Prepare: what the AWS front end answers to a bad signature, whichever API it fronts
    const refusal = Object.assign(new Error('The request signature we calculated does not match'), {
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    mocks.push(mockClient(AppRunnerClient).onAnyCommand().rejects(refusal));
    mocks.push(mockClient(ResourceGroupsTaggingAPIClient).onAnyCommand().rejects(refusal));
    const adapter = build({ maxAttempts: 1 });

    // Act
    const error = await caught(adapter.call);

    // Assess
    expect(error).toMatchObject({
      kind: 'AccessDenied',
      transient: false,
      awsErrorName: 'InvalidSignatureException',
    });
  });

  it('retries with the retry strategy it is given', async () => {
    // Prepare: one throttled answer, then a good one
    emulator = await startEmulator({ clock: new ManualClock(T0) });
    emulator.injectFault({ type: 'throttle', operations: ['ListServices', 'GetResources'], next: 1 });
    const inner = immediateRetries(3);
    let retries = 0;
    const retryStrategy: RetryStrategyV2 = {
      ...inner,
      refreshRetryTokenForRetry: (token, info) => {
        retries++;
        return inner.refreshRetryTokenForRetry(token, info);
      },
    };
    const adapter = build({
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      retryStrategy,
    });

    // Act
    await adapter.call().finally(adapter.destroy);

    // Assess
    expect(retries).toBe(1);
  });
});

describe('SdkTagIndex', () => {
  it('throws errors that are App Runner call errors of GetResources', async () => {
    // Prepare
    const mock = mockClient(ResourceGroupsTaggingAPIClient);
    mock.on(GetResourcesCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottledException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const error = await caught(() =>
      new SdkTagIndex({ maxAttempts: 1 }).servicesWithTags('us-east-1', { env: 'x' }),
    ).finally(() => mock.restore());

    // Assess
    expect(error).toBeInstanceOf(AppRunnerCallError);
    expect(error).toMatchObject({
      name: 'TagIndexError',
      kind: 'Throttled',
      operation: 'GetResources',
      message: 'GetResources: ThrottledException: Rate exceeded',
    });
  });
});

describe('boundEachCall', () => {
  it("bounds a client's own calls by the request time-out, as the adapters' calls are (Plan's SSM client)", async () => {
    // Prepare: an answer that takes longer than the time-out
    const emulator = await startEmulator({ clock: new ManualClock(T0) });
    emulator.injectFault({ type: 'slow', delayMs: 2000, operations: ['ListServices'] });
    const options = {
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestTimeoutMs: 200,
    };
    const client = boundEachCall(new AppRunnerClient(clientConfig('us-east-1', options)), options);
    const started = Date.now();

    // Act
    const error = await caught(() => client.send(new ListServicesCommand({}))).finally(async () => {
      client.destroy();
      await emulator.stop();
    });

    // Assess
    expect(error.name).toMatch(/Abort|Timeout/);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
