import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSchedules } from '../../lib/schedules/schedules';
import { deploySchedules, type Moto, NO_CREDENTIALS, runCli, startMoto } from './helpers';

// `schedules` on local files (skip days, ready-by) and `schedules --deployed` against moto's EventBridge
// Scheduler, holding schedules whose Input is what packaging produces.

let dir: string;
let moto: Moto;
let scheduler: SchedulerClient;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-schedules-'));
  moto = await startMoto();
  scheduler = new SchedulerClient({
    endpoint: moto.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  env = { AWS_ENDPOINT_URL_SCHEDULER: moto.endpoint, AWS_REGION: 'eu-west-1' };
});

afterAll(async () => {
  scheduler?.destroy();
  await moto?.stop();
});

function file(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

const dailyBerlin = () =>
  file(
    'daily-berlin.yml',
    `
- name: daily-berlin
  action: resume
  cron: cron(0 7 * * ? *)
  timezone: Europe/Berlin
  skip: {holidays: DE}
  targets: { tags: { env: staging } }
`,
  );

describe('apprunner-scheduler schedules (file)', () => {
  it('lists 25 and 26 December as skipped with their holiday names and still lists the other days', async () => {
    // Act
    const run = await runCli([
      'schedules',
      '--file',
      dailyBerlin(),
      '--from',
      '2026-12-20T00:00:00Z',
      '--count',
      '10',
    ]);

    // Assess
    expect(run.code).toBe(0);
    const lines = run.out.split('\n').filter((l) => /\d{4}-\d{2}-\d{2} 07:00 \+01:00/.test(l));
    expect(lines).toHaveLength(10);
    expect(lines[5]).toMatch(/Fri 2026-12-25 07:00 \+01:00\s+2026-12-25 06:00Z\s+skipped: Christmas Day/);
    expect(lines[6]).toMatch(/Sat 2026-12-26 07:00 \+01:00\s+2026-12-26 06:00Z\s+skipped: Boxing Day/);
    expect(lines.filter((l) => l.includes('skipped'))).toHaveLength(2);
    expect(lines[4]).toMatch(/Thu 2026-12-24 07:00 \+01:00\s+2026-12-24 06:00Z\s*(skip: DE)?$/);
  });

  it('prints the lead of a ready-by schedule in minutes and hours, and counts the days of skip ranges', async () => {
    // Prepare
    const path = file(
      'lead.yml',
      `
readyByLead: PT1H30M
calendars:
  office: { dates: ["2026-12-24..2027-01-01", "2027-04-30"] }
schedules:
  - name: early-start
    action: resume
    readyBy: "07:00"
    days: MON-FRI
    timezone: Europe/Berlin
    skip: office
    targets: { tags: { env: staging } }
`,
    );

    // Act
    const run = await runCli(['schedules', '--file', path, '--from', '2026-12-20T00:00:00Z', '--count', '4']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('ready by 07:00 (fires 1 h 30 min before)');
    expect(run.out).not.toContain('PT1H30M');
    expect(run.out).toContain('skip office: 10 days (2026-12-24..2027-01-01, 2027-04-30)');
  });

  it('prints the skip verdict and the ready-by instant of each run as JSON', async () => {
    // Prepare
    const path = file(
      'ready.yml',
      `
calendars:
  office: { dates: ["2026-12-22"] }
schedules:
  - name: night-batch
    action: resume
    readyBy: "00:10"
    days: TUE-WED
    timezone: Europe/Berlin
    skip: office
    targets: { tags: { team: batch } }
`,
    );

    // Act
    const run = await runCli([
      'schedules',
      '--file',
      path,
      '--from',
      '2026-12-20T00:00:00Z',
      '--count',
      '2',
      '--json',
    ]);

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.out) as { source: string; schedules: Array<Record<string, unknown>> };
    expect(printed.source).toBe(path);
    expect(printed.schedules[0]).toMatchObject({
      name: 'night-batch',
      cron: 'cron(50 23 ? * MON,TUE *)',
      readyBy: { time: '00:10', lead: 'PT20M' },
      next: [
        {
          local: '2026-12-21T23:50:00+01:00',
          utc: '2026-12-21T22:50:00.000Z',
          readyBy: '2026-12-21T23:10:00.000Z',
          // The run is for Tuesday 22 December (ready by 00:10), the office's skip date.
          skipped: { reason: 'SKIP_DATE', name: 'skip date', date: '2026-12-22' },
        },
        {
          local: '2026-12-22T23:50:00+01:00',
          utc: '2026-12-22T22:50:00.000Z',
          readyBy: '2026-12-22T23:10:00.000Z',
        },
      ],
    });
  });
});

describe('apprunner-scheduler schedules --deployed', () => {
  it('exits 2 for --stage or --region without --deployed', async () => {
    // Act
    const run = await runCli(['schedules', '--file', dailyBerlin(), '--region', 'eu-west-1']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('error: --region is only used with --deployed');
  });

  beforeAll(async () => {
    // Prepare: the group of stage "test" as packaging deploys it, plus one schedule made by hand
    const { schedules, problems } = validateSchedules([
      {
        name: 'weekday-morning',
        action: 'resume',
        readyBy: '07:00',
        days: 'MON-FRI',
        timezone: 'Europe/Berlin',
        skip: { holidays: 'DE-BE', dates: ['2026-12-28..2026-12-31'] },
        targets: { tags: { env: 'staging' } },
      },
      {
        name: 'weekday-evening',
        action: 'pause',
        cron: 'cron(0 20 ? * MON-FRI *)',
        timezone: 'Europe/Berlin',
        enabled: false,
        targets: { tags: { env: 'staging' } },
      },
    ]);
    expect(problems).toEqual([]);
    await deploySchedules(scheduler, 'apprunner-scheduler-test', schedules, new Date('2026-12-01T00:00:00Z'));
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'hand-made',
        GroupName: 'apprunner-scheduler-test',
        ScheduleExpression: 'rate(1 hour)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: 'arn:aws:sqs:eu-west-1:123456789012:q',
          RoleArn: 'arn:aws:iam::123456789012:role/r',
          Input: 'hello',
        },
      }),
    );
  });

  it("reads the deployed group and marks skip days from each schedule's input", async () => {
    // Act
    const run = await runCli(
      ['schedules', '--deployed', '--stage', 'test', '--from', '2026-12-23T12:00:00Z', '--count', '4'],
      env,
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'Next fire times after 2026-12-23 12:00Z (schedule group apprunner-scheduler-test):',
    );
    expect(run.out).toMatch(
      /weekday-morning\s+resume\s+Europe\/Berlin\s+Thu 2026-12-24 06:40 \+01:00\s+2026-12-24 05:40Z\s+ready by 07:00\s+cron\(40 6 \? \* MON-FRI \*\)/,
    );
    expect(run.out).toMatch(/Fri 2026-12-25 06:40 \+01:00\s+2026-12-25 05:40Z\s+skipped: Christmas Day/);
    expect(run.out).toMatch(
      /Mon 2026-12-28 06:40 \+01:00\s+2026-12-28 05:40Z\s+skipped: skip dates 2026-12-28\.\.2026-12-31/,
    );
    expect(run.out).toMatch(/weekday-evening\s+pause\s+Europe\/Berlin\s+\(disabled\)/);
    // A rate schedule fires, but its times are not listed; both things said of it are kept.
    expect(run.out).toMatch(/hand-made\s+\?\s+UTC\s+\(not listed\)\s+rate\(1 hour\)/);
    expect(run.out).toMatch(
      /\n\s+input not read: the Input is not JSON\n\s+not a cron schedule: fire times not shown/,
    );
  });

  it('prints the deployed schedules as JSON with their state and calendar', async () => {
    // Act
    const run = await runCli(
      [
        'schedules',
        '--deployed',
        '--stage',
        'test',
        '--from',
        '2026-12-23T12:00:00Z',
        '--count',
        '2',
        '--json',
      ],
      env,
    );

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.out) as { source: string; schedules: Array<Record<string, unknown>> };
    expect(printed.source).toBe('schedule group apprunner-scheduler-test');
    expect(printed.schedules.map((s) => [s.name, s.enabled])).toEqual([
      ['hand-made', true],
      ['weekday-evening', false],
      ['weekday-morning', true],
    ]);
    expect(printed.schedules[2]).toMatchObject({
      action: 'resume',
      targets: { tags: { env: 'staging' } },
      readyBy: { time: '07:00' },
      skip: 'skip: holidays up to 2031-12-31, 4 days (2026-12-28..2026-12-31)',
      next: [
        { local: '2026-12-24T06:40:00+01:00', readyBy: '2026-12-24T06:00:00.000Z' },
        {
          local: '2026-12-25T06:40:00+01:00',
          skipped: { reason: 'HOLIDAY', name: 'Christmas Day', date: '2026-12-25' },
        },
      ],
    });
  });

  it('exits 2 naming the group and region when the stage has no schedule group', async () => {
    // Act
    const run = await runCli(['schedules', '--deployed', '--stage', 'prod'], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      'error: No EventBridge Scheduler schedule group "apprunner-scheduler-prod" in eu-west-1: the stack of stage "prod" is not deployed there',
    );
    expect(run.err).toContain('hint: Pass the --stage and --region the stack was deployed with');
  });

  it('exits 1 naming the endpoint variable when EventBridge Scheduler cannot be reached', async () => {
    // Act
    const run = await runCli(['schedules', '--deployed', '--stage', 'test'], {
      ...env,
      AWS_ENDPOINT_URL_SCHEDULER: 'http://127.0.0.1:9',
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      'error: Cannot reach EventBridge Scheduler (EventBridge Scheduler GetScheduleGroup:',
    );
    expect(run.err).toContain('If AWS_ENDPOINT_URL_SCHEDULER is set, check it.');
  });

  it('reads a local endpoint with no credentials configured, as the other commands do', async () => {
    // Act
    const run = await runCli(['schedules', '--deployed', '--stage', 'test', '--count', '1'], {
      ...env,
      ...NO_CREDENTIALS,
    });

    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('(schedule group apprunner-scheduler-test):');
  });

  it('exits 2 and says how to sign in when there are no credentials', async () => {
    // Act
    // (EventBridge Scheduler at its real endpoint: a local endpoint would need no credentials.)
    const run = await runCli(['schedules', '--deployed', '--stage', 'test'], {
      ...env,
      AWS_ENDPOINT_URL_SCHEDULER: undefined,
      ...NO_CREDENTIALS,
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('error: No AWS credentials found.');
  });

  it('exits 2 for a stage that cannot be a stack name, before any call', async () => {
    // Act
    const run = await runCli(['schedules', '--deployed', '--stage', 'prod/eu'], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      'error: --stage "prod/eu" is not a stage name (letters, digits and -, as in dev or prod)',
    );
  });
});
