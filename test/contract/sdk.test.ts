import {
  type AppRunnerClient,
  DescribeServiceCommand,
  InternalServiceErrorException,
  InvalidRequestException,
  InvalidStateException,
  ListOperationsCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  PauseServiceCommand,
  paginateListOperations,
  paginateListServices,
  ResourceNotFoundException,
  ResumeServiceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-apprunner';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FleetSpec, startEmulator } from '../../emulator/index';
import { AppRunnerCallError, countingPort } from '../../lib/app-runner/port';
import { parseMemoryMb, SdkAppRunner } from '../../lib/app-runner/sdk';
import { caught, contractFleet, type Harness, startHarness, T0 } from './helpers';

// Conformance of the emulator through the real @aws-sdk/client-apprunner: shapes, errors, paging,
// state transitions on a ManualClock, realism switches, faults, regions and the calls log.

let h: Harness;
let client: AppRunnerClient;

async function useFleet(fleet: FleetSpec): Promise<void> {
  await h.emulator.stop();
  h = await startHarness(fleet);
  client = h.client();
}

beforeEach(async () => {
  h = await startHarness();
  client = h.client();
});

afterEach(async () => {
  await h.emulator.stop();
});

describe('DescribeService', () => {
  it('returns the full Service shape the SDK deserializes, with epoch-second timestamps as Dates', async () => {
    // Prepare
    const arn = h.arn('api-staging');

    // Act
    const { Service, $metadata } = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));

    // Assess
    expect($metadata.httpStatusCode).toBe(200);
    expect($metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Service).toMatchObject({
      ServiceName: 'api-staging',
      ServiceArn: arn,
      Status: 'PAUSED',
      InstanceConfiguration: { Cpu: '1024', Memory: '2048' },
      NetworkConfiguration: { EgressConfiguration: { EgressType: 'DEFAULT' } },
      AutoScalingConfigurationSummary: {
        AutoScalingConfigurationName: 'DefaultConfiguration',
        IsDefault: true,
      },
    });
    expect(Service?.ServiceId).toMatch(/^[0-9a-f]{32}$/);
    expect(arn).toBe(`arn:aws:apprunner:us-east-1:123456789012:service/api-staging/${Service?.ServiceId}`);
    expect(Service?.ServiceUrl).toMatch(/^[0-9a-f]{10}\.us-east-1\.awsapprunner\.com$/);
    expect(Service?.CreatedAt).toBeInstanceOf(Date);
    expect(Service?.UpdatedAt?.getTime()).toBeLessThanOrEqual(T0);
    expect(Service?.SourceConfiguration?.ImageRepository?.ImageRepositoryType).toBe('ECR_PUBLIC');
  });

  it('rejects a malformed ARN with InvalidRequestException naming serviceArn and the pattern', async () => {
    // Act
    const error = await caught(() => client.send(new DescribeServiceCommand({ ServiceArn: 'not-an-arn' })));

    // Assess
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect(error.message).toBe(
      "1 validation error detected: Value 'not-an-arn' at 'serviceArn' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: ' +
        'arn:aws(-[\\w]+)*:[a-z0-9-\\\\.]{0,63}:[a-z0-9-\\\\.]{0,63}:[0-9]{12}:(\\w|\\/|-){1,1011}',
    );
  });

  it('rejects a missing ServiceArn with "Member must not be null"', async () => {
    // Act
    const error = await caught(() =>
      client.send(new DescribeServiceCommand({} as unknown as { ServiceArn: string })),
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect(error.message).toContain(
      "Value null at 'serviceArn' failed to satisfy constraint: Member must not be null",
    );
  });

  it('answers ResourceNotFoundException for a well-formed ARN of a service that does not exist', async () => {
    // Prepare
    const arn = 'arn:aws:apprunner:us-east-1:123456789012:service/ghost/0123456789abcdef0123456789abcdef';

    // Act
    const error = await caught(() => client.send(new DescribeServiceCommand({ ServiceArn: arn })));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toContain(arn);
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
  });
});

