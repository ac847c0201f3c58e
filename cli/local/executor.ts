import '../../lib/runtime/polyfills';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { createHandler as createOperations } from '../../functions/operations/handler';
import { createHandler as createPlan } from '../../functions/plan/handler';
import { createHandler as createReport } from '../../functions/report/handler';
import type { AlertMessage, AlertPublisher } from '../../lib/alerts';
import { SdkAppRunner } from '../../lib/app-runner/sdk';
import { immediateRetries, type SdkClientOptions } from '../../lib/app-runner/sdk-clients';
import { SdkTagIndex } from '../../lib/app-runner/tag-index-sdk';
import type { ExecutionReport, ServiceResult } from '../../lib/contract/execution-result';
import type { FreezeStore } from '../../lib/freeze/freeze';
import { type Clock, ManualClock, VirtualClock } from '../../lib/runtime/clock';
import { loadConfigWith } from '../../lib/runtime/config';
import { logger, metrics, tracer } from '../../lib/runtime/powertools';
import { httpProbe, type Runtime } from '../../lib/runtime/runtime';
import type { BatchState, TrackedService } from '../../lib/workflow/batch';
import { decodeStepPayload } from '../../lib/workflow/wire';
import { type Captured, startCapture, stopCapture } from './capture';
import { type FunctionId, type LoadedDefinition, loadDefinition, statesOfType } from './definition';
import { asLambdaError } from './lambda-failures';

/** Something that happened to a service during a local run, for live progress. */
export interface ProgressEvent {
  at: number;
  kind:
    | 'planned'
    | 'scheduled'
    | 'started'
    | 'joined'
    | 'waiting'
    | 'polled'
    | 'running'
    | 'throttled'
    | 'finished';
  service: string;
  detail: string;
}

export interface LocalRunOptions {
  /** Where App Runner calls go (the emulator's endpoint); omit to use the SDK's normal resolution (real AWS). */
  appRunnerEndpoint?: string;
  /** The clock the functions use. A VirtualClock makes Wait states and in-function sleeps take no real time. */
  clock?: Clock;
  /** Function environment on top of the defaults (tunables such as POLL_WINDOW_SECONDS). */
  env?: Record<string, string>;
  /** Where alerts go; default: recorded in the result. */
  alerts?: AlertPublisher;
  /** The stage's freeze, as Plan reads it (default: none). */
  freeze?: FreezeStore;
  /** Called for each progress event. */
  onProgress?: (event: ProgressEvent) => void;
  /** Execution name (default: a timestamped unique name). */
  name?: string;
  /**
   * Fault injection for reliability tests (the CLI never sets it): called before and after every Task
   * invocation with the Task state's name and how many times that state has been invoked in this run
   * (1-based, retries included). An Error returned is thrown as the task's failure: returned in the
   * `before` phase, the handler does not run (a crash or time-out before any work); in the `after` phase,
   * the handler ran to completion and its output is lost (a crash or time-out after its App Runner calls).
   * The engine matches Retry/Catch on the error's `name`: use `Lambda.Unknown` or `States.Timeout`.
   */
  taskFault?: (state: string, invocation: number, phase: 'before' | 'after') => Error | undefined;
  /**
   * The definition to run instead of statemachine/scheduler.asl.yaml. The acceptance tests pass the one the
   * packaged CloudFormation template holds, so a wrong function reference there fails them.
   */
  definition?: LoadedDefinition;
  /**
   * What each function id runs instead of the in-process handler. The acceptance tests bind the bundled
   * handlers from the `osls package` zips, each in its own process, so that one runner serves both layers.
   */
  functions?: Record<FunctionId, FunctionInvoker>;
}

/** How a Task reaches its function: the event as Step Functions sends it in, the function's result out. */
export type FunctionInvoker = (event: unknown, context: Context) => Promise<unknown>;

export interface InvocationStats {
  count: number;
  /** Billed duration in this run's clock (simulated for a VirtualClock), ms. */
  clockMs: number;
  /** Real time spent, ms. */
  realMs: number;
}

