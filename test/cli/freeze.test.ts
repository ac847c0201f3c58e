import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, SAMPLE_FLEET_PATH, startEmulator } from '../../emulator/index';
import {
  activeFreeze,
  DEFAULT_FREEZE_DAYS,
  type Freeze,
  type FreezeStore,
  freezeEnd,
  freezeParameterName,
  InvalidFreezeError,
  isFrozen,
} from '../../lib/freeze/freeze';
import { InMemoryFreezeStore } from '../../lib/freeze/memory-store';
import { SsmFreezeStore } from '../../lib/freeze/ssm-store';
import { closedPort, type Moto, runCli, silentEndpoint, startMoto } from './helpers';

// The freeze: its store (one contract suite for SSM on moto and for memory) and the freeze, unfreeze and
// status commands against moto's SSM and the App Runner emulator.

let moto: Moto;
let ssm: SSMClient;
let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  [moto, emulator] = await Promise.all([startMoto(), startEmulator({ fleet: SAMPLE_FLEET_PATH })]);
  ssm = new SSMClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  env = {
    AWS_ENDPOINT_URL_SSM: moto.endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: moto.endpoint,
    AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
    AWS_REGION: 'us-east-1',
  };
});

/** Forgets every parameter and stack, then deploys the stacks of the stages dev and prod (as far as a freeze cares). */
async function resetWithStages(): Promise<void> {
  await moto.reset();
  const cfn = new CloudFormationClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    for (const stage of ['dev', 'prod']) {
      await cfn.send(
        new CreateStackCommand({
          StackName: `apprunner-scheduler-${stage}`,
          TemplateBody: JSON.stringify({
            Resources: { Alerts: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `alerts-${stage}` } } },
          }),
        }),
      );
    }
  } finally {
    cfn.destroy();
  }
}

afterAll(async () => {
  ssm?.destroy();
  await Promise.all([moto?.stop(), emulator?.stop()]);
});

const sample: Freeze = {
  by: 'user:alice',
  reason: 'release 4.2',
  until: '2026-12-02T08:00:00Z',
  at: '2026-12-01T20:00:00Z',
};

let parameters = 0;

describe.each([
  {
    name: 'SsmFreezeStore (moto)',
    make: async (): Promise<{ store: FreezeStore; writeRaw(text: string): Promise<void> }> => {
      parameters += 1;
      const name = freezeParameterName(`contract${parameters}`);
      return {
        store: new SsmFreezeStore(ssm, name),
        writeRaw: async (text) => {
          await ssm.send(
            new PutParameterCommand({ Name: name, Value: text, Type: 'String', Overwrite: true }),
          );
        },
      };
    },
  },
  {
    name: 'InMemoryFreezeStore',
    make: async () => {
      let store = new InMemoryFreezeStore();
      const wrapper: FreezeStore = {
        get: () => store.get(),
        put: (f) => store.put(f),
        delete: () => store.delete(),
      };
      return {
        store: wrapper,
        writeRaw: async (text: string) => {
          store = new InMemoryFreezeStore(text);
        },
      };
    },
  },
])('a freeze store: $name', ({ make }) => {
  it('has no freeze until one is put, then returns it as stored', async () => {
    // Prepare
    const { store } = await make();

    // Act
    const before = await store.get();
    await store.put(sample);
    const after = await store.get();

    // Assess
    expect(before).toBeUndefined();
    expect(after).toEqual(sample);
  });

  it('replaces a freeze with the next one put', async () => {
    // Prepare
    const { store } = await make();
    await store.put(sample);

    // Act
    await store.put({ ...sample, by: 'user:bob', reason: 'longer', until: '2026-12-05T08:00:00Z' });

    // Assess
    expect(await store.get()).toMatchObject({
      by: 'user:bob',
      reason: 'longer',
      until: '2026-12-05T08:00:00Z',
    });
  });

  it('deletes a freeze once and says whether there was one', async () => {
    // Prepare
    const { store } = await make();
    await store.put(sample);

    // Act
    const first = await store.delete();
    const second = await store.delete();

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await store.get()).toBeUndefined();
  });

  it('refuses to read a value that is not a freeze, naming the bad fields', async () => {
    // Prepare
    const { store, writeRaw } = await make();
    await writeRaw(JSON.stringify({ by: 'user:alice', until: 'tomorrow', at: '2026-12-01T20:00:00Z' }));

    // Act
    const read = store.get();

    // Assess
    await expect(read).rejects.toThrow(InvalidFreezeError);
    await expect(read).rejects.toThrow(
      /reason: .*; until: must be an ISO-8601 timestamp|until: must be an ISO-8601 timestamp/,
    );
  });

  it('never writes a freeze without a reason', async () => {
    // Prepare
    const { store } = await make();

    // Act
    const put = store.put({ ...sample, reason: '  ' });

    // Assess
    await expect(put).rejects.toThrow(/must say why/);
    expect(await store.get()).toBeUndefined();
  });
});

