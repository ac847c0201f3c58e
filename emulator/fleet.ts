import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { apiOperations } from './validation';

/**
 * The fleet file: which services the emulator serves, how App Runner behaves (realism switches) and which
 * faults to inject. JSON or YAML; validated here so a typo fails loudly with the path of the bad field.
 */

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const seconds = z
  .number()
  .min(0)
  .max(7 * 24 * 3600);
const secondsRange = z.union([
  seconds,
  z
    .strictObject({ min: seconds, max: seconds })
    .refine((r) => r.min <= r.max, { message: 'min must not be greater than max' }),
]);
const serviceName = z.string().regex(SERVICE_NAME, `must match ${SERVICE_NAME.source}`);
const region = z.string().regex(REGION, 'must be an AWS region such as us-east-1');
const tags = z.record(
  z
    .string()
    .min(1)
    .max(128)
    .refine((k) => !k.startsWith('aws:'), { message: 'tag keys must not start with aws:' }),
  z.string().max(256),
);

export const serviceStatuses = [
  'CREATE_FAILED',
  'RUNNING',
  'DELETED',
  'DELETE_FAILED',
  'PAUSED',
  'OPERATION_IN_PROGRESS',
] as const;
export type ServiceStatus = (typeof serviceStatuses)[number];

export const operationTypes = [
  'START_DEPLOYMENT',
  'CREATE_SERVICE',
  'PAUSE_SERVICE',
  'RESUME_SERVICE',
  'DELETE_SERVICE',
  'UPDATE_SERVICE',
] as const;
export type OperationType = (typeof operationTypes)[number];

const pauseOrResume = z.enum(['PAUSE_SERVICE', 'RESUME_SERVICE']);

/** Which requests a request-level fault applies to, and when. Every selector given must match. */
const requestSelector = {
  /** Service name or ARN; omit for every service (and for ListServices, which names none). */
  service: z.string().min(1).optional(),
  /** API operation names, e.g. ["ResumeService", "ListOperations"]; omit for all. */
  operations: z
    .array(z.enum(apiOperations as [string, ...string[]]))
    .min(1)
    .optional(),
  /** Probability (0..1) that a matching call is hit; drawn from the fleet's seeded PRNG. Default 1. */
  rate: z.number().min(0).max(1).optional(),
  /** Only the next N calls that are hit; omit for no limit. */
  next: z.number().int().min(1).optional(),
  /** Active for this many seconds of clock time from when the fault is installed (plus startsInSeconds). */
  forSeconds: z.number().positive().optional(),
  /** Becomes active this many seconds of clock time after it is installed. Default 0. */
  startsInSeconds: z.number().min(0).optional(),
};

/** Which Pause/Resume operations an operation-level fault applies to. */
const operationSelector = {
  service: z.string().min(1).optional(),
  /** PAUSE_SERVICE and/or RESUME_SERVICE; omit for both. */
  operations: z.array(pauseOrResume).min(1).optional(),
  /** Only the next N operations started; omit for every one. */
  next: z.number().int().min(1).optional(),
};

export const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('throttle'), ...requestSelector }),
  z.strictObject({ type: z.literal('server-error'), ...requestSelector }),
  z.strictObject({
    type: z.literal('slow'),
    delayMs: z.number().int().min(1).max(120_000),
    ...requestSelector,
  }),
  z.strictObject({ type: z.literal('operation-fails'), ...operationSelector }),
  z.strictObject({ type: z.literal('operation-never-ends'), ...operationSelector }),
  z.strictObject({
    type: z.literal('deleted-mid-operation'),
    /** Seconds into the operation when the service is deleted. Default 5. */
    afterSeconds: seconds.optional(),
    ...operationSelector,
  }),
]);
/** A fault to inject (fleet file `faults`, a service's `faults`, or `emulator.injectFault`). */
export type FaultSpec = z.input<typeof faultSchema>;

