import { describe, expect, it } from 'vitest';
import {
  afterCallFailure,
  afterOperationLookup,
  afterStatus,
  afterStepFailure,
  beforeAction,
  type CallFailure,
  creditOrSkip,
  limitReached,
} from '../../functions/operations/outcome';
import type { OperationInfo, ServiceStatus } from '../../lib/app-runner/port';
import { LEASE_TAG, OPT_OUT_TAG } from '../../lib/contract/tags';
import type { TrackedService } from '../../lib/workflow/batch';
import type { RunInfo } from '../../lib/workflow/run';
import { BATCH_NOW, trackedService } from '../support/batch';

// The outcome rules of the Start and Check steps, table by table: what each observation means for a service.

const NOW = BATCH_NOW;
const resume: RunInfo = {
  action: 'resume',
  dryRun: false,
  reason: '',
  requestedBy: 'schedule:weekday-morning',
  scheduled: true,
  startedAt: new Date(NOW - 60_000).toISOString(),
};
const pause: RunInfo = { ...resume, action: 'pause' };

const op = (partial: Partial<OperationInfo>): OperationInfo => ({
  id: 'op-1',
  type: 'RESUME_SERVICE',
  status: 'IN_PROGRESS',
  startedAt: NOW - 10_000,
  ...partial,
});

const pending = (status: ServiceStatus, partial: Partial<TrackedService> = {}) =>
  trackedService(1, { phase: 'PENDING', status, ...partial });

describe('before acting on a service', () => {
  it.each([
    {
      rule: 'an operation in progress needs the newest operation before anything is decided',
      svc: pending('OPERATION_IN_PROGRESS'),
      latest: undefined,
      expected: { kind: 'need-latest-operation' },
    },
    {
      rule: 'a resume already in flight is joined, not started again',
      svc: pending('OPERATION_IN_PROGRESS'),
      latest: op({ status: 'PENDING' }),
      expected: { kind: 'join', operation: op({ status: 'PENDING' }) },
    },
    {
      rule: 'a deployment in flight is waited for',
      svc: pending('OPERATION_IN_PROGRESS'),
      latest: op({ id: 'dep-1', type: 'START_DEPLOYMENT' }),
      expected: { kind: 'wait', waitingFor: 'START_DEPLOYMENT operation dep-1' },
    },
    {
      rule: 'a status older than the operation list (nothing open) is read again',
      svc: pending('OPERATION_IN_PROGRESS'),
      latest: op({ status: 'SUCCEEDED' }),
      expected: { kind: 'reread' },
    },
    {
      rule: 'a service without any operation yet is read again',
      svc: pending('OPERATION_IN_PROGRESS'),
      latest: null,
      expected: { kind: 'reread' },
    },
    {
      rule: 'a paused service is resumed',
      svc: pending('PAUSED'),
      latest: undefined,
      expected: { kind: 'act', notes: [] },
    },
    {
      rule: 'a running service is already where a resume would take it',
      svc: pending('RUNNING'),
      latest: undefined,
      expected: { kind: 'already', reason: 'ALREADY_RUNNING', notes: [] },
    },
    {
      rule: 'a service that failed to be created cannot be resumed',
      svc: pending('CREATE_FAILED'),
      latest: undefined,
      expected: expect.objectContaining({ kind: 'finish', outcome: 'FAILED', reason: 'NOT_RESUMABLE_STATE' }),
    },
  ])('$rule', ({ svc, latest, expected }) => {
    // Act
    const verdict = beforeAction({ svc, run: resume, tags: {}, latest, now: NOW });

    // Assess
    expect(verdict).toEqual(expected);
  });

  it('skips an opted-out service on a scheduled run and says why', () => {
    // Act
    const verdict = beforeAction({
      svc: pending('PAUSED'),
      run: resume,
      tags: { [OPT_OUT_TAG]: 'true' },
      now: NOW,
    });

    // Assess
    expect(verdict).toEqual({
      kind: 'finish',
      outcome: 'SKIPPED',
      reason: 'OPTED_OUT',
      notes: [`tag ${OPT_OUT_TAG}=true`],
    });
  });

  it('does not pause a service kept awake by an active lease', () => {
    // Act
    const verdict = beforeAction({
      svc: pending('RUNNING'),
      run: pause,
      tags: { [LEASE_TAG]: new Date(NOW + 3_600_000).toISOString() },
      now: NOW,
    });

    // Assess
    expect(verdict).toMatchObject({ kind: 'finish', outcome: 'SKIPPED', reason: 'KEEP_AWAKE_LEASE' });
  });

  it('does not resume a running service again once this run has written its lease', () => {
    // Act
    const verdict = beforeAction({
      svc: pending('RUNNING', { leaseSet: true }),
      run: { ...resume, keepAwakeUntil: new Date(NOW + 3_600_000).toISOString() },
      tags: {},
      now: NOW,
    });

    // Assess
    expect(verdict).toMatchObject({ kind: 'already', reason: 'ALREADY_RUNNING' });
  });
});

