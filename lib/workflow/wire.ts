import type { ServiceStatus } from '../app-runner/port';
import type { Outcome, OutcomeReason } from '../contract/execution-result';
import type { BatchState, Phase, TrackedService } from './batch';
import { trackedResult } from './service-result';

/**
 * The compact form in which a batch travels between states, and the one seam that converts it. Step
 * Functions caps a state's payload at 256 KiB; the readable form takes ~620 characters per finished service,
 * this one ~175, so a batch of 1,000 services stays well under the limit. Only the functions' middleware
 * ({@link decodeStepPayload} on the way in, {@link encodeStepPayload} on the way out) and readers of an
 * execution's history use this module; every core sees the readable form. `allDone` and `nextDelaySeconds`
 * stay top-level for the state machine's Choice and Wait.
 */
export type BatchWire = Omit<BatchState, 'services'> & {
  /**
   * 3. Earlier forms are still read, so that executions in flight survive a deploy: 1 (other phase codes),
   * 2 (absolute times).
   */
  v: 1 | 2 | 3;
  /** Epoch ms every time of the services is counted from (the run's start). */
  t0?: number;
  /** Common ARN prefix of the services (`arn:aws:apprunner:<region>:<account>:service/`). */
  arnPrefix: string;
  svc: WireService[];
  /** Auto scaling configuration ARNs the services refer to by index (`sa`). */
  scaling?: string[];
};

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
  /** Operation started at (ms after t0, as every time below). */
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
  /** Not before (ready-by start). */
  nb?: number;
  /** Prediction: low, expected, high (s), samples. */
  pd?: [number, number, number, number];
  /** Next poll at. */
  np?: number;
  /** Paused since. */
  ps?: number;
  /** Service URL (its region's App Runner domain left out), ready-path tag, resolved path, why not probed. */
  u?: string;
  rt?: string;
  rp?: string;
  rs?: string;
  /** Observed warm-up from the tag (s); a newly observed one still to be written (s). */
  ow?: number;
  wr?: number;
  /** Memory (MiB) and auto scaling configuration (index into the batch's `scaling`). */
  mm?: number;
  sa?: number;
  /** RUNNING seen at; probe streak, count, last answer, next probe at; ready at. */
  ra?: number;
  /** Operation ended at (UpdatedAt; ready-by resumes). */
  rn?: number;
  pk?: number;
  pn?: number;
  pl?: string;
  pa?: number;
  ry?: number;
  /** Paused hours and estimated savings ($) of a resume that ended a paused interval. */
  ph?: number;
  sv?: number;
  /** The outcome, once DONE: outcome (OUTCOME_CODES), reason, finished at, error. */
  r?: { o: string; r?: string; d?: number; at: number; e?: string };
}

// Codes are unique across the three fields, so that no code means two things.
const PHASE_CODES: Record<Phase, string> = {
  PENDING: 'pe',
  WAITING: 'wa',
  IN_FLIGHT: 'fl',
  PROBING: 'pr',
  DONE: 'dn',
};
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
const MAX_WIRE_CHARS = 240_000;

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
  const { services, ...rest } = state;
  const arnPrefix = prefixOf(services[0]?.arn ?? '');
  const t0 = Date.parse(state.run.startedAt) || 0;
  const scaling = [...new Set(services.flatMap((svc) => (svc.scalingArn ? [svc.scalingArn] : [])))];
  const codec: Codec = { prefix: arnPrefix, t0, scaling, domain: `.${state.region}.awsapprunner.com` };
  return {
    // Every batch field travels as it is (a field added to BatchState later travels too); empty ones stay home.
    ...withoutEmpty(rest),
    v: 3,
    t0,
    arnPrefix,
    svc: services.map((svc) => encodeService(svc, codec)),
    ...(scaling.length ? { scaling } : {}),
  };
}

/** The object without its undefined, empty-array and empty-object fields. */
function withoutEmpty<T extends object>(o: T): T {
  const empty = (v: unknown) =>
    v === undefined ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  return Object.fromEntries(Object.entries(o).filter(([, v]) => !empty(v))) as T;
}

