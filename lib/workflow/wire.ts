import type { ServiceStatus } from '../app-runner/port';
import type { Outcome, OutcomeReason, ServiceResult } from '../contract/execution-result';
import type { BatchState, Phase, TrackedService } from './batch';

/**
 * The compact form in which a batch travels between states, and the one seam that converts it. Step
 * Functions caps a state's payload at 256 KiB; the readable form takes ~620 characters per finished service,
 * this one ~175, so a batch of 1,000 services stays well under the limit. Only the functions' middleware
 * ({@link decodeStepPayload} on the way in, {@link encodeStepPayload} on the way out) and readers of an
 * execution's history use this module; every core sees the readable form. `allDone` and `nextDelaySeconds`
 * stay top-level for the state machine's Choice and Wait.
 */
export interface BatchWire {
  /** 2; 1 is the earlier form (other phase codes), still read so executions in flight survive a deploy. */
  v: 1 | 2;
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
  /** Phase (PHASE_CODES). */
  p: string;
  /** Status (STATUS_CODES). */
  s: string;
  /** Polls. */
  q?: number;
  /** Transient errors. */
  x?: number;
  /** Notes. */
  n?: string[];
  /** Operation id. */
  o?: string;
  /** Operation started at (epoch ms). */
  t?: number;
  /** Status before the operation (STATUS_CODES). */
  f?: string;
  /** Waiting for. */
  w?: string;
  /** Flags: lease set by this run. */
  l?: 1;
  /** Flags: removed an overridden lease. */
  lr?: 1;
  /** Flags: joined an operation already in flight. */
  j?: 1;
  /** Flags: waited for another operation. */
  wd?: 1;
  /** Last error. */
  e?: string;
  /** The outcome, once DONE: outcome (OUTCOME_CODES), reason, duration s, finished at (epoch ms), error. */
  r?: { o: string; r?: string; d?: number; at: number; e?: string };
}

// Codes are unique across the three fields, so that no code means two things.
const PHASE_CODES: Record<Phase, string> = { PENDING: 'pe', WAITING: 'wa', IN_FLIGHT: 'fl', DONE: 'dn' };
const STATUS_CODES: Record<ServiceStatus, string> = {
  RUNNING: 'R',
  PAUSED: 'P',
  OPERATION_IN_PROGRESS: 'O',
  CREATE_FAILED: 'CF',
  DELETE_FAILED: 'DF',
  DELETED: 'X',
};
const OUTCOME_CODES: Record<Outcome, string> = { SUCCEEDED: 'S', SKIPPED: 'K', FAILED: 'F', TIMED_OUT: 'T' };

const invert = <K extends string>(map: Record<K, string>): Record<string, K> =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Record<string, K>;
const PHASE_OF = invert(PHASE_CODES);
const PHASE_OF_V1: Record<string, Phase> = { P: 'PENDING', W: 'WAITING', F: 'IN_FLIGHT', D: 'DONE' };
const STATUS_OF = invert(STATUS_CODES);
const OUTCOME_OF = invert(OUTCOME_CODES);
// An unknown code decodes to itself, so that validation of the readable form names the field and the value.
const decodeCode = <K extends string>(map: Record<string, K>, code: string): K => map[code] ?? (code as K);

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
    v: 2,
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
  w.p = PHASE_CODES[svc.phase];
  w.s = STATUS_CODES[svc.status];
  if (svc.polls) w.q = svc.polls;
  if (svc.transientErrors) w.x = svc.transientErrors;
  if (svc.notes.length) w.n = svc.notes;
  if (svc.operationId) w.o = svc.operationId;
  if (svc.operationStartedAt !== undefined) w.t = svc.operationStartedAt;
  if (svc.fromStatus) w.f = STATUS_CODES[svc.fromStatus];
  if (svc.waitingFor) w.w = svc.waitingFor;
  if (svc.leaseSet) w.l = 1;
  if (svc.leaseRemoved) w.lr = 1;
  if (svc.joined) w.j = 1;
  if (svc.waited) w.wd = 1;
  if (svc.lastError) w.e = cap(svc.lastError);
  if (svc.result) {
    const r = svc.result;
    w.r = {
      o: OUTCOME_CODES[r.outcome],
      ...(r.reason ? { r: r.reason } : {}),
      ...(r.durationSeconds !== undefined ? { d: r.durationSeconds } : {}),
      at: r.finishedAt ? Date.parse(r.finishedAt) : 0,
      ...(r.error ? { e: cap(r.error) } : {}),
    };
  }
  return w;
}

