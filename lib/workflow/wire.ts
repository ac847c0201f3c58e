import type { BatchState, Phase, TrackedService } from '../../functions/operations/engine';
import type { ServiceStatus } from '../app-runner/port';
import type { Outcome, OutcomeReason, ServiceResult } from '../contract/execution-result';

/**
 * The compact form in which a batch travels between states. Step Functions caps a state's payload at
 * 256 KiB; the readable in-memory form takes ~620 characters per finished service, this one ~175, so a
 * batch of 1,000 services stays well under the limit. Only the functions read it: they decode on entry and
 * encode on exit; `allDone` and `nextDelaySeconds` stay top-level for the state machine's Choice and Wait.
 */
export interface BatchWire {
  v: 1;
  run: BatchState['run'];
  batchId: string;
  region: string;
  regionServiceCount: number;
  settings: BatchState['settings'];
  /** Common ARN prefix of the services (`arn:aws:apprunner:<region>:<account>:service/`). */
  arnPrefix: string;
  svc: WireService[];
  round: number;
  nextDelaySeconds: number;
  allDone: boolean;
  requests: number;
}

/** One service. Keys are short on purpose; absent means empty, zero or false. */
export interface WireService {
  /** ARN without the batch's prefix… */
  i?: string;
  /** …or the whole ARN when it does not share the prefix. */
  a?: string;
  p: string;
  s: string;
  q?: number;
  x?: number;
  n?: string[];
  o?: string;
  t?: number;
  f?: string;
  w?: string;
  l?: 1;
  e?: string;
  /** The outcome, once DONE: outcome, reason, duration, finished at (epoch ms), error. */
  r?: { o: string; r?: string; d?: number; at: number; e?: string };
}

const PHASES: Record<Phase, string> = { PENDING: 'P', WAITING: 'W', IN_FLIGHT: 'F', DONE: 'D' };
const STATUSES: Record<ServiceStatus, string> = {
  RUNNING: 'R',
  PAUSED: 'P',
  OPERATION_IN_PROGRESS: 'O',
  CREATE_FAILED: 'CF',
  DELETE_FAILED: 'DF',
  DELETED: 'D',
};
const OUTCOMES: Record<Outcome, string> = { SUCCEEDED: 'S', SKIPPED: 'K', FAILED: 'F', TIMED_OUT: 'T' };

const invert = <K extends string>(map: Record<K, string>): Record<string, K> =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Record<string, K>;
const PHASE_OF = invert(PHASES);
const STATUS_OF = invert(STATUSES);
const OUTCOME_OF = invert(OUTCOMES);

/** Error texts in the wire form are capped (the report repeats them; App Runner messages are short). */
const MAX_TEXT = 300;
const cap = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

function prefixOf(arn: string): string {
  const cut = arn.indexOf(':service/');
  return cut >= 0 ? arn.slice(0, cut + ':service/'.length) : '';
}

/** Above this many characters a batch sheds detail (Step Functions' state payload limit is 256 KiB). */
export const MAX_WIRE_CHARS = 240_000;

/**
 * Encodes a batch. A batch that would pass {@link MAX_WIRE_CHARS} (many services with long notes or error
 * texts) sheds detail in steps — the notes of finished services, then error texts beyond 80 characters —
 * which the functions' logs keep in full.
 */
export function encodeBatch(state: BatchState): BatchWire {
  let wire = encodeAll(state);
  if (JSON.stringify(wire).length <= MAX_WIRE_CHARS) return wire;
  wire = { ...wire, svc: wire.svc.map((w) => (w.r ? { ...w, n: undefined } : w)) };
  if (JSON.stringify(wire).length <= MAX_WIRE_CHARS) return wire;
  const short = (text: string | undefined) => (text && text.length > 80 ? `${text.slice(0, 79)}…` : text);
  return {
    ...wire,
    svc: wire.svc.map((w) => ({ ...w, e: short(w.e), ...(w.r ? { r: { ...w.r, e: short(w.r.e) } } : {}) })),
  };
}