/** What encoding and decoding a batch's services share: the ARN prefix, the time origin, the tables. */
interface Codec {
  prefix: string;
  t0: number;
  scaling: string[];
  /** `.<region>.awsapprunner.com`: left out of service URLs. */
  domain: string;
}

function encodeService(svc: TrackedService, c: Codec): WireService {
  const { prefix } = c;
  const rel = (ms: number) => Math.round(ms - c.t0);
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
  if (svc.operationStartedAt !== undefined) w.t = rel(svc.operationStartedAt);
  if (svc.fromStatus) w.f = STATUS_CODES[svc.fromStatus];
  if (svc.waitingFor) w.w = svc.waitingFor;
  if (svc.leaseSet) w.l = 1;
  if (svc.leaseRemoved) w.lr = 1;
  if (svc.joined) w.j = 1;
  if (svc.waited) w.wd = 1;
  if (svc.lastError) w.e = cap(svc.lastError);
  if (svc.notBefore !== undefined) w.nb = rel(svc.notBefore);
  const p = svc.prediction;
  if (p) w.pd = [p.low, p.expected, p.high, p.samples];
  if (svc.nextPollAt !== undefined) w.np = rel(svc.nextPollAt);
  if (svc.pausedSince !== undefined) w.ps = rel(svc.pausedSince);
  if (svc.url) w.u = svc.url.endsWith(c.domain) ? svc.url.slice(0, -c.domain.length) : `${svc.url}/`;
  if (svc.readyPathTag !== undefined) w.rt = svc.readyPathTag;
  if (svc.readyPath !== undefined) w.rp = svc.readyPath;
  if (svc.readySkip !== undefined) w.rs = svc.readySkip;
  if (svc.observedWarmupSeconds !== undefined) w.ow = svc.observedWarmupSeconds;
  if (svc.warmupToRecord !== undefined) w.wr = svc.warmupToRecord;
  if (svc.memoryMb !== undefined) w.mm = svc.memoryMb;
  if (svc.scalingArn) w.sa = c.scaling.indexOf(svc.scalingArn);
  if (svc.runningAt !== undefined) w.ra = rel(svc.runningAt);
  if (svc.runningSince !== undefined) w.rn = rel(svc.runningSince);
  if (svc.probeStreak) w.pk = svc.probeStreak;
  if (svc.probes) w.pn = svc.probes;
  if (svc.lastProbe) w.pl = cap(svc.lastProbe);
  if (svc.nextProbeAt !== undefined) w.pa = rel(svc.nextProbeAt);
  if (svc.readyAt !== undefined) w.ry = rel(svc.readyAt);
  if (svc.pausedHours !== undefined) w.ph = svc.pausedHours;
  if (svc.savingsUsd !== undefined) w.sv = svc.savingsUsd;
  if (svc.result) {
    const r = svc.result;
    w.r = {
      o: OUTCOME_CODES[r.outcome],
      ...(r.reason ? { r: r.reason } : {}),
      at: r.finishedAt ? rel(Date.parse(r.finishedAt)) : 0,
      ...(r.error ? { e: cap(r.error) } : {}),
    };
  }
  return w;
}

/** True for a batch in its wire form. */
function isBatchWire(value: unknown): value is BatchWire {
  return typeof value === 'object' && value !== null && 'batchId' in value && 'svc' in value;
}

/** Decodes the wire form; fields beside the batch's own (a Catch's `failure`) are kept. */
export function decodeBatch<T extends BatchWire>(payload: T): BatchState & Omit<T, keyof BatchWire> {
  const { svc, arnPrefix, v, t0, scaling, ...rest } = payload;
  const codec: Codec = {
    prefix: arnPrefix,
    t0: v === 3 ? (t0 ?? 0) : 0,
    scaling: scaling ?? [],
    domain: `.${payload.region}.awsapprunner.com`,
  };
  const phases = v === 1 ? PHASE_OF_V1 : PHASE_OF;
  const services = Array.isArray(svc) ? svc.map((w) => decodeService(w, codec, phases, payload.run)) : svc;
  return { ...rest, services } as unknown as BatchState & Omit<T, keyof BatchWire>;
}

