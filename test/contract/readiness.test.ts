import { DescribeServiceCommand, ListServicesCommand, ResumeServiceCommand } from '@aws-sdk/client-apprunner';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFaultFlag } from '../../cli/commands/run';
import type { FleetSpec } from '../../emulator/index';
import { type Harness, requestAs, startHarness, T0 } from './helpers';

// Readiness by Host: the emulator answers a request whose Host is a service's ServiceUrl with that
// service's readiness, as the real service's URL would — and keeps these requests out of the API budget.

let h: Harness;

async function start(fleet: FleetSpec): Promise<Harness> {
  h = await startHarness(fleet);
  return h;
}

afterEach(async () => {
  await h.emulator.stop();
});

const urlOf = (name: string) => h.emulator.service(name)?.url ?? '';
const probe = (name: string, path = '/', timeoutMs?: number) =>
  requestAs(h.emulator.endpoint, urlOf(name), path, { timeoutMs });

describe('a service URL, by Host', () => {
  it('answers 503 while paused and while resuming, 503 during the warm-up after RUNNING, then 200 echoing the path', async () => {
    // Prepare
    await start({
      services: [{ name: 'api-staging', status: 'PAUSED', durations: { resume: 30, warmup: 10 } }],
    });
    const client = h.client();
    const arn = h.arn('api-staging');

    // Act
    const paused = await probe('api-staging', '/health');
    await client.send(new ResumeServiceCommand({ ServiceArn: arn }));
    const resuming = await probe('api-staging', '/health');
    await h.clock.advance(30_000);
    const { Service } = await client.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const warming = await probe('api-staging', '/health');
    await h.clock.advance(9_999);
    const almost = await probe('api-staging', '/health');
    await h.clock.advance(1);
    const ready = await probe('api-staging', '/health?deep=1');

    // Assess
    expect(paused).toMatchObject({
      status: 503,
      body: { service: 'api-staging', ready: false, status: 'service is PAUSED' },
    });
    expect(resuming.body.status).toBe('service is OPERATION_IN_PROGRESS');
    expect(Service?.Status).toBe('RUNNING');
    expect(warming).toMatchObject({ status: 503, body: { status: 'warming up (10 s left)' } });
    expect(almost.status).toBe(503);
    expect(ready).toMatchObject({
      status: 200,
      body: { service: 'api-staging', path: '/health?deep=1', ready: true },
    });
  });

  it('matches the Host with or without a port and in any case; an unknown host gets 421 naming it', async () => {
    // Prepare
    await start({ services: [{ name: 'search', status: 'RUNNING' }] });
    const url = urlOf('search');

    // Act
    const plain = await requestAs(h.emulator.endpoint, url);
    const withPort = await requestAs(h.emulator.endpoint, `${url.toUpperCase()}:443`, '/x', {
      method: 'HEAD',
    });
    const unknown = await requestAs(h.emulator.endpoint, 'nope.us-east-1.awsapprunner.com:443', '/');
    const emulatorItself = await requestAs(h.emulator.endpoint, new URL(h.emulator.endpoint).host, '/');

    // Assess
    expect(url).toMatch(/^[0-9a-f]{10}\.us-east-1\.awsapprunner\.com$/);
    expect(plain.status).toBe(200);
    expect(withPort.status).toBe(200);
    expect(unknown.status).toBe(421);
    expect(unknown.body.message).toContain('"nope.us-east-1.awsapprunner.com"');
    expect(emulatorItself.status).toBe(421);
    expect(emulatorItself.body.message).toContain('X-Amz-Target');
  });

  it('is warm at once for a service RUNNING since before the clock started', async () => {
    // Prepare
    await start({
      services: [
        { name: 'search', status: 'RUNNING', durations: { warmup: 60 } },
        {
          name: 'woken',
          status: 'RUNNING',
          durations: { warmup: 60, resume: 30 },
          history: { count: 2, everyHours: 1 },
        },
      ],
    });

    // Act
    const search = await probe('search');
    const woken = await probe('woken');

    // Assess: the last resume ended an hour before the clock's start, far longer ago than the warm-up.
    expect(search.status).toBe(200);
    expect(woken.status).toBe(200);
    expect(h.emulator.service('woken')?.runningSince).toBe(T0 - 3600_000 + 30_000);
  });

  it('answers 503 for a deleted service while DescribeService still shows it, then 421', async () => {
    // Prepare
    await start({
      options: { deletedVisibleSeconds: 30 },
      services: [{ name: 'old-app', status: 'DELETED' }],
    });

    // Act
    const visible = await probe('old-app');
    await h.clock.advance(30_000);
    const gone = await probe('old-app');

    // Assess
    expect(visible).toMatchObject({ status: 503, body: { status: 'service is DELETED' } });
    expect(gone.status).toBe(421);
  });

  it('takes nothing from the request budget and logs each request in probes, never in calls', async () => {
    // Prepare: a budget of one App Runner request per second
    await start({ options: { requestsPerSecond: 1 }, services: [{ name: 'search', status: 'RUNNING' }] });

    // Act
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => probe('search', `/p${i}`)));
    const list = await h.client().send(new ListServicesCommand({}));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(list.ServiceSummaryList).toHaveLength(1);
    expect(h.emulator.calls.map((c) => c.op)).toEqual(['ListServices']);
    expect(h.emulator.probes).toHaveLength(5);
    expect(h.emulator.probes[0]).toEqual({
      at: T0,
      host: urlOf('search'),
      path: expect.stringMatching(/^\/p\d$/),
      httpStatus: 200,
      service: 'search',
    });
  });
});