/** True for a batch in its wire form. */
export function isBatchWire(value: unknown): value is BatchWire {
  return typeof value === 'object' && value !== null && 'batchId' in value && 'svc' in value;
}

/** Decodes the wire form; fields beside the batch's own (a Catch's `failure`) are kept. */
export function decodeBatch<T extends BatchWire>(payload: T): BatchState & Omit<T, keyof BatchWire> {
  const { svc, arnPrefix, v, ...rest } = payload;
  const phases = v === 1 ? PHASE_OF_V1 : PHASE_OF;
  const services = Array.isArray(svc) ? svc.map((w) => decodeService(w, arnPrefix, phases)) : svc;
  return { ...rest, services } as unknown as BatchState & Omit<T, keyof BatchWire>;
}

function decodeService(w: WireService, prefix: string, phases: Record<string, Phase>): TrackedService {
  const arn = w.a ?? `${prefix}${w.i ?? ''}`;
  const name = arn.split('/')[1] ?? arn;
  const svc: TrackedService = {
    arn,
    name,
    phase: decodeCode(phases, w.p),
    status: decodeCode(STATUS_OF, w.s),
    polls: w.q ?? 0,
    transientErrors: w.x ?? 0,
    notes: w.n ?? [],
    ...(w.o ? { operationId: w.o } : {}),
    ...(w.t !== undefined ? { operationStartedAt: w.t } : {}),
    ...(w.f ? { fromStatus: decodeCode(STATUS_OF, w.f) } : {}),
    ...(w.w ? { waitingFor: w.w } : {}),
    ...(w.l ? { leaseSet: true } : {}),
    ...(w.lr ? { leaseRemoved: true } : {}),
    ...(w.j ? { joined: true } : {}),
    ...(w.wd ? { waited: true } : {}),
    ...(w.e ? { lastError: w.e } : {}),
  };
  if (w.r) {
    const result: ServiceResult = {
      serviceArn: arn,
      serviceName: name,
      outcome: decodeCode(OUTCOME_OF, w.r.o),
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

/**
 * Decodes a step's payload as it arrives from the state machine: a batch (Start, Check), or a payload whose
 * `batches` are batches (Report's input, Plan's output). Anything else passes unchanged.
 */
export function decodeStepPayload(payload: unknown): unknown {
  if (isBatchWire(payload)) return decodeBatch(payload);
  if (hasBatches(payload)) {
    return { ...payload, batches: payload.batches.map((b) => (isBatchWire(b) ? decodeBatch(b) : b)) };
  }
  return payload;
}

/** Encodes a step's result for the state machine: the inverse of {@link decodeStepPayload}. */
export function encodeStepPayload(payload: unknown): unknown {
  if (isBatchState(payload)) return encodeBatch(payload);
  if (hasBatches(payload)) {
    return { ...payload, batches: payload.batches.map((b) => (isBatchState(b) ? encodeBatch(b) : b)) };
  }
  return payload;
}

function isBatchState(value: unknown): value is BatchState {
  return (
    typeof value === 'object' &&
    value !== null &&
    'batchId' in value &&
    Array.isArray((value as { services?: unknown }).services)
  );
}

function hasBatches(value: unknown): value is Record<string, unknown> & { batches: unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Array.isArray((value as { batches?: unknown }).batches)
  );
}
