import * as z from 'zod';
import { autoScalingName, region, seconds, secondsRange, serviceName, serviceStatuses, tags } from './common';
import { faultSchema } from './faults';
import { historySchema } from './history';

/** One service of a fleet, and the settings a fleet's `defaults` and `generate` share with it. */

/**
 * How long things take, in seconds: a number, or `{min, max}` drawn once per service (seeded). `jitter`
 * (0–0.5) varies each operation by up to ±jitter around the service's value, so a service's operations
 * spread like real ones.
 */
export const durationsSchema = z.strictObject({
  resume: secondsRange.optional(),
  pause: secondsRange.optional(),
  /** In-flight deployments and updates. */
  deploy: secondsRange.optional(),
  /** After the service becomes RUNNING, its URL answers 503 this long before 200. */
  warmup: secondsRange.optional(),
  jitter: z.number().min(0).max(0.5).optional(),
});
export type DurationsSpec = z.input<typeof durationsSchema>;

const CPU = /^(256|512|1024|2048|4096|(0\.25|0\.5|1|2|4) vCPU)$/;
const MEMORY = /^(512|1024|2048|3072|4096|6144|8192|10240|12288|(0\.5|1|2|3|4|6|8|10|12) GB)$/;
/** YAML reads `cpu: 1024` as a number; App Runner's form is a string either way. */
const sizeString = (pattern: RegExp, hint: string) =>
  z
    .union([z.string(), z.number()])
    .transform(String)
    .pipe(z.string().regex(pattern, `must be ${hint}`));

/** Echoed in Service.InstanceConfiguration as written (both of App Runner's spellings occur). */
export const instanceSchema = z.strictObject({
  cpu: sizeString(CPU, 'one of 256, 512, 1024, 2048, 4096 or 0.25/0.5/1/2/4 vCPU').optional(),
  memory: sizeString(
    MEMORY,
    'one of 512, 1024, 2048, 3072, 4096, 6144, 8192, 10240, 12288 or 0.5/1/2/3/4/6/8/10/12 GB',
  ).optional(),
});

export const healthCheckSchema = z.strictObject({
  protocol: z.enum(['TCP', 'HTTP']).optional(),
  path: z.string().min(1).max(1024).startsWith('/', 'must start with /').optional(),
});

/** Settings a service takes from the fleet's `defaults` unless it sets them itself. */
export const serviceSettings = {
  durations: durationsSchema.optional(),
  /** Default { cpu: "1024", memory: "2048" }. */
  instance: instanceSchema.optional(),
  /** Default { protocol: TCP, path: / }. */
  healthCheck: healthCheckSchema.optional(),
  /** Name of one of the fleet's autoScalingConfigurations. Default DefaultConfiguration. */
  autoScaling: autoScalingName.optional(),
  /** False: IngressConfiguration.IsPubliclyAccessible = false (a private service). Default true. */
  public: z.boolean().optional(),
  history: historySchema.optional(),
};

const inFlightSchema = z.strictObject({
  type: z.enum(['RESUME_SERVICE', 'PAUSE_SERVICE', 'START_DEPLOYMENT', 'UPDATE_SERVICE']),
  /** How long it has been running when the emulator starts. Default 0. */
  elapsedSeconds: seconds.optional(),
  /** Total duration; default the service's resume/pause/deploy duration (with jitter). */
  durationSeconds: seconds.optional(),
  outcome: z.enum(['succeeds', 'fails', 'never-ends']).optional(),
});

/** The statuses a generated history can agree with. */
const HISTORY_STATUSES = new Set(['PAUSED', 'RUNNING']);

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
    ...serviceSettings,
    /** ISO-8601; default 30 days before the clock's start (or before the history's first operation). */
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
    if (s.history && !s.inFlight && s.status && !HISTORY_STATUSES.has(s.status)) {
      ctx.addIssue({
        code: 'custom',
        path: ['history'],
        message: `a history needs a PAUSED or RUNNING service (status is ${s.status})`,
      });
    }
  });
/** One service of the fleet (also accepted by `emulator.addServices`). */
export type ServiceSpec = z.input<typeof serviceSpecSchema>;

/** Fields that the durations object replaced, for a helpful message instead of "unrecognized key". */
export const RETIRED_FIELDS: Record<string, string> = {
  resumeSeconds: 'durations.resume',
  pauseSeconds: 'durations.pause',
  deploySeconds: 'durations.deploy',
};