describe('ListServices', () => {
  it('lists the services of the request region, except deleted ones, with summaries', async () => {
    // Act
    const { ServiceSummaryList, NextToken } = await client.send(new ListServicesCommand({}));

    // Assess
    expect(NextToken).toBeUndefined();
    expect(ServiceSummaryList?.map((s) => s.ServiceName)).toEqual([
      'api-staging',
      'web-staging',
      'worker',
      'deploying',
      'broken-create',
      'broken-delete',
    ]);
    expect(Object.keys(ServiceSummaryList?.[0] ?? {}).sort()).toEqual(
      ['CreatedAt', 'ServiceArn', 'ServiceId', 'ServiceName', 'ServiceUrl', 'Status', 'UpdatedAt'].sort(),
    );
  });

  it('pages through short and empty pages that still carry a NextToken, and the SDK paginator sees every service once', async () => {
    // Prepare
    await useFleet({
      options: {
        listServicesPaging: { pageSize: 4, shortPagesEvery: 2, emptyPagesEvery: 3, trailingEmptyPage: true },
      },
      generate: { count: 13, namePrefix: 'svc' },
    });

    // Act
    const pages: string[][] = [];
    for await (const page of paginateListServices({ client, pageSize: 10 }, {})) {
      pages.push((page.ServiceSummaryList ?? []).map((s) => s.ServiceName ?? ''));
    }

    // Assess
    // Page 2, 4, 6… are short (about half of 4), 3, 6… empty; the last page of data still points to an empty one.
    expect(pages.map((p) => p.length)).toEqual([4, 2, 0, 2, 4, 0, 1, 0]);
    expect(pages.flat()).toEqual(
      Array.from({ length: 13 }, (_, i) => `svc-${String(i + 1).padStart(4, '0')}`),
    );
  });

  it('honours MaxResults and rejects MaxResults outside 1..20 naming maxResults', async () => {
    // Act
    const page = await client.send(new ListServicesCommand({ MaxResults: 2 }));
    const tooMany = await caught(() => client.send(new ListServicesCommand({ MaxResults: 21 })));
    const zero = await caught(() => client.send(new ListServicesCommand({ MaxResults: 0 })));

    // Assess
    expect(page.ServiceSummaryList).toHaveLength(2);
    expect(page.NextToken).toEqual(expect.any(String));
    expect(tooMany).toBeInstanceOf(InvalidRequestException);
    expect(tooMany.message).toContain(
      "Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20",
    );
    expect(zero.message).toContain(
      "at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('rejects a NextToken it did not issue, naming nextToken', async () => {
    // Act
    const error = await caught(() => client.send(new ListServicesCommand({ NextToken: 'garbage' })));

    // Assess
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect(error.message).toContain("Value 'garbage' at 'nextToken'");
  });
});

describe('ResumeService and PauseService', () => {
  it('resumes a paused service: PAUSED → OPERATION_IN_PROGRESS → RUNNING, operation PENDING → IN_PROGRESS → SUCCEEDED', async () => {
    // Prepare
    const arn = h.arn('api-staging'); // durations: { resume: 45 }
    const statusAt = async () => {
      const { Service } = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));
      const { OperationSummaryList } = await client.send(new ListOperationsCommand({ ServiceArn: arn }));
      return { service: Service?.Status, op: OperationSummaryList?.[0] };
    };

    // Act
    const resumed = await client.send(new ResumeServiceCommand({ ServiceArn: arn }));
    const atStart = await statusAt();
    await h.clock.advance(1_000);
    const afterOneSecond = await statusAt();
    await h.clock.advance(43_999);
    const justBefore = await statusAt();
    await h.clock.advance(1);
    const done = await statusAt();

    // Assess
    expect(resumed.Service?.Status).toBe('OPERATION_IN_PROGRESS');
    expect(resumed.OperationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(atStart.service).toBe('OPERATION_IN_PROGRESS');
    expect(atStart.op).toMatchObject({
      Id: resumed.OperationId,
      Type: 'RESUME_SERVICE',
      Status: 'PENDING',
      TargetArn: arn,
    });
    expect(atStart.op?.StartedAt?.getTime()).toBe(T0);
    expect(atStart.op?.EndedAt).toBeUndefined();
    expect(afterOneSecond.op?.Status).toBe('IN_PROGRESS');
    expect(justBefore).toMatchObject({ service: 'OPERATION_IN_PROGRESS', op: { Status: 'IN_PROGRESS' } });
    expect(done.service).toBe('RUNNING');
    expect(done.op?.Status).toBe('SUCCEEDED');
    expect(done.op?.EndedAt?.getTime()).toBe(T0 + 45_000);
    expect(done.op?.UpdatedAt?.getTime()).toBe(T0 + 45_000);
  });

  it('pauses a running service over its pause duration', async () => {
    // Prepare
    const arn = h.arn('web-staging'); // durations: { pause: 20 }

    // Act
    const paused = await client.send(new PauseServiceCommand({ ServiceArn: arn }));
    await h.clock.advance(20_000);
    const { Service } = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const { OperationSummaryList } = await client.send(new ListOperationsCommand({ ServiceArn: arn }));

    // Assess
    expect(paused.Service?.Status).toBe('OPERATION_IN_PROGRESS');
    expect(Service?.Status).toBe('PAUSED');
    expect(Service?.UpdatedAt?.getTime()).toBe(T0 + 20_000);
    expect(OperationSummaryList?.[0]).toMatchObject({
      Id: paused.OperationId,
      Type: 'PAUSE_SERVICE',
      Status: 'SUCCEEDED',
    });
  });

  it('rejects a resume or pause while another operation is in progress with InvalidStateException', async () => {
    // Prepare
    const arn = h.arn('api-staging');
    await client.send(new ResumeServiceCommand({ ServiceArn: arn }));

    // Act
    const resumeAgain = await caught(() => client.send(new ResumeServiceCommand({ ServiceArn: arn })));
    const pause = await caught(() => client.send(new PauseServiceCommand({ ServiceArn: arn })));

    // Assess
    expect(resumeAgain).toBeInstanceOf(InvalidStateException);
    expect(resumeAgain.message).toContain('operation in progress');
    expect(pause).toBeInstanceOf(InvalidStateException);
  });

  it('keeps a service with an in-flight deployment OPERATION_IN_PROGRESS until the deployment ends, then RUNNING', async () => {
    // Prepare
    const arn = h.arn('deploying'); // START_DEPLOYMENT of 90 s, 30 s elapsed

    // Act
    const before = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const pause = await caught(() => client.send(new PauseServiceCommand({ ServiceArn: arn })));
    const ops = await client.send(new ListOperationsCommand({ ServiceArn: arn }));
    await h.clock.advance(60_000);
    const after = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));

    // Assess
    expect(before.Service?.Status).toBe('OPERATION_IN_PROGRESS');
    expect(pause).toBeInstanceOf(InvalidStateException);
    expect(ops.OperationSummaryList?.[0]).toMatchObject({ Type: 'START_DEPLOYMENT', Status: 'IN_PROGRESS' });
    expect(ops.OperationSummaryList?.[0]?.StartedAt?.getTime()).toBe(T0 - 30_000);
    expect(after.Service?.Status).toBe('RUNNING');
  });

  it('rejects resume and pause of CREATE_FAILED and DELETE_FAILED services with InvalidStateException', async () => {
    // Act
    const errors = await Promise.all(
      ['broken-create', 'broken-delete'].flatMap((name) => [
        caught(() => client.send(new ResumeServiceCommand({ ServiceArn: h.arn(name) }))),
        caught(() => client.send(new PauseServiceCommand({ ServiceArn: h.arn(name) }))),
      ]),
    );

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(InvalidStateException);
    expect(errors[0]?.message).toContain('CREATE_FAILED');
  });

  it('answers resume-when-running and pause-when-paused with InvalidStateException when the switches say invalid-state', async () => {
    // Prepare
    h.emulator.setOptions({ resumeWhenRunning: 'invalid-state', pauseWhenPaused: 'invalid-state' });

    // Act
    const resume = await caught(() =>
      client.send(new ResumeServiceCommand({ ServiceArn: h.arn('web-staging') })),
    );
    const pause = await caught(() =>
      client.send(new PauseServiceCommand({ ServiceArn: h.arn('api-staging') })),
    );

    // Assess
    expect(resume).toBeInstanceOf(InvalidStateException);
    expect(resume.message).toContain('RUNNING');
    expect(pause).toBeInstanceOf(InvalidStateException);
    expect(pause.message).toContain('PAUSED');
  });

  it('answers resume-when-running and pause-when-paused with 200, the current status and no OperationId when the switches say no-op', async () => {
    // Prepare
    h.emulator.setOptions({ resumeWhenRunning: 'no-op', pauseWhenPaused: 'no-op' });

    // Act
    const resume = await client.send(new ResumeServiceCommand({ ServiceArn: h.arn('web-staging') }));
    const pause = await client.send(new PauseServiceCommand({ ServiceArn: h.arn('api-staging') }));

    // Assess
    expect(resume.Service?.Status).toBe('RUNNING');
    expect(resume.OperationId).toBeUndefined();
    expect(pause.Service?.Status).toBe('PAUSED');
    expect(pause.OperationId).toBeUndefined();
    expect(h.emulator.service('web-staging')?.operations).toEqual([]);
  });
});