const inFlightSchema = z.strictObject({
  type: z.enum(['RESUME_SERVICE', 'PAUSE_SERVICE', 'START_DEPLOYMENT', 'UPDATE_SERVICE']),
  /** How long it has been running when the emulator starts. Default 0. */
  elapsedSeconds: seconds.optional(),
  /** Total duration; default the service's resume/pause/deploy duration. */
  durationSeconds: seconds.optional(),
  outcome: z.enum(['succeeds', 'fails', 'never-ends']).optional(),
});

export const serviceSpecSchema = z
  .strictObject({
    name: serviceName,
    /** Default: the fleet's region. */
    region: region.optional(),
    /** 32 hex digits; default derived from account, region and name (stable across runs). */
    id: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits')
      .optional(),
    /** Status at start (before any in-flight operation). Default PAUSED, or what inFlight implies. */
    status: z.enum(serviceStatuses).optional(),
    tags: tags.optional(),
    resumeSeconds: seconds.optional(),
    pauseSeconds: seconds.optional(),
    deploySeconds: seconds.optional(),
    /** ISO-8601; default 30 days before the clock's start. */
    createdAt: z.iso.datetime({ offset: true }).optional(),
    inFlight: inFlightSchema.optional(),
    /** Faults for this service only (their `service` selector is implied). */
    faults: z.array(faultSchema).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.status === 'OPERATION_IN_PROGRESS' && !s.inFlight) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: 'OPERATION_IN_PROGRESS needs an inFlight operation',
      });
    }
    if (s.inFlight && s.status && s.status !== 'OPERATION_IN_PROGRESS') {
      const expected = s.inFlight.type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING';
      if (s.status !== expected) {
        ctx.addIssue({
          code: 'custom',
          path: ['status'],
          message: `a service with an in-flight ${s.inFlight.type} must start ${expected} (or omit status)`,
        });
      }
    }
  });
/** One service of the fleet (also accepted by `emulator.addServices`). */
export type ServiceSpec = z.input<typeof serviceSpecSchema>;

const generateSchema = z.strictObject({
  count: z.number().int().min(1).max(100_000),
  /** Names are `<namePrefix>-0001`, `<namePrefix>-0002`, … Default "svc". */
  namePrefix: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-_]*$/)
    .max(30)
    .optional(),
  status: z.enum(['RUNNING', 'PAUSED', 'CREATE_FAILED', 'DELETE_FAILED']).optional(),
  tags: tags.optional(),
  /** A fixed duration or a {min, max} range drawn (whole seconds) from the fleet's seeded PRNG. */
  resumeSeconds: secondsRange.optional(),
  pauseSeconds: secondsRange.optional(),
  /** Services are spread round-robin over these regions. Default: the fleet's region. */
  regions: z.array(region).min(1).optional(),
});

const pagingSchema = z.strictObject({
  /** Never more than this many items per page (MaxResults can lower it). Default: everything. */
  pageSize: z.number().int().min(1).max(20).optional(),
  /** Every Nth page returns about half of what it could (but at least one item). */
  shortPagesEvery: z.number().int().min(2).optional(),
  /** Every Nth page is empty but still carries a NextToken. */
  emptyPagesEvery: z.number().int().min(2).optional(),
  /** The last page of data still carries a NextToken, which leads to an empty final page. */
  trailingEmptyPage: z.boolean().optional(),
});

export const optionsSchema = z.strictObject({
  /** ResumeService on a RUNNING service: InvalidStateException, or 200 with the service and no OperationId. */
  resumeWhenRunning: z.enum(['invalid-state', 'no-op']).optional(),
  /** PauseService on a PAUSED service: same choice. */
  pauseWhenPaused: z.enum(['invalid-state', 'no-op']).optional(),
  listServicesPaging: pagingSchema.optional(),
  listOperationsPaging: pagingSchema.pick({ pageSize: true }).optional(),
  /** Global request budget (token bucket, burst = one second's worth); above it, ThrottlingException. Null: off. */
  requestsPerSecond: z.number().positive().nullable().optional(),
  /** How long a new operation stays PENDING before IN_PROGRESS. Default 1. */
  pendingSeconds: seconds.optional(),
  /** How long DescribeService still returns a DELETED service before ResourceNotFoundException. Default 60. */
  deletedVisibleSeconds: seconds.optional(),
  /** Seed of the PRNG behind fault rates and generated durations. Default 1. */
  seed: z.number().int().optional(),
});
/** Realism switches; settable in the fleet file and at runtime (`emulator.setOptions`). */
export type EmulatorBehaviour = z.input<typeof optionsSchema>;

