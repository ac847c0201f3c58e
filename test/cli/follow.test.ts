import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
  type HistoryEventType,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, SAMPLE_FLEET_PATH, startEmulator } from '../../emulator/index';
import type { ExecutionReport } from '../../lib/contract/execution-result';
import { report, result, runCli, wireBatch } from './helpers';

// The follow loop: a scripted Step Functions history (as the deployed workflow writes it) fed through
// aws-sdk-client-mock, App Runner look-ups against the emulator.

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:apprunner-scheduler-dev';
const EXECUTION = `arn:aws:states:us-east-1:123456789012:execution:apprunner-scheduler-dev:wake-test`;
const sfn = mockClient(SFNClient);
let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ fleet: SAMPLE_FLEET_PATH });
  env = { AWS_ENDPOINT_URL_APPRUNNER: emulator.endpoint, AWS_REGION: 'us-east-1' };
});

afterAll(async () => {
  sfn.restore();
  await emulator?.stop();
});

afterEach(() => {
  sfn.reset();
});

const arnOf = (name: string) => `arn:aws:apprunner:us-east-1:123456789012:service/${name}/${'0'.repeat(32)}`;

/** Builds a history the way Step Functions records the workflow: Lambda tasks, a Map, Wait/Choice states. */
class History {
  readonly events: HistoryEvent[] = [];
  private readonly t0 = Date.parse('2026-11-28T03:01:00Z');

  add(type: HistoryEventType, at: number, details: Partial<HistoryEvent> = {}): this {
    const id = this.events.length + 1;
    this.events.push({
      id,
      previousEventId: id - 1,
      type,
      timestamp: new Date(this.t0 + at * 1000),
      ...details,
    });
    return this;
  }

  /** A Lambda task with a direct function ARN resource (what serverless-step-functions generates). */
  lambda(state: string, at: number, output: unknown): this {
    const json = JSON.stringify(output);
    return this.add('TaskStateEntered', at, { stateEnteredEventDetails: { name: state, input: '{}' } })
      .add('LambdaFunctionScheduled', at, {
        lambdaFunctionScheduledEventDetails: { resource: 'fn', input: '{}' },
      })
      .add('LambdaFunctionStarted', at)
      .add('LambdaFunctionSucceeded', at + 1, { lambdaFunctionSucceededEventDetails: { output: json } })
      .add('TaskStateExited', at + 1, { stateExitedEventDetails: { name: state, output: json } });
  }

  /** A Lambda task through the `lambda:invoke` integration: the output wraps the result in Payload. */
  invoke(state: string, at: number, output: unknown): this {
    const json = JSON.stringify({ StatusCode: 200, Payload: output });
    return this.add('TaskStateEntered', at, { stateEnteredEventDetails: { name: state, input: '{}' } })
      .add('TaskScheduled', at)
      .add('TaskStarted', at)
      .add('TaskSucceeded', at + 1, {
        taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: json },
      })
      .add('TaskStateExited', at + 1, { stateExitedEventDetails: { name: state, output: json } });
  }

  /** One poll round of the Map iteration: Choice → Wait (many events, to make history pages). */
  waitRound(at: number): this {
    return this.add('ChoiceStateEntered', at)
      .add('ChoiceStateExited', at)
      .add('WaitStateEntered', at)
      .add('WaitStateExited', at + 1);
  }
}

const run = {
  action: 'resume',
  dryRun: false,
  reason: 'INC-7',
  requestedBy: 'user:alice',
  scheduled: false,
  startedAt: '2026-11-28T03:01:00Z',
};

function tracked(name: string, phase: string, status: string, extra: Record<string, unknown> = {}) {
  return { arn: arnOf(name), name, phase, status, polls: 0, transientErrors: 0, notes: [], ...extra };
}

function batch(services: Array<ReturnType<typeof tracked>>) {
  return wireBatch(services as Parameters<typeof wireBatch>[0]);
}

/**
 * Scripts the mocked Step Functions: StartExecution returns EXECUTION; each poll (a GetExecutionHistory
 * call without a token) reveals the next slice of the history; the history honours reverseOrder,
 * maxResults and nextToken; DescribeExecution says RUNNING until everything is revealed, then `end`.
 */
function script(
  history: History,
  revealAfter: number[],
  end: Partial<DescribeExecutionOutput>,
): { polls: () => number } {
  let polls = 0;
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    if (!input.nextToken) polls++;
    const visible = history.events.slice(0, revealAfter[polls - 1] ?? history.events.length);
    const ordered = input.reverseOrder ? [...visible].reverse() : visible;
    const offset = Number(input.nextToken ?? 0);
    const size = input.maxResults ?? 100;
    const page = ordered.slice(offset, offset + size);
    return { events: page, ...(offset + size < ordered.length ? { nextToken: String(offset + size) } : {}) };
  });
  sfn.on(DescribeExecutionCommand).callsFake(() => {
    const done = (revealAfter[polls - 1] ?? history.events.length) >= history.events.length;
    const base = { executionArn: EXECUTION, stateMachineArn: STATE_MACHINE, startDate: new Date() };
    return done ? { ...base, ...end } : { ...base, status: 'RUNNING' };
  });
  return { polls: () => polls };
}

