import * as z from 'zod';
import type { BatchState } from '../../functions/operations/engine';
import { ACTIONS } from '../contract/execution-input';
import { OUTCOMES } from '../contract/execution-result';
import { InvalidInputError, issuesFromZod } from '../runtime/errors';
import { type BatchWire, decodeBatch } from './wire';

/** Schemas of the payloads the state machine passes between the functions (not public contracts). */

const RunInfoSchema = z.object({
  action: z.enum(ACTIONS),
  dryRun: z.boolean(),
  reason: z.string(),
  requestedBy: z.string(),
  scheduled: z.boolean(),
  keepAwakeUntil: z.string().optional(),
  startedAt: z.string(),
  executionId: z.string().optional(),
});

const ResultSchema = z.looseObject({
  serviceArn: z.string(),
  serviceName: z.string(),
  outcome: z.enum(OUTCOMES),
});

const positive = z.number().min(0);

const SettingsSchema = z.object({
  deadlineAt: z.number(),
  maxPolls: z.number().int().min(1),
  maxInFlight: z.number().int().min(1),
  requestsPerSecond: z.number().positive(),
  pollWindowSeconds: positive,
  pollIntervalSeconds: z.number().positive(),
  initialDelaySeconds: positive,
  minDelaySeconds: positive,
  maxDelaySeconds: positive,
  inFunctionMaxSleepSeconds: positive.optional(),
});

const WireServiceSchema = z.looseObject({
  i: z.string().optional(),
  a: z.string().optional(),
  p: z.enum(['P', 'W', 'F', 'D']),
  s: z.enum(['R', 'P', 'O', 'CF', 'DF', 'D']),
  r: z.looseObject({ o: z.enum(['S', 'K', 'F', 'T']), at: z.number() }).optional(),
});

/** A batch in its wire form (lib/batch-wire.ts), as the state machine passes it. */
export const BatchWireSchema = z.looseObject({
  v: z.literal(1),
  run: RunInfoSchema,
  batchId: z.string(),
  region: z.string(),
  regionServiceCount: z.number().int().min(0),
  settings: SettingsSchema,
  arnPrefix: z.string(),
  svc: z.array(WireServiceSchema).min(1),
  round: z.number().int().min(0),
  nextDelaySeconds: positive,
  allDone: z.boolean(),
  requests: z.number().int().min(0),
});

export const ReportEventSchema = z.looseObject({
  run: RunInfoSchema,
  outcomes: z.array(ResultSchema),
  batches: z.array(BatchWireSchema),
  requests: z.number().optional(),
});

/** Parses a payload or throws InvalidInputError naming the bad fields. */
export function parsePayload<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(issuesFromZod(parsed.error, what));
  return parsed.data;
}

/** Parses a batch in its wire form and returns the readable one the functions work on. */
export function parseBatch(raw: unknown): BatchState {
  return decodeBatch(parsePayload(BatchWireSchema, raw, 'batch') as unknown as BatchWire);
}