export const fleetSchema = z
  .strictObject({
    accountId: z
      .string()
      .regex(/^\d{12}$/, 'must be 12 digits')
      .optional(),
    /** The default region: requests without a SigV4 region, and services without one. Default us-east-1. */
    region: region.optional(),
    defaults: z
      .strictObject({
        resumeSeconds: seconds.optional(),
        pauseSeconds: seconds.optional(),
        deploySeconds: seconds.optional(),
      })
      .optional(),
    options: optionsSchema.optional(),
    services: z.array(serviceSpecSchema).optional(),
    generate: z.union([generateSchema, z.array(generateSchema)]).optional(),
    faults: z.array(faultSchema).optional(),
  })
  .superRefine((fleet, ctx) => {
    const seen = new Map<string, number>();
    (fleet.services ?? []).forEach((s, i) => {
      const key = `${s.region ?? fleet.region ?? 'us-east-1'}/${s.name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'name'],
          message: `duplicate service name "${s.name}" in ${key.split('/')[0]} (also services[${first}])`,
        });
      } else {
        seen.set(key, i);
      }
    });
  });
/** A fleet as written in a fleet file (every field but the service names optional). */
export type FleetSpec = z.input<typeof fleetSchema>;

/** A fleet file (or fleet object) that does not validate; `issues` lists every bad field by path. */
export class FleetValidationError extends Error {
  override readonly name = 'FleetValidationError';
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid fleet ${source}:\n${issues.map((i) => `  - ${i}`).join('\n')}`, options);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/** Validates a fleet object; throws {@link FleetValidationError} naming every bad field. */
export function parseFleet(input: unknown, source = '(inline)'): FleetSpec {
  const result = fleetSchema.safeParse(input);
  if (!result.success)
    throw new FleetValidationError(source, issuesOf(result.error), { cause: result.error });
  return result.data;
}

/** Validates one fault spec; throws {@link FleetValidationError}. */
export function parseFault(input: unknown): FaultSpec {
  const result = faultSchema.safeParse(input);
  if (!result.success)
    throw new FleetValidationError('fault', issuesOf(result.error), { cause: result.error });
  return result.data;
}

/** Validates service specs; throws {@link FleetValidationError}. */
export function parseServices(input: readonly unknown[]): ServiceSpec[] {
  const result = z.array(serviceSpecSchema).safeParse(input);
  if (!result.success)
    throw new FleetValidationError('services', issuesOf(result.error), { cause: result.error });
  return result.data;
}

/** Validates runtime options; throws {@link FleetValidationError}. */
export function parseOptions(input: unknown): EmulatorBehaviour {
  const result = optionsSchema.partial().safeParse(input);
  if (!result.success)
    throw new FleetValidationError('options', issuesOf(result.error), { cause: result.error });
  return result.data;
}

/**
 * Reads and validates a fleet file (`.json`, `.yaml` or `.yml`).
 * @throws FleetValidationError listing every bad field, or when the file cannot be read or parsed.
 */
export function loadFleetFile(path: string): FleetSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FleetValidationError(path, [`cannot read the file: ${(error as Error).message}`], {
      cause: error,
    });
  }
  let data: unknown;
  try {
    data = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new FleetValidationError(
      path,
      [`not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`],
      {
        cause: error,
      },
    );
  }
  return parseFleet(data ?? {}, path);
}
