import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { autoScalingName, region, seconds, tags } from './spec/common';
import { type FaultSpec, faultSchema } from './spec/faults';
import { RETIRED_FIELDS, type ServiceSpec, serviceSettings, serviceSpecSchema } from './spec/service';

/**
 * The fleet file: which services the emulator serves, how App Runner behaves (realism switches) and which
 * faults to inject. JSON or YAML; validated here so a typo fails loudly with the path of the bad field.
 * The pieces live in spec/ (services, history, faults); this module assembles them and parses files.
 */

export {
  type OperationType,
  operationTypes,
  type ServiceStatus,
  serviceStatuses,
} from './spec/common';
export { type FaultSpec, type FaultType, faultSchema } from './spec/faults';
export type { HistoryOperationSpec, HistorySpec } from './spec/history';
export { type DurationsSpec, type ServiceSpec, serviceSpecSchema } from './spec/service';

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
  /** Ranges in `durations` are drawn per generated service. */
  ...serviceSettings,
  /** Services are spread round-robin over these regions. Default: the fleet's region. */
  regions: z.array(region).min(1).optional(),
});
export type GenerateSpec = z.input<typeof generateSchema>;

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

const optionsSchema = z.strictObject({
  /** ResumeService on a RUNNING service: InvalidStateException, or 200 with the service and no OperationId. */
  resumeWhenRunning: z.enum(['invalid-state', 'no-op']).optional(),
  /** PauseService on a PAUSED service: same choice. */
  pauseWhenPaused: z.enum(['invalid-state', 'no-op']).optional(),
  listServicesPaging: pagingSchema.optional(),
  listOperationsPaging: pagingSchema.pick({ pageSize: true }).optional(),
  /** The Resource Groups Tagging API's index, which GetResources reads. */
  tagIndex: z
    .strictObject({
      /** Tag changes (and deletions) reach the index this many seconds late: it is eventually consistent. Default 0. */
      lagSeconds: seconds.optional(),
      /** Never more than this many resources per page, whatever ResourcesPerPage asks (1–100). Default 100. */
      pageSize: z.number().int().min(1).max(100).optional(),
      /** Every Nth page is empty but still carries a PaginationToken. */
      emptyPagesEvery: z.number().int().min(2).optional(),
    })
    .optional(),
  /** Global request budget (token bucket, burst = one second's worth); above it, ThrottlingException. Null: off. */
  requestsPerSecond: z.number().positive().nullable().optional(),
  /** How long a new operation stays PENDING before IN_PROGRESS. Default 1. */
  pendingSeconds: seconds.optional(),
  /** How long DescribeService still returns a DELETED service before ResourceNotFoundException. Default 60. */
  deletedVisibleSeconds: seconds.optional(),
  /** Seed of the PRNG behind fault rates, drawn durations, jitter and generated history. Default 1. */
  seed: z.number().int().optional(),
});
/** Realism switches; settable in the fleet file and at runtime (`emulator.setOptions`). */
export type EmulatorBehaviour = z.input<typeof optionsSchema>;

/** An auto scaling configuration services can name (`autoScaling: <name>`); App Runner's ranges. */
export const autoScalingConfigSchema = z
  .strictObject({
    name: autoScalingName,
    /** Default 1. */
    revision: z.number().int().min(1).max(1000).optional(),
    /** Default 1. */
    minSize: z.number().int().min(1).max(25).optional(),
    /** Default 25. */
    maxSize: z.number().int().min(1).max(25).optional(),
    /** Default 100. */
    maxConcurrency: z.number().int().min(1).max(200).optional(),
  })
  .refine((c) => (c.minSize ?? 1) <= (c.maxSize ?? 25), {
    path: ['minSize'],
    message: 'must not be greater than maxSize',
  });
export type AutoScalingConfigSpec = z.input<typeof autoScalingConfigSchema>;

/** App Runner's own default configuration, which every account has in every region. */
export const DEFAULT_AUTO_SCALING = 'DefaultConfiguration';