function ending(
  history: History,
  at: number,
  final: ExecutionReport,
  failed: boolean,
): Partial<DescribeExecutionOutput> {
  const json = JSON.stringify(final);
  if (failed) {
    history.add('FailStateEntered', at).add('ExecutionFailed', at, {
      executionFailedEventDetails: { error: 'AppRunnerScheduler.ServicesFailed', cause: json },
    });
    return { status: 'FAILED', error: 'AppRunnerScheduler.ServicesFailed', cause: json };
  }
  history
    .add('SucceedStateEntered', at)
    .add('ExecutionSucceeded', at, { executionSucceededEventDetails: { output: json } });
  return { status: 'SUCCEEDED', output: json };
}

const wake = (...extra: string[]) => [
  'wake',
  'api-staging',
  'search',
  '--state-machine-arn',
  STATE_MACHINE,
  '--poll-seconds',
  '0.01',
  ...extra,
];

describe('following an execution', () => {
  it('prints each service change once, in order, across polls and history pages, then the report', async () => {
    // Prepare
    const h = new History()
      .add('ExecutionStarted', 0, { executionStartedEventDetails: { input: '{}' } })
      .lambda('Plan the run', 0, {
        run,
        outcomes: [result('search', 'SKIPPED', { reason: 'ALREADY_RUNNING', toStatus: 'RUNNING' })],
        batches: [batch([tracked('api-staging', 'PENDING', 'PAUSED')])],
        batchConcurrency: 1,
        requests: 4,
      })
      .add('MapStateEntered', 2)
      .add('MapIterationStarted', 2)
      .lambda(
        'Start the operations',
        2,
        batch([
          tracked('api-staging', 'IN_FLIGHT', 'OPERATION_IN_PROGRESS', {
            operationId: 'op-1',
            fromStatus: 'PAUSED',
          }),
        ]),
      );
    const afterStart = h.events.length;
    for (let i = 0; i < 40; i++) h.waitRound(5 + i); // 160 events: more than one page of 100
    h.lambda(
      'Check the operations',
      50,
      batch([
        tracked('api-staging', 'DONE', 'RUNNING', {
          operationId: 'op-1',
          fromStatus: 'PAUSED',
          polls: 3,
          // The wire form carries the start and the end; the duration (47 s) is rebuilt from them.
          operationStartedAt: Date.parse('2026-11-28T03:01:03Z'),
          result: result('api-staging', 'SUCCEEDED', {
            serviceArn: arnOf('api-staging'),
            fromStatus: 'PAUSED',
            toStatus: 'RUNNING',
            durationSeconds: 47,
            polls: 3,
            finishedAt: '2026-11-28T03:01:50Z',
          }),
        }),
      ]),
    )
      .add('MapIterationSucceeded', 52)
      .add('MapStateExited', 52);
    const final = report('resume', [
      result('api-staging', 'SUCCEEDED', {
        serviceArn: arnOf('api-staging'),
        fromStatus: 'PAUSED',
        toStatus: 'RUNNING',
        durationSeconds: 47,
        polls: 3,
      }),
      result('search', 'SKIPPED', { reason: 'ALREADY_RUNNING', toStatus: 'RUNNING' }),
    ]);
    h.lambda('Report the outcomes', 53, final);
    const end = ending(h, 55, final, false);
    const calls = script(h, [6, afterStart, h.events.length - 10], end);

    // Act
    const out = await runCli(wake(), env);

    // Assess
    expect(out.err).toBe('');
    expect(out.code).toBe(0);
    const progress = out.out.split('\n').filter((l) => l.startsWith('[+'));
    expect(progress).toEqual([
      expect.stringMatching(/^\[\+00:01\] search\s+SKIPPED\s+ALREADY_RUNNING$/),
      expect.stringMatching(/^\[\+00:01\] api-staging\s+planned\s+resume \(status PAUSED\)$/),
      expect.stringMatching(/^\[\+00:03\] api-staging\s+started\s+operation op-1$/),
      expect.stringMatching(/^\[\+00:03\] api-staging\s+status\s+OPERATION_IN_PROGRESS$/),
      expect.stringMatching(/^\[\+00:51\] api-staging\s+SUCCEEDED\s+PAUSED → RUNNING in 47s$/),
    ]);
    expect(out.out).toContain('1 succeeded, 1 skipped, 0 failed, 0 timed out');
    expect(calls.polls()).toBe(4);
    const historyCalls = sfn.commandCalls(GetExecutionHistoryCommand);
    expect(historyCalls.every((c) => c.args[0].input.reverseOrder === true)).toBe(true);
    expect(historyCalls.some((c) => c.args[0].input.nextToken !== undefined)).toBe(true);
  });

  it('exits 1 and explains failed and timed-out services when the execution fails with ServicesFailed', async () => {
    // Prepare
    const h = new History()
      .add('ExecutionStarted', 0)
      .invoke('Plan the run', 0, {
        run,
        outcomes: [],
        batches: [
          batch([tracked('api-staging', 'PENDING', 'PAUSED'), tracked('search', 'PENDING', 'PAUSED')]),
        ],
      })
      .add('TaskFailed', 3, {
        taskFailedEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          error: 'Lambda.Unknown',
          cause: '{"errorMessage":"Task timed out after 60.00 seconds"}',
        },
      });
    const final = report('resume', [
      result('api-staging', 'TIMED_OUT', {
        reason: 'DEADLINE_EXCEEDED',
        error: 'deadline passed: operation op-1 still in progress',
      }),
      result('search', 'FAILED', {
        reason: 'OPERATION_FAILED',
        error: 'App Runner reports operation op-2 ROLLBACK_SUCCEEDED; the service is PAUSED',
      }),
    ]);
    final.alert = { published: false, error: 'AuthorizationError: not allowed to publish' };
    final.truncated = { compacted: 120, omitted: { SUCCEEDED: 30 }, limit: 'Fail cause: 32,768 characters' };
    h.invoke('Report the outcomes', 900, final);
    const end = ending(h, 901, final, true);
    script(h, [], end);

    // Act
    const out = await runCli(wake(), env);

    // Assess
    expect(out.code).toBe(1);
    expect(out.out).toMatch(/\(workflow\)\s+step error\s+Lambda.Unknown: Task timed out after 60.00 seconds/);
    expect(out.out).toMatch(/api-staging\s+TIMED_OUT\s+DEADLINE_EXCEEDED — deadline passed/);
    expect(out.out).toContain(
      'api-staging: TIMED_OUT DEADLINE_EXCEEDED — deadline passed: operation op-1 still in progress',
    );
    expect(out.out).toContain('means: the operation did not finish before the run deadline');
    expect(out.out).toContain(
      'search: FAILED OPERATION_FAILED — App Runner reports operation op-2 ROLLBACK_SUCCEEDED',
    );
    expect(out.out).toContain('Retry: apprunner-scheduler wake api-staging search');
    expect(out.err).toContain('error: some services need attention');
    expect(out.out).toContain(
      'Alert: NOT published (AuthorizationError: not allowed to publish); tell the team yourself.',
    );
    expect(out.out).toContain(
      'Report shortened to fit Step Functions (Fail cause: 32,768 characters): 120 lines without details, left out: 30 SUCCEEDED.',
    );
  });

  it('exits 2 with the field the workflow names when it rejects the input', async () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: 'AppRunnerScheduler.InvalidInput',
      errorMessage:
        'targets.serviceArns[0]: must be an App Runner service ARN (arn:aws:apprunner:…:service/<name>/<id>)',
      trace: ['InvalidInputError: …', '    at plan (/var/task/index.mjs:1:1)'],
    });
    const h = new History()
      .add('ExecutionStarted', 0)
      .add('TaskStateEntered', 0, { stateEnteredEventDetails: { name: 'Plan the run' } })
      .add('LambdaFunctionFailed', 1, {
        lambdaFunctionFailedEventDetails: { error: 'AppRunnerScheduler.InvalidInput', cause },
      })
      .add('ExecutionFailed', 1, {
        executionFailedEventDetails: { error: 'AppRunnerScheduler.InvalidInput', cause },
      });
    script(h, [], { status: 'FAILED', error: 'AppRunnerScheduler.InvalidInput', cause });

    // Act
    const out = await runCli(wake(), env);

    // Assess
    expect(out.code).toBe(2);
    expect(out.err).toContain(
      'error: the workflow rejected the input: targets.serviceArns[0]: must be an App Runner service ARN',
    );
    expect(out.err).not.toContain('/var/task');
  });

  it.each([
    ['TIMED_OUT', 'ExecutionTimedOut', 'the execution timed out'],
    ['ABORTED', 'ExecutionAborted', 'the execution was aborted'],
  ] as const)('exits 1 and says so when the execution ends %s', async (status, type, message) => {
    // Prepare
    const h = new History().add('ExecutionStarted', 0).add(type, 7200);
    script(h, [], { status });

    // Act
    const out = await runCli(wake(), env);

    // Assess
    expect(out.code).toBe(1);
    expect(out.err).toContain(`error: ${message}`);
    expect(out.err).toContain(
      `execution: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${EXECUTION}`,
    );
  });

  it('stops following at --timeout with a bounded number of polls, exits 1, and says the execution carries on', async () => {
    // Prepare
    const h = new History().add('ExecutionStarted', 0).add('TaskStateEntered', 0);
    const calls = script(h, Array(10_000).fill(2), { status: 'SUCCEEDED', output: '{}' });
    h.add('ExecutionSucceeded', 3600); // never revealed

    // Act
    const started = Date.now();
    const out = await runCli(wake('--timeout', '0.5s', '--poll-seconds', '0.05'), env);

    // Assess
    expect(out.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(calls.polls()).toBeGreaterThan(2);
    expect(calls.polls()).toBeLessThanOrEqual(12);
    expect(out.err).toContain('is still running and will finish on its own');
    expect(out.err).toContain(`aws stepfunctions describe-execution --execution-arn ${EXECUTION}`);
  });
});
