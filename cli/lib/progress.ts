import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { decodeStepPayload } from '../../lib/workflow/wire';
import { clockTime } from './format';

/**
 * Live progress of an execution, derived from its history: the Lambda steps return the batch state
 * in its compact wire form (lib/workflow/wire.ts), decoded here by the same seam as in the functions, Plan returns the outcomes it decided at once, and
 * Report the final report. Every output found in the history is read the same way, whichever event
 * carries it (TaskSucceeded, LambdaFunctionSucceeded or a state's exit), and only changes are printed,
 * so the same payload seen twice prints once.
 */

interface TrackedLike {
  arn?: string;
  name?: string;
  phase?: string;
  status?: string;
  operationId?: string;
  joined?: boolean;
  waitingFor?: string;
  notes?: string[];
  polls?: number;
  result?: ResultLike;
}

interface ResultLike {
  serviceArn?: string;
  serviceName?: string;
  outcome?: string;
  reason?: string;
  fromStatus?: string;
  toStatus?: string;
  durationSeconds?: number;
  error?: string;
}

interface Seen {
  planned?: boolean;
  operationId?: string;
  waitingFor?: string;
  status?: string;
  outcome?: string;
}

export interface ProgressLine {
  /** Seconds since the execution started. */
  at: number;
  service: string;
  verb: string;
  detail: string;
}

/** Formats a progress line: `[+00:12] api-staging         started    operation 3f2a…`. */
export function formatProgress(line: ProgressLine, width = 20): string {
  return `[+${clockTime(line.at)}] ${line.service.padEnd(width)} ${line.verb.padEnd(10)} ${line.detail}`.trimEnd();
}

export class ProgressTracker {
  private readonly seen = new Map<string, Seen>();
  private startedAt: number | undefined;
  private action = '';

  /** Reads one history event; returns the lines it adds (possibly none). */
  consume(event: HistoryEvent): ProgressLine[] {
    const t = event.timestamp instanceof Date ? event.timestamp.getTime() : Date.now();
    this.startedAt ??= t;
    const at = Math.max(0, (t - this.startedAt) / 1000);
    const lines: ProgressLine[] = [];
    const output =
      event.taskSucceededEventDetails?.output ??
      event.lambdaFunctionSucceededEventDetails?.output ??
      event.stateExitedEventDetails?.output;
    if (output !== undefined) this.readPayload(parse(output), at, lines);
    const failure =
      event.taskFailedEventDetails ??
      event.lambdaFunctionFailedEventDetails ??
      event.taskTimedOutEventDetails ??
      event.lambdaFunctionTimedOutEventDetails;
    if (failure) {
      lines.push({
        at,
        service: '(workflow)',
        verb: 'step error',
        detail: `${failure.error ?? 'Error'}: ${shorten(causeText(failure.cause), 160)} (retried, or recorded for the batch's services)`,
      });
    }
    return lines;
  }

  private readPayload(raw: unknown, at: number, lines: ProgressLine[]): void {
    // Batches travel in their compact wire form: read them as the functions do.
    const value = decodeStepPayload(raw);
    if (!isObject(value)) return;
    // Lambda service integrations wrap the function result in Payload.
    if (isObject(value.Payload)) {
      this.readPayload(value.Payload, at, lines);
      return;
    }
    if (isObject(value.run) && typeof value.run.action === 'string') this.action = value.run.action;
    if (typeof value.action === 'string') this.action = value.action;
    if (Array.isArray(value.outcomes)) for (const r of value.outcomes) this.readResult(r, at, lines);
    if (Array.isArray(value.batches)) for (const b of value.batches) this.readPayload(b, at, lines);
    if (Array.isArray(value.services)) {
      for (const s of value.services) {
        if (!isObject(s)) continue;
        if (typeof s.phase === 'string') this.readTracked(s as TrackedLike, at, lines);
        else this.readResult(s, at, lines);
      }
    }
  }

  private entry(key: string): Seen {
    let s = this.seen.get(key);
    if (!s) {
      s = {};
      this.seen.set(key, s);
    }
    return s;
  }

  private readTracked(svc: TrackedLike, at: number, lines: ProgressLine[]): void {
    const name = svc.name ?? svc.arn ?? '?';
    const seen = this.entry(svc.arn || name);
    if (!seen.planned) {
      seen.planned = true;
      seen.status = svc.status;
      lines.push({
        at,
        service: name,
        verb: 'planned',
        detail: `${this.action || 'act'} (status ${svc.status ?? 'unknown'})`,
      });
    }
    if (svc.operationId && svc.operationId !== seen.operationId) {
      seen.operationId = svc.operationId;
      const joined = svc.joined === true;
      lines.push({
        at,
        service: name,
        verb: joined ? 'joined' : 'started',
        detail: `operation ${svc.operationId}${joined ? ' already in flight' : ''}`,
      });
    }
    if (svc.phase === 'WAITING' && svc.waitingFor && svc.waitingFor !== seen.waitingFor) {
      seen.waitingFor = svc.waitingFor;
      lines.push({ at, service: name, verb: 'waiting', detail: `for ${svc.waitingFor}` });
    }
    if (svc.phase !== 'DONE' && svc.status && svc.status !== seen.status) {
      seen.status = svc.status;
      lines.push({
        at,
        service: name,
        verb: 'status',
        detail: `${svc.status}${svc.polls ? ` (check ${svc.polls})` : ''}`,
      });
    }
    if (svc.result) this.readResult(svc.result, at, lines);
  }

  private readResult(raw: unknown, at: number, lines: ProgressLine[]): void {
    if (!isObject(raw) || typeof raw.outcome !== 'string') return;
    const r = raw as unknown as ResultLike & { outcome: string };
    const name = r.serviceName || r.serviceArn || '?';
    const seen = this.entry(r.serviceArn || name);
    if (seen.outcome === r.outcome) return;
    seen.outcome = r.outcome;
    const parts: string[] = [];
    if (r.reason) parts.push(r.reason);
    if (r.fromStatus && r.toStatus) parts.push(`${r.fromStatus} → ${r.toStatus}`);
    if (r.durationSeconds !== undefined) parts.push(`in ${r.durationSeconds}s`);
    if (r.error) parts.push(`— ${shorten(r.error, 160)}`);
    lines.push({ at, service: name, verb: r.outcome, detail: parts.join(' ') });
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Lambda error cause is JSON (`{"errorType","errorMessage","trace"}`); show its message. */
export function causeText(cause: string | undefined): string {
  if (!cause) return 'no details';
  const parsed = parse(cause);
  if (isObject(parsed)) {
    const message = parsed.errorMessage ?? parsed.message;
    if (typeof message === 'string') return message;
  }
  return cause;
}

export function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
