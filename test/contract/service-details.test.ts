import {
  DescribeAutoScalingConfigurationCommand,
  DescribeServiceCommand,
  InvalidRequestException,
  ListServicesCommand,
  PauseServiceCommand,
  ResourceNotFoundException,
  ResumeServiceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-apprunner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetSpec } from '../../emulator/index';
import { caught, type Harness, startHarness } from './helpers';

// Service details on the wire (instance, health check, auto scaling, ingress), DescribeAutoScalingConfiguration,
// and App Runner's 600-character cap on error messages, through the real SDK.

const fleet: FleetSpec = {
  autoScalingConfigurations: [
    { name: 'high-availability', revision: 1, minSize: 2, maxSize: 8 },
    { name: 'high-availability', revision: 2, minSize: 3, maxSize: 10, maxConcurrency: 50 },
    { name: 'unused-config', minSize: 1, maxSize: 2 },
  ],
  services: [
    {
      name: 'api-staging',
      status: 'PAUSED',
      instance: { cpu: '1 vCPU', memory: '2 GB' },
      healthCheck: { protocol: 'HTTP', path: '/health' },
      autoScaling: 'high-availability',
      public: false,
    },
    { name: 'search', status: 'RUNNING', instance: { cpu: 2048, memory: 4096 } },
    { name: 'eu-api', region: 'eu-west-1', status: 'PAUSED', autoScaling: 'high-availability' },
  ],
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness(fleet);
});

afterAll(async () => {
  await h.emulator.stop();
});

const ARN_PREFIX = 'arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration';

describe('service details', () => {
  it('DescribeService shows the fleet’s instance size, health check, auto scaling and ingress', async () => {
    // Act
    const { Service } = await h
      .client()
      .send(new DescribeServiceCommand({ ServiceArn: h.arn('api-staging') }));

    // Assess
    expect(Service).toMatchObject({
      InstanceConfiguration: { Cpu: '1 vCPU', Memory: '2 GB' },
      HealthCheckConfiguration: { Protocol: 'HTTP', Path: '/health' },
      AutoScalingConfigurationSummary: {
        AutoScalingConfigurationName: 'high-availability',
        AutoScalingConfigurationRevision: 2,
        IsDefault: false,
        Status: 'ACTIVE',
      },
      NetworkConfiguration: { IngressConfiguration: { IsPubliclyAccessible: false } },
    });
    expect(Service?.AutoScalingConfigurationSummary?.AutoScalingConfigurationArn).toMatch(
      new RegExp(`^${ARN_PREFIX}/high-availability/2/[0-9a-f]{32}$`),
    );
  });

  it('keeps App Runner’s defaults where the fleet says nothing, and writes numbers as App Runner’s strings', async () => {
    // Act
    const { Service } = await h.client().send(new DescribeServiceCommand({ ServiceArn: h.arn('search') }));

    // Assess
    expect(Service).toMatchObject({
      InstanceConfiguration: { Cpu: '2048', Memory: '4096' },
      HealthCheckConfiguration: { Protocol: 'TCP', Path: '/' },
      AutoScalingConfigurationSummary: {
        AutoScalingConfigurationName: 'DefaultConfiguration',
        IsDefault: true,
      },
      NetworkConfiguration: { IngressConfiguration: { IsPubliclyAccessible: true } },
    });
  });

  it('answers Resume and Pause with the same details, and ListServices summaries carry the ServiceUrl', async () => {
    // Act
    const resumed = await h.client().send(new ResumeServiceCommand({ ServiceArn: h.arn('api-staging') }));
    const paused = await h.client().send(new PauseServiceCommand({ ServiceArn: h.arn('search') }));
    const { ServiceSummaryList } = await h.client().send(new ListServicesCommand({}));

    // Assess
    expect(resumed.Service?.InstanceConfiguration?.Memory).toBe('2 GB');
    expect(resumed.Service?.NetworkConfiguration?.IngressConfiguration?.IsPubliclyAccessible).toBe(false);
    expect(paused.Service?.HealthCheckConfiguration?.Protocol).toBe('TCP');
    expect(ServiceSummaryList?.map((s) => s.ServiceUrl)).toEqual([
      h.emulator.service('api-staging')?.url,
      h.emulator.service('search')?.url,
    ]);
  });
});

