import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index';
import { InMemoryAppRunner } from '../../lib/app-runner/memory';
import {
  AppRunnerCallError,
  type AppRunnerPort,
  findOperation,
  latestOperation,
  listAllServices,
} from '../../lib/app-runner/port';
import { SdkAppRunner } from '../../lib/app-runner/sdk';
import { ManualClock } from '../../lib/runtime/clock';

// One contract for the App Runner port, every adapter held to it: the SDK adapter (through the real SDK and
// wire protocol, against the emulator) and the in-memory adapter the unit tests use. What the workflow relies
// on — paging, operations and their statuses, App Runner's refusals and how they are classified, tags — must
// be true of both.

const T0 = Date.UTC(2026, 10, 30, 6, 0, 0);
const REGION = 'us-east-1';

interface ServiceSeed {
  name: string;
  status: 'RUNNING' | 'PAUSED';
  tags?: Record<string, string>;
  resume?: number;
  pause?: number;
}

interface PortWorld {
  port: AppRunnerPort;
  clock: ManualClock;
  arnOf(name: string): string;
  stop(): Promise<void>;
}

type Factory = (services: ServiceSeed[]) => Promise<PortWorld>;

const adapters: Array<[string, Factory]> = [
  [
    'the SDK adapter on the emulator',
    async (services) => {
      const clock = new ManualClock(T0);
      const emulator = await startEmulator({
        clock,
        fleet: {
          options: { pendingSeconds: 1, listServicesPaging: { pageSize: 2 } },
          services: services.map((s) => ({
            name: s.name,
            status: s.status,
            ...(s.tags ? { tags: s.tags } : {}),
            durations: { resume: s.resume ?? 60, pause: s.pause ?? 30 },
          })),
        },
      });
      const port = new SdkAppRunner({
        endpoint: emulator.endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      return {
        port,
        clock,
        arnOf: (name) => emulator.service(name)?.arn ?? '',
        stop: async () => {
          port.destroy();
          await emulator.stop();
        },
      };
    },
  ],
  [
    'the in-memory adapter',
    async (services) => {
      const clock = new ManualClock(T0);
      const port = new InMemoryAppRunner(clock, { pageSize: 2 });
      const arns = new Map(
        services.map((s) => [
          s.name,
          port.addService({
            name: s.name,
            status: s.status,
            ...(s.tags ? { tags: s.tags } : {}),
            resumeSeconds: s.resume ?? 60,
            pauseSeconds: s.pause ?? 30,
          }).arn,
        ]),
      );
      return { port, clock, arnOf: (name) => arns.get(name) ?? '', stop: async () => undefined };
    },
  ],
];

describe.each(adapters)('the App Runner port: %s', (_name, start) => {
  let world: PortWorld | undefined;
  const begin = async (services: ServiceSeed[]) => {
    world = await start(services);
    return world;
  };
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('lists every service of a region across pages, each once, with its status', async () => {
    // Prepare
    const { port } = await begin([
      { name: 'api-staging', status: 'PAUSED' },
      { name: 'web-staging', status: 'RUNNING' },
      { name: 'worker', status: 'PAUSED' },
    ]);

    // Act
    const services = await listAllServices(port, REGION);
    const other = await listAllServices(port, 'eu-west-1');

    // Assess
    expect(services.map((s) => [s.name, s.status, s.region]).sort()).toEqual([
      ['api-staging', 'PAUSED', REGION],
      ['web-staging', 'RUNNING', REGION],
      ['worker', 'PAUSED', REGION],
    ]);
    expect(other).toEqual([]);
    // Each service answers at its own URL (the readiness probe tells them apart by it).
    const urls = services.map((s) => s.url);
    expect(urls.every((u) => /^[a-z0-9]{10}\.us-east-1\.awsapprunner\.com$/.test(u ?? ''))).toBe(true);
    expect(new Set(urls).size).toBe(3);
  });

  it('describes a service, and refuses an unknown one as NotFound', async () => {
    // Prepare
    const { port, arnOf } = await begin([{ name: 'api-staging', status: 'PAUSED' }]);
    const unknown = arnOf('api-staging').replace('api-staging', 'nobody-here');

    // Act
    const found = await port.describeService(arnOf('api-staging'));
    const missing = await port.describeService(unknown).catch((error: unknown) => error);

    // Assess
    expect(found).toMatchObject({ arn: arnOf('api-staging'), name: 'api-staging', status: 'PAUSED' });
    expect(missing).toBeInstanceOf(AppRunnerCallError);
    expect(missing).toMatchObject({ kind: 'NotFound', transient: false });
  });

  it('resumes a paused service: an operation in progress, then RUNNING once its time has passed', async () => {
    // Prepare
    const { port, clock, arnOf } = await begin([{ name: 'api-staging', status: 'PAUSED', resume: 45 }]);
    const arn = arnOf('api-staging');

    // Act
    const started = await port.resumeService(arn);
    const during = await port.describeService(arn);
    const open = await latestOperation(port, arn);
    clock.advance(46_000);
    const after = await port.describeService(arn);
    const ended = await findOperation(port, arn, started.operationId ?? '');

    // Assess
    expect(started.operationId).toEqual(expect.any(String));
    expect(started.service.status).toBe('OPERATION_IN_PROGRESS');
    expect(during.status).toBe('OPERATION_IN_PROGRESS');
    expect(open).toMatchObject({ id: started.operationId, type: 'RESUME_SERVICE' });
    expect(['PENDING', 'IN_PROGRESS']).toContain(open?.status);
    expect(after.status).toBe('RUNNING');
    expect(ended).toMatchObject({ type: 'RESUME_SERVICE', status: 'SUCCEEDED', startedAt: T0 });
    expect((ended?.endedAt ?? 0) - T0).toBe(45_000);
  });

  it('pauses a running service, and lists its operations newest first', async () => {
    // Prepare
    const { port, clock, arnOf } = await begin([
      { name: 'web-staging', status: 'PAUSED', resume: 30, pause: 20 },
    ]);
    const arn = arnOf('web-staging');
    await port.resumeService(arn);
    clock.advance(31_000);

    // Act
    const paused = await port.pauseService(arn);
    clock.advance(21_000);
    const page = await port.listOperationsPage(arn);

    // Assess
    expect((await port.describeService(arn)).status).toBe('PAUSED');
    expect(page.items.map((op) => [op.type, op.status])).toEqual([
      ['PAUSE_SERVICE', 'SUCCEEDED'],
      ['RESUME_SERVICE', 'SUCCEEDED'],
    ]);
    expect(page.items[0]?.id).toBe(paused.operationId);
  });

  it('refuses, as InvalidState, to resume a running service or to act during an operation', async () => {
    // Prepare
    const { port, arnOf } = await begin([
      { name: 'web-staging', status: 'RUNNING' },
      { name: 'api-staging', status: 'PAUSED' },
    ]);
    await port.resumeService(arnOf('api-staging'));

    // Act
    const refusals = await Promise.all([
      port.resumeService(arnOf('web-staging')).catch((error: unknown) => error),
      port.pauseService(arnOf('api-staging')).catch((error: unknown) => error),
    ]);

    // Assess
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(AppRunnerCallError);
      expect(refusal).toMatchObject({ kind: 'InvalidState', transient: false });
    }
  });

  it('reads, merges and removes tags', async () => {
    // Prepare
    const { port, arnOf } = await begin([
      { name: 'api-staging', status: 'PAUSED', tags: { env: 'staging' } },
    ]);
    const arn = arnOf('api-staging');

    // Act
    await port.tagResource(arn, {
      team: 'platform',
      'apprunner-scheduler:keep-awake-until': '2026-12-01T08:00:00Z',
    });
    const merged = await port.listTags(arn);
    await port.untagResource(arn, ['apprunner-scheduler:keep-awake-until']);
    const after = await port.listTags(arn);

    // Assess
    expect(merged).toEqual({
      env: 'staging',
      team: 'platform',
      'apprunner-scheduler:keep-awake-until': '2026-12-01T08:00:00Z',
    });
    expect(after).toEqual({ env: 'staging', team: 'platform' });
  });

  it("reads a service's auto scaling configuration (App Runner's default: one instance at least)", async () => {
    // Prepare
    const { port, arnOf } = await begin([{ name: 'api-staging', status: 'PAUSED' }]);
    const { autoScalingConfigurationArn } = await port.describeService(arnOf('api-staging'));

    // Act
    const config = await port.describeAutoScalingConfiguration(autoScalingConfigurationArn ?? '');

    // Assess
    expect(config).toMatchObject({ name: 'DefaultConfiguration', minSize: 1, maxSize: 25 });
  });
});
