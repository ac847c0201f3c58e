import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  type ExecutionListItem,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ExecutionReport, warmupMissNote } from '../../lib/contract/execution-result';
import {
  createStateMachine,
  type Moto,
  rejectingWorkflow,
  report,
  result,
  runCli,
  standInWorkflow,
  startMoto,
} from './helpers';

// `history` against moto's Step Functions (real ListExecutions/DescribeExecution of stand-in workflows that
// end with the real payloads; moto allows one execution per state machine, see helpers) and, for paging
// and limits, against aws-sdk-client-mock.

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:apprunner-scheduler-prod';

interface HistoryJson {
  more: boolean;
  runs: Array<{
    name: string;
    status: string;
    action?: string;
    requestedBy?: string;
    summary?: unknown;
    skippedRun?: unknown;
    failed: Array<{ serviceName: string; outcome: string; reason?: string; error?: string }>;
    error?: { name: string; cause: string };
    service?: { serviceName: string; outcome: string };
  }>;
}

describe('apprunner-scheduler history against Step Functions (moto)', () => {
  let moto: Moto;
  let env: Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto();
    env = { AWS_ENDPOINT_URL_SFN: moto.endpoint, AWS_REGION: 'us-east-1' };
  });

  afterAll(async () => {
    await moto?.stop();
  });

  /** Starts one execution with the input the CLI or a schedule would send, and waits for its end. */
  async function runOnce(definition: object, input: object): Promise<string> {
    const stateMachineArn = await createStateMachine(moto, definition);
    const started = await moto.sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'run-1', input: JSON.stringify(input) }),
    );
    for (let i = 0; i < 200; i++) {
      const d = await moto.sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      if (d.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return stateMachineArn;
  }

  const input = (requestedBy: string) => ({
    action: 'resume',
    targets: { tags: { env: 'staging' } },
    dryRun: false,
    reason: 'nightly wake-up',
    requestedBy,
  });

  it('shows a run whose services failed: who, action, status, summary, and each failed service with why', async () => {
    // Prepare
    const failed = report('resume', [
      result('api-staging', 'SUCCEEDED', { fromStatus: 'PAUSED', toStatus: 'RUNNING', durationSeconds: 61 }),
      result('worker', 'FAILED', {
        reason: 'NOT_READY',
        error: 'no answer below 500 within 300 s (last: 502)',
      }),
    ]);
    const arn = await runOnce(standInWorkflow(failed), input('schedule:weekday-morning'));

    // Act
    const run = await runCli(['history', '--state-machine-arn', arn], env);

    // Assess
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^1 run since .* newest first/);
    expect(run.out).toMatch(/schedule:weekday-morning\s+resume\s+FAILED\s+1 ok, 1 failed of 2/);
    expect(run.out).toContain('    worker: FAILED NOT_READY — no answer below 500 within 300 s (last: 502)');
  });

  it('shows a ready-by run whose services were ready late, by how much, and why when the warm-up explains it', async () => {
    // Prepare
    const why = warmupMissNote(242, 30, 'READY_WARMUP_SECONDS');
    const late = report('resume', [
      result('api-staging', 'SUCCEEDED', { readyBy: '2026-11-28T06:00:00.000Z', missedBySeconds: 0 }),
      result('heavy', 'SUCCEEDED', {
        readyBy: '2026-11-28T06:00:00.000Z',
        readyAt: '2026-11-28T06:02:31.000Z',
        missedBySeconds: 151,
        notes: [why],
      }),
    ]);
    const arn = await runOnce(standInWorkflow(late), input('schedule:weekday-morning'));

    // Act
    const text = await runCli(['history', '--state-machine-arn', arn], env);
    const json = await runCli(['history', '--state-machine-arn', arn, '--json'], env);

    // Assess
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/schedule:weekday-morning\s+resume\s+SUCCEEDED\s+2 ok, 1 late of 2/);
    expect(text.out).toContain(`    heavy: ready 151s after its ready-by time 2026-11-28 06:00Z — ${why}`);
    expect(text.out).not.toContain('api-staging: ready');
    const heavy = await runCli(['history', '--service', 'heavy', '--state-machine-arn', arn], env);
    expect(heavy.out).toContain(`ready 151s after its ready-by time; ${why}`);
    expect((JSON.parse(json.out) as { runs: Array<{ late?: unknown }> }).runs[0]?.late).toEqual([
      {
        serviceName: 'heavy',
        readyBy: '2026-11-28T06:00:00.000Z',
        readyAt: '2026-11-28T06:02:31.000Z',
        missedBySeconds: 151,
        notes: [why],
      },
    ]);
  });

  it("with --service shows that service's line of each run", async () => {
    // Prepare
    const ok = report('resume', [
      result('api-staging', 'SUCCEEDED', { fromStatus: 'PAUSED', toStatus: 'RUNNING', durationSeconds: 61 }),
      result('search', 'SKIPPED', { reason: 'ALREADY_RUNNING', toStatus: 'RUNNING' }),
    ]);
    const arn = await runOnce(standInWorkflow(ok), input('user:alice'));

    // Act
    const text = await runCli(['history', '--service', 'api-staging', '--state-machine-arn', arn], env);
    const other = await runCli(
      ['history', '--service', 'checkout', '--state-machine-arn', arn, '--json'],
      env,
    );

    // Assess
    expect(text.code).toBe(0);
    expect(text.out).toContain('1 run that targeted api-staging since');
    expect(text.out).toMatch(/user:alice\s+resume\s+SUCCEEDED\s+PAUSED → RUNNING\s+61s/);
    expect((JSON.parse(other.out) as HistoryJson).runs).toEqual([]);
    expect(other.err).toContain('note: 1 other run(s) in that time have no line for checkout');
  });

  it('shows a run skipped by a freeze with who froze it, why and until when', async () => {
    // Prepare
    const skipped: ExecutionReport = {
      ...report('resume', []),
      skippedRun: { reason: 'FROZEN', by: 'user:bob', why: 'release 4.2', until: '2026-11-29T08:00:00Z' },
    };
    const arn = await runOnce(standInWorkflow(skipped), input('schedule:weekday-morning'));

    // Act
    const text = await runCli(['history', '--state-machine-arn', arn], env);
    const json = await runCli(['history', '--state-machine-arn', arn, '--json'], env);

    // Assess
    expect(text.out).toMatch(/schedule:weekday-morning\s+resume\s+SUCCEEDED\s+skipped: FROZEN/);
    expect(text.out).toContain('    skipped: FROZEN by user:bob until 2026-11-29T08:00:00Z: release 4.2');
    expect((JSON.parse(json.out) as HistoryJson).runs[0]?.skippedRun).toEqual(skipped.skippedRun);
  });

  it('shows a run the workflow rejected with its error', async () => {
    // Prepare
    const arn = await runOnce(
      rejectingWorkflow('targets.tags.env: must not be empty'),
      input('runbook:carol'),
    );

    // Act
    const run = await runCli(['history', '--state-machine-arn', arn, '--json'], env);

    // Assess
    const [only] = (JSON.parse(run.out) as HistoryJson).runs;
    expect(only).toMatchObject({
      status: 'FAILED',
      action: 'resume',
      requestedBy: 'runbook:carol',
      error: { name: 'AppRunnerScheduler.InvalidInput', cause: 'targets.tags.env: must not be empty' },
    });
  });

  it('exits 2 naming the state machine and where it came from when it does not exist, as wake does', async () => {
    // Prepare
    await moto.reset();
    const missing = 'arn:aws:states:us-east-1:123456789012:stateMachine:apprunner-scheduler-nope';

    // Act
    const run = await runCli(['history', '--state-machine-arn', missing], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(
      `error: The state machine ${missing} (from --state-machine-arn) does not exist.`,
    );
    expect(run.err).toContain('hint: Check --stage and --region');
    expect(run.out).toBe('');
  });
});