export interface LocalRunResult {
  executionArn: string;
  status: 'SUCCEEDED' | 'FAILED';
  /** The report (on success, and on ServicesFailed where the report is the cause). */
  report?: ExecutionReport;
  /**
   * How the execution failed: Step Functions' error and cause (for a function's error, the Lambda error's
   * JSON), and the message a person reads (the error message inside that JSON, else the cause).
   */
  error?: { name: string; cause: string; message: string };
  alerts: AlertMessage[];
  captured: Captured;
  invocations: Record<FunctionId, InvocationStats>;
  /** State transitions, as Step Functions bills them (every state entered). */
  transitions: number;
  /** Estimated history events of the execution (Step Functions' 25,000 limit applies to these). */
  historyEvents: number;
  /** Every delay (seconds) a Wait state was given, in order. */
  waitDelays: number[];
  /** Clock time the execution took, ms. */
  durationMs: number;
  progress: ProgressEvent[];
  /**
   * Every service's outcome as the functions recorded it, in full — the report itself may be shortened to
   * fit Step Functions' limits (see `truncated`); this is what the benchmark and tests measure.
   */
  serviceResults: ServiceResult[];
  /** The largest payload any step received or returned, in characters of JSON (Step Functions: 256 KiB). */
  largestPayloadChars: number;
}

/** Records alerts instead of publishing them. */
export class RecordingAlerts implements AlertPublisher {
  readonly sent: AlertMessage[] = [];
  async publish(alert: AlertMessage): Promise<{ messageId?: string }> {
    this.sent.push(alert);
    return { messageId: `local-${this.sent.length}` };
  }
}

const LOCAL_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:apprunner-scheduler-alerts',
};

/**
 * Runs the real state machine definition in-process with aws-local-stepfunctions, every Task bound to
 * the real handler (middy chain included), App Runner reached through the real SDK.
 */
