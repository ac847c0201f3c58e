import * as z from 'zod';
import { SERVICE_STATUSES } from './app-runner/port';
import type { BatchState } from './batch';
import { ACTIONS, OUTCOMES } from './contracts';
import { InvalidInputError, issuesFromZod } from './errors';

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

const TrackedSchema = z.looseObject({
  arn: z.string(),
  name: z.string(),
  phase: z.enum(['PENDING', 'WAITING', 'IN_FLIGHT', 'DONE']),
  status: z.enum(SERVICE_STATUSES),
  polls: z.number().int().min(0),
  transientErrors: z.number().int().min(0),
  notes: z.array(z.string()),
  result: ResultSchema.optional(),
});

const positive = z.number().min(0);

export const BatchStateSchema = z.looseObject({
  run: RunInfoSchema,
  batchId: z.string(),
  region: z.string(),
  regionServiceCount: z.number().int().min(0),
  settings: z.object({
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
  }),
  services: z.array(TrackedSchema).min(1),
  round: z.number().int().min(0),
  nextDelaySeconds: positive,
  allDone: z.boolean(),
  requests: z.number().int().min(0),
});

export const ReportEventSchema = z.looseObject({
  run: RunInfoSchema,
  outcomes: z.array(ResultSchema),
  batches: z.array(z.looseObject({ services: z.array(TrackedSchema), requests: z.number().optional() })),
  requests: z.number().optional(),
});

/** Parses a payload or throws InvalidInputError naming the bad fields. */
export function parsePayload<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(issuesFromZod(parsed.error, what));
  return parsed.data;
}

export function parseBatch(raw: unknown): BatchState {
  return parsePayload(BatchStateSchema, raw, 'batch') as unknown as BatchState;
}
