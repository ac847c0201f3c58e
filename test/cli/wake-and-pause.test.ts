import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, SAMPLE_FLEET_PATH, startEmulator } from '../../emulator/index';
import { LEASE_BY_TAG, LEASE_REASON_TAG, LEASE_TAG } from '../../lib/contract/tags';
import {
  closedPort,
  createStateMachine,
  type Moto,
  rejectingWorkflow,
  report,
  result,
  runCli,
  standInWorkflow,
  startMoto,
} from './helpers';

// `wake` and `pause` against a real Step Functions API (moto, running stand-in workflows) and the App Runner
// emulator. One moto serves both (its start and first request cost ~3.5 s of CPU).

let moto: Moto;
let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  [moto, emulator] = await Promise.all([startMoto(), startEmulator({ fleet: SAMPLE_FLEET_PATH })]);
  env = {
    AWS_ENDPOINT_URL_SFN: moto.endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: moto.endpoint,
    AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint,
    AWS_REGION: 'us-east-1',
  };
});

afterAll(async () => {
  await Promise.all([moto?.stop(), emulator?.stop()]);
});

const succeeded = () =>
  report('resume', [
    result('api-staging', 'SUCCEEDED', {
      fromStatus: 'PAUSED',
      toStatus: 'RUNNING',
      durationSeconds: 74,
      polls: 4,
    }),
    result('search', 'SKIPPED', { reason: 'ALREADY_RUNNING', toStatus: 'RUNNING' }),
  ]);

async function executionsOf(stateMachineArn: string) {
  const out = await moto.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  return out.executions ?? [];
}

async function inputOf(executionArn: string): Promise<Record<string, unknown>> {
  const out = await moto.sfn.send(new DescribeExecutionCommand({ executionArn }));
  return JSON.parse(out.input ?? '{}') as Record<string, unknown>;
}