describe('ListOperations', () => {
  it('lists operations newest first and the SDK paginator follows NextToken with MaxResults', async () => {
    // Prepare
    const arn = h.arn('api-staging');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await client.send(new ResumeServiceCommand({ ServiceArn: arn }))).OperationId ?? '');
      await h.clock.advance(45_000);
      ids.push((await client.send(new PauseServiceCommand({ ServiceArn: arn }))).OperationId ?? '');
      await h.clock.advance(60_000);
    }

    // Act
    const pages: string[][] = [];
    for await (const page of paginateListOperations({ client, pageSize: 4 }, { ServiceArn: arn })) {
      pages.push((page.OperationSummaryList ?? []).map((o) => o.Id ?? ''));
    }

    // Assess
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    expect(pages.flat()).toEqual(ids.slice().reverse());
    expect(new Set(ids).size).toBe(6);
  });

  it('requires ServiceArn and rejects MaxResults above 20, naming the members', async () => {
    // Act
    const missing = await caught(() =>
      client.send(new ListOperationsCommand({} as unknown as { ServiceArn: string })),
    );
    const tooMany = await caught(() =>
      client.send(new ListOperationsCommand({ ServiceArn: h.arn('worker'), MaxResults: 50 })),
    );

    // Assess
    expect(missing).toBeInstanceOf(InvalidRequestException);
    expect(missing.message).toContain("Value null at 'serviceArn'");
    expect(tooMany).toBeInstanceOf(InvalidRequestException);
    expect(tooMany.message).toContain("Value '50' at 'maxResults'");
  });

  it('answers ResourceNotFoundException for an unknown service', async () => {
    // Act
    const error = await caught(() =>
      client.send(
        new ListOperationsCommand({
          ServiceArn:
            'arn:aws:apprunner:us-east-1:123456789012:service/ghost/0123456789abcdef0123456789abcdef',
        }),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('Tags', () => {
  it('lists, adds, overwrites and removes tags', async () => {
    // Prepare
    const arn = h.arn('api-staging');

    // Act
    const before = await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    await client.send(
      new TagResourceCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'apprunner-scheduler:keep-awake-until', Value: '2026-11-28T08:00:00Z' },
          { Key: 'team', Value: 'core' },
        ],
      }),
    );
    await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['env'] }));
    const after = await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }));

    // Assess
    expect(before.Tags).toEqual([
      { Key: 'env', Value: 'staging' },
      { Key: 'team', Value: 'platform' },
    ]);
    expect(after.Tags).toEqual([
      { Key: 'team', Value: 'core' },
      { Key: 'apprunner-scheduler:keep-awake-until', Value: '2026-11-28T08:00:00Z' },
    ]);
    expect(h.emulator.service('api-staging')?.tags).toEqual({
      team: 'core',
      'apprunner-scheduler:keep-awake-until': '2026-11-28T08:00:00Z',
    });
  });

  it('rejects tag keys starting with aws: and missing members, naming each member path', async () => {
    // Prepare
    const arn = h.arn('api-staging');

    // Act
    const error = await caught(() =>
      client.send(
        new TagResourceCommand({
          ResourceArn: arn,
          Tags: [
            { Key: 'ok', Value: 'v' },
            { Key: 'aws:owner', Value: 'me' },
          ],
        }),
      ),
    );
    const untag = await caught(() =>
      client.send(
        new UntagResourceCommand({ ResourceArn: arn } as unknown as {
          ResourceArn: string;
          TagKeys: string[];
        }),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidRequestException);
    expect(error.message).toBe(
      "1 validation error detected: Value 'aws:owner' at 'tags.2.member.key' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: ^(?!aws:).+',
    );
    expect(untag).toBeInstanceOf(InvalidRequestException);
    expect(untag.message).toContain("Value null at 'tagKeys'");
    expect(h.emulator.service('api-staging')?.tags).toEqual({ env: 'staging', team: 'platform' });
  });

  it('answers ResourceNotFoundException when tagging an unknown resource', async () => {
    // Act
    const error = await caught(() =>
      client.send(
        new TagResourceCommand({
          ResourceArn:
            'arn:aws:apprunner:us-east-1:123456789012:service/ghost/0123456789abcdef0123456789abcdef',
          Tags: [{ Key: 'a', Value: 'b' }],
        }),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('Faults', () => {
  it('throttles the next call with ThrottlingException, then answers normally', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'throttle', next: 1 });

    // Act
    const error = await caught(() => client.send(new ListServicesCommand({})));
    const ok = await client.send(new ListServicesCommand({}));

    // Assess
    expect(error.name).toBe('ThrottlingException');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    expect(ok.ServiceSummaryList?.length).toBeGreaterThan(0);
  });

  it('throttles at a seeded rate, reproducibly from run to run', async () => {
    // Prepare
    const fleet: FleetSpec = {
      ...contractFleet,
      options: { seed: 42 },
      faults: [{ type: 'throttle', rate: 0.5 }],
    };
    const outcomes = async (): Promise<string> => {
      await useFleet(fleet);
      let out = '';
      for (let i = 0; i < 20; i++) {
        out += await client.send(new ListServicesCommand({})).then(
          () => '.',
          () => 'T',
        );
      }
      return out;
    };

    // Act
    const first = await outcomes();
    const second = await outcomes();

    // Assess
    expect(first).toBe(second);
    expect(first).toContain('T');
    expect(first).toContain('.');
  });

  it('throttles only inside its clock window and only the selected operations', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'throttle', forSeconds: 60, operations: ['ResumeService'] });
    const arn = h.arn('api-staging');

    // Act
    const list = await client.send(new ListServicesCommand({}));
    const during = await caught(() => client.send(new ResumeServiceCommand({ ServiceArn: arn })));
    await h.clock.advance(60_000);
    const after = await client.send(new ResumeServiceCommand({ ServiceArn: arn }));

    // Assess
    expect(list.ServiceSummaryList?.length).toBeGreaterThan(0);
    expect(during.name).toBe('ThrottlingException');
    expect(after.OperationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers InternalServiceErrorException (500) for a server-error fault, and the SDK retries past a single one', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'server-error', next: 2, service: 'worker' });
    const arn = h.arn('worker');

    // Act
    const other = await client.send(new DescribeServiceCommand({ ServiceArn: h.arn('api-staging') }));
    const error = await caught(() => client.send(new DescribeServiceCommand({ ServiceArn: arn })));
    const retried = await h.client({ maxAttempts: 2 }).send(new DescribeServiceCommand({ ServiceArn: arn }));

    // Assess
    expect(other.Service?.ServiceName).toBe('api-staging');
    expect(error).toBeInstanceOf(InternalServiceErrorException);
    expect(error.$fault).toBe('server');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500);
    expect(retried.$metadata.attempts).toBe(2);
    expect(h.emulator.calls.map((c) => c.httpStatus)).toEqual([200, 500, 500, 200]);
  });

  it('delays responses for a slow fault, so an SDK request timeout fires', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'slow', delayMs: 400, operations: ['DescribeService'] });
    const impatient = h.client({ requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true } });
    const arn = h.arn('worker');

    // Act
    const started = Date.now();
    const slow = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const elapsed = Date.now() - started;
    const error = await caught(() => impatient.send(new DescribeServiceCommand({ ServiceArn: arn })));

    // Assess
    expect(slow.Service?.ServiceName).toBe('worker');
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(error.name).toBe('TimeoutError');
  });

  it('ends a resume FAILED after its duration when the operation-fails fault applies, leaving the service PAUSED', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'operation-fails', service: 'api-staging', next: 1 });
    const arn = h.arn('api-staging');

    // Act
    const { OperationId } = await client.send(new ResumeServiceCommand({ ServiceArn: arn }));
    await h.clock.advance(45_000);
    const failed = await client.send(new ListOperationsCommand({ ServiceArn: arn }));
    const service = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const retry = await client.send(new ResumeServiceCommand({ ServiceArn: arn }));
    await h.clock.advance(45_000);

    // Assess
    expect(failed.OperationSummaryList?.[0]).toMatchObject({ Id: OperationId, Status: 'FAILED' });
    expect(failed.OperationSummaryList?.[0]?.EndedAt?.getTime()).toBe(T0 + 45_000);
    expect(service.Service?.Status).toBe('PAUSED');
    expect(h.emulator.service('api-staging')?.operations[0]).toMatchObject({
      id: retry.OperationId,
      status: 'SUCCEEDED',
    });
    expect(h.emulator.service('api-staging')?.status).toBe('RUNNING');
  });

  it('keeps an operation IN_PROGRESS forever when the operation-never-ends fault applies', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'operation-never-ends', operations: ['RESUME_SERVICE'] });
    const arn = h.arn('worker');

    // Act
    await client.send(new ResumeServiceCommand({ ServiceArn: arn }));
    await h.clock.advance(24 * 3600_000);
    const { Service } = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const { OperationSummaryList } = await client.send(new ListOperationsCommand({ ServiceArn: arn }));

    // Assess
    expect(Service?.Status).toBe('OPERATION_IN_PROGRESS');
    expect(OperationSummaryList?.[0]?.Status).toBe('IN_PROGRESS');
    expect(OperationSummaryList?.[0]?.EndedAt).toBeUndefined();
  });

  it('deletes a service mid-operation: operation FAILED, service DELETED and unlisted, then ResourceNotFoundException', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'deleted-mid-operation', service: 'worker', afterSeconds: 10 });
    h.emulator.setOptions({ deletedVisibleSeconds: 30 });
    const arn = h.arn('worker');

    // Act
    const { OperationId } = await client.send(new ResumeServiceCommand({ ServiceArn: arn }));
    await h.clock.advance(10_000);
    const deleted = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const ops = await client.send(new ListOperationsCommand({ ServiceArn: arn }));
    const listed = await client.send(new ListServicesCommand({}));
    const resume = await caught(() => client.send(new ResumeServiceCommand({ ServiceArn: arn })));
    await h.clock.advance(30_000);
    const gone = await caught(() => client.send(new DescribeServiceCommand({ ServiceArn: arn })));

    // Assess
    expect(deleted.Service?.Status).toBe('DELETED');
    expect(deleted.Service?.DeletedAt?.getTime()).toBe(T0 + 10_000);
    expect(ops.OperationSummaryList?.map((o) => [o.Type, o.Status])).toEqual([
      ['DELETE_SERVICE', 'SUCCEEDED'],
      ['RESUME_SERVICE', 'FAILED'],
    ]);
    expect(ops.OperationSummaryList?.[1]?.Id).toBe(OperationId);
    expect(listed.ServiceSummaryList?.map((s) => s.ServiceName)).not.toContain('worker');
    expect(resume).toBeInstanceOf(InvalidStateException);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });

  it('stops injecting faults after clearFaults', async () => {
    // Prepare
    h.emulator.injectFault({ type: 'server-error' });
    const before = await caught(() => client.send(new ListServicesCommand({})));

    // Act
    h.emulator.clearFaults();
    const after = await client.send(new ListServicesCommand({}));

    // Assess
    expect(before).toBeInstanceOf(InternalServiceErrorException);
    expect(after.ServiceSummaryList?.length).toBeGreaterThan(0);
  });

  it('applies faults declared in the fleet file, per service', async () => {
    // Prepare
    await useFleet({
      services: [
        { name: 'flaky', status: 'PAUSED', faults: [{ type: 'operation-fails' }] },
        { name: 'steady', status: 'PAUSED' },
      ],
    });

    // Act
    await client.send(new ResumeServiceCommand({ ServiceArn: h.arn('flaky') }));
    await client.send(new ResumeServiceCommand({ ServiceArn: h.arn('steady') }));
    await h.clock.advance(60_000);

    // Assess
    expect(h.emulator.service('flaky')?.operations[0]?.status).toBe('FAILED');
    expect(h.emulator.service('steady')?.operations[0]?.status).toBe('SUCCEEDED');
  });
});