describe('a freeze in time', () => {
  it('ends at its until, or seven days after it was set when it has none', () => {
    // Prepare
    const { until: _, ...withoutUntil } = sample;

    // Act
    const explicit = freezeEnd(sample);
    const implicit = freezeEnd(withoutUntil);

    // Assess
    expect(new Date(explicit).toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(implicit - Date.parse(sample.at)).toBe(DEFAULT_FREEZE_DAYS * 86_400_000);
  });

  it('applies until its end and no longer after it, by itself', async () => {
    // Prepare
    const store = new InMemoryFreezeStore(sample);
    const end = Date.parse('2026-12-02T08:00:00Z');

    // Act
    const during = await activeFreeze(store, end - 1);
    const after = await activeFreeze(store, end);

    // Assess
    expect(during).toEqual(sample);
    expect(after).toBeUndefined();
    expect(isFrozen(undefined, end)).toBe(false);
  });
});

async function storedFreeze(stage: string): Promise<Record<string, unknown> | undefined> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: freezeParameterName(stage) }));
    return JSON.parse(out.Parameter?.Value ?? '{}') as Record<string, unknown>;
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  }
}

describe('apprunner-scheduler freeze and unfreeze', () => {
  beforeEach(async () => {
    await resetWithStages();
  });

  it('stores who, why, until and when in the stage parameter and says how to lift it', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const run = await runCli(
      [
        'freeze',
        '--reason',
        'release 4.2: no restarts',
        '--until',
        '2h',
        '--requested-by',
        'user:alice',
        '--stage',
        'prod',
      ],
      env,
    );
    const stored = await storedFreeze('prod');

    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(stored).toMatchObject({ by: 'user:alice', reason: 'release 4.2: no restarts' });
    expect(Object.keys(stored ?? {}).sort()).toEqual(['at', 'by', 'reason', 'until']);
    const until = Date.parse(String(stored?.until));
    expect(until).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000);
    expect(run.out).toContain('Stage prod (us-east-1): scheduled runs FROZEN until ');
    expect(run.out).toContain('by user:alice: release 4.2: no restarts.');
    expect(run.out).toContain('stored in SSM parameter /apprunner-scheduler/prod/freeze');
    expect(run.out).toContain('apprunner-scheduler unfreeze --stage prod');
  });

  it(`ends a freeze without --until after ${DEFAULT_FREEZE_DAYS} days`, async () => {
    // Act
    const run = await runCli(['freeze', '--reason', 'holidays', '--json'], env);
    const stored = await storedFreeze('dev');

    // Assess
    expect(run.code).toBe(0);
    expect(Date.parse(String(stored?.until)) - Date.parse(String(stored?.at))).toBe(
      DEFAULT_FREEZE_DAYS * 86_400_000,
    );
    expect(JSON.parse(run.out)).toMatchObject({ stage: 'dev', parameter: '/apprunner-scheduler/dev/freeze' });
  });

  it.each([
    [['freeze'], "error: required option '--reason <text>' not specified"],
    [['freeze', '--reason', 'x', '--until', '40d'], '--until "40d" is more than 31 days ahead'],
    [
      ['freeze', '--reason', 'x', '--until', '2020-01-01T00:00:00Z'],
      '--until "2020-01-01T00:00:00Z" is in the past',
    ],
    [['freeze', '--reason', 'x', '--until', '-5m'], '--until "-5m": must be in the future'],
    [['freeze', '--reason', '   '], 'invalid freeze: --reason: must say why'],
    [
      ['freeze', '--reason', 'x', '--requested-by', 'Alice Smith'],
      'invalid freeze: --requested-by: may contain',
    ],
    [['freeze', '--reason', 'x', '--stage', 'no/slash'], '--stage "no/slash" is not a stage name'],
  ])('exits 2 and changes nothing for %j', async (args, message) => {
    // Act
    const run = await runCli(args, env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(await storedFreeze('dev')).toBeUndefined();
  });

  it('says what it replaced when freezing a frozen stage', async () => {
    // Prepare
    await runCli(['freeze', '--reason', 'first', '--requested-by', 'user:alice'], env);

    // Act
    const run = await runCli(
      ['freeze', '--reason', 'second', '--requested-by', 'user:bob', '--until', '1d'],
      env,
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Replaced the freeze by user:alice until \S+ \(first\)\./);
    expect(await storedFreeze('dev')).toMatchObject({ by: 'user:bob', reason: 'second' });
  });

  it('--json says what it replaced, and has no replaced when there was nothing to replace', async () => {
    // Prepare
    const first = await runCli(
      ['freeze', '--reason', 'first', '--requested-by', 'user:alice', '--json'],
      env,
    );

    // Act
    const second = await runCli(
      ['freeze', '--reason', 'second', '--requested-by', 'user:bob', '--until', '1d', '--json'],
      env,
    );

    // Assess
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).not.toHaveProperty('replaced');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({
      freeze: { by: 'user:bob', reason: 'second' },
      replaced: { by: 'user:alice', reason: 'first' },
    });
  });

  it('lifts a freeze, and says so when there was none', async () => {
    // Prepare
    await runCli(['freeze', '--reason', 'release', '--requested-by', 'user:alice', '--stage', 'prod'], env);

    // Act
    const lifted = await runCli(['unfreeze', '--stage', 'prod'], env);
    const again = await runCli(['unfreeze', '--stage', 'prod'], env);

    // Assess
    expect(lifted.code).toBe(0);
    expect(lifted.out).toContain(
      'Stage prod (us-east-1): lifted the freeze by user:alice (release); scheduled runs act again.',
    );
    expect(await storedFreeze('prod')).toBeUndefined();
    expect(again.code).toBe(0);
    expect(again.out).toContain('Stage prod (us-east-1) was not frozen; nothing to do.');
  });

  it('exits 2 naming the stage and writes nothing when the stage is not deployed', async () => {
    // Act
    const run = await runCli(['freeze', '--reason', 'release', '--stage', 'prdo'], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      'error: No stage "prdo" in us-east-1: the stack apprunner-scheduler-prdo does not exist.',
    );
    expect(run.err).toContain('hint: Check --stage and --region');
    expect(run.out).toBe('');
    expect(await storedFreeze('prdo')).toBeUndefined();
  });

  it('exits 1 and writes nothing when CloudFormation cannot be reached to check the stage', async () => {
    // Act
    const run = await runCli(['freeze', '--reason', 'x', '--stage', 'prod'], {
      ...env,
      AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${await closedPort()}`,
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain('error: Cannot reach CloudFormation');
    expect(await storedFreeze('prod')).toBeUndefined();
  });

  it('exits 1 and writes nothing when what answers for CloudFormation names no stack (a proxy page)', async () => {
    // Prepare: an endpoint that answers every request with 200 and a web page
    const page = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'),
    );
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const { port } = page.address() as AddressInfo;

    // Act
    const run = await runCli(['freeze', '--reason', 'x', '--stage', 'prdo'], {
      ...env,
      AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${port}`,
    }).finally(() => new Promise((resolve) => page.close(resolve)));

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      'error: CloudFormation DescribeStacks answered without the stack apprunner-scheduler-prdo: cannot tell whether stage "prdo" is deployed in us-east-1.',
    );
    expect(run.out).toBe('');
    expect(await storedFreeze('prdo')).toBeUndefined();
  });

  it('exits 2 for unfreeze of a stage that is not deployed, but still lifts a freeze left behind by one', async () => {
    // Prepare
    await ssm.send(
      new PutParameterCommand({
        Name: freezeParameterName('gone'),
        Value: JSON.stringify({ ...sample, until: new Date(Date.now() + 3_600_000).toISOString() }),
        Type: 'String',
      }),
    );

    // Act
    const typo = await runCli(['unfreeze', '--stage', 'prdo'], env);
    const leftover = await runCli(['unfreeze', '--stage', 'gone'], env);

    // Assess
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('error: No stage "prdo" in us-east-1');
    expect(typo.out).toBe('');
    expect(leftover.code).toBe(0);
    expect(leftover.out).toContain('Stage gone (us-east-1): lifted the freeze by user:alice');
    expect(await storedFreeze('gone')).toBeUndefined();
  });

  it('exits 1 naming the endpoint variable when SSM cannot be reached, and writes nothing', async () => {
    // Act
    const run = await runCli(['freeze', '--reason', 'x'], {
      ...env,
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${await closedPort()}`,
    });

    // Assess
    expect(run.code).toBe(1);
    expect(run.err).toContain('error: Cannot reach SSM');
    expect(run.err).toContain('If AWS_ENDPOINT_URL_SSM is set, check it.');
    expect(await storedFreeze('dev')).toBeUndefined();
  });
});

describe('apprunner-scheduler status and a freeze', () => {
  beforeEach(async () => {
    await resetWithStages();
  });

  it('shows the freeze above the table and marks the next scheduled actions before its end as skipped', async () => {
    // Prepare
    await runCli(['freeze', '--reason', 'release 4.2', '--until', '3d', '--requested-by', 'user:alice'], env);

    // Act
    const text = await runCli(['status', '--schedules', 'schedules.yml'], env);
    const json = await runCli(['status', '--schedules', 'schedules.yml', '--json'], env);
    const parsed = JSON.parse(json.out) as {
      freeze: { stage: string; parameter: string; freeze?: Freeze; until?: string };
      services: Array<{ name: string; next?: { skip?: string } }>;
    };

    // Assess
    expect(text.code).toBe(0);
    expect(text.out).toMatch(
      /Scheduled runs of stage dev: FROZEN until \S+ \S+ \(in (2d 23h|3d 0h)\) by user:alice: release 4\.2\./,
    );
    expect(parsed.freeze).toMatchObject({
      stage: 'dev',
      parameter: '/apprunner-scheduler/dev/freeze',
      freeze: { by: 'user:alice' },
    });
    expect(parsed.services.find((s) => s.name === 'api-staging')?.next?.skip).toBe('FROZEN');
  });

  it('says the stage is not frozen, or that it cannot tell, without failing', async () => {
    // Act
    const clear = await runCli(['status'], env);
    const unknown = await runCli(['status'], {
      ...env,
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${await closedPort()}`,
    });

    // Assess
    expect(clear.code).toBe(0);
    expect(clear.out).toContain('Scheduled runs of stage dev: not frozen.');
    expect(unknown.code).toBe(0);
    expect(unknown.err).toContain('note: cannot tell whether stage dev is frozen: Cannot reach SSM');
  });

  it('does not hold the table back for long when SSM does not answer: one short attempt, then the note', async () => {
    // Prepare
    const silent = await silentEndpoint();
    const started = Date.now();

    // Act
    const run = await runCli(['status'], { ...env, AWS_ENDPOINT_URL_SSM: silent.endpoint }).finally(() =>
      silent.close(),
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('App Runner service(s) in us-east-1');
    expect(run.err).toContain(
      'note: cannot tell whether stage dev is frozen: Cannot reach SSM (SSM GetParameter: no answer within 3 s).',
    );
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