describe('DescribeAutoScalingConfiguration', () => {
  const describeConfig = (arn: string, region?: string) =>
    h
      .client(region ? { region } : {})
      .send(new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: arn }));

  it('describes the configuration a service names, by the full ARN DescribeService gives', async () => {
    // Prepare
    const { Service } = await h
      .client()
      .send(new DescribeServiceCommand({ ServiceArn: h.arn('api-staging') }));
    const arn = Service?.AutoScalingConfigurationSummary?.AutoScalingConfigurationArn ?? '';

    // Act
    const { AutoScalingConfiguration } = await describeConfig(arn);

    // Assess
    expect(AutoScalingConfiguration).toEqual({
      AutoScalingConfigurationArn: arn,
      AutoScalingConfigurationName: 'high-availability',
      AutoScalingConfigurationRevision: 2,
      Latest: true,
      Status: 'ACTIVE',
      MinSize: 3,
      MaxSize: 10,
      MaxConcurrency: 50,
      CreatedAt: expect.any(Date),
      HasAssociatedService: true,
      IsDefault: false,
    });
  });

  it('takes partial ARNs: …/name is the latest revision, …/name/revision that one', async () => {
    // Act
    const latest = await describeConfig(`${ARN_PREFIX}/high-availability`);
    const first = await describeConfig(`${ARN_PREFIX}/high-availability/1`);
    const unused = await describeConfig(`${ARN_PREFIX}/unused-config`);

    // Assess
    expect(latest.AutoScalingConfiguration).toMatchObject({
      AutoScalingConfigurationRevision: 2,
      Latest: true,
      MinSize: 3,
    });
    expect(first.AutoScalingConfiguration).toMatchObject({
      AutoScalingConfigurationRevision: 1,
      Latest: false,
      MinSize: 2,
      MaxSize: 8,
    });
    expect(first.AutoScalingConfiguration?.AutoScalingConfigurationArn).toMatch(
      new RegExp(`^${ARN_PREFIX}/high-availability/1/[0-9a-f]{32}$`),
    );
    expect(unused.AutoScalingConfiguration).toMatchObject({
      HasAssociatedService: false,
      MaxConcurrency: 100,
    });
  });

  it('describes App Runner’s DefaultConfiguration: MinSize 1, MaxSize 25, MaxConcurrency 100', async () => {
    // Act
    const { AutoScalingConfiguration } = await describeConfig(`${ARN_PREFIX}/DefaultConfiguration`);

    // Assess
    expect(AutoScalingConfiguration).toMatchObject({
      AutoScalingConfigurationName: 'DefaultConfiguration',
      MinSize: 1,
      MaxSize: 25,
      MaxConcurrency: 100,
      IsDefault: true,
      HasAssociatedService: true,
    });
  });

  it('answers ResourceNotFoundException for an unknown name or revision, a wrong id, or another region’s ARN', async () => {
    // Prepare
    const euArn =
      (
        await describeConfig(
          'arn:aws:apprunner:eu-west-1:123456789012:autoscalingconfiguration/high-availability',
          'eu-west-1',
        )
      ).AutoScalingConfiguration?.AutoScalingConfigurationArn ?? '';

    // Act
    const errors = await Promise.all([
      caught(() => describeConfig(`${ARN_PREFIX}/no-such-config`)),
      caught(() => describeConfig(`${ARN_PREFIX}/high-availability/3`)),
      caught(() => describeConfig(`${ARN_PREFIX}/high-availability/2/0123456789abcdef0123456789abcdef`)),
      caught(() => describeConfig(euArn)),
    ]);

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(errors[0]?.message).toContain('no-such-config');
    expect(euArn).toContain(':eu-west-1:');
  });

  it('validates like the other operations: required, ARN pattern, and an ARN of something else', async () => {
    // Act
    const missing = await caught(() =>
      h
        .client()
        .send(new DescribeAutoScalingConfigurationCommand({} as { AutoScalingConfigurationArn: string })),
    );
    const malformed = await caught(() => describeConfig('high-availability'));
    const serviceArn = await caught(() => describeConfig(h.arn('search')));

    // Assess
    expect(missing).toBeInstanceOf(InvalidRequestException);
    expect(missing.message).toContain(
      "Value null at 'autoScalingConfigurationArn' failed to satisfy constraint: Member must not be null",
    );
    expect(malformed.message).toContain(
      "Value 'high-availability' at 'autoScalingConfigurationArn' failed to satisfy constraint",
    );
    expect(serviceArn).toBeInstanceOf(InvalidRequestException);
    expect(serviceArn.message).toContain('Member must be an auto scaling configuration ARN');
  });
});

describe('error messages', () => {
  it('are capped at 600 characters with an ellipsis, as App Runner’s model caps Message', async () => {
    // Prepare: a 1,011-character ARN of the right shape but the wrong kind, and three bad tags
    const longArn = `arn:aws:apprunner:us-east-1:123456789012:${'x'.repeat(1011 - 41)}`;
    const badTags = ['aws:a', 'aws:b', 'aws:c'].map((Key) => ({
      Key: `${Key}${'k'.repeat(120)}`,
      Value: 'v',
    }));

    // Act
    const long = await caught(() => h.client().send(new DescribeServiceCommand({ ServiceArn: longArn })));
    const many = await caught(() =>
      h.client().send(new TagResourceCommand({ ResourceArn: h.arn('search'), Tags: badTags })),
    );
    const raw = await fetch(h.emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AppRunner.DescribeService' },
      body: JSON.stringify({ ServiceArn: longArn }),
    });
    const body = (await raw.json()) as { Message: string };

    // Assess
    expect(longArn).toHaveLength(1011);
    for (const error of [long, many]) {
      expect(error).toBeInstanceOf(InvalidRequestException);
      expect(error.message).toHaveLength(600);
      expect(error.message.endsWith('…')).toBe(true);
    }
    expect(long.message).toMatch(
      /^1 validation error detected: Value 'arn:aws:apprunner:us-east-1:123456789012:x+/,
    );
    expect(many.message).toMatch(/^3 validation errors detected: /);
    expect(body.Message).toBe(long.message);
    expect(h.emulator.calls.at(-1)?.errorMessage).toHaveLength(600);
  });
});