describe('readiness faults', () => {
  const fleet: FleetSpec = {
    services: [
      { name: 'worker', status: 'PAUSED', durations: { resume: 20, warmup: 5 } },
      { name: 'search', status: 'RUNNING' },
    ],
  };

  it('never-ready (as `--fault never-ready:worker` gives it) keeps that service at 503 after warm-up, and only that one', async () => {
    // Prepare
    await start(fleet);
    h.emulator.injectFault(parseFaultFlag('never-ready:worker'));
    await h.client().send(new ResumeServiceCommand({ ServiceArn: h.arn('worker') }));

    // Act
    await h.clock.advance(3600_000);
    const worker = await probe('worker');
    const search = await probe('search');

    // Assess
    expect(h.emulator.service('worker')?.status).toBe('RUNNING');
    expect(worker).toMatchObject({ status: 503, body: { status: 'never ready (injected fault)' } });
    expect(search.status).toBe(200);
  });

  it('flapping alternates 200 and 503 after warm-up, so two good answers in a row never happen', async () => {
    // Prepare
    await start({ ...fleet, faults: [{ type: 'flapping', service: 'worker' }] });
    await h.client().send(new ResumeServiceCommand({ ServiceArn: h.arn('worker') }));
    await h.clock.advance(20_000);

    // Act
    const warming = [await probe('worker'), await probe('worker')].map((a) => a.status);
    await h.clock.advance(5_000);
    const after: number[] = [];
    for (let i = 0; i < 8; i++) after.push((await probe('worker')).status);

    // Assess
    expect(warming).toEqual([503, 503]);
    expect(after).toEqual([200, 503, 200, 503, 200, 503, 200, 503]);
    expect(after.some((s, i) => s === 200 && after[i + 1] === 200)).toBe(false);
  });

  it("slow-ready holds each answer back in real time, so a probe's own time-out fires", async () => {
    // Prepare
    await start(fleet);
    h.emulator.injectFault(parseFaultFlag('slow-ready:search,delayMs=300'));

    // Act
    const impatient = await probe('search', '/', 50).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    const patient = await probe('search', '/', 10_000);

    // Assess
    expect(impatient).toBe('no answer within 50 ms');
    expect(patient.status).toBe(200);
  });

  it('rejects a readiness fault with a bad field, naming it', () => {
    // Act
    const run = () => parseFaultFlag('slow-ready:search');

    // Assess
    expect(run).toThrow(/delayMs/);
  });
});
