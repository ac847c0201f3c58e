// biome-ignore-all lint/suspicious/noExplicitAny: the template is untyped JSON, read by deep property paths.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionInputSchema } from '../../lib/contract/execution-input';
import { type PackageResult, packageStack, REPO, removePackage, resourcesOfType } from './package-stack';

const run = promisify(execFile);

// Packaging a schedules file with calendars, ready-by wake-ups and a classic rule (test/deploy/fixtures/
// calendars.yml): the expressions EventBridge gets, and the input each schedule sends.

let packaged: PackageResult;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  packaged = await packageStack({ schedulesFile: join(REPO, 'test/deploy/fixtures/calendars.yml') });
  if (!packaged.ok || !packaged.template) throw new Error(`osls package failed:\n${packaged.output}`);
});

afterAll(async () => {
  if (packaged) await removePackage(packaged);
});

/** The input a deployed schedule sends, as the workflow receives it once EventBridge filled in the time. */
const fired = (text: string, placeholder: string) =>
  JSON.parse(text.split(placeholder).join('2027-01-04T05:30:00Z')) as Record<string, any>;

describe('packaging schedules with calendars and ready-by times', () => {
  it('fires a ready-by wake-up the file-wide lead early and sends its zone, readyBy and expanded skip days', () => {
    // Act
    const props = packaged.template!.Resources.ScheduleWeekdayMorning!.Properties as Record<string, any>;
    const input = JSON.parse(props.Target.Input);

    // Assess
    expect(props.ScheduleExpression).toBe('cron(30 6 ? * MON-FRI *)');
    expect(props.ScheduleExpressionTimezone).toBe('Europe/Berlin');
    expect(input).toEqual({
      action: 'resume',
      targets: { tags: { env: 'staging' } },
      dryRun: false,
      reason: 'scheduled resume (weekday-morning)',
      requestedBy: 'schedule:weekday-morning',
      schedule: {
        name: 'weekday-morning',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        timezone: 'Europe/Berlin',
        readyBy: '07:00',
        skip: {
          horizon: `${year + 5}-12-31`,
          holidays: expect.objectContaining({
            [`${year}-12-25`]: 'Christmas Day',
            [`${year + 5}-12-26`]: 'Boxing Day',
            [`${year + 1}-03-08`]: "International Women's Day",
          }),
          dates: ['2026-12-24', '2026-12-27..2027-01-01'],
        },
      },
    });
    expect(Object.keys(input.schedule.skip.holidays)[0]).toBe(`${year}-01-01`);
  });

  it('moves a ready-by wake-up whose lead crosses midnight to the day before, and passes allowNoTargets and readyCheck', () => {
    // Act
    const props = packaged.template!.Resources.ScheduleMondayNightBatch!.Properties as Record<string, any>;
    const input = JSON.parse(props.Target.Input);

    // Assess
    expect(props.ScheduleExpression).toBe('cron(50 23 ? * SUN *)');
    expect(props.ScheduleExpressionTimezone).toBe('America/New_York');
    expect(input).toMatchObject({
      allowNoTargets: true,
      readyCheck: 'none',
      schedule: { readyBy: '00:10', skip: { dates: ['2027-01-04'] } },
    });
    expect(input.schedule.skip.holidays[`${year + 1}-07-04`]).toBe('Independence Day');
  });

  it("gives a classic rule an InputTransformer that fills the scheduled time from the event's time", () => {
    // Act
    const rule = packaged.template!.Resources.ScheduleNightlyUtc!;
    const target = (rule.Properties.Targets as Array<Record<string, any>>)[0]!;

    // Assess
    expect(rule.Type).toBe('AWS::Events::Rule');
    expect(target.Input).toBeUndefined();
    expect(target.InputTransformer.InputPathsMap).toEqual({ scheduledTime: '$.time' });
    const input = JSON.parse(target.InputTransformer.InputTemplate);
    expect(input.schedule).toMatchObject({
      name: 'nightly-utc',
      scheduledTime: '<scheduledTime>',
      timezone: 'UTC',
    });
    expect(input.schedule.skip.holidays[`${year}-12-25`]).toBe('Christmas Day');
  });

  it('deploys inputs within 8,192 characters that the workflow accepts once the time is filled in', () => {
    // Prepare
    const schedules = Object.values(resourcesOfType(packaged.template!, 'AWS::Scheduler::Schedule'));
    const rules = Object.values(resourcesOfType(packaged.template!, 'AWS::Events::Rule'));
    const texts = [
      ...schedules.map((s) => [(s.Properties.Target as any).Input, '<aws.scheduler.scheduled-time>']),
      ...rules.map((r) => [
        (r.Properties.Targets as any)[0].InputTransformer.InputTemplate,
        '<scheduledTime>',
      ]),
    ] as Array<[string, string]>;

    // Act
    const results = texts.map(([text, placeholder]) =>
      ExecutionInputSchema.safeParse(fired(text, placeholder)),
    );

    // Assess
    expect(texts).toHaveLength(3);
    for (const [text] of texts) expect(text.length).toBeLessThanOrEqual(8192);
    for (const result of results) expect(result.error).toBeUndefined();
  });

  it('packages without warnings when every horizon is years away, and cfn-lint finds no error', async () => {
    // Act
    const lint = await run('cfn-lint', ['--ignore-checks', 'W3005', '--', packaged.templatePath]).then(
      () => 0,
      (error: { code: number; stdout: string }) => error.code,
    );

    // Assess
    expect(packaged.output).not.toContain('Warning: schedule');
    expect(lint).toBe(0);
  });

  it('keeps the holiday library out of every function bundle', async () => {
    // Prepare: the functions as serverless-esbuild bundles them (the SDK comes with the runtime)
    const handlers = readdirSync(join(REPO, 'functions'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(REPO, 'functions', d.name, 'handler.ts'));

    // Act
    const result = await build({
      entryPoints: handlers,
      bundle: true,
      minify: true,
      write: false,
      outdir: 'out',
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      external: ['@aws-sdk/*', '@smithy/*'],
      metafile: true,
    });

    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /date-holidays|croner|node_modules\/yaml\//.test(i))).toEqual([]);
    for (const file of result.outputFiles) expect(file.contents.length).toBeLessThan(350 * 1024);
  });
});

describe('packaging a schedule whose holidays barely fit', () => {
  it('shrinks the horizon to fit, packages, and warns that the holidays end within a year', async () => {
    // Act
    const result = await packageStack({ schedulesFile: join(REPO, 'test/deploy/fixtures/near-horizon.yml') });

    // Assess
    try {
      expect(result.ok).toBe(true);
      const input = (result.template!.Resources.ScheduleMorning!.Properties as Record<string, any>).Target
        .Input;
      expect(input.length).toBeLessThanOrEqual(8192);
      expect(JSON.parse(input).schedule.skip.horizon).toBe(`${year}-12-31`);
      expect(result.output).toContain(
        `Warning: schedule "morning": with public holidays through ${year + 5} its input would exceed EventBridge's 8,192-character limit: holidays are expanded up to ${year}-12-31 only`,
      );
      expect(result.output).toContain(
        `Warning: schedule "morning": skips public holidays only up to ${year}-12-31 (`,
      );
    } finally {
      await removePackage(result);
    }
  });
});