describe('Rate limit', () => {
  it('throttles calls above requestsPerSecond on the clock and recovers as the clock advances', async () => {
    // Prepare
    h.emulator.setOptions({ requestsPerSecond: 20 });

    // Act
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        client.send(new ListServicesCommand({ MaxResults: 1 })).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      ),
    );
    await h.clock.advance(1_000);
    const later = await client.send(new ListServicesCommand({ MaxResults: 1 }));

    // Assess
    expect(results.filter((r) => r === 'ok')).toHaveLength(20);
    expect(results.filter((r) => r === 'ThrottlingException')).toHaveLength(5);
    expect(later.ServiceSummaryList).toHaveLength(1);
  });
});

describe('Regions', () => {
  it('serves each region its own services and finds an ARN only in its own region', async () => {
    // Prepare
    const eu = h.client({ region: 'eu-west-1' });
    const euArn = h.arn('eu-api', 'eu-west-1');

    // Act
    const euList = await eu.send(new ListServicesCommand({}));
    const euDescribe = await eu.send(new DescribeServiceCommand({ ServiceArn: euArn }));
    const fromUs = await caught(() => client.send(new DescribeServiceCommand({ ServiceArn: euArn })));
    const usFromEu = await caught(() => eu.send(new DescribeServiceCommand({ ServiceArn: h.arn('worker') })));

    // Assess
    expect(euArn).toMatch(/^arn:aws:apprunner:eu-west-1:123456789012:service\/eu-api\/[0-9a-f]{32}$/);
    expect(euList.ServiceSummaryList?.map((s) => s.ServiceName)).toEqual(['eu-api']);
    expect(euDescribe.Service?.ServiceUrl).toContain('.eu-west-1.awsapprunner.com');
    expect(fromUs).toBeInstanceOf(ResourceNotFoundException);
    expect(usFromEu).toBeInstanceOf(ResourceNotFoundException);
    expect(h.emulator.calls.map((c) => c.region)).toEqual([
      'eu-west-1',
      'eu-west-1',
      'us-east-1',
      'eu-west-1',
    ]);
  });
});

