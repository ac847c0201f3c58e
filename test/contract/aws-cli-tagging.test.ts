import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, type CliResult, type Harness, startHarness } from './helpers';

// The emulator's Resource Groups Tagging API through the AWS CLI v1 (botocore), which reads error names only
// from the body's `__type` and, unlike for App Runner, pages GetResources by itself until the token is "".

let h: Harness;

// One attempt: an injected throttle is seen, not retried away.
function aws(args: string[]): Promise<CliResult> {
  return awsCli('resourcegroupstaggingapi', args, h.emulator.endpoint, { AWS_MAX_ATTEMPTS: '1' });
}

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.emulator.stop();
});

describe('aws resourcegroupstaggingapi get-resources against the emulator', () => {
  it('finds the App Runner services carrying a tag, following every page by itself', async () => {
    // Act
    const out = await aws([
      'get-resources',
      '--resource-type-filters',
      'apprunner:service',
      '--tag-filters',
      'Key=env,Values=staging',
      '--page-size',
      '1',
    ]);

    // Assess
    expect(out.code).toBe(0);
    const mappings = out.json.ResourceTagMappingList as Array<{ ResourceARN: string; Tags: unknown[] }>;
    expect(mappings.map((m) => m.ResourceARN).sort()).toEqual(
      [h.arn('api-staging'), h.arn('web-staging'), h.arn('worker')].sort(),
    );
    expect(mappings.find((m) => m.ResourceARN === h.arn('api-staging'))?.Tags).toEqual([
      { Key: 'env', Value: 'staging' },
      { Key: 'team', Value: 'platform' },
    ]);
    // Three pages of one; the CLI stopped at the empty token.
    const pages = h.emulator.taggingCalls.filter((c) => c.httpStatus === 200);
    expect(pages).toHaveLength(3);
  });

  it('reports a bad request and an injected throttle by name, with a non-zero exit code', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'throttle', operations: ['GetResources'], next: 1 });

    // Act
    // One after the other: the throttle hits the first call only.
    const throttled = await aws(['get-resources', '--tag-filters', 'Key=env']);
    const bad = await aws(['get-resources', '--resources-per-page', '101', '--no-paginate']);

    // Assess
    expect(throttled.code).not.toBe(0);
    expect(throttled.stderr).toContain('(ThrottledException) when calling the GetResources operation');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('(InvalidParameterException) when calling the GetResources operation');
    expect(bad.stderr).toContain("at 'resourcesPerPage'");
  });
});