function encodeAll(state: BatchState): BatchWire {
  const arnPrefix = prefixOf(state.services[0]?.arn ?? '');
  return {
    v: 1,
    run: state.run,
    batchId: state.batchId,
    region: state.region,
    regionServiceCount: state.regionServiceCount,
    settings: state.settings,
    arnPrefix,
    svc: state.services.map((svc) => encodeService(svc, arnPrefix)),
    round: state.round,
    nextDelaySeconds: state.nextDelaySeconds,
    allDone: state.allDone,
    requests: state.requests,
  };
}

function encodeService(svc: TrackedService, prefix: string): WireService {
  const w: WireService =
    prefix && svc.arn.startsWith(prefix)
      ? { i: svc.arn.slice(prefix.length), p: '', s: '' }
      : { a: svc.arn, p: '', s: '' };
  w.p = PHASES[svc.phase];
  w.s = STATUSES[svc.status];
  if (svc.polls) w.q = svc.polls;
  if (svc.transientErrors) w.x = svc.transientErrors;
  if (svc.notes.length) w.n = svc.notes;
  if (svc.operationId) w.o = svc.operationId;
  if (svc.operationStartedAt !== undefined) w.t = svc.operationStartedAt;
  if (svc.fromStatus) w.f = STATUSES[svc.fromStatus];
  if (svc.waitingFor) w.w = svc.waitingFor;
  if (svc.leaseSet) w.l = 1;
  if (svc.lastError) w.e = cap(svc.lastError);
  if (svc.result) {
    const r = svc.result;
    w.r = {
      o: OUTCOMES[r.outcome],
      ...(r.reason ? { r: r.reason } : {}),
      ...(r.durationSeconds !== undefined ? { d: r.durationSeconds } : {}),
      at: r.finishedAt ? Date.parse(r.finishedAt) : 0,
      ...(r.error ? { e: cap(r.error) } : {}),
    };
  }
  return w;
}

/** True for a batch in its wire form. */
export function isBatchPayload(value: unknown): value is BatchWire {
  return typeof value === 'object' && value !== null && 'batchId' in value && 'svc' in value;
}

/** Decodes the wire form; fields beside the batch's own (a Catch's `failure`) are kept. */
export function decodeBatch<T extends BatchWire>(payload: T): BatchState & Omit<T, keyof BatchWire> {
  const { svc, arnPrefix, v: _v, ...rest } = payload;
  return { ...rest, services: svc.map((w) => decodeService(w, arnPrefix)) } as unknown as BatchState &
    Omit<T, keyof BatchWire>;
}

function decodeService(w: WireService, prefix: string): TrackedService {
  const arn = w.a ?? `${prefix}${w.i ?? ''}`;
  const name = arn.split('/')[1] ?? arn;
  const svc: TrackedService = {
    arn,
    name,
    phase: PHASE_OF[w.p] ?? 'PENDING',
    status: STATUS_OF[w.s] ?? 'OPERATION_IN_PROGRESS',
    polls: w.q ?? 0,
    transientErrors: w.x ?? 0,
    notes: w.n ?? [],
    ...(w.o ? { operationId: w.o } : {}),
    ...(w.t !== undefined ? { operationStartedAt: w.t } : {}),
    ...(w.f ? { fromStatus: STATUS_OF[w.f] } : {}),
    ...(w.w ? { waitingFor: w.w } : {}),
    ...(w.l ? { leaseSet: true } : {}),
    ...(w.e ? { lastError: w.e } : {}),
  };
  if (w.r) {
    const result: ServiceResult = {
      serviceArn: arn,
      serviceName: name,
      outcome: OUTCOME_OF[w.r.o] ?? 'FAILED',
      ...(w.r.r ? { reason: w.r.r as OutcomeReason } : {}),
      ...(svc.operationId ? { operationId: svc.operationId } : {}),
      ...(svc.fromStatus ? { fromStatus: svc.fromStatus } : {}),
      toStatus: svc.status,
      ...(w.r.d !== undefined ? { durationSeconds: w.r.d } : {}),
      polls: svc.polls,
      finishedAt: new Date(w.r.at).toISOString(),
      ...(svc.notes.length ? { notes: [...svc.notes] } : {}),
      ...(w.r.e ? { error: w.r.e } : {}),
    };
    svc.result = result;
  }
  return svc;
}