describe('Wire protocol', () => {
  it('answers an unknown operation with UnknownOperationException, the error name in body and header, and a request id', async () => {
    // Act
    const response = await fetch(h.emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AppRunner.DeleteService' },
      body: '{}',
    });
    const body = (await response.json()) as Record<string, string>;

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(body.__type).toBe('com.amazon.coral.service#UnknownOperationException');
  });

  it('puts modelled errors in the body as com.amazonaws.apprunner#Name with Message, and in x-amzn-ErrorType', async () => {
    // Act
    const response = await fetch(h.emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AppRunner.DescribeService' },
      body: JSON.stringify({
        ServiceArn: 'arn:aws:apprunner:us-east-1:123456789012:service/ghost/0123456789abcdef0123456789abcdef',
      }),
    });
    const body = (await response.json()) as Record<string, string>;

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(body).toEqual({
      __type: 'com.amazonaws.apprunner#ResourceNotFoundException',
      Message: expect.any(String),
    });
  });

  it('answers a value of the wrong type with SerializationException naming the member', async () => {
    // Act
    const response = await fetch(h.emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AppRunner.ListServices' },
      body: JSON.stringify({ MaxResults: 'ten' }),
    });
    const body = (await response.json()) as Record<string, string>;

    // Assess
    expect(response.status).toBe(400);
    expect(body.__type).toBe('com.amazon.coral.service#SerializationException');
    expect(body.message).toContain("'maxResults'");
  });
});

