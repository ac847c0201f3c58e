import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusLine } from '../../cli/commands/status';
import { type Emulator, SAMPLE_FLEET_PATH, startEmulator } from '../../emulator/index';
import { loadSchedules, nextFireTimes, validateSchedules } from '../../lib/schedules/schedules';
import { upcomingRuns, upcomingRunsOf } from '../../lib/schedules/upcoming';
import { closedPort, deploySchedules, type Moto, runCli, silentEndpoint, startMoto } from './helpers';

// `status` against the App Runner emulator (sample fleet: short and empty ListServices pages) and
// `schedules` on schedules files, both with real time zones.

let emulator: Emulator;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ fleet: SAMPLE_FLEET_PATH });
  env = { AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint, AWS_REGION: 'us-east-1' };
  dir = mkdtempSync(join(tmpdir(), 'cli-status-'));
});

afterAll(async () => {
  await emulator?.stop();
});

function schedulesFile(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

interface StatusJson {
  region: string;
  schedules: { source: string; group?: string; file?: string; note?: string };
  services: Array<{
    name: string;
    status: string;
    optedOut: boolean;
    lease?: { until: string; active: boolean };
    next?: { schedule: string; action: string; local: string; utc: string; skip?: string; skipName?: string };
  }>;
}

describe('apprunner-scheduler status', () => {
  it('lists every service across all ListServices pages with status, lease, opt-out and the next scheduled action', async () => {
    // Prepare
    const workerArn = emulator.service('worker')?.arn ?? '';
    const file = schedulesFile(
      'status.yml',
      `
- name: morning-by-name
  action: resume
  cron: cron(0 7 ? * MON-FRI *)
  timezone: Europe/Berlin
  targets: { serviceNames: [api-staging] }
- name: evening-sales
  action: pause
  cron: cron(0 20 * * ? *)
  timezone: America/New_York
  targets: { tags: { team: sales } }
- name: nightly-billing
  action: pause
  cron: cron(30 1 * * ? *)
  timezone: UTC
  targets: { serviceNames: [legacy-billing] }
- name: worker-by-arn
  action: pause
  cron: cron(15 22 * * ? *)
  timezone: Asia/Tokyo
  targets: { serviceArns: ["${workerArn}"] }
`,
    );
    const schedules = loadSchedules(file);
    const expectedNext = (name: string) => {
      const schedule = schedules.find((s) => s.name === name);
      return schedule ? nextFireTimes(schedule, new Date(), 1)[0] : undefined;
    };
    emulator.clearCalls();

    // Act
    const run = await runCli(['status', '--schedules', file, '--json'], env);

    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const status = JSON.parse(run.out) as StatusJson;
    const byName = Object.fromEntries(status.services.map((s) => [s.name, s]));
    expect(Object.keys(byName)).toHaveLength(9);
    expect(emulator.calls.filter((c) => c.op === 'ListServices').length).toBeGreaterThan(3);
    expect(emulator.calls.filter((c) => c.op === 'ListTagsForResource')).toHaveLength(9);
    expect(byName['api-staging']).toMatchObject({
      status: 'PAUSED',
      optedOut: false,
      next: { schedule: 'morning-by-name', action: 'resume', ...expectedNext('morning-by-name') },
    });
    expect(byName['demo-app']).toMatchObject({
      status: 'RUNNING',
      lease: { until: '2099-01-01T00:00:00.000Z', active: true },
      next: {
        schedule: 'evening-sales',
        action: 'pause',
        skip: 'KEEP_AWAKE_LEASE',
        ...expectedNext('evening-sales'),
      },
    });
    expect(byName['legacy-billing']).toMatchObject({
      optedOut: true,
      next: { schedule: 'nightly-billing', skip: 'OPTED_OUT' },
    });
    expect(byName.worker?.next).toMatchObject({
      schedule: 'worker-by-arn',
      ...expectedNext('worker-by-arn'),
    });
    expect(byName.worker?.next?.local).toMatch(/T22:15:00\+09:00$/);
    expect(byName.checkout?.next).toBeUndefined();
  });

  it('prints a table of the services carrying the --tag filters', async () => {
    // Prepare
    const file = schedulesFile(
      'tags.yml',
      `
- name: weekday-evening
  action: pause
  cron: cron(0 20 ? * MON-FRI *)
  timezone: Europe/Berlin
  targets: { tags: { env: staging } }
`,
    );

    // Act
    const run = await runCli(
      ['status', '--tag', 'team=data', '--tag', 'env=staging', '--schedules', file],
      env,
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('2 App Runner service(s) in us-east-1 with team=data env=staging');
    expect(run.out).toMatch(/SERVICE\s+STATUS\s+LEASE\s+OPT-OUT\s+NEXT\s+LOCAL TIME\s+UTC/);
    expect(run.out).toMatch(
      /reports\s+OPERATION_IN_PROGRESS\s+pause \(weekday-evening\)\s+\w{3} \d{4}-\d{2}-\d{2} 20:00 \+0[12]:00\s+\d{4}-\d{2}-\d{2} 1[89]:00Z/,
    );
    expect(run.out).toMatch(/search\s+RUNNING\s+pause \(weekday-evening\)/);
    expect(run.out).not.toContain('api-staging');
  });

  it('exits 1 saying App Runner did not answer in time, with the endpoint hint, when requests time out', async () => {
    // Prepare
    const silent = await silentEndpoint();

    // Act
    const run = await runCli(['status', '--schedules', 'schedules.yml'], {
      ...env,
      AWS_ENDPOINT_URL_APPRUNNER: silent.endpoint,
    }).finally(() => silent.close());

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      'error: Cannot reach App Runner (App Runner ListServices: no answer within 10 s).',
    );
    expect(run.err).toContain('If AWS_ENDPOINT_URL_APPRUNNER is set, check it.');
    expect(run.err).not.toContain('AbortError');
  });

  it('exits 1 saying the endpoint is not App Runner when a web server that is not AWS answers', async () => {
    // Prepare: a proxy or web server answering 404 pages
    const server = createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    // Act
    const run = await runCli(['status', '--schedules', 'schedules.yml'], {
      ...env,
      AWS_ENDPOINT_URL_APPRUNNER: `http://127.0.0.1:${port}`,
    }).finally(() => new Promise((resolve) => server.close(resolve)));

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      "error: App Runner ListServices: the answer (HTTP 404) is not one of AWS's: the endpoint that answered may not be App Runner.",
    );
    expect(run.err).toContain('If AWS_ENDPOINT_URL_APPRUNNER is set, check that it points at App Runner.');
  });

  it('exits 2 listing every problem of an invalid schedules file', async () => {
    // Prepare
    const file = schedulesFile(
      'bad.yml',
      '- name: Bad Name\n  action: wake\n  cron: cron(0 7 * * * *)\n  targets: {}\n',
    );

    // Act
    const run = await runCli(['status', '--schedules', file], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(`error: ${file} is invalid:`);
    expect(run.err).toMatch(/name: use lower-case letters/);
    expect(run.err).toMatch(/action: unknown action/);
  });
});

describe('apprunner-scheduler schedules', () => {
  const file = () =>
    schedulesFile(
      'dst.yml',
      `
- name: weekday-morning
  action: resume
  cron: cron(0 7 ? * MON-FRI *)
  timezone: Europe/Berlin
  targets: { tags: { env: staging } }
- name: night-owl
  action: pause
  cron: cron(30 2 * * ? *)
  timezone: Europe/Berlin
  targets: { serviceNames: [api-staging] }
- name: off
  action: pause
  cron: cron(0 0 * * ? *)
  timezone: UTC
  enabled: false
  targets: { serviceNames: [api-staging] }
`,
    );

  it('shows the next fire times in the schedule zone and in UTC across the spring DST change', async () => {
    // Act
    const run = await runCli([
      'schedules',
      '--file',
      file(),
      '--from',
      '2026-03-26T12:00:00Z',
      '--count',
      '3',
    ]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('Next fire times after 2026-03-26 12:00Z');
    expect(run.out).toMatch(
      /weekday-morning\s+resume\s+Europe\/Berlin\s+Fri 2026-03-27 07:00 \+01:00\s+2026-03-27 06:00Z/,
    );
    expect(run.out).toMatch(/Mon 2026-03-30 07:00 \+02:00\s+2026-03-30 05:00Z/);
    // 02:30 does not exist in Berlin on Sunday 29 March: EventBridge Scheduler skips it.
    expect(run.out).toMatch(
      /night-owl\s+pause\s+Europe\/Berlin\s+Fri 2026-03-27 02:30 \+01:00\s+2026-03-27 01:30Z/,
    );
    expect(run.out).toMatch(/Sat 2026-03-28 02:30 \+01:00\s+2026-03-28 01:30Z/);
    expect(run.out).toMatch(/Mon 2026-03-30 02:30 \+02:00\s+2026-03-30 00:30Z/);
    expect(run.out).not.toContain('2026-03-29 02:30');
    expect(run.out).toMatch(/off\s+pause\s+UTC\s+\(disabled\)/);
  });

  it('prints JSON with local and UTC times', async () => {
    // Act
    const run = await runCli([
      'schedules',
      '--file',
      file(),
      '--from',
      '2026-10-24T00:00:00Z',
      '--count',
      '2',
      '--json',
    ]);

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.out) as {
      schedules: Array<{ name: string; next: Array<{ local: string; utc: string }> }>;
    };
    const night = printed.schedules.find((s) => s.name === 'night-owl');
    // 02:30 happens twice on 25 October (fall-back); it fires once, at the first one.
    expect(night?.next).toEqual([
      { local: '2026-10-24T02:30:00+02:00', utc: '2026-10-24T00:30:00.000Z' },
      { local: '2026-10-25T02:30:00+02:00', utc: '2026-10-25T00:30:00.000Z' },
    ]);
  });

  it('exits 2 when the file does not exist', async () => {
    // Act
    const run = await runCli(['schedules', '--file', join(dir, 'missing.yml')]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('missing.yml is invalid:');
    expect(run.err).toContain('cannot read the file');
  });
});

describe('apprunner-scheduler status: which schedules', () => {
  let moto: Moto;
  let scheduler: SchedulerClient;
  const weekdayMorning = {
    name: 'weekday-morning',
    action: 'resume',
    readyBy: '07:00',
    days: 'MON-FRI',
    timezone: 'Europe/Berlin',
    skip: { holidays: 'DE-BE' },
    targets: { serviceNames: ['api-staging'] },
  };

  beforeAll(async () => {
    // Prepare: stage "test" deployed in us-east-1 as packaging deploys it: one ready-by schedule for api-staging
    moto = await startMoto();
    scheduler = new SchedulerClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const { schedules, problems } = validateSchedules([weekdayMorning]);
    expect(problems).toEqual([]);
    await deploySchedules(scheduler, 'apprunner-scheduler-test', schedules, new Date());
  });

  afterAll(async () => {
    scheduler?.destroy();
    await moto?.stop();
  });

  /** `status --stage <stage>` with EventBridge Scheduler at moto: as JSON and as text. */
  const statusOf = async (stage: string) => {
    const withScheduler = { ...env, AWS_ENDPOINT_URL_SCHEDULER: moto.endpoint };
    const json = await runCli(['status', '--stage', stage, '--json'], withScheduler);
    const text = await runCli(['status', '--stage', stage], withScheduler);
    return { json, text, status: JSON.parse(json.out) as StatusJson };
  };

  it("takes the next actions from the stage's deployed schedules when it can read them, and says so", async () => {
    // Prepare
    const deployedNext = upcomingRuns(
      { name: 'weekday-morning', cron: 'cron(40 6 ? * MON-FRI *)', timezone: 'Europe/Berlin' },
      new Date(),
      1,
    )[0];

    // Act
    const { json, text, status } = await statusOf('test');

    // Assess
    expect(json.code).toBe(0);
    expect(status.schedules).toEqual({ source: 'deployed', group: 'apprunner-scheduler-test' });
    const api = status.services.find((s) => s.name === 'api-staging');
    // The deployed cron fires 20 minutes before the ready-by time, and nothing in ./schedules.yml is used.
    expect(api?.next).toMatchObject({
      schedule: 'weekday-morning',
      action: 'resume',
      utc: deployedNext?.utc,
    });
    expect(api?.next?.local).toMatch(/T06:40:00\+01:00$/);
    expect(status.services.filter((s) => s.next).map((s) => s.name)).toEqual(['api-staging']);
    expect(text.out).toContain(
      'Next actions from the deployed schedules (group apprunner-scheduler-test in us-east-1).',
    );
    expect(text.err).toBe('');
  });

  it('falls back to ./schedules.yml with a note naming why when the stage has no deployed schedules', async () => {
    // Act
    const { json, text, status } = await statusOf('nope');

    // Assess
    expect(json.code).toBe(0);
    expect(status.schedules).toMatchObject({ source: 'file', file: 'schedules.yml' });
    expect(status.schedules.note).toContain(
      'deployed schedules of stage nope not read: No EventBridge Scheduler schedule group "apprunner-scheduler-nope" in us-east-1',
    );
    expect(text.out).toContain('Next actions from ./schedules.yml.');
    expect(text.err).toContain('note: deployed schedules of stage nope not read:');
    expect(text.err).toContain('NEXT is from ./schedules.yml');
  });

  it('falls back at once when EventBridge Scheduler cannot be reached, and still lists every service', async () => {
    // Prepare
    const port = await closedPort();

    // Act
    const run = await runCli(['status', '--stage', 'test', '--json'], {
      ...env,
      AWS_ENDPOINT_URL_SCHEDULER: `http://127.0.0.1:${port}`,
    });

    // Assess
    expect(run.code).toBe(0);
    const status = JSON.parse(run.out) as StatusJson;
    expect(status.services).toHaveLength(9);
    expect(status.schedules).toMatchObject({ source: 'file', file: 'schedules.yml' });
    expect(status.schedules.note).toMatch(/deployed schedules of stage test not read: .*Scheduler/);
  });

  it('still lists every service, with a note, when ./schedules.yml (not asked for by name) is invalid', async () => {
    // Prepare: a working directory whose schedules.yml is broken
    const here = mkdtempSync(join(tmpdir(), 'cli-status-cwd-'));
    writeFileSync(join(here, 'schedules.yml'), '- name: Bad Name\n  action: wake\n');
    const back = process.cwd();
    process.chdir(here);

    // Act
    const run = await runCli(['status'], env).finally(() => process.chdir(back));

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('9 App Runner service(s) in us-east-1');
    expect(run.out).toContain('No schedules read: NEXT is empty.');
    expect(run.err).toContain(
      './schedules.yml is invalid (`apprunner-scheduler schedules` lists its problems)',
    );
  });

  it('reads no deployed schedules when practising against the emulator without a Scheduler endpoint', async () => {
    // Act
    const run = await runCli(['status', '--json'], env);

    // Assess
    expect(run.code).toBe(0);
    const status = JSON.parse(run.out) as StatusJson;
    expect(status.schedules).toMatchObject({ source: 'file', file: 'schedules.yml' });
    expect(status.schedules.note).toContain('practising against a local App Runner endpoint');
  });

  it('marks a next run on a public holiday as skipped, with the holiday, whatever the lease or opt-out', () => {
    // Prepare: from Christmas Eve noon, the next weekday 06:40 run is on Christmas Day (skipped in DE-BE)
    const { schedules } = validateSchedules([weekdayMorning]);
    const schedule = schedules[0]!;
    const [next] = upcomingRunsOf(schedule, new Date('2026-12-24T12:00:00Z'), 1);
    const service = {
      name: 'api-staging',
      arn: 'arn:aws:apprunner:us-east-1:123456789012:service/api-staging/1',
      region: 'us-east-1',
      status: 'PAUSED',
    } as Parameters<typeof statusLine>[0];

    // Act
    const line = statusLine(
      service,
      { 'apprunner-scheduler:opt-out': 'true' },
      [{ name: schedule.name, action: schedule.action, targets: schedule.targets, next }],
      Date.parse('2026-12-24T12:00:00Z'),
    );

    // Assess
    expect(line.next).toEqual({
      schedule: 'weekday-morning',
      action: 'resume',
      local: '2026-12-25T06:40:00+01:00',
      utc: '2026-12-25T05:40:00.000Z',
      skip: 'HOLIDAY',
      skipName: 'Christmas Day',
    });
  });
});
