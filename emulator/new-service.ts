import { resolveDurations } from './durations';
import { DEFAULT_AUTO_SCALING, type GenerateSpec, type ServiceSpec } from './fleet';
import { pastOperations } from './history';
import { operationRecord, type RestStatus } from './operations';
import { keyedUnit } from './random';
import {
  nextOperationId,
  type ServiceConfiguration,
  type ServiceRecord,
  serviceArnFor,
  serviceIdFor,
} from './services';
import type { serviceSettings } from './spec/service';

/**
 * From a validated service spec to a service record: identity, durations drawn, configuration merged over
 * the fleet's defaults, and the seeded history turned into settled operations. The model adds the record
 * to the fleet and starts its in-flight operation.
 */

/** The settings a fleet's `defaults` may give every service. */
export type ServiceDefaults = { [K in keyof typeof serviceSettings]?: ServiceSpec[K] };

export interface NewServiceContext {
  accountId: string;
  defaultRegion: string;
  defaults: ServiceDefaults;
  /** The clock's start, and now (they differ for services added at runtime). */
  startedAt: number;
  now: number;
  seed: number;
  /** The fleet's sequential PRNG (duration ranges draw from it, in fleet order). */
  random: () => number;
  pendingSeconds: number;
}

export interface NewService {
  record: ServiceRecord;
  /** When the in-flight operation (if any) started: the history ends before it. */
  inFlightStart: number;
  /** Problems with the spec found only now (a history that cannot be), each naming its field. */
  issues: string[];
}

const DAY_MS = 24 * 3600 * 1000;

/** Builds the record of one service; `path` names it in issues (`services[2]`, `generate`). */
export function newService(spec: ServiceSpec, seq: number, path: string, ctx: NewServiceContext): NewService {
  const region = spec.region ?? ctx.defaultRegion;
  const id = spec.id ?? serviceIdFor(ctx.accountId, region, spec.name);
  const arn = serviceArnFor(region, ctx.accountId, spec.name, id);
  const inFlight = spec.inFlight;
  const restStatus: RestStatus = inFlight
    ? inFlight.type === 'RESUME_SERVICE'
      ? 'PAUSED'
      : 'RUNNING'
    : ((spec.status as RestStatus | undefined) ?? 'PAUSED');
  const durations = resolveDurations(spec.durations, ctx.defaults.durations, ctx.random);
  const inFlightStart = inFlight ? ctx.now - (inFlight.elapsedSeconds ?? 0) * 1000 : ctx.now;

  // A default history applies where it can: a service that is neither PAUSED nor RUNNING has none.
  const canHaveHistory = restStatus === 'PAUSED' || restStatus === 'RUNNING';
  const history = spec.history ?? (canHaveHistory ? ctx.defaults.history : undefined);
  const past = history
    ? pastOperations(history, {
        anchor: inFlightStart,
        now: ctx.now,
        status: restStatus,
        durations,
        unit: (n) => keyedUnit(ctx.seed, `${arn}:history:${n}`),
        path: `${path}.history`,
      })
    : { operations: [], issues: [] };
  const issues = [...past.issues];
  const firstStart = past.operations[0]?.startedAt;
  let createdAt = ctx.startedAt - 30 * DAY_MS;
  if (spec.createdAt) {
    createdAt = Date.parse(spec.createdAt);
    if (firstStart !== undefined && firstStart < createdAt) {
      issues.push(`${path}.createdAt: the history starts earlier, at ${new Date(firstStart).toISOString()}`);
    }
  } else if (firstStart !== undefined) {
    createdAt = Math.min(createdAt, firstStart - DAY_MS);
  }

  const record: ServiceRecord = {
    seq,
    name: spec.name,
    id,
    arn,
    region,
    accountId: ctx.accountId,
    createdAt,
    restStatus,
    restSince: createdAt,
    deletedAt: restStatus === 'DELETED' ? ctx.now : undefined,
    tags: new Map(Object.entries(spec.tags ?? {})),
    tagLog: [{ at: createdAt, tags: { ...spec.tags } }],
    durations,
    config: configurationOf(spec, ctx.defaults),
    operations: [],
    opCounter: 0,
    flaps: 0,
  };
  for (const op of past.operations) {
    const done = operationRecord({
      id: nextOperationId(record),
      type: op.type,
      targetArn: arn,
      fromStatus: op.type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING',
      startedAt: op.startedAt,
      durationMs: op.durationMs,
      pendingMs: ctx.pendingSeconds * 1000,
      result: op.result,
    });
    done.settled = true;
    record.operations.push(done);
    record.restSince = op.startedAt + op.durationMs;
  }
  return { record, inFlightStart, issues };
}

/** The service specs a `generate` entry stands for: `<prefix>-0001`…, round-robin over its regions. */
export function generatedSpecs(g: GenerateSpec, defaultRegion: string): ServiceSpec[] {
  const regions = g.regions ?? [defaultRegion];
  const width = Math.max(4, String(g.count).length);
  const { count: _count, namePrefix, regions: _regions, ...settings } = g;
  return Array.from({ length: g.count }, (_, k) => ({
    ...settings,
    name: `${namePrefix ?? 'svc'}-${String(k + 1).padStart(width, '0')}`,
    region: regions[k % regions.length],
    status: g.status ?? 'PAUSED',
  }));
}

/** Instance, health check and scaling: the service's own fields over the defaults over App Runner's. */
function configurationOf(spec: ServiceSpec, defaults: ServiceDefaults): ServiceConfiguration {
  return {
    instance: {
      cpu: String(spec.instance?.cpu ?? defaults.instance?.cpu ?? '1024'),
      memory: String(spec.instance?.memory ?? defaults.instance?.memory ?? '2048'),
    },
    healthCheck: {
      protocol: spec.healthCheck?.protocol ?? defaults.healthCheck?.protocol ?? 'TCP',
      path: spec.healthCheck?.path ?? defaults.healthCheck?.path ?? '/',
    },
    autoScaling: spec.autoScaling ?? defaults.autoScaling ?? DEFAULT_AUTO_SCALING,
    public: spec.public ?? defaults.public ?? true,
  };
}