describe('Calls log', () => {
  it('records every call with clock time, operation, region, service ARN, status, error type and input', async () => {
    // Prepare
    const arn = h.arn('api-staging');

    // Act
    await client.send(new ResumeServiceCommand({ ServiceArn: arn }));
    await h.clock.advance(5_000);
    await caught(() => client.send(new ResumeServiceCommand({ ServiceArn: arn })));

    // Assess
    expect(h.emulator.calls).toEqual([
      expect.objectContaining({
        at: T0,
        op: 'ResumeService',
        region: 'us-east-1',
        serviceArn: arn,
        httpStatus: 200,
        input: { ServiceArn: arn },
      }),
      expect.objectContaining({
        at: T0 + 5_000,
        op: 'ResumeService',
        serviceArn: arn,
        httpStatus: 400,
        errorType: 'InvalidStateException',
      }),
    ]);
    expect(h.emulator.calls[0]?.errorType).toBeUndefined();
  });
});

describe('Starting', () => {
  it('starts from a fleet file path and on a requested host', async () => {
    // Prepare
    const { SAMPLE_FLEET_PATH } = await import('../../emulator/index');

    // Act
    const emulator = await startEmulator({ fleet: SAMPLE_FLEET_PATH, host: '127.0.0.1', port: 0 });
    await emulator.stop();

    // Assess
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.services().length).toBeGreaterThan(5);
  });
});

