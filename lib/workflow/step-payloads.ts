import * as z from 'zod';
import { SERVICE_STATUSES } from '../app-runner/port';
import { ACTIONS } from '../contract/execution-input';
import { OUTCOMES } from '../contract/execution-result';
import { CONFIG_DEFAULTS } from '../runtime/config';
import { InvalidInputError, issuesFromZod } from '../runtime/errors';
import type { BatchState } from './batch';

/**
 * Schemas of the payloads the state machine passes between the functions (not public contracts), in their
 * readable form: the middleware decodes the wire form first (./wire.ts), so a bad payload is reported by
 * readable field names (`services[3].phase`).
 */

const RunInfoSchema = z.looseObject({
  action: z.enum(ACTIONS),
  dryRun: z.boolean(),
  reason: z.string(),
  requestedBy: z.string(),
  scheduled: z.boolean(),
  keepAwakeUntil: z.string().optional(),
  readyBy: z.string().optional(),
  readyCheck: z.enum(['http', 'none']).optional(),
  overrideLease: z.boolean().optional(),
  skippedRun: z.looseObject({ reason: z.enum(['HOLIDAY', 'SKIP_DATE', 'FROZEN']) }).optional(),
  startedAt: z.string(),
  executionId: z.string().optional(),
});

const ResultSchema = z.looseObject({
  serviceArn: z.string(),
  serviceName: z.string(),
  outcome: z.enum(OUTCOMES),
});

const positive = z.number().min(0);

const SettingsSchema = z.looseObject({
  deadlineAt: z.number(),
  maxPolls: z.number().int().min(1),
  maxInFlight: z.number().int().min(1),
  requestsPerSecond: z.number().positive(),
  pollWindowSeconds: positive,
  pollIntervalSeconds: z.number().positive(),
  initialDelaySeconds: positive,
  minDelaySeconds: positive,
  maxDelaySeconds: positive,
  operationDeadlineSeconds: positive,
  // Settings added after the first release: a batch planned before them gets the configuration's defaults.
  inFunctionMaxSleepSeconds: positive.default(CONFIG_DEFAULTS.POLL_IN_FUNCTION_MAX_SLEEP_SECONDS),
  predictFromHistory: z.boolean().default(CONFIG_DEFAULTS.POLL_FROM_HISTORY),
  readyTimeoutSeconds: positive.default(CONFIG_DEFAULTS.READY_TIMEOUT_SECONDS),
  probeIntervalSeconds: positive.default(CONFIG_DEFAULTS.READY_PROBE_INTERVAL_SECONDS),
  probeTimeoutSeconds: positive.default(CONFIG_DEFAULTS.READY_PROBE_TIMEOUT_SECONDS),
  readyWarmupSeconds: positive.default(CONFIG_DEFAULTS.READY_WARMUP_SECONDS),
  readyByMarginSeconds: positive.default(CONFIG_DEFAULTS.READY_BY_MARGIN_SECONDS),
  usdPerGbHour: positive.optional(),
});

const TrackedServiceSchema = z.looseObject({
  arn: z.string().min(1),
  name: z.string(),
  phase: z.enum(['PENDING', 'WAITING', 'IN_FLIGHT', 'PROBING', 'DONE']),
  status: z.enum(SERVICE_STATUSES),
  fromStatus: z.enum(SERVICE_STATUSES).optional(),
  polls: z.number().int().min(0),
  transientErrors: z.number().int().min(0),
  notes: z.array(z.string()),
  result: ResultSchema.optional(),
});

/** A batch as the functions see it (decoded from its wire form). */
const BatchStateSchema = z.looseObject({
  run: RunInfoSchema,
  batchId: z.string(),
  region: z.string(),
  regionServiceCount: z.number().int().min(0),
  settings: SettingsSchema,
  services: z.array(TrackedServiceSchema).min(1),
  round: z.number().int().min(0),
  nextDelaySeconds: positive,
  nextCheckAt: z.string().optional(),
  allDone: z.boolean(),
  requests: z.number().int().min(0),
});

export const ReportEventSchema = z.looseObject({
  run: RunInfoSchema,
  outcomes: z.array(ResultSchema),
  batches: z.array(BatchStateSchema),
  requests: z.number().optional(),
  warnings: z.array(z.string()).optional(),
});

/** Parses a payload or throws InvalidInputError naming the bad fields. */
export function parsePayload<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(issuesFromZod(parsed.error, what));
  return parsed.data;
}

/** Validates a batch (already decoded from its wire form by the middleware). */
export function parseBatch(raw: unknown): BatchState {
  return parsePayload(BatchStateSchema, raw, 'batch') as unknown as BatchState;
}