type Loose = Record<string, unknown>;
const asArray = (v: unknown): Loose[] =>
  Array.isArray(v) ? v.filter((x): x is Loose => typeof x === 'object' && x !== null) : [];
const asRecord = (v: unknown): Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : {};
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Checks across fields: unique names, auto scaling references, history only where a history can be. */
function crossFieldChecks(value: unknown, ctx: z.RefinementCtx): void {
  const fleet = asRecord(value);
  const services = asArray(fleet.services);
  const seen = new Map<string, number>();
  services.forEach((s, i) => {
    const name = asString(s.name);
    if (name === undefined) return;
    const where = asString(s.region) ?? asString(fleet.region) ?? 'us-east-1';
    const first = seen.get(`${where}/${name}`);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['services', i, 'name'],
        message: `duplicate service name "${name}" in ${where} (also services[${first}])`,
      });
    } else {
      seen.set(`${where}/${name}`, i);
    }
  });
  const configs = new Set([DEFAULT_AUTO_SCALING]);
  asArray(fleet.autoScalingConfigurations).forEach((c, i) => {
    const name = asString(c.name);
    if (name === undefined) return;
    const revision = typeof c.revision === 'number' ? c.revision : 1;
    if (configs.has(`${name}/${revision}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['autoScalingConfigurations', i, 'name'],
        message: `duplicate auto scaling configuration ${name} revision ${revision}`,
      });
    }
    configs.add(`${name}/${revision}`);
    configs.add(name);
  });
  const checkRef = (owner: Loose, path: (string | number)[]) => {
    const name = asString(owner.autoScaling);
    if (name !== undefined && !configs.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'autoScaling'],
        message: `no auto scaling configuration named "${name}" (define it in autoScalingConfigurations)`,
      });
    }
  };
  checkRef(asRecord(fleet.defaults), ['defaults']);
  services.forEach((s, i) => {
    checkRef(s, ['services', i]);
  });
  const generators = Array.isArray(fleet.generate) ? asArray(fleet.generate) : [asRecord(fleet.generate)];
  generators.forEach((g, i) => {
    const path = Array.isArray(fleet.generate) ? ['generate', i] : ['generate'];
    checkRef(g, path);
    const status = asString(g.status);
    if (g.history !== undefined && status !== undefined && status !== 'PAUSED' && status !== 'RUNNING') {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'history'],
        message: `a history needs PAUSED or RUNNING services (status is ${status})`,
      });
    }
  });
}

const fleetSchema = z
  .strictObject({
    accountId: z
      .string()
      .regex(/^\d{12}$/, 'must be 12 digits')
      .optional(),
    /** The default region: requests without a SigV4 region, and services without one. Default us-east-1. */
    region: region.optional(),
    /** Settings every service takes unless it sets its own (durations, instance, healthCheck merge by field). */
    defaults: z.strictObject(serviceSettings).optional(),
    options: optionsSchema.optional(),
    /** Named auto scaling configurations, besides App Runner's DefaultConfiguration (which one may redefine). */
    autoScalingConfigurations: z.array(autoScalingConfigSchema).optional(),
    services: z.array(serviceSpecSchema).optional(),
    generate: z.union([generateSchema, z.array(generateSchema)]).optional(),
    faults: z.array(faultSchema).optional(),
  })
  .superRefine(crossFieldChecks, {
    // Run even when some field is invalid, so one pass names every problem; hence the defensive reads.
    when: () => true,
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

/** `services[1].durations.resume`, as the messages name fields. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const retired = issue.keys.filter((k) => RETIRED_FIELDS[k] !== undefined);
      if (retired.length > 0) {
        const hints = retired.map((k) => `${k} is now ${RETIRED_FIELDS[k]}`).join('; ');
        return `${where}: ${issue.message} (${hints})`;
      }
    }
    return `${where}: ${issue.message}`;
  });
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