describe('the SDK adapter (SdkAppRunner) on the emulator', () => {
  const detailed: FleetSpec = {
    autoScalingConfigurations: [{ name: 'high-availability', minSize: 3, maxSize: 10 }],
    services: [
      {
        name: 'api-staging',
        status: 'PAUSED',
        instance: { cpu: '1 vCPU', memory: '2 GB' },
        healthCheck: { protocol: 'HTTP', path: '/health' },
        autoScaling: 'high-availability',
        public: false,
      },
      { name: 'web-staging', status: 'RUNNING', instance: { cpu: '1024', memory: '3072' } },
    ],
  };
  const adapter = () =>
    new SdkAppRunner({
      endpoint: h.emulator.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });

  it('reads URL, health check, memory in either spelling, scaling ARN, ingress and creation from the full Service', async () => {
    // Prepare
    await useFleet(detailed);
    const port = adapter();

    // Act
    const api = await port.describeService(h.arn('api-staging'));
    const web = await port.describeService(h.arn('web-staging'));
    const resumed = await port.resumeService(h.arn('api-staging'));
    const paused = await port.pauseService(h.arn('web-staging'));

    // Assess
    expect(api).toEqual({
      arn: h.arn('api-staging'),
      name: 'api-staging',
      region: 'us-east-1',
      status: 'PAUSED',
      url: h.emulator.service('api-staging')?.url,
      healthCheck: { protocol: 'HTTP', path: '/health' },
      memoryMb: 2048,
      autoScalingConfigurationArn: expect.stringMatching(
        /^arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration\/high-availability\/1\/[0-9a-f]{32}$/,
      ),
      publiclyAccessible: false,
      updatedAt: expect.any(Number),
      createdAt: h.emulator.service('api-staging')?.createdAt,
    });
    expect(web).toMatchObject({ memoryMb: 3072, healthCheck: { protocol: 'TCP', path: '/' } });
    expect(web.publiclyAccessible).toBe(true);
    expect(web.autoScalingConfigurationArn).toContain(':autoscalingconfiguration/DefaultConfiguration/1/');
    expect(resumed.service).toMatchObject({ status: 'OPERATION_IN_PROGRESS', memoryMb: 2048 });
    expect(paused.service).toMatchObject({ status: 'OPERATION_IN_PROGRESS', memoryMb: 3072 });
    port.destroy();
  });

  it('reads only the URL, creation and last change from ListServices summaries, which carry nothing else', async () => {
    // Prepare
    await useFleet(detailed);
    const port = adapter();

    // Act
    const page = await port.listServicesPage('us-east-1');

    // Assess
    expect(page.items.map((s) => Object.keys(s).sort())).toEqual([
      ['arn', 'createdAt', 'name', 'region', 'status', 'updatedAt', 'url'],
      ['arn', 'createdAt', 'name', 'region', 'status', 'updatedAt', 'url'],
    ]);
    expect(page.items[1]?.url).toBe(h.emulator.service('web-staging')?.url);
    port.destroy();
  });

  it("describes a service's auto scaling configuration by the ARN DescribeService gave, and DefaultConfiguration's", async () => {
    // Prepare
    await useFleet(detailed);
    const port = adapter();
    const { autoScalingConfigurationArn: ha } = await port.describeService(h.arn('api-staging'));
    const { autoScalingConfigurationArn: standard } = await port.describeService(h.arn('web-staging'));

    // Act
    const haInfo = await port.describeAutoScalingConfiguration(ha ?? '');
    const standardInfo = await port.describeAutoScalingConfiguration(standard ?? '');
    const missing = await caught(() =>
      port.describeAutoScalingConfiguration(
        'arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/nothing-here',
      ),
    );
    const notAnArn = await caught(() => port.describeAutoScalingConfiguration('high-availability'));

    // Assess
    expect(haInfo).toEqual({ arn: ha, name: 'high-availability', minSize: 3, maxSize: 10 });
    expect(standardInfo).toEqual({ arn: standard, name: 'DefaultConfiguration', minSize: 1, maxSize: 25 });
    expect(missing).toBeInstanceOf(AppRunnerCallError);
    expect(missing).toMatchObject({ kind: 'NotFound', awsErrorName: 'ResourceNotFoundException' });
    expect(notAnArn).toMatchObject({ kind: 'InvalidRequest', operation: 'DescribeAutoScalingConfiguration' });
    port.destroy();
  });

  it('removes tags with untagResource, and counts it and the scaling read as App Runner requests', async () => {
    // Prepare
    const arn = h.arn('api-staging');
    let requests = 0;
    const inner = adapter();
    const port = countingPort(inner, () => {
      requests++;
    });
    const { autoScalingConfigurationArn } = await port.describeService(arn);

    // Act
    await port.untagResource(arn, ['env', 'no-such-key']);
    await port.describeAutoScalingConfiguration(autoScalingConfigurationArn ?? '');
    const tags = await port.listTags(arn);

    // Assess
    expect(tags).toEqual({ team: 'platform' });
    expect(requests).toBe(4);
    expect(h.emulator.calls.map((c) => c.op)).toEqual([
      'DescribeService',
      'UntagResource',
      'DescribeAutoScalingConfiguration',
      'ListTagsForResource',
    ]);
    inner.destroy();
  });
});

describe('parseMemoryMb', () => {
  it.each([
    ['2048', 2048],
    ['2 GB', 2048],
    ['0.5 GB', 512],
    ['12 GB', 12288],
    ['512 MB', 512],
    ['lots', undefined],
    [undefined, undefined],
  ])('reads %s as %s MiB', (memory, mb) => {
    // Act
    const parsed = parseMemoryMb(memory);

    // Assess
    expect(parsed).toBe(mb);
  });
});
