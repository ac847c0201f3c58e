import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Emulator, startEmulator } from '../../emulator/index';
import { InMemoryAppRunner } from '../../lib/app-runner/memory';
import { SdkAppRunner } from '../../lib/app-runner/sdk';
import { type TagIndex, TagIndexError } from '../../lib/app-runner/tag-index';
import { InMemoryTagIndex } from '../../lib/app-runner/tag-index-memory';
import { SdkTagIndex } from '../../lib/app-runner/tag-index-sdk';
import { ManualClock } from '../../lib/runtime/clock';
import { caught, T0 } from './helpers';

// The tag index port's contract, held by both adapters: the SDK adapter on the emulator (the Resource
// Groups Tagging API's GetResources over the real @aws-sdk/client-resource-groups-tagging-api) and the
// in-memory one. Then what only the SDK adapter does: paging, retries, the endpoint variable, errors.

interface ServiceToAdd {
  name: string;
  region?: string;
  status?: 'RUNNING' | 'PAUSED' | 'DELETED';
  tags?: Record<string, string>;
}

interface IndexWorld {
  index: TagIndex;
  add(...services: ServiceToAdd[]): void;
  arn(name: string, region?: string): string;
  tag(name: string, tags: Record<string, string>): Promise<void>;
  untag(name: string, keys: string[]): Promise<void>;
  /** Every later lookup is throttled, whatever the adapter retries. */
  throttleEveryLookup(): void;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

async function emulatorWorld(): Promise<IndexWorld & { emulator: Emulator }> {
  const clock = new ManualClock(T0);
  const emulator = await startEmulator({ clock });
  const index = new SdkTagIndex({ endpoint: emulator.endpoint, credentials: CREDENTIALS, maxAttempts: 2 });
  const appRunner = new SdkAppRunner({
    endpoint: emulator.endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  const arn = (name: string, region?: string) => emulator.service(name, region)?.arn ?? '';
  return {
    emulator,
    index,
    add: (...services) => {
      emulator.addServices(...services);
    },
    arn,
    tag: (name, tags) => appRunner.tagResource(arn(name), tags),
    untag: (name, keys) => appRunner.untagResource(arn(name), keys),
    throttleEveryLookup: () => emulator.injectFault({ type: 'throttle', operations: ['GetResources'] }),
    stop: async () => {
      index.destroy();
      appRunner.destroy();
      await emulator.stop();
    },
  };
}

async function memoryWorld(): Promise<IndexWorld> {
  const appRunner = new InMemoryAppRunner(new ManualClock(T0));
  const index = InMemoryTagIndex.over(appRunner);
  const arns = new Map<string, string>();
  const key = (name: string, region = 'us-east-1') => `${region}/${name}`;
  const arn = (name: string, region?: string) => arns.get(key(name, region)) ?? '';
  return {
    index,
    add: (...services) => {
      for (const s of services) arns.set(key(s.name, s.region), appRunner.addService(s).arn);
    },
    arn,
    tag: (name, tags) => appRunner.tagResource(arn(name), tags),
    untag: (name, keys) => appRunner.untagResource(arn(name), keys),
    throttleEveryLookup: () =>
      index.failWith(() => new TagIndexError('Throttled', 'ThrottledException', 'Rate exceeded')),
    stop: async () => undefined,
  };
}

const adapters: Array<[string, () => Promise<IndexWorld>]> = [
  ['the SDK adapter on the emulator', emulatorWorld],
  ['the in-memory adapter', memoryWorld],
];

const sorted = (items: Array<{ arn: string }>) => items.map((i) => i.arn).sort();

describe.each(adapters)('the tag index contract: %s', (_name, start) => {
  let w: IndexWorld;
  beforeEach(async () => {
    w = await start();
  });
  afterEach(async () => {
    await w.stop();
  });

  it('finds every service carrying all the tags, with all of its tags, however many pages it takes', async () => {
    // Prepare: 230 matching services (three pages of 100) among others
    const many = Array.from({ length: 230 }, (_, i) => ({
      name: `web-${String(i).padStart(3, '0')}`,
      tags: { env: 'staging', team: 'platform', idx: String(i) },
    }));
    w.add(...many, { name: 'api-prod', tags: { env: 'production', team: 'platform' } });

    // Act
    const found = await w.index.servicesWithTags('us-east-1', { env: 'staging', team: 'platform' });

    // Assess
    expect(found).toHaveLength(230);
    expect(sorted(found)).toEqual(many.map((s) => w.arn(s.name)).sort());
    expect(found.find((f) => f.arn === w.arn('web-007'))?.tags).toEqual({
      env: 'staging',
      team: 'platform',
      idx: '7',
    });
  });

  it('leaves out a service missing one of the tags, one with another value, and one in another region', async () => {
    // Prepare
    w.add(
      { name: 'both-tags', tags: { env: 'staging', team: 'platform' } },
      { name: 'env-only', tags: { env: 'staging' } },
      { name: 'other-team', tags: { env: 'staging', team: 'data' } },
      { name: 'upper-case', tags: { env: 'Staging', team: 'platform' } },
      { name: 'untagged' },
      { name: 'eu-twin', region: 'eu-west-1', tags: { env: 'staging', team: 'platform' } },
    );

    // Act
    const us = await w.index.servicesWithTags('us-east-1', { env: 'staging', team: 'platform' });
    const eu = await w.index.servicesWithTags('eu-west-1', { env: 'staging', team: 'platform' });

    // Assess
    expect(sorted(us)).toEqual([w.arn('both-tags')]);
    expect(sorted(eu)).toEqual([w.arn('eu-twin', 'eu-west-1')]);
  });

  it('matches values with spaces and punctuation exactly, and an empty value only when it is empty', async () => {
    // Prepare
    w.add(
      { name: 'spaced', tags: { owner: 'team a/b: x=y+z @home' } },
      { name: 'empty-value', tags: { owner: '' } },
    );

    // Act
    const spaced = await w.index.servicesWithTags('us-east-1', { owner: 'team a/b: x=y+z @home' });
    const empty = await w.index.servicesWithTags('us-east-1', { owner: '' });

    // Assess
    expect(sorted(spaced)).toEqual([w.arn('spaced')]);
    expect(sorted(empty)).toEqual([w.arn('empty-value')]);
  });

  it('finds nothing, and is not an error, when no service carries the tags or no tag is asked for', async () => {
    // Prepare
    w.add({ name: 'api-staging', tags: { env: 'staging' } });

    // Act
    const none = await w.index.servicesWithTags('us-east-1', { env: 'stagng' });
    const noTags = await w.index.servicesWithTags('us-east-1', {});

    // Assess
    expect(none).toEqual([]);
    expect(noTags).toEqual([]);
  });

  it('sees tags added and removed since the last lookup, and never a deleted service', async () => {
    // Prepare
    w.add(
      { name: 'joins-later', tags: { team: 'data' } },
      { name: 'leaves-later', tags: { env: 'staging' } },
      { name: 'deleted-one', status: 'DELETED', tags: { env: 'staging' } },
    );

    // Act
    await w.tag('joins-later', { env: 'staging' });
    await w.untag('leaves-later', ['env']);
    const found = await w.index.servicesWithTags('us-east-1', { env: 'staging' });

    // Assess
    expect(found).toEqual([{ arn: w.arn('joins-later'), tags: { team: 'data', env: 'staging' } }]);
  });

  it('fails with a transient, throttled TagIndexError when the index keeps throttling', async () => {
    // Prepare
    w.add({ name: 'api-staging', tags: { env: 'staging' } });
    w.throttleEveryLookup();

    // Act
    const error = await caught(() => w.index.servicesWithTags('us-east-1', { env: 'staging' }));

    // Assess
    expect(error).toBeInstanceOf(TagIndexError);
    expect(error).toMatchObject({ kind: 'Throttled', transient: true, awsErrorName: 'ThrottledException' });
  });
});

describe('the SDK adapter (SdkTagIndex) on the emulator', () => {
  let w: Awaited<ReturnType<typeof emulatorWorld>>;
  beforeEach(async () => {
    w = await emulatorWorld();
  });
  afterEach(async () => {
    await w.stop();
  });

  it('asks for App Runner services with one filter per tag, 100 a page, and follows tokens to the empty one', async () => {
    // Prepare
    w.add(...Array.from({ length: 230 }, (_, i) => ({ name: `svc-${i + 1000}`, tags: { env: 'staging' } })));

    // Act
    await w.index.servicesWithTags('us-east-1', { env: 'staging', 'cost center': 'r&d 42' });
    await w.index.servicesWithTags('us-east-1', { env: 'staging' });

    // Assess
    const calls = w.emulator.taggingCalls;
    expect(calls[0]?.input).toEqual({
      ResourceTypeFilters: ['apprunner:service'],
      TagFilters: [
        { Key: 'env', Values: ['staging'] },
        { Key: 'cost center', Values: ['r&d 42'] },
      ],
      ResourcesPerPage: 100,
    });
    // The first lookup matched nothing (one page); the second took three, the last token "".
    expect(calls.map((c) => c.httpStatus)).toEqual([200, 200, 200, 200]);
    expect(calls.slice(2).map((c) => (c.input as { PaginationToken?: string }).PaginationToken)).toEqual([
      expect.any(String),
      expect.any(String),
    ]);
    expect(w.emulator.calls).toEqual([]);
  });

  it('follows short and empty pages that still carry a token, and sees each service once', async () => {
    // Prepare
    w.emulator.setOptions({ tagIndex: { pageSize: 3, emptyPagesEvery: 2 } });
    w.add(...Array.from({ length: 10 }, (_, i) => ({ name: `svc-${i + 1000}`, tags: { env: 'staging' } })));

    // Act
    const found = await w.index.servicesWithTags('us-east-1', { env: 'staging' });

    // Assess
    expect(found).toHaveLength(10);
    expect(new Set(found.map((f) => f.arn)).size).toBe(10);
    expect(w.emulator.taggingCalls.length).toBeGreaterThan(4);
  });

  it('makes no call for an empty tag set', async () => {
    // Act
    await w.index.servicesWithTags('us-east-1', {});

    // Assess
    expect(w.emulator.taggingCalls).toEqual([]);
  });

  it('retries a single throttled call (the SDK) and then answers', async () => {
    // Prepare
    w.add({ name: 'api-staging', tags: { env: 'staging' } });
    w.emulator.injectFault({ type: 'throttle', operations: ['GetResources'], next: 1 });

    // Act
    const found = await w.index.servicesWithTags('us-east-1', { env: 'staging' });

    // Assess
    expect(found).toHaveLength(1);
    expect(w.emulator.taggingCalls.map((c) => c.errorType ?? c.httpStatus)).toEqual([
      'ThrottledException',
      200,
    ]);
  });

  it('classifies a lasting server error as a transient Unavailable error', async () => {
    // Prepare
    w.emulator.injectFault({ type: 'server-error', operations: ['GetResources'] });

    // Act
    const error = await caught(() => w.index.servicesWithTags('us-east-1', { env: 'staging' }));

    // Assess
    expect(error).toMatchObject({
      kind: 'Unavailable',
      transient: true,
      awsErrorName: 'InternalServiceException',
    });
  });

  it('is redirected by AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API when no endpoint is given', async () => {
    // Prepare
    w.add({ name: 'api-staging', tags: { env: 'staging' } });
    vi.stubEnv('AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API', w.emulator.endpoint);
    const index = new SdkTagIndex({ credentials: CREDENTIALS, maxAttempts: 1 });

    // Act
    const found = await index.servicesWithTags('us-east-1', { env: 'staging' }).finally(() => {
      index.destroy();
      vi.unstubAllEnvs();
    });

    // Assess
    expect(found.map((f) => f.arn)).toEqual([w.arn('api-staging')]);
    expect(w.emulator.taggingCalls).toHaveLength(1);
  });

  it('rejects a page size outside 1..100 when it is built', () => {
    expect(() => new SdkTagIndex({ pageSize: 0 })).toThrow(/pageSize must be a whole number from 1 to 100/);
    expect(() => new SdkTagIndex({ pageSize: 101 })).toThrow(RangeError);
  });
});

describe('the SDK adapter (SdkTagIndex) on a mocked client', () => {
  // Created per test and restored after it: the mock replaces `send` on every client of the class.
  let mock: ReturnType<typeof mockClient>;
  beforeEach(() => {
    mock = mockClient(ResourceGroupsTaggingAPIClient);
  });
  afterEach(() => {
    mock.restore();
  });
  const arn = (name: string, region = 'us-east-1') =>
    `arn:aws:apprunner:${region}:123456789012:service/${name}/${'a'.repeat(32)}`;

  it('treats access denied as a refusal, not worth retrying', async () => {
    // Prepare
    mock.on(GetResourcesCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: tag:GetResources'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const error = await caught(() =>
      new SdkTagIndex({ maxAttempts: 1 }).servicesWithTags('us-east-1', { env: 'x' }),
    );

    // Assess
    expect(error).toMatchObject({
      kind: 'AccessDenied',
      transient: false,
      awsErrorName: 'AccessDeniedException',
    });
    expect(error.message).toContain('tag:GetResources');
  });

  it('keeps only App Runner services of the region that carry the tags, once each, and ends on an empty token', async () => {
    // Prepare: what a confused index might send back
    mock
      .on(GetResourcesCommand, { PaginationToken: undefined })
      .resolves({
        ResourceTagMappingList: [
          { ResourceARN: arn('api-staging'), Tags: [{ Key: 'env', Value: 'staging' }] },
          { ResourceARN: arn('eu-api', 'eu-west-1'), Tags: [{ Key: 'env', Value: 'staging' }] },
          {
            ResourceARN: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1',
            Tags: [{ Key: 'env', Value: 'staging' }],
          },
          { ResourceARN: arn('stale-tags'), Tags: [{ Key: 'env', Value: 'production' }] },
        ],
        PaginationToken: 'page-2',
      })
      .on(GetResourcesCommand, { PaginationToken: 'page-2' })
      .resolves({
        ResourceTagMappingList: [
          { ResourceARN: arn('api-staging'), Tags: [{ Key: 'env', Value: 'staging' }] },
        ],
        PaginationToken: '',
      });

    // Act
    const found = await new SdkTagIndex({ maxAttempts: 1 }).servicesWithTags('us-east-1', { env: 'staging' });

    // Assess
    expect(found).toEqual([{ arn: arn('api-staging'), tags: { env: 'staging' } }]);
    expect(mock.commandCalls(GetResourcesCommand)).toHaveLength(2);
  });
});