describe('apprunner-scheduler wake', () => {
  it.each([
    ['text', []],
    ['--json', ['--json']],
  ])(
    'exits 1 saying no service outcome is known when the execution succeeds without a report (%s)',
    async (_how, flags) => {
      // Prepare: some other workflow, which ends well with an output that is not a report
      const arn = await createStateMachine(moto, {
        StartAt: 'Say hello',
        States: { 'Say hello': { Type: 'Pass', Result: { hello: 'world' }, End: true } },
      });

      // Act
      const run = await runCli(['wake', 'api-staging', '--poll-seconds', '0.05', ...flags], {
        ...env,
        APPRUNNER_SCHEDULER_STATE_MACHINE_ARN: arn,
      });

      // Assess
      expect(run.code).toBe(1);
      expect(run.err).toContain(
        'error: the execution SUCCEEDED, but its output is not an App Runner Scheduler report: no service outcome is known.',
      );
      expect(run.err).toMatch(/\n {2}output: \{"hello": ?"world"\}\n/);
      expect(run.err).toContain('hint: is this state machine the App Runner Scheduler workflow?');
      if (flags.length > 0) {
        const printed = JSON.parse(run.out) as { status: string; error: string; output: string };
        expect(printed).toMatchObject({
          status: 'SUCCEEDED',
          error: 'the execution SUCCEEDED, but its output is not an App Runner Scheduler report',
        });
        expect(JSON.parse(printed.output)).toEqual({ hello: 'world' });
      }
    },
  );

  it('starts the workflow with the contract input, prints per-service progress and the report, and exits 0', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(succeeded()));
    const before = Date.now();

    // Act
    const run = await runCli(
      [
        'wake',
        'api-staging',
        'search',
        '--until',
        '2h',
        '--reason',
        'INC-42',
        '--requested-by',
        'user:alice',
        '--poll-seconds',
        '0.05',
      ],
      { ...env, APPRUNNER_SCHEDULER_STATE_MACHINE_ARN: arn },
    );
    const [execution] = await executionsOf(arn);

    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(execution?.name).toMatch(/^wake-api-staging-search-\d{8}T\d{4}Z-[0-9a-f]{4}$/);
    const input = await inputOf(execution?.executionArn ?? '');
    expect(input).toMatchObject({
      action: 'resume',
      targets: { serviceNames: ['api-staging', 'search'] },
      dryRun: false,
      reason: 'INC-42',
      requestedBy: 'user:alice',
    });
    const until = Date.parse(String(input.keepAwakeUntil));
    expect(until).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000);
    expect(Object.keys(input).sort()).toEqual(
      ['action', 'dryRun', 'keepAwakeUntil', 'reason', 'requestedBy', 'targets'].sort(),
    );
    expect(run.out).toContain(`(from $APPRUNNER_SCHEDULER_STATE_MACHINE_ARN)`);
    expect(run.out).toContain(
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${execution?.executionArn}`,
    );
    expect(run.out).toMatch(/\] search\s+SKIPPED\s+ALREADY_RUNNING/);
    expect(run.out).toMatch(/\] api-staging\s+planned\s+resume \(status PAUSED\)/);
    expect(run.out).toMatch(/\] api-staging\s+started\s+operation op-1/);
    expect(run.out).toMatch(/\] api-staging\s+SUCCEEDED\s+PAUSED → RUNNING in 74s/);
    expect(run.out).toContain('resume requested by user:alice (INC-42)');
    expect(run.out).toMatch(/api-staging\s+SUCCEEDED\s+PAUSED → RUNNING\s+74s\s+4/);
    expect(run.out).toContain('2 targeted: 1 succeeded, 1 skipped, 0 failed, 0 timed out');
  });

  it('exits 1 and explains each failed service and how to retry it when the workflow ends with ServicesFailed', async () => {
    // Prepare
    const failed = report('resume', [
      result('api-staging', 'SUCCEEDED', { fromStatus: 'PAUSED', toStatus: 'RUNNING' }),
      result('worker', 'FAILED', {
        reason: 'OPERATION_FAILED',
        error: 'App Runner reports operation op-2 FAILED; the service is PAUSED',
      }),
    ]);
    const arn = await createStateMachine(moto, standInWorkflow(failed));

    // Act
    const run = await runCli(
      ['wake', 'api-staging', 'worker', '--state-machine-arn', arn, '--poll-seconds', '0.05'],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/worker\s+FAILED\s+OPERATION_FAILED/);
    expect(run.out).toContain('Needs attention:');
    expect(run.out).toContain('worker: FAILED OPERATION_FAILED — App Runner reports operation op-2 FAILED');
    expect(run.out).toContain('means: App Runner started the operation but reports it FAILED');
    expect(run.out).toContain('Retry: apprunner-scheduler wake worker');
    expect(run.err).toContain(
      'some services need attention (execution FAILED with AppRunnerScheduler.ServicesFailed)',
    );
  });

  it('exits 2 with the workflow message when the workflow rejects the input', async () => {
    // Prepare
    const arn = await createStateMachine(
      moto,
      rejectingWorkflow('targets.serviceNames[0]: must be an App Runner service name'),
    );

    // Act
    const run = await runCli(
      ['wake', 'api-staging', '--state-machine-arn', arn, '--poll-seconds', '0.05'],
      env,
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      'error: the workflow rejected the input: targets.serviceNames[0]: must be an App Runner service name',
    );
  });

  it('sends --ready-by as an ISO time and --ready-check none in the input', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(succeeded()));
    const before = Date.now();

    // Act
    const run = await runCli(
      [
        'wake',
        'api-staging',
        '--ready-by',
        '30m',
        '--ready-check',
        'none',
        '--no-wait',
        '--state-machine-arn',
        arn,
      ],
      env,
    );
    const [execution] = await executionsOf(arn);
    const input = await inputOf(execution?.executionArn ?? '');

    // Assess
    expect(run.code).toBe(0);
    expect(input.readyCheck).toBe('none');
    const readyBy = Date.parse(String(input.readyBy));
    expect(readyBy).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);
    expect(readyBy).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    expect(String(input.readyBy)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(run.out).toContain(`ready by ${input.readyBy}`);
  });

  it('prints a NO_TARGETS warning as an error and exits 1 when the selection matched nothing', async () => {
    // Prepare
    const empty = {
      ...report('resume', []),
      warnings: ['NO_TARGETS: serviceNames api-staging matched no service in us-east-1'],
    };
    const arn = await createStateMachine(moto, standInWorkflow(empty));

    // Act
    const run = await runCli(
      ['wake', 'api-staging', '--state-machine-arn', arn, '--poll-seconds', '0.05'],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      'warning: NO_TARGETS: serviceNames api-staging matched no service in us-east-1',
    );
    expect(run.err).toContain(
      'error: the selection matched no service (NO_TARGETS: serviceNames api-staging matched no service in us-east-1)',
    );
    expect(run.out).toContain('0 targeted: 0 succeeded');
  });

  it('refuses --ready-by in the past, naming the flag, before any call', async () => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(
      [
        'wake',
        'api-staging',
        '--ready-by',
        '2020-01-01T00:00:00Z',
        '--state-machine-arn',
        'arn:aws:states:us-east-1:123456789012:stateMachine:x',
      ],
      env,
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('error: invalid input: readyBy (--ready-by): is in the past');
    expect(emulator.calls).toEqual([]);
  });

  it('with --no-wait prints the execution ARN and console link and returns without following', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(succeeded()));

    // Act
    const run = await runCli(['wake', 'api-staging', '--no-wait', '--state-machine-arn', arn], env);
    const [execution] = await executionsOf(arn);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(`execution:     ${execution?.executionArn}`);
    expect(run.out).toContain('console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/');
    expect(run.out).not.toContain('targeted:');
  });

  it('with --json prints only the report on stdout and the progress on stderr', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(succeeded()));

    // Act
    const run = await runCli(
      ['wake', 'api-staging', 'search', '--json', '--state-machine-arn', arn, '--poll-seconds', '0.05'],
      env,
    );

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.out) as { summary: unknown; services: Array<{ serviceName: string }> };
    expect(printed.summary).toEqual({ targeted: 2, succeeded: 1, skipped: 1, failed: 0, timedOut: 0 });
    expect(printed.services.map((s) => s.serviceName)).toEqual(['api-staging', 'search']);
    expect(run.err).toContain('Started execution wake-api-staging-search-');
  });

  it('refuses an unknown service before starting anything and suggests the closest names', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(succeeded()));

    // Act
    const run = await runCli(['wake', 'api-stagin', 'wrker', '--state-machine-arn', arn], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      'No App Runner service "api-stagin" in us-east-1 (9 services there). Did you mean "api-staging"?',
    );
    expect(run.err).toContain(
      'No App Runner service "wrker" in us-east-1 (9 services there). Did you mean "worker"?',
    );
    expect(run.err).not.toMatch(/\n\s+at /);
    expect(await executionsOf(arn)).toEqual([]);
  });

  it('refuses a malformed service name or ARN with exit 2 before calling App Runner', async () => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(
      [
        'wake',
        'no spaces',
        'arn:aws:apprunner:us-east-1:123:service/x',
        '--state-machine-arn',
        'arn:aws:states:us-east-1:123456789012:stateMachine:x',
      ],
      env,
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('"no spaces" is not an App Runner service name');
    expect(run.err).toContain('"arn:aws:apprunner:us-east-1:123:service/x" is not an App Runner service ARN');
    expect(emulator.calls).toEqual([]);
  });

  it('refuses an --until in the past with exit 2 naming the field and the flag', async () => {
    // Act
    const run = await runCli(
      [
        'wake',
        'api-staging',
        '--until',
        '2020-01-01T00:00:00Z',
        '--state-machine-arn',
        'arn:aws:states:us-east-1:123456789012:stateMachine:x',
      ],
      env,
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('error: invalid input: keepAwakeUntil (--until): is in the past');
  });

  it('says the state machine does not exist and where its ARN came from', async () => {
    // Prepare
    const missing = 'arn:aws:states:us-east-1:123456789012:stateMachine:apprunner-scheduler-gone';

    // Act
    const run = await runCli(['wake', 'api-staging'], {
      ...env,
      APPRUNNER_SCHEDULER_STATE_MACHINE_ARN: missing,
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `error: The state machine ${missing} (from $APPRUNNER_SCHEDULER_STATE_MACHINE_ARN) does not exist.`,
    );
    expect(run.err).toContain('hint: Check --stage and --region');
  });

  it('finds the state machine in the StateMachineArn output of the stage stack', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(succeeded()));
    const cfn = new CloudFormationClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await cfn.send(
      new CreateStackCommand({
        StackName: 'apprunner-scheduler-staging',
        TemplateBody: JSON.stringify({
          Resources: { Alerts: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts' } } },
          Outputs: { StateMachineArn: { Value: arn }, AlertTopicArn: { Value: { Ref: 'Alerts' } } },
        }),
      }),
    );
    cfn.destroy();

    // Act
    const run = await runCli(['wake', 'api-staging', '--stage', 'staging', '--no-wait'], {
      ...env,
      APPRUNNER_SCHEDULER_STATE_MACHINE_ARN: undefined,
    });

    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`state machine: ${arn} (from stack apprunner-scheduler-staging (us-east-1))`);
    expect(await executionsOf(arn)).toHaveLength(1);
  });

  it('lists everything it tried when no state machine can be found', async () => {
    // Act
    const run = await runCli(['wake', 'api-staging', '--stage', 'nowhere'], {
      ...env,
      APPRUNNER_SCHEDULER_STATE_MACHINE_ARN: undefined,
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain('error: Cannot find the state machine. Tried:');
    expect(run.err).toContain('  - --state-machine-arn: not set');
    expect(run.err).toContain('  - $APPRUNNER_SCHEDULER_STATE_MACHINE_ARN: not set');
    expect(run.err).toContain('  - stack apprunner-scheduler-nowhere in us-east-1: does not exist');
  });
});

const paused = (...names: string[]) =>
  report(
    'pause',
    names.map((n) =>
      result(n, 'SUCCEEDED', { fromStatus: 'RUNNING', toStatus: 'PAUSED', durationSeconds: 25, polls: 2 }),
    ),
  );

describe('apprunner-scheduler pause', () => {
  beforeEach(async () => {
    // A fresh fleet per test: --force and added services change it.
    await emulator.stop();
    emulator = await startEmulator({ fleet: SAMPLE_FLEET_PATH });
    env = { ...env, AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint };
  });

  it('refuses to pause a service with an active keep-awake lease, names it, and starts nothing', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(paused('demo-app', 'search')));

    // Act
    const run = await runCli(['pause', 'search', 'demo-app', '--state-machine-arn', arn], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `warning: demo-app is kept awake until 2099-01-01T00:00:00Z (tag ${LEASE_TAG}).`,
    );
    expect(run.err).toContain(
      'error: Not pausing: a keep-awake lease is active (demo-app). Nothing was started.',
    );
    expect(run.err).toContain('add --force');
    expect(await executionsOf(arn)).toEqual([]);
    expect(emulator.service('demo-app')?.tags[LEASE_TAG]).toBe('2099-01-01T00:00:00Z');
  });

  it('with --force sends overrideLease and leaves the lease for the workflow to remove', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(paused('demo-app')));
    emulator.clearCalls();

    // Act
    const run = await runCli(
      ['pause', 'demo-app', '--force', '--state-machine-arn', arn, '--poll-seconds', '0.05'],
      env,
    );
    const [execution] = await executionsOf(arn);
    const described = await moto.sfn.send(
      new DescribeExecutionCommand({ executionArn: execution?.executionArn }),
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      '--force: the workflow will remove the keep-awake lease of demo-app right before pausing it',
    );
    expect(emulator.service('demo-app')?.tags[LEASE_TAG]).toBe('2099-01-01T00:00:00Z');
    expect(emulator.calls.map((c) => c.op)).not.toContain('UntagResource');
    expect(execution?.name).toMatch(/^pause-demo-app-\d{8}T\d{4}Z-[0-9a-f]{4}$/);
    expect(JSON.parse(described.input ?? '{}')).toEqual({
      action: 'pause',
      targets: { serviceNames: ['demo-app'] },
      dryRun: false,
      reason: 'on-call pause (CLI)',
      requestedBy: expect.stringMatching(/^user:[\w.@+=,-]+$/),
      overrideLease: true,
    });
    expect(run.out).toContain('1 targeted: 1 succeeded, 0 skipped, 0 failed, 0 timed out');
  });

  it('with --force and Step Functions unreachable leaves the lease in place and exits non-zero', async () => {
    // Prepare
    emulator.clearCalls();

    // Act
    const run = await runCli(
      [
        'pause',
        'demo-app',
        '--force',
        '--state-machine-arn',
        'arn:aws:states:us-east-1:123456789012:stateMachine:apprunner-scheduler-dev',
      ],
      { ...env, AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${await closedPort()}` },
    );

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('error: Cannot reach Step Functions');
    expect(emulator.service('demo-app')?.tags[LEASE_TAG]).toBe('2099-01-01T00:00:00Z');
    expect(emulator.calls.map((c) => c.op)).not.toContain('UntagResource');
    expect(emulator.calls.map((c) => c.op)).not.toContain('PauseService');
  });

  it('with --force --dry-run changes nothing and asks the workflow only to plan', async () => {
    // Prepare
    const arn = await createStateMachine(
      moto,
      standInWorkflow(report('pause', [result('demo-app', 'SKIPPED', { reason: 'DRY_RUN' })])),
    );
    emulator.clearCalls();

    // Act
    const run = await runCli(
      ['pause', 'demo-app', '--force', '--dry-run', '--state-machine-arn', arn, '--poll-seconds', '0.05'],
      env,
    );
    const [execution] = await executionsOf(arn);
    const described = await moto.sfn.send(
      new DescribeExecutionCommand({ executionArn: execution?.executionArn }),
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain('--force (dry run): the lease of demo-app stays');
    expect(emulator.service('demo-app')?.tags[LEASE_TAG]).toBe('2099-01-01T00:00:00Z');
    expect(emulator.calls.map((c) => c.op).sort()).toEqual(
      expect.not.arrayContaining(['UntagResource', 'TagResource', 'PauseService']),
    );
    expect(JSON.parse(described.input ?? '{}')).toMatchObject({ dryRun: true, overrideLease: true });
  });

  it('names who set a lease and why when it refuses to pause', async () => {
    // Prepare
    emulator.addServices({
      name: 'kept-awake',
      status: 'RUNNING',
      tags: {
        env: 'staging',
        [LEASE_TAG]: '2099-01-01T00:00:00Z',
        [LEASE_BY_TAG]: 'user:alice',
        [LEASE_REASON_TAG]: 'INC-42 load test',
      },
    });

    // Act
    const run = await runCli(
      [
        'pause',
        'kept-awake',
        '--state-machine-arn',
        'arn:aws:states:us-east-1:123456789012:stateMachine:apprunner-scheduler-dev',
      ],
      env,
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `warning: kept-awake is kept awake until 2099-01-01T00:00:00Z by user:alice ("INC-42 load test") (tag ${LEASE_TAG}).`,
    );
    expect(run.err).toContain('Nothing was started.');
  });

  it('pauses a service whose lease has expired, noting that it no longer applies', async () => {
    // Prepare
    emulator.addServices({
      name: 'old-lease',
      status: 'RUNNING',
      tags: { env: 'staging', [LEASE_TAG]: '2020-01-01T00:00:00Z' },
    });
    const arn = await createStateMachine(moto, standInWorkflow(paused('old-lease')));

    // Act
    const run = await runCli(
      ['pause', 'old-lease', '--state-machine-arn', arn, '--poll-seconds', '0.05'],
      env,
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'note: old-lease has an expired keep-awake lease (2020-01-01T00:00:00Z); it no longer applies.',
    );
    expect(run.err).toBe('');
    expect(await executionsOf(arn)).toHaveLength(1);
  });

  it('with --dry-run leaves an active lease in place and lets the workflow report KEEP_AWAKE_LEASE', async () => {
    // Prepare
    const arn = await createStateMachine(
      moto,
      standInWorkflow(report('pause', [result('demo-app', 'SKIPPED', { reason: 'KEEP_AWAKE_LEASE' })])),
    );

    // Act
    const run = await runCli(
      ['pause', 'demo-app', '--dry-run', '--state-machine-arn', arn, '--poll-seconds', '0.05'],
      env,
    );
    const [execution] = await executionsOf(arn);
    const described = await moto.sfn.send(
      new DescribeExecutionCommand({ executionArn: execution?.executionArn }),
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.err).toContain('warning: demo-app is kept awake until 2099-01-01T00:00:00Z');
    expect(run.out).toContain('note: dry run: leases are left in place');
    expect(emulator.service('demo-app')?.tags[LEASE_TAG]).toBe('2099-01-01T00:00:00Z');
    expect(JSON.parse(described.input ?? '{}')).toMatchObject({ action: 'pause', dryRun: true });
    expect(run.out).toMatch(/demo-app\s+SKIPPED\s+KEEP_AWAKE_LEASE/);
  });

  it('notes that an explicit pause overrides the opt-out tag', async () => {
    // Prepare
    const arn = await createStateMachine(moto, standInWorkflow(paused('legacy-billing')));

    // Act
    const run = await runCli(['pause', 'legacy-billing', '--no-wait', '--state-machine-arn', arn], env);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'note: legacy-billing carries apprunner-scheduler:opt-out=true (schedules leave it alone); this explicit pause acts on it anyway.',
    );
  });
});
