import { ListServicesCommand, TagResourceCommand } from '@aws-sdk/client-apprunner';
import {
  GetResourcesCommand,
  type GetResourcesCommandInput,
  InvalidParameterException,
  PaginationTokenExpiredException,
  paginateGetResources,
  ResourceGroupsTaggingAPIClient,
  ThrottledException,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caught, type Harness, startHarness } from './helpers';

// Conformance of the emulator's Resource Groups Tagging API (GetResources, awsJson1_1) through the real
// @aws-sdk/client-resource-groups-tagging-api, and through raw HTTP where the SDK would not send the request.

let h: Harness;
let tagging: ResourceGroupsTaggingAPIClient;

const clientFor = (region = 'us-east-1') =>
  new ResourceGroupsTaggingAPIClient({
    endpoint: h.emulator.endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

const get = (input: GetResourcesCommandInput, client = tagging) =>
  client.send(new GetResourcesCommand(input));
const arnsOf = (out: { ResourceTagMappingList?: Array<{ ResourceARN?: string }> }) =>
  (out.ResourceTagMappingList ?? []).map((m) => m.ResourceARN ?? '').sort();

/** One raw awsJson1_1 request (a body the SDK would never send), answered as status and parsed body. */
async function raw(op: string, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(h.emulator.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `ResourceGroupsTaggingAPI_20170126.${op}`,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeEach(async () => {
  h = await startHarness();
  tagging = clientFor();
});

afterEach(async () => {
  tagging.destroy();
  await h.emulator.stop();
});

describe('GetResources', () => {
  it('returns the services carrying the tags, with all their tags, and ends with an empty token', async () => {
    // Act
    const out = await get({
      ResourceTypeFilters: ['apprunner:service'],
      TagFilters: [{ Key: 'env', Values: ['staging'] }],
    });

    // Assess
    expect(arnsOf(out)).toEqual([h.arn('api-staging'), h.arn('web-staging'), h.arn('worker')].sort());
    const api = out.ResourceTagMappingList?.find((m) => m.ResourceARN === h.arn('api-staging'));
    expect(api?.Tags).toEqual([
      { Key: 'env', Value: 'staging' },
      { Key: 'team', Value: 'platform' },
    ]);
    expect(out.PaginationToken).toBe('');
    expect(h.emulator.taggingCalls).toHaveLength(1);
    expect(h.emulator.calls).toEqual([]);
  });

  it('combines filters: every filter must hold, any of a filter’s values, a key alone matches any value', async () => {
    // Act
    const both = await get({ TagFilters: [{ Key: 'env', Values: ['staging'] }, { Key: 'team' }] });
    const either = await get({ TagFilters: [{ Key: 'team', Values: ['data', 'platform'] }] });
    const none = await get({ TagFilters: [{ Key: 'env', Values: ['STAGING'] }] });

    // Assess
    expect(arnsOf(both)).toEqual([h.arn('api-staging')]);
    expect(arnsOf(either)).toEqual([h.arn('api-staging')]);
    expect(arnsOf(none)).toEqual([]);
  });

  it('filters by resource type: apprunner and apprunner:service match services, other types nothing', async () => {
    // Act
    const service = await get({ ResourceTypeFilters: ['apprunner'] });
    const other = await get({ ResourceTypeFilters: ['ec2:instance', 'apprunner:autoscalingconfiguration'] });

    // Assess: without TagFilters, every service that has a tag (untagged ones are not in the index)
    expect(arnsOf(service)).toEqual([h.arn('api-staging'), h.arn('web-staging'), h.arn('worker')].sort());
    expect(arnsOf(other)).toEqual([]);
  });

  it('answers for the region of the request signature only', async () => {
    // Prepare
    const eu = clientFor('eu-west-1');

    // Act
    const out = await get({ TagFilters: [{ Key: 'env', Values: ['staging'] }] }, eu).finally(() =>
      eu.destroy(),
    );

    // Assess
    expect(arnsOf(out)).toEqual([h.arn('eu-api', 'eu-west-1')]);
    expect(h.emulator.taggingCalls[0]?.region).toBe('eu-west-1');
  });

  it('pages by ResourcesPerPage with opaque tokens, and the SDK paginator sees every service once', async () => {
    // Act
    const first = await get({ TagFilters: [{ Key: 'env' }], ResourcesPerPage: 2 });
    const second = await get({
      TagFilters: [{ Key: 'env' }],
      ResourcesPerPage: 2,
      PaginationToken: first.PaginationToken,
    });
    const paged: string[] = [];
    for await (const page of paginateGetResources(
      { client: tagging, pageSize: 1 },
      { TagFilters: [{ Key: 'env' }] },
    )) {
      paged.push(...arnsOf(page));
    }

    // Assess
    expect(first.ResourceTagMappingList).toHaveLength(2);
    expect(first.PaginationToken).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(second.ResourceTagMappingList).toHaveLength(1);
    expect(second.PaginationToken).toBe('');
    expect(paged.sort()).toEqual([h.arn('api-staging'), h.arn('web-staging'), h.arn('worker')].sort());
    expect(h.emulator.taggingCalls).toHaveLength(2 + 3);
  });

  it('never splits a resource from its tags under TagsPerPage, and counts an untagged one as one', async () => {
    // Prepare: 120 services of one tag each; TagsPerPage 100 allows 100 of them a page
    h.emulator.addServices(
      ...Array.from({ length: 120 }, (_, i) => ({ name: `many-${i + 100}`, tags: { batch: 'b' } })),
    );

    // Act
    const first = await get({ TagFilters: [{ Key: 'batch' }], TagsPerPage: 100 });

    // Assess
    expect(first.ResourceTagMappingList).toHaveLength(100);
    expect(first.PaginationToken).not.toBe('');
  });

  it('returns the given ARNs that the index holds, in order, and refuses ARNs with filters or paging', async () => {
    // Act
    const listed = await get({
      ResourceARNList: [h.arn('worker'), h.arn('broken-create'), h.arn('api-staging')],
    });
    const mixed = await caught(() =>
      get({ ResourceARNList: [h.arn('worker')], TagFilters: [{ Key: 'env' }], ResourcesPerPage: 5 }),
    );

    // Assess
    expect(listed.ResourceTagMappingList?.map((m) => m.ResourceARN)).toEqual([
      h.arn('worker'),
      h.arn('api-staging'),
    ]);
    expect(mixed).toBeInstanceOf(InvalidParameterException);
    expect(mixed.message).toBe(
      "You can't specify both ResourceARNList and TagFilters, ResourcesPerPage in the same request.",
    );
  });

  it('adds compliance details when asked, and finds no non-compliant resource (no tag policy applies)', async () => {
    // Act
    const details = await get({ TagFilters: [{ Key: 'team' }], IncludeComplianceDetails: true });
    const noncompliant = await get({ IncludeComplianceDetails: true, ExcludeCompliantResources: true });
    const alone = await caught(() => get({ ExcludeCompliantResources: true }));

    // Assess
    expect(details.ResourceTagMappingList?.[0]?.ComplianceDetails).toEqual({
      NoncompliantKeys: [],
      KeysWithNoncompliantValues: [],
      ComplianceStatus: true,
    });
    expect(noncompliant.ResourceTagMappingList).toEqual([]);
    expect(alone).toBeInstanceOf(InvalidParameterException);
  });
});

describe('GetResources input validation', () => {
  it('rejects ResourcesPerPage outside 1..100 and TagsPerPage outside 100..500, naming each', async () => {
    // Act
    const zero = await caught(() => get({ ResourcesPerPage: 0 }));
    const over = await caught(() => get({ ResourcesPerPage: 101, TagsPerPage: 50 }));

    // Assess
    expect(zero).toBeInstanceOf(InvalidParameterException);
    expect(zero.message).toBe(
      "1 validation error detected: Value '0' at 'resourcesPerPage' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(over.message).toContain("Value '101' at 'resourcesPerPage'");
    expect(over.message).toContain(
      "Value '50' at 'tagsPerPage' failed to satisfy constraint: Member must have value greater than or equal to 100",
    );
    expect(h.emulator.taggingCalls.map((c) => [c.httpStatus, c.errorType])).toEqual([
      [400, 'InvalidParameterException'],
      [400, 'InvalidParameterException'],
    ]);
  });

  it('rejects more than 50 TagFilters, more than 20 values, and a filter without a key', async () => {
    // Act
    const tooMany = await caught(() =>
      get({ TagFilters: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` })) }),
    );
    const values = await caught(() =>
      get({ TagFilters: [{ Key: 'env', Values: Array.from({ length: 21 }, (_, i) => `v${i}`) }] }),
    );
    const noKey = await caught(() => get({ TagFilters: [{ Values: ['x'] }] }));

    // Assess
    expect(tooMany).toBeInstanceOf(InvalidParameterException);
    expect(tooMany.message).toMatch(
      /at 'tagFilters' failed to satisfy constraint: Member must have length less than or equal to 50/,
    );
    expect(values.message).toMatch(
      /at 'tagFilters\.1\.member\.values' failed to satisfy constraint: Member must have length less than or equal to 20/,
    );
    expect(noKey.message).toBe(
      "1 validation error detected: Value null at 'tagFilters.1.member.key' failed to satisfy constraint: Member must not be null",
    );
  });

  it('rejects a resource type that is not service or service:type', async () => {
    // Act
    const error = await caught(() => get({ ResourceTypeFilters: ['App Runner'] }));

    // Assess
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toContain('"App Runner" is not a resource type');
  });

  it('rejects a token it did not issue, or issued for other filters, and one older than 15 minutes', async () => {
    // Prepare
    const first = await get({ TagFilters: [{ Key: 'env' }], ResourcesPerPage: 1 });

    // Act
    const foreign = await caught(() => get({ TagFilters: [{ Key: 'env' }], PaginationToken: 'not-ours' }));
    const otherFilters = await caught(() =>
      get({ TagFilters: [{ Key: 'team' }], PaginationToken: first.PaginationToken }),
    );
    await h.clock.advance(15 * 60_000 + 1);
    const expired = await caught(() =>
      get({ TagFilters: [{ Key: 'env' }], ResourcesPerPage: 1, PaginationToken: first.PaginationToken }),
    );

    // Assess
    expect(foreign).toBeInstanceOf(InvalidParameterException);
    expect(foreign.message).toContain('PaginationToken is not valid');
    expect(otherFilters).toBeInstanceOf(InvalidParameterException);
    expect(expired).toBeInstanceOf(PaginationTokenExpiredException);
  });

  it('ignores unknown members, and answers a wrong type with SerializationException naming the member', async () => {
    // Act
    const unknown = await raw(
      'GetResources',
      JSON.stringify({ TagFilters: [{ Key: 'team' }], Colour: 'blue' }),
    );
    const wrongType = await raw('GetResources', JSON.stringify({ ResourcesPerPage: '5' }));
    const notJson = await raw('GetResources', '{');

    // Assess
    expect(unknown.status).toBe(200);
    expect((unknown.body.ResourceTagMappingList as unknown[]).length).toBe(1);
    expect(wrongType).toEqual({
      status: 400,
      body: {
        __type: 'com.amazon.coral.service#SerializationException',
        Message: "Expected an integer for member 'resourcesPerPage', got string",
      },
    });
    expect(notJson.body.__type).toBe('com.amazon.coral.service#SerializationException');
  });

  it('puts the error name bare in the body with Message, and in x-amzn-ErrorType; unknown operations too', async () => {
    // Act
    const bad = await raw('GetResources', JSON.stringify({ ResourcesPerPage: 0 }));
    const unknownOp = await raw('GetTagKeys', '{}');

    // Assess
    expect(bad.body.__type).toBe('InvalidParameterException');
    expect(bad.body.Message).toContain('resourcesPerPage');
    expect(unknownOp.status).toBe(400);
    expect(unknownOp.body.__type).toBe('com.amazon.coral.service#UnknownOperationException');
    expect(unknownOp.body.Message).toContain('GetTagKeys');
  });
});

describe('the tag index as an eventually consistent index', () => {
  it('shows tag changes and deletions only tagIndex.lagSeconds later', async () => {
    // Prepare
    h.emulator.setOptions({ tagIndex: { lagSeconds: 30 } });
    const appRunner = h.client();
    await appRunner.send(
      new TagResourceCommand({
        ResourceArn: h.arn('broken-create'),
        Tags: [{ Key: 'env', Value: 'staging' }],
      }),
    );
    h.emulator.addServices({ name: 'brand-new', tags: { env: 'staging' } });
    const query = { TagFilters: [{ Key: 'env', Values: ['staging'] }] };

    // Act
    const atOnce = arnsOf(await get(query));
    await h.clock.advance(30_000);
    const later = arnsOf(await get(query));

    // Assess
    const fleet = [h.arn('api-staging'), h.arn('web-staging'), h.arn('worker')];
    expect(atOnce).toEqual([...fleet].sort());
    expect(later).toEqual([...fleet, h.arn('broken-create'), h.arn('brand-new')].sort());
  });
});

describe('faults and budget', () => {
  it('is hit only by request faults that name GetResources, as ThrottledException or InternalServiceException', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'throttle', next: 1 });
    h.emulator.injectFault({ type: 'server-error', operations: ['GetResources'], next: 1 });
    h.emulator.injectFault({ type: 'throttle', operations: ['GetResources'], next: 1 });

    // Act
    const serverError = await caught(() => get({}));
    const throttled = await caught(() => get({}));
    const fine = await get({});

    // Assess
    expect(serverError.name).toBe('InternalServiceException');
    expect((serverError as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(500);
    expect(throttled).toBeInstanceOf(ThrottledException);
    expect(fine.ResourceTagMappingList?.length).toBe(3);
    // The unnamed throttle is still waiting for App Runner's next call.
    expect(h.emulator.model.faults.active.map((f) => f.type)).toEqual(['throttle']);
  });

  it('takes nothing from App Runner’s request budget', async () => {
    // Prepare
    h.emulator.setOptions({ requestsPerSecond: 1 });

    // Act
    const lookups = await Promise.all(Array.from({ length: 5 }, () => get({ TagFilters: [{ Key: 'env' }] })));
    const appRunnerCall = await h.client().send(new ListServicesCommand({}));

    // Assess
    expect(lookups.every((l) => l.ResourceTagMappingList?.length === 3)).toBe(true);
    expect(appRunnerCall.ServiceSummaryList?.length).toBeGreaterThan(0);
    expect(h.emulator.taggingCalls).toHaveLength(5);
    expect(h.emulator.taggingCalls.every((c) => c.api === 'tagging' && c.httpStatus === 200)).toBe(true);
    expect(h.emulator.calls.map((c) => c.op)).toEqual(['ListServices']);
  });
});