describe('a service found already in the desired state', () => {
  it.each([
    {
      rule: 'is credited with its resume when that resume succeeded after the run started',
      latest: op({ status: 'SUCCEEDED', startedAt: NOW - 30_000, endedAt: NOW - 5_000 }),
      expected: { outcome: 'SUCCEEDED', at: NOW - 5_000 },
    },
    {
      rule: 'is skipped when its last resume is older than the run',
      latest: op({ status: 'SUCCEEDED', startedAt: NOW - 120_000, endedAt: NOW - 90_000 }),
      expected: { outcome: 'SKIPPED', reason: 'ALREADY_RUNNING' },
    },
    {
      rule: 'is skipped when the operation of the run failed',
      latest: op({ status: 'FAILED', startedAt: NOW - 30_000 }),
      expected: { outcome: 'SKIPPED', reason: 'ALREADY_RUNNING' },
    },
    {
      rule: 'is skipped when the newest operation is of another kind',
      latest: op({ type: 'UPDATE_SERVICE', status: 'SUCCEEDED', startedAt: NOW - 30_000 }),
      expected: { outcome: 'SKIPPED', reason: 'ALREADY_RUNNING' },
    },
    { rule: 'is skipped when it has no operation', latest: undefined, expected: { outcome: 'SKIPPED' } },
  ])('$rule', ({ latest, expected }) => {
    // Act
    const verdict = creditOrSkip(resume, 'ALREADY_RUNNING', latest);

    // Assess
    expect(verdict).toMatchObject({ kind: 'finish', ...expected });
  });
});

describe('a freshly read status', () => {
  const inFlight = trackedService(1, { phase: 'IN_FLIGHT', operationId: 'op-1' });
  const waiting = trackedService(1, { phase: 'WAITING', waitingFor: 'START_DEPLOYMENT operation d' });

  it.each([
    {
      rule: 'OPERATION_IN_PROGRESS keeps an operation tracked',
      svc: inFlight,
      status: 'OPERATION_IN_PROGRESS',
      expected: { kind: 'unchanged' },
    },
    {
      rule: 'the desired status means the operation succeeded',
      svc: inFlight,
      status: 'RUNNING',
      expected: { kind: 'finish', outcome: 'SUCCEEDED' },
    },
    {
      rule: 'back where it was means asking how the operation ended',
      svc: inFlight,
      status: 'PAUSED',
      expected: { kind: 'look-up-operation' },
    },
    {
      rule: 'DELETED fails the service whatever it was doing',
      svc: inFlight,
      status: 'DELETED',
      expected: expect.objectContaining({ outcome: 'FAILED', reason: 'SERVICE_DELETED' }),
    },
    {
      rule: 'a waiting service stays waiting while the other operation runs',
      svc: waiting,
      status: 'OPERATION_IN_PROGRESS',
      expected: { kind: 'unchanged' },
    },
    {
      rule: 'a waiting service may be acted on once the other operation ended',
      svc: waiting,
      status: 'PAUSED',
      expected: { kind: 'act-now' },
    },
  ] as const)('$rule', ({ svc, status, expected }) => {
    // Act
    const verdict = afterStatus(svc, status, 'resume');

    // Assess
    expect(verdict).toEqual(expected);
  });
});

