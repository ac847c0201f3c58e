import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch } from '../../lib/workflow/wire';
import {
  ACCOUNT,
  actionsByFunction,
  callsByFunction,
  PACKAGE_PARAMS,
  packageShipped,
  REGION,
  removeShipped,
  runShipped,
  type Shipped,
  type ShippedRun,
  untilCall,
} from './harness';

// What `osls package` ships, run as AWS would run it: the definition from the packaged template, each
// Task bound to the function its Resource names, each function the bundled handler from its zip in its
// own process with the template's environment, App Runner = the emulator, SNS = a recorder. Real time:
// App Runner operations here take 2-6 s, so each row takes a few seconds.

let shipped: Shipped | undefined;

beforeAll(async () => {
  shipped = await packageShipped();
}, 120_000);

afterAll(() => removeShipped(shipped));

function stack(): Shipped {
  if (!shipped) throw new Error('packaging failed (see beforeAll)');
  return shipped;
}

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:apprunner-scheduler-test-alerts`;
const CHECK = 'CheckOperationsLambdaFunction';
const paused = (name: string, resumeSeconds: number, tags: Record<string, string> = { env: 'staging' }) => ({
  name,
  status: 'PAUSED' as const,
  durations: { resume: resumeSeconds },
  tags,
});
const running = (name: string, tags: Record<string, string> = { env: 'staging' }) => ({
  name,
  status: 'RUNNING' as const,
  durations: { pause: 2 },
  tags,
});

/** Each named service was resumed exactly once, by the operation its report line names, and runs now. */
function expectResumedOnce(run: ShippedRun, names: string[]): void {
  for (const name of names) {
    const service = run.emulator.service(name)!;
    expect(service.status, name).toBe('RUNNING');
    expect(
      run.calls('ResumeService', name).map((c) => c.httpStatus),
      name,
    ).toEqual([200]);
    expect(run.line(name).operationId, name).toBe(
      service.operations.find((o) => o.type === 'RESUME_SERVICE')?.id,
    );
  }
}

describe('the packaged stack', () => {
  it('resumes several services, skips the running one, and reports every outcome', async () => {
    // Prepare
    const fleet = {
      services: [
        paused('api-staging', 2),
        // Longer than Start's poll window (2 s), so that the Wait/Check loop runs too.
        paused('web-staging', 4),
        paused('worker-staging', 2),
        running('search-staging'),
        paused('checkout', 2, { env: 'production' }),
      ],
    };
    const input = { action: 'resume', targets: { tags: { env: 'staging' } }, requestedBy: 'user:acceptance' };

    // Act
    const run = await runShipped(stack(), { fleet, input });

    // Assess
    expect(run.result.error).toBeUndefined();
    expect(run.outcomes()).toEqual({
      'api-staging': 'SUCCEEDED',
      'web-staging': 'SUCCEEDED',
      'worker-staging': 'SUCCEEDED',
      'search-staging': 'SKIPPED ALREADY_RUNNING',
    });
    expectResumedOnce(run, ['api-staging', 'web-staging', 'worker-staging']);
    // The bundled engine probed each resumed service's URL and found it ready after RUNNING.
    for (const name of ['api-staging', 'web-staging', 'worker-staging']) {
      expect(run.emulator.probes.filter((p) => p.service === name).length, name).toBeGreaterThanOrEqual(2);
      const line = run.line(name);
      expect(Date.parse(line.readyAt ?? ''), name).toBeGreaterThanOrEqual(Date.parse(line.runningAt ?? 'x'));
    }
    expect(run.calls('ResumeService', 'search-staging')).toEqual([]);
    expect(run.calls('ResumeService', 'checkout')).toEqual([]);
    expect(run.calls('PauseService')).toEqual([]);
    expect(run.alerts).toEqual([]);
    expect(run.metric('ServicesSucceeded')).toBe(3);
    expect(run.metric('ServicesSkipped')).toBe(1);
    expect(run.problems()).toEqual([]);
    // The bundled Plan found the tagged services through the tag index, not one tag read per service.
    expect(run.emulator.taggingCalls.map((c) => [c.op, c.httpStatus])).toEqual([['GetResources', 200]]);
    expect(run.calls('ListTagsForResource', 'checkout')).toEqual([]);
    // Tracing is on (the template's TracingConfig): the App Runner calls reached X-Ray.
    expect(run.traces.map((t) => t.aws?.operation)).toContain('ResumeService');
    // The tunables the stage was packaged with reached the functions through the template's environment.
    const start = run.pool.invocations.find((i) => i.fn === 'StartOperationsLambdaFunction');
    expect(decodeBatch(start?.event as never).settings).toMatchObject({
      initialDelaySeconds: Number(PACKAGE_PARAMS.pollInitialDelaySeconds),
      minDelaySeconds: Number(PACKAGE_PARAMS.pollMinDelaySeconds),
      pollIntervalSeconds: Number(PACKAGE_PARAMS.pollIntervalSeconds),
      pollWindowSeconds: Number(PACKAGE_PARAMS.pollWindowSeconds),
    });
    // Each Task reached its own function: one Plan, one Start per batch, Checks until done, one Report.
    const { CheckOperationsLambdaFunction: checks, ...once } = run.invocations();
    expect(once).toEqual({
      PlanLambdaFunction: 1,
      StartOperationsLambdaFunction: 1,
      ReportLambdaFunction: 1,
    });
    expect(checks).toBeGreaterThanOrEqual(1);
  });

  it('starts a ready-by wake late, from each service history, and reports the paused hours it ended', async () => {
    // Prepare: paused 10 hours ago after resumes of 2 s; 2 GB, MinSize 2. Ready 32 s from now: the start
    // comes at readyBy - (3 s latest resume + 1 s warm-up + 10 s margin), some 18 s from now.
    // Three working days: resumed (2 s) in the morning, paused (5 s) at night; the last pause 10 hours ago.
    const history = {
      operations: [1, 2, 3].flatMap((day) => [
        {
          type: 'PAUSE_SERVICE' as const,
          status: 'SUCCEEDED' as const,
          startedSecondsAgo: 86_400 * (day - 1) + 36_010,
          durationSeconds: 5,
        },
        {
          type: 'RESUME_SERVICE' as const,
          status: 'SUCCEEDED' as const,
          startedSecondsAgo: 86_400 * (day - 1) + 72_000,
          durationSeconds: 2,
        },
      ]),
    };
    const fleet = {
      autoScalingConfigurations: [{ name: 'high-availability', minSize: 2, maxSize: 5, maxConcurrency: 50 }],
      services: [
        {
          ...paused('api-staging', 2),
          durations: { resume: 2, warmup: 1 },
          instance: { cpu: '1 vCPU', memory: '2 GB' },
          autoScaling: 'high-availability',
          history,
        },
      ],
    };
    const t0 = Date.now();
    const readyBy = new Date(t0 + 32_000).toISOString();
    const input = {
      action: 'resume',
      targets: { serviceNames: ['api-staging'] },
      readyBy,
      requestedBy: 'user:acceptance',
    };

    // Act
    const run = await runShipped(stack(), { fleet, input });

    // Assess
    expect(run.result.error).toBeUndefined();
    const line = run.line('api-staging');
    expect(line).toMatchObject({ outcome: 'SUCCEEDED', readyBy, missedBySeconds: 0 });
    const started = Date.parse(line.operationStartedAt ?? '');
    expect(started - t0).toBeGreaterThan(10_000);
    expect(Date.parse(line.readyAt ?? '')).toBeLessThanOrEqual(Date.parse(readyBy));
    expect(run.calls('ListOperations', 'api-staging').length).toBeGreaterThanOrEqual(1);
    expect(line.pausedHours).toBeGreaterThan(9.9);
    expect(line.estimatedSavingsUsd).toBeGreaterThan(0);
    expect(run.calls('DescribeAutoScalingConfiguration').map((c) => c.httpStatus)).toEqual([200]);
    expect(run.problems()).toEqual([]);
  });

  it('pauses on schedule, but not a service under a keep-awake lease nor one that opted out', async () => {
    // Prepare
    const lease = '2099-01-01T00:00:00Z';
    const fleet = {
      services: [
        running('web-staging'),
        running('demo-app', { env: 'staging', 'apprunner-scheduler:keep-awake-until': lease }),
        running('legacy-billing', { env: 'staging', 'apprunner-scheduler:opt-out': 'true' }),
      ],
    };
    const input = {
      action: 'pause',
      targets: { tags: { env: 'staging' } },
      requestedBy: 'schedule:weekday-evening',
    };

    // Act
    const run = await runShipped(stack(), { fleet, input });

    // Assess
    expect(run.result.error).toBeUndefined();
    expect(run.outcomes()).toEqual({
      'web-staging': 'SUCCEEDED',
      'demo-app': 'SKIPPED KEEP_AWAKE_LEASE',
      'legacy-billing': 'SKIPPED OPTED_OUT',
    });
    expect(run.emulator.service('web-staging')?.status).toBe('PAUSED');
    expect(run.calls('PauseService').map((c) => c.serviceArn?.split('/')[1])).toEqual(['web-staging']);
    expect(run.emulator.service('demo-app')).toMatchObject({ status: 'RUNNING' });
    expect(run.emulator.service('demo-app')?.tags['apprunner-scheduler:keep-awake-until']).toBe(lease);
    expect(run.emulator.service('legacy-billing')?.status).toBe('RUNNING');
    expect(run.calls('UntagResource')).toEqual([]);
    expect(run.alerts).toEqual([]);
    expect(run.problems()).toEqual([]);
    // A scheduled run looks up the stage's freeze (there is none) under the name the stack gave Plan.
    expect(run.parameterReads).toEqual(['/apprunner-scheduler/test/freeze']);
  });

  it('records a scheduled run of a frozen stage as skipped, without any App Runner call', async () => {
    // Prepare
    const fleet = { services: [running('web-staging')] };
    const input = {
      action: 'pause',
      targets: { tags: { env: 'staging' } },
      requestedBy: 'schedule:weekday-evening',
    };
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const freeze = { by: 'user:alice', reason: 'release freeze', at: new Date().toISOString(), until };

    // Act
    const run = await runShipped(stack(), {
      fleet,
      input,
      parameters: { '/apprunner-scheduler/test/freeze': JSON.stringify(freeze) },
    });

    // Assess
    expect(run.result.status).toBe('SUCCEEDED');
    expect(run.result.report?.skippedRun).toEqual({
      reason: 'FROZEN',
      by: 'user:alice',
      why: 'release freeze',
      until,
    });
    expect(run.emulator.calls).toEqual([]);
    expect(run.metric('RunsSkipped')).toBe(1);
    expect(run.problems()).toEqual([]);
  });

  it("loads Plan's SSM client only when it reads the freeze, not when the function starts", () => {
    // Act: the code of the shipped Plan function
    const root = stack().sandbox.taskRoots.PlanLambdaFunction;
    const code = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(m?js|cjs)$/.test(f))
      .map((f) => readFileSync(join(root, f), 'utf8'))
      .join('\n');

    // Assess: a dynamic import only (a static one is loaded at cold start, ~60 ms on every run)
    expect(code).toMatch(/import\(\s*["']@aws-sdk\/client-ssm["']\s*\)/);
    expect(code).not.toMatch(/(from|import)\s*["']@aws-sdk\/client-ssm["']/);
    expect(code).not.toMatch(/require\(\s*["']@aws-sdk\/client-ssm["']\s*\)/);
  });

  it('fails the service whose operation fails, alerts on the stack topic, and fails the execution', async () => {
    // Prepare
    const fleet = { services: [paused('api-staging', 2), paused('worker-staging', 2)] };
    const input = {
      action: 'resume',
      targets: { serviceNames: ['api-staging', 'worker-staging'] },
      requestedBy: 'user:acceptance',
    };

    // Act
    const run = await runShipped(stack(), {
      fleet,
      input,
      faults: [{ type: 'operation-fails', service: 'worker-staging' }],
    });

    // Assess
    expect(run.result.error?.name).toBe('AppRunnerScheduler.ServicesFailed');
    expect(run.outcomes()).toEqual({
      'api-staging': 'SUCCEEDED',
      'worker-staging': 'FAILED OPERATION_FAILED',
    });
    expect(run.emulator.service('worker-staging')?.status).toBe('PAUSED');
    expect(run.calls('ResumeService', 'worker-staging').map((c) => c.httpStatus)).toEqual([200]);
    expect(run.result.report?.alert).toMatchObject({ published: true });
    expect(run.alerts).toHaveLength(1);
    const [alert] = run.alerts;
    expect(alert?.topicArn).toBe(TOPIC);
    expect(alert?.subject).toBe('App Runner Scheduler: resume needs attention (1 of 2 services)');
    expect(alert?.message).toContain('worker-staging: FAILED OPERATION_FAILED');
    expect(alert?.message).toContain(run.emulator.service('worker-staging')?.arn);
    expect(alert?.message).not.toContain('api-staging');
    expect(run.metric('ServicesFailed')).toBe(1);
  });

  it('rejects a bad input at Plan under the error name the function threw, before any App Runner call', async () => {
    // Prepare
    const input = { action: 'restart', targets: { serviceNames: ['api-staging'] } };

    // Act
    const run = await runShipped(stack(), { fleet: { services: [paused('api-staging', 2)] }, input });

    // Assess
    expect(run.result.error?.name).toBe('AppRunnerScheduler.InvalidInput');
    expect(JSON.parse(run.result.error?.cause ?? '{}')).toMatchObject({
      errorType: 'AppRunnerScheduler.InvalidInput',
      errorMessage: expect.stringContaining('action'),
    });
    expect(run.emulator.calls).toEqual([]);
    expect(run.invocations()).toMatchObject({ PlanLambdaFunction: 1, ReportLambdaFunction: 0 });
  });

  describe('when the Check function dies once while polling, every service ends as if nothing happened', () => {
    it.each([
      ['its process crashes', 'crash', 'Runtime.ExitError'],
      ['it runs out of time', 'timeout', 'Sandbox.Timedout'],
    ] as const)('%s (%s → %s)', async (_what, kind, errorType) => {
      // Prepare
      const names = ['api-staging', 'web-staging', 'worker-staging'];
      // Long enough that the first Check (after Start's 2 s window, a 1 s Wait and a cold start on a
      // busy machine) still finds the operations in progress: the fault strikes mid-poll, not at the end.
      const fleet = { services: names.map((name) => paused(name, 6)) };
      const input = { action: 'resume', targets: { serviceNames: names }, requestedBy: 'user:acceptance' };

      // Act
      const run = await runShipped(stack(), {
        fleet,
        input,
        prepare: ({ emulator, pool }) =>
          pool.injectFault(CHECK, {
            invocation: 1,
            kind,
            when: () => untilCall(emulator, ['ListServices', 'DescribeService']),
          }),
      });

      // Assess
      expect(run.pool.struck).toEqual([{ fn: CHECK, invocation: 1, kind }]);
      expect(run.pool.invocations.find((i) => i.fn === CHECK)?.error?.errorType).toBe(errorType);
      expect(run.result.error).toBeUndefined();
      expect(run.outcomes()).toEqual(Object.fromEntries(names.map((n) => [n, 'SUCCEEDED'])));
      expectResumedOnce(run, names);
      expect(run.alerts).toEqual([]);
    });
  });

  // Last in this file: it reads the calls of every run above.
  it("made each App Runner and tagging call under a role that allows it (every run above, by the caller's key)", () => {
    // Act
    if (stack().signedCalls.length === 0) {
      throw new Error(
        'no calls recorded: this check reads the runs of the tests above it (run the whole file)',
      );
    }
    const used = actionsByFunction(stack());

    // Assess
    const allowed = (fn: string) =>
      stack().stack.functions[fn as keyof Shipped['stack']['functions']]?.allowedActions ?? [];
    const denied = Object.entries(used).flatMap(([fn, actions]) =>
      actions.filter((action) => !allowed(fn).includes(action)).map((action) => `${fn}: ${action}`),
    );
    expect(denied).toEqual([]);
    // Not vacuous: the runs above exercised each App Runner caller, write calls included.
    expect(used.PlanLambdaFunction).toEqual(
      expect.arrayContaining(['apprunner:ListServices', 'tag:GetResources']),
    );
    expect([
      ...(used.StartOperationsLambdaFunction ?? []),
      ...(used.CheckOperationsLambdaFunction ?? []),
    ]).toEqual(
      expect.arrayContaining([
        'apprunner:ResumeService',
        'apprunner:PauseService',
        'apprunner:DescribeService',
        'apprunner:ListOperations',
        'apprunner:DescribeAutoScalingConfiguration',
      ]),
    );
    expect(Object.keys(used)).not.toContain('unsigned');
  });

  it("wrote and removed only the tag keys the caller's role allows it to (every run above)", () => {
    // Act
    const tagging = callsByFunction(stack()).filter(
      (c) => c.action === 'apprunner:TagResource' || c.action === 'apprunner:UntagResource',
    );

    // Assess
    const denied = tagging.flatMap(({ fn, action, tagKeys }) => {
      const allowed =
        stack().stack.functions[fn as keyof Shipped['stack']['functions']]?.allowedTagKeys[action];
      return allowed ? tagKeys.filter((k) => !allowed.includes(k)).map((k) => `${fn}: ${action} ${k}`) : [];
    });
    expect(denied).toEqual([]);
    // Not vacuous: the ready-by run above recorded its observed warm-up.
    expect(tagging.flatMap((c) => c.tagKeys)).toContain('apprunner-scheduler:observed-warmup');
  });
});
