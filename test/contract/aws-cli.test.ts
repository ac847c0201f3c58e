import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, type CliResult, type Harness, startHarness, T0 } from './helpers';

// Conformance through the AWS CLI v1 (botocore), which reads the error name only from the body's `__type`
// and cannot page App Runner lists by itself. Each call costs ~0.5–1 s, so the suite stays small
// (~20 calls) and independent calls run in parallel.

let h: Harness;

function aws(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return awsCli('apprunner', args, h.emulator.endpoint, env);
}

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.emulator.stop();
});

describe('the AWS CLI v1 against the emulator', () => {
  it('lists services one page at a time, paged by hand with --next-token', async () => {
    // Act
    const first = await aws(['list-services', '--max-results', '4']);
    const second = await aws([
      'list-services',
      '--max-results',
      '4',
      '--next-token',
      String(first.json.NextToken),
    ]);

    // Assess
    const names = (r: CliResult) =>
      (r.json.ServiceSummaryList as Array<{ ServiceName: string }>).map((s) => s.ServiceName);
    expect(first.code).toBe(0);
    expect(names(first)).toEqual(['api-staging', 'web-staging', 'worker', 'deploying']);
    expect(second.json.NextToken).toBeUndefined();
    expect(names(second)).toEqual(['broken-create', 'broken-delete']);
  });

  it('describes a service, with epoch-second timestamps', async () => {
    // Act
    const { code, json } = await aws(['describe-service', '--service-arn', h.arn('worker')]);

    // Assess
    expect(code).toBe(0);
    expect(json.Service).toMatchObject({
      ServiceName: 'worker',
      Status: 'PAUSED',
      ServiceArn: h.arn('worker'),
      ServiceUrl: h.emulator.service('worker')?.url,
      InstanceConfiguration: { Cpu: '1024', Memory: '2048' },
      HealthCheckConfiguration: { Protocol: 'TCP', Path: '/' },
      NetworkConfiguration: { IngressConfiguration: { IsPubliclyAccessible: true } },
    });
    expect((json.Service as { UpdatedAt: number }).UpdatedAt).toBeLessThanOrEqual(T0 / 1000);
  });

  it('resumes and pauses services, and lists the operations with their status as the clock advances', async () => {
    // Prepare
    const arn = h.arn('api-staging');

    // Act
    const resumed = await aws(['resume-service', '--service-arn', arn]);
    const running = await aws(['list-operations', '--service-arn', arn]);
    await h.clock.advance(45_000);
    const [done, paused] = await Promise.all([
      aws(['list-operations', '--service-arn', arn, '--max-results', '1']),
      aws(['pause-service', '--service-arn', h.arn('web-staging')]),
    ]);

    // Assess
    expect(resumed.code).toBe(0);
    expect(resumed.json).toMatchObject({
      Service: { Status: 'OPERATION_IN_PROGRESS' },
      OperationId: expect.any(String),
    });
    expect(running.json.OperationSummaryList).toEqual([
      expect.objectContaining({
        Id: resumed.json.OperationId,
        Type: 'RESUME_SERVICE',
        Status: 'PENDING',
        StartedAt: T0 / 1000,
      }),
    ]);
    expect(done.json.OperationSummaryList).toEqual([
      expect.objectContaining({ Id: resumed.json.OperationId, Status: 'SUCCEEDED', EndedAt: T0 / 1000 + 45 }),
    ]);
    expect(paused.json).toMatchObject({
      Service: { Status: 'OPERATION_IN_PROGRESS' },
      OperationId: expect.any(String),
    });
    expect(h.emulator.service('api-staging')?.status).toBe('RUNNING');
  });

  it('lists, adds and removes tags', async () => {
    // Prepare
    const arn = h.arn('worker');

    // Act
    const tagged = await aws([
      'tag-resource',
      '--resource-arn',
      arn,
      '--tags',
      'Key=owner,Value=oncall',
      'Key=env,Value=test',
    ]);
    const untagged = await aws(['untag-resource', '--resource-arn', arn, '--tag-keys', 'env']);
    const listed = await aws(['list-tags-for-resource', '--resource-arn', arn]);

    // Assess
    expect([tagged.code, untagged.code, listed.code]).toEqual([0, 0, 0]);
    expect(listed.json.Tags).toEqual([{ Key: 'owner', Value: 'oncall' }]);
  });

  it('reports App Runner errors by name with a non-zero exit code', async () => {
    // Prepare
    const ghost = 'arn:aws:apprunner:us-east-1:123456789012:service/ghost/0123456789abcdef0123456789abcdef';

    // Act
    const [invalidState, notFound, invalidRequest, badTag] = await Promise.all([
      aws(['resume-service', '--service-arn', h.arn('deploying')]),
      aws(['describe-service', '--service-arn', ghost]),
      aws(['describe-service', '--service-arn', 'nope']),
      aws(['tag-resource', '--resource-arn', h.arn('worker'), '--tags', 'Key=aws:x,Value=y']),
    ]);

    // Assess
    for (const result of [invalidState, notFound, invalidRequest, badTag])
      expect([254, 255]).toContain(result.code);
    expect(invalidState.stderr).toContain(
      'An error occurred (InvalidStateException) when calling the ResumeService operation',
    );
    expect(notFound.stderr).toContain(
      '(ResourceNotFoundException) when calling the DescribeService operation',
    );
    expect(invalidRequest.stderr).toContain(
      "(InvalidRequestException) when calling the DescribeService operation: 1 validation error detected: Value 'nope' at 'serviceArn'",
    );
    expect(badTag.stderr).toContain("at 'tags.1.member.key'");
  });

  it('sees injected throttling and server errors by name', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'throttle', next: 1, operations: ['ListServices'] });
    h.emulator.injectFault({ type: 'server-error', next: 1, operations: ['DescribeService'] });
    const once = { AWS_MAX_ATTEMPTS: '1' };

    // Act
    const [throttled, failed] = await Promise.all([
      aws(['list-services'], once),
      aws(['describe-service', '--service-arn', h.arn('worker')], once),
    ]);

    // Assess
    expect(throttled.stderr).toContain(
      'An error occurred (ThrottlingException) when calling the ListServices operation',
    );
    expect(failed.stderr).toContain(
      '(InternalServiceErrorException) when calling the DescribeService operation',
    );
    expect([254, 255]).toContain(failed.code);
  });

  it('describes an auto scaling configuration by a partial ARN, and reports an unknown one by name', async () => {
    // Prepare
    const arn = 'arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration';

    // Act
    const [found, missing] = await Promise.all([
      aws([
        'describe-auto-scaling-configuration',
        '--auto-scaling-configuration-arn',
        `${arn}/DefaultConfiguration`,
      ]),
      aws([
        'describe-auto-scaling-configuration',
        '--auto-scaling-configuration-arn',
        `${arn}/nothing-here/1`,
      ]),
    ]);

    // Assess
    expect(found.code).toBe(0);
    expect(found.json.AutoScalingConfiguration).toMatchObject({
      AutoScalingConfigurationName: 'DefaultConfiguration',
      AutoScalingConfigurationRevision: 1,
      MinSize: 1,
      MaxSize: 25,
      MaxConcurrency: 100,
      IsDefault: true,
      Latest: true,
    });
    expect(
      (found.json.AutoScalingConfiguration as { AutoScalingConfigurationArn: string })
        .AutoScalingConfigurationArn,
    ).toMatch(
      /^arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration\/DefaultConfiguration\/1\/[0-9a-f]{32}$/,
    );
    expect([254, 255]).toContain(missing.code);
    expect(missing.stderr).toContain(
      '(ResourceNotFoundException) when calling the DescribeAutoScalingConfiguration operation',
    );
  });
});