describe('apprunner-scheduler history paging (aws-sdk-client-mock)', () => {
  let sfn: AwsClientStub<SFNClient>;
  beforeAll(() => {
    sfn = mockClient(SFNClient);
  });
  afterEach(() => sfn.reset());
  afterAll(() => sfn.restore());

  const HOUR = 3_600_000;
  const now = Date.now();
  /** Executions started every hour, newest first, as Step Functions lists them. */
  const executions = (from: number, count: number): ExecutionListItem[] =>
    Array.from({ length: count }, (_, i) => ({
      executionArn: `${STATE_MACHINE.replace('stateMachine', 'execution')}:run-${from + i}`,
      stateMachineArn: STATE_MACHINE,
      name: `run-${from + i}`,
      status: 'SUCCEEDED',
      startDate: new Date(now - (from + i) * HOUR - 60_000),
    }));
  const describe1 = (executionArn: string): DescribeExecutionOutput => ({
    executionArn,
    stateMachineArn: STATE_MACHINE,
    name: executionArn.split(':').pop(),
    status: 'SUCCEEDED',
    startDate: new Date(now),
    input: JSON.stringify({ action: 'pause', requestedBy: 'schedule:evening' }),
    output: JSON.stringify(report('pause', [result('api-staging', 'SUCCEEDED')])),
  });

  it('follows NextToken until a page reaches before --since, then stops listing', async () => {
    // Prepare
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: executions(0, 2), nextToken: 'p2' })
      .resolvesOnce({ executions: [], nextToken: 'p3' })
      .resolvesOnce({ executions: executions(2, 3), nextToken: 'p4' })
      .resolvesOnce({ executions: executions(5, 2), nextToken: 'p5' });
    sfn.on(DescribeExecutionCommand).callsFake((i: { executionArn: string }) => describe1(i.executionArn));

    // Act
    const run = await runCli(['history', '--since', '4h', '--state-machine-arn', STATE_MACHINE, '--json']);

    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.out) as HistoryJson;
    expect(printed.runs.map((r) => r.name)).toEqual(['run-0', 'run-1', 'run-2', 'run-3']);
    expect(printed.more).toBe(false);
    const tokens = sfn.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input.nextToken);
    expect(tokens).toEqual([undefined, 'p2', 'p3']);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(4);
  });

  it('describes only the newest --limit runs and says there are more', async () => {
    // Prepare
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: executions(0, 3), nextToken: 'p2' })
      .resolvesOnce({ executions: executions(3, 3), nextToken: 'p3' });
    sfn.on(DescribeExecutionCommand).callsFake((i: { executionArn: string }) => describe1(i.executionArn));

    // Act
    const run = await runCli(['history', '--limit', '2', '--state-machine-arn', STATE_MACHINE]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^2 runs since/);
    expect(run.out).toContain('Only the newest 2 runs were read');
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(1);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(2);
    expect(run.out).toMatch(/schedule:evening\s+pause\s+SUCCEEDED\s+1 ok of 1/);
  });

  it.each([
    [['history', '--since', 'yesterday'], "option '--since <when>' argument 'yesterday' is invalid"],
    [['history', '--since', '120d'], 'within 90 days'],
    [['history', '--limit', '0'], "option '--limit <n>' argument '0' is invalid"],
  ])('exits 2 before any call for %j', async (args, message) => {
    // Act
    const run = await runCli([...args, '--state-machine-arn', STATE_MACHINE]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(sfn.calls()).toHaveLength(0);
  });
});
