import { describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../lib/app-runner/port';
import { isOptedOut, LEASE_TAG, OPT_OUT_TAG, readLease } from '../../lib/contract/tags';
import { type Decision, decide } from '../../lib/workflow/decide';
import type { RunInfo } from '../../lib/workflow/run';

const NOW = Date.UTC(2026, 10, 28, 6, 0, 0);
const LATER = new Date(NOW + 3600_000).toISOString();
const EARLIER = new Date(NOW - 3600_000).toISOString();

function run(overrides: Partial<RunInfo> = {}): RunInfo {
  const requestedBy = overrides.requestedBy ?? 'schedule:nightly';
  return {
    action: 'pause',
    dryRun: false,
    reason: '',
    requestedBy,
    scheduled: requestedBy.startsWith('schedule:'),
    startedAt: new Date(NOW).toISOString(),
    ...overrides,
  };
}

const act = (notes: string[] = []): Decision => ({ kind: 'act', notes });

describe('decide', () => {
  it.each<{
    what: string;
    run: RunInfo;
    status: ServiceStatus;
    tags?: Record<string, string>;
    want: Decision;
  }>([
    {
      what: 'pauses a running service',
      run: run(),
      status: 'RUNNING',
      want: act(),
    },
    {
      what: 'resumes a paused service',
      run: run({ action: 'resume' }),
      status: 'PAUSED',
      want: act(),
    },
    {
      what: 'skips a resume of a running service as ALREADY_RUNNING',
      run: run({ action: 'resume' }),
      status: 'RUNNING',
      want: { kind: 'skip', reason: 'ALREADY_RUNNING', notes: [] },
    },
    {
      what: 'skips a pause of a paused service as ALREADY_PAUSED',
      run: run(),
      status: 'PAUSED',
      want: { kind: 'skip', reason: 'ALREADY_PAUSED', notes: [] },
    },
    {
      what: 'acts on a running service when a resume carries a lease (the lease must be written)',
      run: run({ action: 'resume', keepAwakeUntil: LATER }),
      status: 'RUNNING',
      want: act(),
    },
    {
      what: 'skips a pause while the keep-awake lease lasts',
      run: run(),
      status: 'RUNNING',
      tags: { [LEASE_TAG]: LATER },
      want: { kind: 'skip', reason: 'KEEP_AWAKE_LEASE', notes: [`kept awake until ${LATER}`] },
    },
    {
      what: 'applies the lease whatever state the service is in',
      run: run(),
      status: 'OPERATION_IN_PROGRESS',
      tags: { [LEASE_TAG]: LATER },
      want: { kind: 'skip', reason: 'KEEP_AWAKE_LEASE', notes: [`kept awake until ${LATER}`] },
    },
    {
      what: 'pauses once the lease has expired',
      run: run(),
      status: 'RUNNING',
      tags: { [LEASE_TAG]: EARLIER },
      want: act(),
    },
    {
      what: 'ignores an unreadable lease, and says so',
      run: run(),
      status: 'RUNNING',
      tags: { [LEASE_TAG]: 'next tuesday' },
      want: act([`ignored unreadable ${LEASE_TAG} tag "next tuesday"`]),
    },
    {
      what: 'ignores the lease for a resume',
      run: run({ action: 'resume' }),
      status: 'PAUSED',
      tags: { [LEASE_TAG]: LATER },
      want: act(),
    },
    {
      what: 'skips an opted-out service in a scheduled pause',
      run: run(),
      status: 'RUNNING',
      tags: { [OPT_OUT_TAG]: 'true' },
      want: { kind: 'skip', reason: 'OPTED_OUT', notes: [`tag ${OPT_OUT_TAG}=true`] },
    },
    {
      what: 'skips an opted-out service in a scheduled resume',
      run: run({ action: 'resume' }),
      status: 'PAUSED',
      tags: { [OPT_OUT_TAG]: ' TRUE ' },
      want: { kind: 'skip', reason: 'OPTED_OUT', notes: [`tag ${OPT_OUT_TAG}=true`] },
    },
    {
      what: 'puts opt-out before the lease in a scheduled run',
      run: run(),
      status: 'RUNNING',
      tags: { [OPT_OUT_TAG]: 'true', [LEASE_TAG]: LATER },
      want: { kind: 'skip', reason: 'OPTED_OUT', notes: [`tag ${OPT_OUT_TAG}=true`] },
    },
    {
      what: 'overrides the opt-out for an explicit request, with a note',
      run: run({ requestedBy: 'user:alice' }),
      status: 'RUNNING',
      tags: { [OPT_OUT_TAG]: 'true' },
      want: act(['opt-out tag overridden by an explicit request from user:alice']),
    },
    {
      what: 'does not treat opt-out=false as opting out',
      run: run(),
      status: 'RUNNING',
      tags: { [OPT_OUT_TAG]: 'false' },
      want: act(),
    },
    {
      what: 'skips a dry-run pause as DRY_RUN, saying what it would do',
      run: run({ dryRun: true }),
      status: 'RUNNING',
      want: { kind: 'skip', reason: 'DRY_RUN', notes: ['would pause (status RUNNING)'] },
    },
    {
      what: 'skips a dry-run resume that would only set the lease as DRY_RUN',
      run: run({ action: 'resume', dryRun: true, keepAwakeUntil: LATER }),
      status: 'RUNNING',
      want: {
        kind: 'skip',
        reason: 'DRY_RUN',
        notes: ['would set the keep-awake lease (already RUNNING)'],
      },
    },
    {
      what: 'reports the real reason before DRY_RUN',
      run: run({ dryRun: true }),
      status: 'PAUSED',
      want: { kind: 'skip', reason: 'ALREADY_PAUSED', notes: [] },
    },
    {
      what: 'skips a pause of a deleted service as NOT_PAUSABLE_STATE',
      run: run(),
      status: 'DELETED',
      want: { kind: 'skip', reason: 'NOT_PAUSABLE_STATE', notes: ['service is DELETED'] },
    },
    {
      what: 'fails a resume of a deleted service as SERVICE_DELETED',
      run: run({ action: 'resume' }),
      status: 'DELETED',
      want: { kind: 'fail', reason: 'SERVICE_DELETED', error: 'the service has been deleted' },
    },
    {
      what: 'skips a pause of a service that failed to be created',
      run: run(),
      status: 'CREATE_FAILED',
      want: { kind: 'skip', reason: 'NOT_PAUSABLE_STATE', notes: ['service is CREATE_FAILED'] },
    },
    {
      what: 'fails a resume of a service that failed to be deleted as NOT_RESUMABLE_STATE',
      run: run({ action: 'resume' }),
      status: 'DELETE_FAILED',
      want: {
        kind: 'fail',
        reason: 'NOT_RESUMABLE_STATE',
        error: 'the service is DELETE_FAILED and cannot be resumed; fix or recreate it in App Runner',
      },
    },
    {
      what: 'fails a deleted service even when it is opted out',
      run: run({ action: 'resume' }),
      status: 'DELETED',
      tags: { [OPT_OUT_TAG]: 'true' },
      want: { kind: 'fail', reason: 'SERVICE_DELETED', error: 'the service has been deleted' },
    },
  ])('$what', ({ run, status, tags, want }) => {
    // Prepare
    const serviceTags = tags ?? {};

    // Act
    const decision = decide(run, status, serviceTags, NOW);

    // Assess
    expect(decision).toEqual(want);
  });

  it('reads a lease tag as a time, nothing when absent or empty, and flags a malformed one', () => {
    // Prepare
    const cases: Array<Record<string, string>> = [
      { [LEASE_TAG]: LATER },
      {},
      { [LEASE_TAG]: '' },
      { [LEASE_TAG]: 'soon' },
    ];

    // Act
    const leases = cases.map(readLease);

    // Assess
    expect(leases).toEqual([{ until: NOW + 3600_000 }, {}, {}, { malformed: 'soon' }]);
  });

  it('treats only "true" (any case, trimmed) as opting out', () => {
    // Prepare
    const values = ['true', 'True', ' TRUE', 'yes', '1', 'false', ''];

    // Act
    const opted = values.map((v) => isOptedOut({ [OPT_OUT_TAG]: v }));

    // Assess
    expect(opted).toEqual([true, true, true, false, false, false, false]);
  });
});
