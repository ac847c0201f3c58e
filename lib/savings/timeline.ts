import type { OperationInfo, OperationStatus, ServiceStatus } from '../app-runner/port';

/**
 * A service's billing state over time, read from its App Runner operations (ListOperations) alone.
 *
 * - Paused runs from the END of a PAUSE_SERVICE that SUCCEEDED (until then the service still has its
 *   instances) to the START of the next RESUME_SERVICE that did not fail (counting from the start keeps the
 *   estimate a lower bound: a resume in progress is already provisioning).
 * - A failed operation changes nothing: App Runner leaves the status as it was. A failed pause starts no
 *   paused interval; a failed resume leaves the service paused, so its interval goes on.
 * - The state before the oldest listed operation follows from that operation (a resume starts only from
 *   PAUSED, a pause only from RUNNING), but not since when: time before the oldest operation is `unknown`,
 *   unless that operation is the service's CREATE_SERVICE (the history is complete) or `createdAt` says the
 *   service did not exist yet (`absent`).
 */

export type BillingState = 'running' | 'paused' | 'absent' | 'unknown';

/** A stretch of time [from, to) in epoch ms during which the service was in one state. */
export interface Segment {
  from: number;
  to: number;
  state: BillingState;
}

export interface TimelineInput {
  operations: readonly OperationInfo[];
  /** The service's status now (used only when there is no operation at all to read from). */
  status: ServiceStatus;
  /** When the service was created (epoch ms), if known. */
  createdAt?: number;
  /** The period [from, to) in epoch ms. */
  from: number;
  to: number;
}

export interface Timeline {
  /** Consecutive segments covering exactly [from, to), adjacent ones of the same state merged. */
  segments: Segment[];
  /** The earliest instant the history tells about, when that is after `from` (else undefined). */
  historyFrom?: number;
  /** Successful pauses whose end time App Runner did not report (their interval could not be counted). */
  pausesWithoutEnd: number;
}

/** A resume that did not fail means the service is (being) brought back: billing resumes at its start. */
const RESUME_TAKES_EFFECT: ReadonlySet<OperationStatus> = new Set(['SUCCEEDED', 'IN_PROGRESS', 'PENDING']);

/** Splits [from, to) into the service's billing states. Pure: all it knows comes from the input. */
export function serviceTimeline(input: TimelineInput): Timeline {
  const { from, to } = input;
  if (!(to > from)) return { segments: [], pausesWithoutEnd: 0 };
  const operations = input.operations
    .filter((op): op is OperationInfo & { startedAt: number } => typeof op.startedAt === 'number')
    .sort((a, b) => a.startedAt - b.startedAt);

  const oldest = operations[0];
  const initial = oldest ? stateBefore(oldest) : stateFromStatus(input.status);
  // Known from the oldest operation on (from the beginning when it created the service); nothing is known
  // without any operation.
  const coverage = !oldest
    ? Number.POSITIVE_INFINITY
    : oldest.type === 'CREATE_SERVICE'
      ? -Infinity
      : oldest.startedAt;

  const points: Array<{ at: number; state: BillingState }> = [
    { at: Number.NEGATIVE_INFINITY, state: coverage === -Infinity ? initial : 'unknown' },
  ];
  if (Number.isFinite(coverage)) points.push({ at: coverage, state: initial });
  let pausesWithoutEnd = 0;
  const changes: Array<{ at: number; state: BillingState }> = [];
  for (const op of operations) {
    const change = stateChange(op);
    if (change === 'pause-without-end') pausesWithoutEnd++;
    else if (change) changes.push(change);
  }
  // Operations never overlap, but a pause changes state at its end: order the changes by when they happen.
  changes.sort((a, b) => a.at - b.at);
  points.push(...changes);

  const segments: Segment[] = [];
  for (let i = 0; i < points.length; i++) {
    const point = points[i] as { at: number; state: BillingState };
    const next = points[i + 1]?.at ?? Number.POSITIVE_INFINITY;
    const start = Math.max(point.at, from);
    const end = Math.min(next, to);
    if (end <= start) continue;
    // Before it was created, a service was not there to pay for, whatever the history could not tell.
    if (input.createdAt !== undefined && start < input.createdAt) {
      push(segments, { from: start, to: Math.min(end, input.createdAt), state: 'absent' });
      if (end > input.createdAt) push(segments, { from: input.createdAt, to: end, state: point.state });
    } else {
      push(segments, { from: start, to: end, state: point.state });
    }
  }
  // Time before creation is known (absent); the history is short only when it starts later than that.
  const existsFrom = Math.max(from, input.createdAt ?? Number.NEGATIVE_INFINITY);
  return {
    segments,
    ...(coverage > existsFrom ? { historyFrom: Math.min(coverage, to) } : {}),
    pausesWithoutEnd,
  };
}

/** Hours spent in each state within the segments. */
export function hoursByState(segments: readonly Segment[]): Record<BillingState, number> {
  const hours: Record<BillingState, number> = { running: 0, paused: 0, absent: 0, unknown: 0 };
  for (const s of segments) hours[s.state] += (s.to - s.from) / 3_600_000;
  return hours;
}

function push(segments: Segment[], segment: Segment): void {
  const last = segments[segments.length - 1];
  if (last && last.state === segment.state && last.to === segment.from) last.to = segment.to;
  else segments.push(segment);
}

/** The state a service must have been in for this operation to start. */
function stateBefore(op: OperationInfo): BillingState {
  switch (op.type) {
    case 'CREATE_SERVICE':
      return 'absent';
    case 'RESUME_SERVICE':
      return 'paused';
    case 'PAUSE_SERVICE':
    case 'START_DEPLOYMENT':
    case 'UPDATE_SERVICE':
      return 'running';
    default:
      return 'unknown';
  }
}

function stateFromStatus(status: ServiceStatus): BillingState {
  if (status === 'RUNNING') return 'running';
  if (status === 'PAUSED') return 'paused';
  return 'unknown';
}

/** The billing state an operation moved the service into, and when; undefined when it changed nothing. */
function stateChange(
  op: OperationInfo & { startedAt: number },
): { at: number; state: BillingState } | 'pause-without-end' | undefined {
  switch (op.type) {
    case 'PAUSE_SERVICE': {
      if (op.status !== 'SUCCEEDED') return undefined;
      const end = op.endedAt ?? op.updatedAt;
      return end === undefined ? 'pause-without-end' : { at: end, state: 'paused' };
    }
    case 'RESUME_SERVICE':
      return RESUME_TAKES_EFFECT.has(op.status) ? { at: op.startedAt, state: 'running' } : undefined;
    case 'CREATE_SERVICE':
      return RESUME_TAKES_EFFECT.has(op.status) ? { at: op.startedAt, state: 'running' } : undefined;
    case 'DELETE_SERVICE': {
      if (op.status !== 'SUCCEEDED') return undefined;
      return { at: op.endedAt ?? op.updatedAt ?? op.startedAt, state: 'absent' };
    }
    default:
      return undefined;
  }
}