export async function runLocalExecution(
  input: unknown,
  options: LocalRunOptions = {},
): Promise<LocalRunResult> {
  const clock = options.clock ?? new ManualClock();
  // The emulator answers readiness probes by Host too: send them there unless told otherwise.
  const env = {
    ...LOCAL_ENV,
    ...(options.appRunnerEndpoint ? { READY_CHECK_ENDPOINT_URL: options.appRunnerEndpoint } : {}),
    ...options.env,
  };
  const config = loadConfigWith(env);
  const recorder = new RecordingAlerts();
  const alerts = options.alerts ?? recorder;
  // One set of client options for App Runner and the tag index (the emulator answers both on one endpoint).
  // On a simulated clock the SDK's own retries would back off in real time (minutes of silence in a demo):
  // they retry at once, and the functions' retries (lib/app-runner/guarded.ts) back off on the clock.
  const sdk: SdkClientOptions = {
    maxAttempts: config.APPRUNNER_SDK_MAX_ATTEMPTS,
    requestTimeoutMs: config.APPRUNNER_REQUEST_TIMEOUT_MS,
    ...(clock instanceof VirtualClock
      ? { retryStrategy: immediateRetries(config.APPRUNNER_SDK_MAX_ATTEMPTS) }
      : {}),
    // The emulator accepts any signature; real AWS uses the SDK's own chain.
    ...(options.appRunnerEndpoint
      ? {
          endpoint: options.appRunnerEndpoint,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  };
  const appRunner = new SdkAppRunner(sdk);
  const tagIndex = new SdkTagIndex(sdk);
  const runtime: Runtime = {
    config,
    clock,
    appRunner,
    tagIndex,
    alerts,
    ...(options.freeze ? { freeze: options.freeze } : {}),
    probe: httpProbe(config),
    logger,
    metrics,
    tracer,
  };
  const handlers: Record<FunctionId, FunctionInvoker> = options.functions ?? {
    PlanLambdaFunction: createPlan(runtime) as never,
    StartOperationsLambdaFunction: createOperations('start', runtime) as never,
    CheckOperationsLambdaFunction: createOperations('check', runtime) as never,
    ReportLambdaFunction: createReport(runtime) as never,
  };
  // A copy: the engine is given the definition to run, never the caller's object.
  const { definition, tasks } = options.definition
    ? structuredClone(options.definition)
    : loadDefinition(undefined, config.AWS_REGION);
  const { waits, retrying } = statesOfType(definition);
  const virtual = clock instanceof VirtualClock ? clock : undefined;

  const name =
    options.name ??
    `local-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
  const executionArn = `arn:aws:states:${config.AWS_REGION}:123456789012:execution:apprunner-scheduler-local:${name}`;
  const invocations = Object.fromEntries(
    Object.keys(handlers).map((k) => [k, { count: 0, clockMs: 0, realMs: 0 }]),
  ) as Record<FunctionId, InvocationStats>;
  const progress: ProgressEvent[] = [];
  const emit = (e: ProgressEvent) => {
    progress.push(e);
    options.onProgress?.(e);
  };
  // Simulated Wait states: the delay a batch asked for starts the moment its step returns.
  const waitTimers = new Map<string, Promise<void>>();
  const waitDelays: number[] = [];
  let largestPayloadChars = 0;
  // Full outcomes, keyed by service (Plan's decided outcomes and each batch's finished services).
  const results = new Map<string, ServiceResult>();
  const collectResults = (out: unknown) => {
    const batch = asBatch(out);
    if (batch) {
      for (const svc of batch.services) if (svc.result) results.set(svc.arn, svc.result);
    } else if (out && typeof out === 'object' && Array.isArray((out as { outcomes?: unknown }).outcomes)) {
      for (const o of (out as { outcomes: ServiceResult[] }).outcomes)
        results.set(o.serviceArn || `name:${o.serviceName}`, o);
    }
  };

  const invoke = async (id: FunctionId, given: unknown): Promise<unknown> => {
    // The engine stamps $$.Execution.StartTime with the real time; locally the run's clock is the truth.
    const event =
      id === 'PlanLambdaFunction' && isRecord(given)
        ? { ...given, startTime: new Date(startedAt).toISOString() }
        : given;
    const batchKey = asBatch(event)?.batchId;
    if (virtual && id === 'CheckOperationsLambdaFunction' && batchKey) {
      await (waitTimers.get(batchKey) ?? Promise.resolve());
    }
    const context = fakeContext(id);
    const started = clock.now();
    const realStart = performance.now();
    const run = () => handlers[id](event, context);
    const stats = invocations[id];
    let out: unknown;
    try {
      out = virtual ? await virtual.run(run) : await run();
    } catch (error) {
      // As Lambda hands a function's error to Step Functions: the Cause is the error's JSON.
      throw asLambdaError(error);
    } finally {
      // A failed invocation is an invocation too (and billed).
      stats.count++;
      stats.clockMs += clock.now() - started;
      stats.realMs += performance.now() - realStart;
    }
    const batch = asBatch(out);
    if (batch) {
      reportBatchProgress(asBatch(event), batch, clock, emit, started);
      if (!batch.allDone) waitDelays.push(batch.nextDelaySeconds);
      // The Wait state waits until the batch's nextCheckAt (TimestampPath), counted from now.
      const waitMs = batch.nextCheckAt ? Math.max(0, Date.parse(batch.nextCheckAt) - clock.now()) : 0;
      if (virtual && !batch.allDone) waitTimers.set(batch.batchId, virtual.timer(waitMs));
    }
    if (id === 'PlanLambdaFunction') reportPlan(out, clock, emit);
    collectResults(out);
    largestPayloadChars = Math.max(
      largestPayloadChars,
      JSON.stringify(event ?? null).length,
      JSON.stringify(out ?? null).length,
    );
    return out as never;
  };

  const taskInvocations = new Map<string, number>();
  const invokeTask = async (state: string, id: FunctionId, event: unknown): Promise<unknown> => {
    const n = (taskInvocations.get(state) ?? 0) + 1;
    taskInvocations.set(state, n);
    const before = options.taskFault?.(state, n, 'before');
    if (before) throw asLambdaError(before);
    let out: unknown;
    try {
      out = await invoke(id, event);
    } catch (error) {
      // The function did its work and failed as it ends (Report's verdict); a crash now replaces that.
      const after = options.taskFault?.(state, n, 'after');
      throw after ? asLambdaError(after) : error;
    }
    const after = options.taskFault?.(state, n, 'after');
    if (after) throw asLambdaError(after);
    return out;
  };
  const taskResourceLocalHandlers = Object.fromEntries(
    Object.entries(tasks).map(([state, id]) => [
      state,
      (event: unknown) => invokeTask(state, id, event) as never,
    ]),
  );
  const machine = new StateMachine(definition as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const captured = startCapture();
  const startedAt = clock.now();
  let transitions = 0;
  let historyEvents = 2; // ExecutionStarted + the final execution event
  let failure: { name: string; cause: string; message: string } | undefined;
  let output: unknown;
  try {
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers,
        ...(virtual
          ? {
              waitTimeOverrides: Object.fromEntries(waits.map((w) => [w, 0])),
              retryIntervalOverrides: Object.fromEntries(retrying.map((r) => [r, 0])),
            }
          : {}),
      },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          StartTime: new Date(startedAt).toISOString(),
          Input: input as never,
        },
      },
    });
    const counting = (async () => {
      for await (const event of execution.eventLogs as AsyncIterable<EventLog>) {
        const counted = countEvent(event);
        transitions += counted.transitions;
        historyEvents += counted.history;
        if (event.type === 'ExecutionFailed') {
          const cause = causeText(event.Cause);
          failure = { name: String(event.Error), cause, message: lambdaErrorMessage(cause) };
        }
      }
    })();
    try {
      output = await execution.result;
    } catch (error) {
      const cause = (error as Error).message;
      failure ??= { name: (error as Error).name, cause, message: lambdaErrorMessage(cause) };
    }
    await counting;
  } finally {
    stopCapture(captured);
    appRunner.destroy();
    tagIndex.destroy();
  }
  let report: ExecutionReport | undefined;
  if (!failure) report = output as ExecutionReport;
  else if (failure.name === 'AppRunnerScheduler.ServicesFailed') {
    try {
      report = JSON.parse(failure.cause) as ExecutionReport;
    } catch {
      report = undefined;
    }
  }
  // Services whose batch failed for good get their outcome only in Report: take those from the report.
  for (const line of report?.services ?? []) {
    const key = line.serviceArn || `name:${line.serviceName}`;
    if (!results.has(key)) results.set(key, line);
  }
  return {
    executionArn,
    status: failure ? 'FAILED' : 'SUCCEEDED',
    ...(report ? { report } : {}),
    ...(failure ? { error: failure } : {}),
    alerts: recorder.sent,
    captured,
    invocations,
    transitions,
    historyEvents,
    waitDelays,
    durationMs: clock.now() - startedAt,
    progress,
    serviceResults: [...results.values()],
    largestPayloadChars,
  };
}

/** The message of a Lambda error's JSON cause (`errorMessage`); the cause itself when it is not one. */
function lambdaErrorMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A task error as Step Functions words its cause: the error's message (the engine hands over the object). */
function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  const message = (cause as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : JSON.stringify(cause);
}

/** A batch payload in its readable form (batches travel between states in a compact wire form). */
function asBatch(value: unknown): BatchState | undefined {
  const decoded = decodeStepPayload(value);
  return isRecord(decoded) && Array.isArray(decoded.services) && 'batchId' in decoded
    ? (decoded as unknown as BatchState)
    : undefined;
}

function fakeContext(id: FunctionId): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `apprunner-scheduler-local-${id.replace(/LambdaFunction$/, '')}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${id}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Step Functions history events per engine event: a Lambda task is entered, scheduled, started,
 * succeeded and exited (5); other states are entered and exited (2); a Map iteration adds 2; a retry
 * adds the failed attempt's 3 (failed, scheduled, started).
 */
type EventLog = {
  type: string;
  state?: { type: string; name?: string; input?: unknown };
  Error?: unknown;
  Cause?: unknown;
};

function countEvent(event: EventLog): { transitions: number; history: number } {
  switch (event.type) {
    case 'StateEntered':
      return { transitions: 1, history: event.state?.type === 'Task' ? 4 : 1 };
    case 'StateExited':
      return { transitions: 0, history: 1 };
    case 'StateRetried':
      return { transitions: 1, history: 3 };
    case 'StateFailed':
    case 'StateCaught':
      return { transitions: 0, history: 1 };
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      return { transitions: 0, history: 1 };
    default:
      return { transitions: 0, history: 0 };
  }
}

function reportPlan(out: unknown, clock: Clock, emit: (e: ProgressEvent) => void): void {
  const plan = out as {
    outcomes?: Array<{ serviceName: string; outcome: string; reason?: string }>;
    batches?: BatchState[];
  };
  for (const o of plan.outcomes ?? []) {
    emit({
      at: clock.now(),
      kind: 'finished',
      service: o.serviceName,
      detail: `${o.outcome}${o.reason ? ` ${o.reason}` : ''}`,
    });
  }
  for (const b of (plan.batches ?? []).flatMap((x) => asBatch(x) ?? [])) {
    for (const s of b.services)
      emit({
        at: clock.now(),
        kind: 'planned',
        service: s.name,
        detail: `${b.run.action} (status ${s.status})`,
      });
  }
}

function reportBatchProgress(
  before: BatchState | undefined,
  after: BatchState,
  clock: Clock,
  emit: (e: ProgressEvent) => void,
  invoked: number,
): void {
  const prev = new Map<string, TrackedService>((before?.services ?? []).map((s) => [s.arn, s]));
  const events: ProgressEvent[] = [];
  const push = (e: ProgressEvent) => events.push(e);
  for (const svc of after.services) {
    const old = prev.get(svc.arn);
    const at = clock.now();
    if (svc.operationId && svc.operationId !== old?.operationId) {
      const joined = svc.joined === true;
      push({
        // Started: when App Runner started it. Joined: it began before, so when this step began looking.
        at: joined ? invoked : Math.min(at, svc.operationStartedAt ?? at),
        kind: joined ? 'joined' : 'started',
        service: svc.name,
        detail: `operation ${svc.operationId}`,
      });
    }
    if (svc.phase === 'WAITING' && old?.phase !== 'WAITING') {
      push({
        at,
        kind: 'waiting',
        service: svc.name,
        detail: `waiting for ${svc.waitingFor ?? 'another operation'}`,
      });
    }
    if (svc.notBefore !== undefined && old?.notBefore === undefined && svc.phase === 'PENDING') {
      const readyBy = after.run.readyBy ? ` to be ready by ${after.run.readyBy}` : '';
      push({
        at,
        kind: 'scheduled',
        service: svc.name,
        detail: `starts at ${new Date(svc.notBefore).toISOString()}${readyBy}`,
      });
    }
    if (svc.phase !== 'DONE' && svc.polls > (old?.polls ?? 0)) {
      push({ at, kind: 'polled', service: svc.name, detail: `${svc.polls} polls, status ${svc.status}` });
    }
    if (svc.runningAt !== undefined && old?.runningAt === undefined && svc.phase === 'PROBING') {
      const took =
        svc.operationStartedAt !== undefined
          ? ` after ${Math.round((svc.runningAt - svc.operationStartedAt) / 1000)}s`
          : '';
      push({
        at: svc.runningAt,
        kind: 'running',
        service: svc.name,
        detail: `RUNNING${took}; probing https://${svc.url ?? '?'}${svc.readyPath ?? '/'}`,
      });
    }
    if (svc.result && !old?.result) {
      const r = svc.result;
      const ready =
        r.readySeconds !== undefined
          ? `, ready ${r.readySeconds}s later`
          : r.readyCheckSkipped
            ? ` (readiness not probed: ${r.readyCheckSkipped})`
            : '';
      const missed = r.missedBySeconds ? `, ${r.missedBySeconds}s after ready-by` : '';
      push({
        at: r.finishedAt ? Date.parse(r.finishedAt) : at,
        kind: 'finished',
        service: svc.name,
        detail: `${r.outcome}${r.reason ? ` ${r.reason}` : ''}${r.durationSeconds !== undefined ? ` after ${r.durationSeconds}s` : ''}${ready}${missed}`,
      });
    }
  }
  const retried = (after.retried ?? 0) - (before?.retried ?? 0);
  if (retried > 0) {
    push({
      at: clock.now(),
      kind: 'throttled',
      service: '(App Runner)',
      detail: `${retried} request${retried === 1 ? '' : 's'} refused for a moment (throttling, 5xx, time-out) and retried`,
    });
  }
  events.sort((x, y) => x.at - y.at);
  for (const e of events) emit(e);
}
