import { Cron } from 'croner';
import { baseSecondsOf, jitteredMs, type ResolvedDurations } from './durations';
import { type RestStatus, targetStatusOf } from './operations';
import type { OperationType } from './spec/common';
import type { HistorySpec } from './spec/history';

/**
 * Turns a service's `history` into past operations, oldest first. Whatever the form, the result is a
 * history App Runner could have written: operations never overlap, each starts from a status it is allowed
 * to start from (a pause needs a RUNNING service), a FAILED one leaves the status as it was, all end before
 * `anchor`, and the last one leaves the service in its current status. Generated forms drop what would
 * contradict that; explicit operations that contradict it are reported as issues naming the operation.
 */

export interface PastOperation {
  type: OperationType;
  startedAt: number;
  durationMs: number;
  result: 'SUCCEEDED' | 'FAILED';
}

export interface HistoryContext {
  /** Where the history must end: the clock's start, or the start of the service's in-flight operation. */
  anchor: number;
  /** The clock's start (explicit `startedSecondsAgo` counts from it). */
  now: number;
  /** The service's status at `anchor`. */
  status: RestStatus;
  durations: ResolvedDurations;
  /** Jitter draw of the history's Nth operation, in [0, 1). */
  unit: (index: number) => number;
  /** Field path for issues, e.g. `services[2].history`. */
  path: string;
}