describe('App Runner account of an operation that did not end in the desired status', () => {
  const svc = trackedService(1, { phase: 'IN_FLIGHT', operationId: 'op-1' });

  it.each([
    {
      rule: 'still open: look again later',
      op: op({ status: 'IN_PROGRESS' }),
      expected: { kind: 'unchanged' },
    },
    {
      rule: 'succeeded: SUCCEEDED, noting where the service is now',
      op: op({ status: 'SUCCEEDED' }),
      expected: { kind: 'finish', outcome: 'SUCCEEDED', notes: ['service is now PAUSED'] },
    },
    {
      rule: 'failed: OPERATION_FAILED with App Runner status',
      op: op({ status: 'ROLLBACK_SUCCEEDED' }),
      expected: {
        kind: 'finish',
        outcome: 'FAILED',
        reason: 'OPERATION_FAILED',
        error: 'App Runner reports operation op-1 ROLLBACK_SUCCEEDED; the service is PAUSED',
      },
    },
    {
      rule: 'gone from the list: OPERATION_FAILED, status unknown',
      op: undefined,
      expected: expect.objectContaining({
        reason: 'OPERATION_FAILED',
        error: expect.stringContaining('UNKNOWN'),
      }),
    },
  ])('$rule', ({ op: operation, expected }) => {
    // Act
    const verdict = afterOperationLookup(svc, 'PAUSED', operation);

    // Assess
    expect(verdict).toEqual(expected);
  });
});

describe('a second look after a workflow step failed for good', () => {
  const FAILURE = 'the workflow step failed: Lambda.Unknown: crashed';
  const inFlight = trackedService(1, {
    phase: 'IN_FLIGHT',
    operationId: 'op-1',
    status: 'OPERATION_IN_PROGRESS',
  });
  const probing = trackedService(1, { phase: 'PROBING', operationId: 'op-1', status: 'RUNNING' });

  it.each([
    {
      rule: 'its operation is still running: FAILED WORKFLOW_ERROR saying so',
      svc: inFlight,
      status: 'OPERATION_IN_PROGRESS' as const,
      operation: op({ status: 'IN_PROGRESS' }),
      expected: expect.objectContaining({
        outcome: 'FAILED',
        reason: 'WORKFLOW_ERROR',
        error: `${FAILURE}; App Runner still shows RESUME_SERVICE operation op-1 in progress`,
      }),
    },
    {
      rule: 'its operation ended well meanwhile: SUCCEEDED, no false alarm',
      svc: inFlight,
      status: 'RUNNING' as const,
      operation: undefined,
      expected: { kind: 'finish', outcome: 'SUCCEEDED', notes: ['seen done after a workflow step failed'] },
    },
    {
      rule: 'probed for readiness and still RUNNING: SUCCEEDED, without reading its operations',
      svc: probing,
      status: 'RUNNING' as const,
      operation: undefined,
      expected: { kind: 'finish', outcome: 'SUCCEEDED', notes: ['seen done after a workflow step failed'] },
    },
    {
      rule: 'probed, then paused by someone else: its resume still SUCCEEDED, when it ended',
      svc: probing,
      status: 'PAUSED' as const,
      operation: op({ status: 'SUCCEEDED', endedAt: NOW - 5_000 }),
      expected: {
        kind: 'finish',
        outcome: 'SUCCEEDED',
        notes: ['seen done after a workflow step failed'],
        at: NOW - 5_000,
      },
    },
    {
      rule: 'not started yet and nothing of this run in its history: FAILED WORKFLOW_ERROR',
      svc: pending('PAUSED'),
      status: 'PAUSED' as const,
      operation: op({ status: 'SUCCEEDED', startedAt: NOW - 3_600_000 }),
      expected: expect.objectContaining({ error: `${FAILURE}; the service is PAUSED` }),
    },
    {
      rule: 'the service could not be read: FAILED WORKFLOW_ERROR with the last known status',
      svc: inFlight,
      status: undefined,
      operation: undefined,
      expected: expect.objectContaining({
        error: `${FAILURE}; could not read the service afterwards (no status); last known status OPERATION_IN_PROGRESS`,
      }),
    },
  ])('$rule', ({ svc, status, operation, expected }) => {
    // Act
    const verdict = afterStepFailure({
      svc,
      run: resume,
      failure: FAILURE,
      ...(status ? { status } : { readError: 'no status' }),
      ...(operation ? { operation } : {}),
    });

    // Assess
    expect(verdict).toEqual(expected);
  });
});