function decodeService(
  w: WireService,
  c: Codec,
  phases: Record<string, Phase>,
  run: BatchState['run'],
): TrackedService {
  const arn = w.a ?? `${c.prefix}${w.i ?? ''}`;
  const name = arn.split('/')[1] ?? arn;
  const abs = (ms: number) => ms + c.t0;
  const svc: TrackedService = {
    arn,
    name,
    phase: decodeCode(phases, w.p),
    status: decodeCode(STATUS_OF, w.s),
    polls: w.q ?? 0,
    transientErrors: w.x ?? 0,
    notes: w.n ?? [],
    ...(w.o ? { operationId: w.o } : {}),
    ...(w.t !== undefined ? { operationStartedAt: abs(w.t) } : {}),
    ...(w.f ? { fromStatus: decodeCode(STATUS_OF, w.f) } : {}),
    ...(w.w ? { waitingFor: w.w } : {}),
    ...(w.l ? { leaseSet: true } : {}),
    ...(w.lr ? { leaseRemoved: true } : {}),
    ...(w.j ? { joined: true } : {}),
    ...(w.wd ? { waited: true } : {}),
    ...(w.e ? { lastError: w.e } : {}),
    ...(w.nb !== undefined ? { notBefore: abs(w.nb) } : {}),
    ...(w.pd ? { prediction: { low: w.pd[0], expected: w.pd[1], high: w.pd[2], samples: w.pd[3] } } : {}),
    ...(w.np !== undefined ? { nextPollAt: abs(w.np) } : {}),
    ...(w.ps !== undefined ? { pausedSince: abs(w.ps) } : {}),
    ...(w.u !== undefined ? { url: w.u.endsWith('/') ? w.u.slice(0, -1) : `${w.u}${c.domain}` } : {}),
    ...(w.rt !== undefined ? { readyPathTag: w.rt } : {}),
    // Before `rt`, `rp` held Plan's raw tag too; a resolved path always starts with '/'.
    ...(w.rp !== undefined ? (w.rp.startsWith('/') ? { readyPath: w.rp } : { readyPathTag: w.rp }) : {}),
    ...(w.rs !== undefined ? { readySkip: w.rs } : {}),
    ...(w.ow !== undefined ? { observedWarmupSeconds: w.ow } : {}),
    ...(w.wr !== undefined ? { warmupToRecord: w.wr } : {}),
    ...(w.mm !== undefined ? { memoryMb: w.mm } : {}),
    ...(w.sa !== undefined && c.scaling[w.sa] ? { scalingArn: c.scaling[w.sa] } : {}),
    ...(w.ra !== undefined ? { runningAt: abs(w.ra) } : {}),
    ...(w.rn !== undefined ? { runningSince: abs(w.rn) } : {}),
    ...(w.pk ? { probeStreak: w.pk } : {}),
    ...(w.pn ? { probes: w.pn } : {}),
    ...(w.pl ? { lastProbe: w.pl } : {}),
    ...(w.pa !== undefined ? { nextProbeAt: abs(w.pa) } : {}),
    ...(w.ry !== undefined ? { readyAt: abs(w.ry) } : {}),
    ...(w.ph !== undefined ? { pausedHours: w.ph } : {}),
    ...(w.sv !== undefined ? { savingsUsd: w.sv } : {}),
  };
  if (w.r) {
    // The same builder as when the outcome was recorded: what it derives, it derives again.
    svc.result = trackedResult(
      run,
      svc,
      abs(w.r.at),
      decodeCode(OUTCOME_OF, w.r.o),
      w.r.r as OutcomeReason | undefined,
      w.r.e,
    );
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