export interface HistoryResult {
  operations: PastOperation[];
  issues: string[];
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/** The status an operation of this type must start from. */
const requiredStatusOf = (type: OperationType): RestStatus =>
  type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING';

const durationOf = (ctx: HistoryContext, type: OperationType, index: number) =>
  jitteredMs(baseSecondsOf(ctx.durations, type), ctx.durations.jitter, ctx.unit(index));

/** Past operations for one service's `history`, or the issues that make it impossible. */
export function pastOperations(spec: HistorySpec, ctx: HistoryContext): HistoryResult {
  if (spec.operations) return explicit(spec, ctx);
  if (spec.count !== undefined) return alternating(spec, ctx);
  return calendar(spec, ctx);
}

function explicit(spec: HistorySpec, ctx: HistoryContext): HistoryResult {
  const issues: string[] = [];
  const ops = (spec.operations ?? [])
    .map((op, index) => {
      const startedAt =
        op.startedAt !== undefined ? Date.parse(op.startedAt) : ctx.now - (op.startedSecondsAgo ?? 0) * 1000;
      const durationMs =
        op.durationSeconds !== undefined
          ? Math.round(op.durationSeconds * 1000)
          : durationOf(ctx, op.type, index);
      return { index, type: op.type, startedAt, durationMs, result: op.status ?? ('SUCCEEDED' as const) };
    })
    .sort((a, b) => a.startedAt - b.startedAt || a.index - b.index);
  const at = (index: number) => `${ctx.path}.operations[${index}]`;
  let state: RestStatus | undefined;
  let busyUntil = -Infinity;
  let previous: number | undefined;
  for (const op of ops) {
    const endsAt = op.startedAt + op.durationMs;
    if (endsAt > ctx.anchor) {
      issues.push(
        `${at(op.index)}: ends at ${iso(endsAt)}, after ${iso(ctx.anchor)} (the clock's start or the in-flight operation's start)`,
      );
    }
    if (op.startedAt < busyUntil && previous !== undefined) {
      issues.push(`${at(op.index)}: starts before operations[${previous}] ends (${iso(busyUntil)})`);
    }
    const required = requiredStatusOf(op.type);
    state ??= required;
    if (state !== required) {
      issues.push(
        `${at(op.index)}: a ${op.type} needs a ${required} service, but the operations before it leave it ${state}`,
      );
    }
    if (op.result === 'SUCCEEDED') state = targetStatusOf(op.type);
    busyUntil = endsAt;
    previous = op.index;
  }
  if (issues.length === 0 && state !== undefined && state !== ctx.status) {
    issues.push(
      `${ctx.path}.operations: the last successful operation leaves the service ${state}, but its status is ${ctx.status}`,
    );
  }
  return {
    operations: ops.map(({ type, startedAt, durationMs, result }) => ({
      type,
      startedAt,
      durationMs,
      result,
    })),
    issues,
  };
}

/** `count` operations, one every `everyHours`, built backwards from the current status. */
function alternating(spec: HistorySpec, ctx: HistoryContext): HistoryResult {
  const count = spec.count ?? 0;
  const everyMs = (spec.everyHours ?? 12) * HOUR_MS;
  const ops: PastOperation[] = [];
  let after = ctx.status;
  for (let j = 0; j < count; j++) {
    const index = count - 1 - j; // oldest first
    const fails = spec.failEvery !== undefined && (index + 1) % spec.failEvery === 0;
    // A failed operation tried to leave the status it left unchanged; a good one arrived at it.
    const type: OperationType =
      after === 'PAUSED'
        ? fails
          ? 'RESUME_SERVICE'
          : 'PAUSE_SERVICE'
        : fails
          ? 'PAUSE_SERVICE'
          : 'RESUME_SERVICE';
    const durationMs = durationOf(ctx, type, index);
    if (durationMs >= everyMs) {
      return {
        operations: [],
        issues: [
          `${ctx.path}.everyHours: operations last up to ${Math.ceil(durationMs / 1000)} s; leave more room between them`,
        ],
      };
    }
    ops.push({
      type,
      startedAt: ctx.anchor - (j + 1) * everyMs,
      durationMs,
      result: fails ? 'FAILED' : 'SUCCEEDED',
    });
    if (!fails) after = requiredStatusOf(type);
  }
  return { operations: ops.reverse(), issues: [] };
}

/** A weekly calendar of resumes and pauses over the last `weeks` weeks, simulated and cut to agree. */
function calendar(spec: HistorySpec, ctx: HistoryContext): HistoryResult {
  const timezone = spec.timezone ?? 'UTC';
  const days = spec.days ?? 'MON-FRI';
  const from = ctx.anchor - (spec.weeks ?? 1) * WEEK_MS;
  const events = [
    ...firesBetween(spec.resumeAt ?? '07:00', days, timezone, from, ctx.anchor).map((at) => ({
      at,
      type: 'RESUME_SERVICE' as const,
    })),
    ...firesBetween(spec.pauseAt ?? '20:00', days, timezone, from, ctx.anchor).map((at) => ({
      at,
      type: 'PAUSE_SERVICE' as const,
    })),
  ].sort((a, b) => a.at - b.at);
  const first = events[0];
  if (!first) return { operations: [], issues: [] };
  const initial = requiredStatusOf(first.type);
  let state = initial;
  let busyUntil = -Infinity;
  let attempts = 0;
  const ops: Array<PastOperation & { after: RestStatus }> = [];
  for (const event of events) {
    // App Runner refuses an operation from the wrong status or during another one: no operation recorded.
    if (requiredStatusOf(event.type) !== state || event.at < busyUntil) continue;
    attempts++;
    const fails = spec.failEvery !== undefined && attempts % spec.failEvery === 0;
    const durationMs = durationOf(ctx, event.type, attempts - 1);
    if (event.at + durationMs > ctx.anchor) break;
    if (!fails) state = targetStatusOf(event.type);
    busyUntil = event.at + durationMs;
    ops.push({
      type: event.type,
      startedAt: event.at,
      durationMs,
      result: fails ? 'FAILED' : 'SUCCEEDED',
      after: state,
    });
  }
  // The calendar knows nothing of the service's status now: end with the newest operation that agrees.
  let keep = ops.length;
  while (keep > 0 && ops[keep - 1]!.after !== ctx.status) keep--;
  if (keep === 0 && initial !== ctx.status) {
    return {
      operations: [],
      issues: [`${ctx.path}: the calendar never leaves the service ${ctx.status}, its current status`],
    };
  }
  return { operations: ops.slice(0, keep).map(({ after: _, ...op }) => op), issues: [] };
}

/** Fire times already computed: a generated fleet of 1,000 services shares one calendar (2 s → 0.1 s). */
const fireCache = new Map<string, readonly number[]>();
const FIRE_CACHE_SIZE = 64;

/** Fire times (epoch ms) of a daily HH:MM on `days` in `timezone`, in [from, to). */
function firesBetween(
  time: string,
  days: string,
  timezone: string,
  from: number,
  to: number,
): readonly number[] {
  const key = `${time}|${days}|${timezone}|${from}|${to}`;
  const cached = fireCache.get(key);
  if (cached) return cached;
  const fires = computeFires(time, days, timezone, from, to);
  if (fireCache.size >= FIRE_CACHE_SIZE) fireCache.delete(fireCache.keys().next().value as string);
  fireCache.set(key, fires);
  return fires;
}

function computeFires(time: string, days: string, timezone: string, from: number, to: number): number[] {
  const [hh, mm] = time.split(':').map(Number);
  const cron = new Cron(`${mm} ${hh} * * ${days}`, { timezone, paused: true });
  const out: number[] = [];
  let cursor = new Date(from - 1000);
  for (let i = 0; i < 400; i++) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() >= to) break;
    if (next.getTime() >= from) out.push(next.getTime());
    cursor = next;
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();