describe('a failed App Runner call about one service', () => {
  const failure = (partial: Partial<CallFailure>): CallFailure => ({
    kind: 'Other',
    transient: false,
    awsErrorName: 'SomeException',
    message: 'DescribeService: SomeException: boom',
    ...partial,
  });

  it.each([
    {
      rule: 'throttling is retried later, never a failure on its own',
      svc: trackedService(1),
      failure: failure({ kind: 'Throttled', transient: true, message: 'slow down' }),
      expected: { kind: 'retry-later', error: 'slow down' },
    },
    {
      rule: 'a service that vanished while tracked was deleted',
      svc: trackedService(1, { operationId: 'op-1' }),
      failure: failure({ kind: 'NotFound', awsErrorName: 'ResourceNotFoundException' }),
      expected: expect.objectContaining({ outcome: 'FAILED', reason: 'SERVICE_DELETED' }),
    },
    {
      rule: 'a service never acted on that vanished is not found',
      svc: trackedService(1, { phase: 'PENDING' }),
      failure: failure({ kind: 'NotFound', awsErrorName: 'ResourceNotFoundException' }),
      expected: expect.objectContaining({ outcome: 'FAILED', reason: 'NOT_FOUND' }),
    },
    {
      rule: 'access denied is an App Runner error with its message',
      svc: trackedService(1),
      failure: failure({ kind: 'AccessDenied', message: 'not allowed' }),
      expected: { kind: 'finish', outcome: 'FAILED', reason: 'APP_RUNNER_ERROR', error: 'not allowed' },
    },
    {
      rule: 'anything that is not an App Runner error is a workflow error',
      svc: trackedService(1),
      failure: failure({ kind: 'Unexpected', message: 'TypeError: x is undefined' }),
      expected: {
        kind: 'finish',
        outcome: 'FAILED',
        reason: 'WORKFLOW_ERROR',
        error: 'TypeError: x is undefined',
      },
    },
  ])('$rule', ({ svc, failure: f, expected }) => {
    // Act
    const verdict = afterCallFailure(svc, f);

    // Assess
    expect(verdict).toEqual(expected);
  });
});

describe('the limits', () => {
  const settings = { deadline: NOW, maxPolls: 10 };

  it.each([
    {
      rule: 'the deadline times out an operation still in progress',
      svc: trackedService(1, { operationId: 'op-1' }),
      now: NOW,
      expected: { reason: 'DEADLINE_EXCEEDED', error: 'deadline passed: operation op-1 still in progress' },
    },
    {
      rule: 'the deadline times out a service still waiting, naming what it waited for',
      svc: trackedService(1, { phase: 'WAITING', waitingFor: 'START_DEPLOYMENT operation d' }),
      now: NOW,
      expected: { error: 'deadline passed: still waiting for START_DEPLOYMENT operation d to finish' },
    },
    {
      rule: 'the deadline of a service that never started carries the last error',
      svc: trackedService(1, { phase: 'PENDING', lastError: 'ThrottlingException' }),
      now: NOW,
      expected: {
        error: 'deadline passed: the operation could not be started (last error: ThrottlingException)',
      },
    },
    {
      rule: 'the poll limit times out a service polled too often',
      svc: trackedService(1, { polls: 10 }),
      now: NOW - 1,
      expected: { reason: 'POLL_LIMIT', error: 'gave up after 10 status checks (MAX_POLLS=10)' },
    },
  ])('$rule', ({ svc, now, expected }) => {
    // Act
    const verdict = limitReached(svc, now, settings);

    // Assess
    expect(verdict).toMatchObject({ kind: 'finish', outcome: 'TIMED_OUT', ...expected });
  });

  it('leaves a service within both limits, or one already done, alone', () => {
    // Act
    const within = limitReached(trackedService(1, { polls: 9 }), NOW - 1, settings);
    const done = limitReached(trackedService(1, { phase: 'DONE', polls: 99 }), NOW + 1, settings);

    // Assess
    expect([within, done]).toEqual([undefined, undefined]);
  });
});
