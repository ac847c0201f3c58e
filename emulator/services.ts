import type { ResolvedDurations } from './durations';
import {
  type OperationRecord,
  type OperationSnapshot,
  operationIdFor,
  operationSnapshot,
  type RestStatus,
} from './operations';
import { sha256 } from './random';
import type { ServiceStatus } from './spec/common';

/**
 * Service records: identity (id, ARN, URL), configuration, tags and operations. A service's status is
 * derived from its operations and the clock: {@link settleOperations} applies every operation that has
 * ended, {@link statusOf} adds OPERATION_IN_PROGRESS while the newest one runs.
 */

/** What DescribeService shows besides status: instance size, health check, scaling, ingress. */
export interface ServiceConfiguration {
  instance: { cpu: string; memory: string };
  healthCheck: { protocol: 'TCP' | 'HTTP'; path: string };
  /** Name of the auto scaling configuration. */
  autoScaling: string;
  public: boolean;
}

export interface ServiceRecord {
  seq: number;
  name: string;
  id: string;
  arn: string;
  region: string;
  accountId: string;
  createdAt: number;
  restStatus: RestStatus;
  /** When the service reached its rest status (the end of the operation that put it there). */
  restSince: number;
  deletedAt?: number;
  tags: Map<string, string>;
  /**
   * The service's tags after each change, oldest first, from when they were first set (the fleet's services:
   * since creation): what the Resource Groups Tagging API's index, which lags, shows at a given time.
   */
  tagLog: Array<{ at: number; tags: Record<string, string> }>;
  durations: ResolvedDurations;
  config: ServiceConfiguration;
  /** Oldest first. */
  operations: OperationRecord[];
  opCounter: number;
  /** Ready answers given while the flapping fault applied (every second one is turned into a 503). */
  flaps: number;
}

/** A service as the emulator holds it now (test and tooling view; the API shows a subset). */
/** A service as the API answers it: everything but its operations. */
export interface ServiceView extends ServiceConfiguration {
  name: string;
  id: string;
  arn: string;
  region: string;
  accountId: string;
  /** Host name, as App Runner's ServiceUrl (no scheme). */
  url: string;
  status: ServiceStatus;
  createdAt: number;
  updatedAt: number;
  deletedAt?: number;
  /** When it last became RUNNING, while it is RUNNING (its URL warms up from then). */
  runningSince?: number;
  tags: Record<string, string>;
  durations: ResolvedDurations;
  /** False once a deleted service is past `deletedVisibleSeconds`: the API answers ResourceNotFoundException. */
  visible: boolean;
}

/** A service with its operations (newest first), for tests and tooling. */
export interface ServiceSnapshot extends ServiceView {
  operations: OperationSnapshot[];
}

const SERVICE_ARN =
  /^arn:aws:apprunner:([a-z0-9-]+):(\d{12}):service\/([A-Za-z0-9][A-Za-z0-9-_]{3,39})\/([0-9a-f]{32})$/;

/** Splits an App Runner service ARN; undefined when it is not one. */
export function parseServiceArn(
  arn: string,
): { region: string; accountId: string; name: string; id: string } | undefined {
  const m = SERVICE_ARN.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, accountId: m[2]!, name: m[3]!, id: m[4]! };
}

/** A stable service id: the same account, region and name always get the same id. */
export function serviceIdFor(accountId: string, region: string, name: string): string {
  return sha256(`service:${accountId}:${region}:${name}`).slice(0, 32);
}

export const serviceArnFor = (region: string, accountId: string, name: string, id: string) =>
  `arn:aws:apprunner:${region}:${accountId}:service/${name}/${id}`;

/** App Runner's ServiceUrl shape: `<10 characters>.<region>.awsapprunner.com`. */
export const serviceUrlFor = (id: string, region: string) => `${id.slice(0, 10)}.${region}.awsapprunner.com`;

/** The id for the service's next operation (and counts it). */
export function nextOperationId(service: ServiceRecord): string {
  return operationIdFor(service.arn, service.opCounter++);
}

/** Applies every operation that has ended by `now` to its service. */
function settleOperations(service: ServiceRecord, now: number): void {
  // Operations are appended in time order and settle in order: only the newest few may be open.
  let first = service.operations.length;
  while (first > 0 && !service.operations[first - 1]?.settled) first--;
  for (const op of service.operations.slice(first)) {
    if (op.settled || op.endsAt === undefined || now < op.endsAt) continue;
    op.settled = true;
    service.restSince = op.endsAt;
    if (op.deletesService) {
      service.restStatus = 'DELETED';
      service.deletedAt = op.endsAt;
      service.operations.push({
        id: nextOperationId(service),
        type: 'DELETE_SERVICE',
        targetArn: service.arn,
        startedAt: op.endsAt,
        pendingUntil: op.endsAt,
        endsAt: op.endsAt,
        result: 'SUCCEEDED',
        deletesService: false,
        fromStatus: op.fromStatus,
        toStatus: 'DELETED',
        settled: true,
      });
    } else {
      service.restStatus = op.result === 'SUCCEEDED' ? op.toStatus : op.fromStatus;
    }
  }
}

export function statusOf(service: ServiceRecord, now: number): ServiceStatus {
  settleOperations(service, now);
  const last = service.operations.at(-1);
  return last && !last.settled ? 'OPERATION_IN_PROGRESS' : service.restStatus;
}

/** False once a DELETED service is past its visibility window. */
export function isVisible(service: ServiceRecord, now: number, deletedVisibleMs: number): boolean {
  if (statusOf(service, now) !== 'DELETED') return true;
  return now < (service.deletedAt ?? 0) + deletedVisibleMs;
}

/** The service as the API answers it at `now` (cheap: no copy of its operations). */
export function viewOf(service: ServiceRecord, now: number, deletedVisibleMs: number): ServiceView {
  const status = statusOf(service, now);
  const last = service.operations.at(-1);
  const updatedAt = last && !last.settled ? last.startedAt : service.restSince;
  return {
    name: service.name,
    id: service.id,
    arn: service.arn,
    region: service.region,
    accountId: service.accountId,
    url: serviceUrlFor(service.id, service.region),
    status,
    createdAt: service.createdAt,
    updatedAt,
    ...(service.deletedAt !== undefined && status === 'DELETED' ? { deletedAt: service.deletedAt } : {}),
    ...(status === 'RUNNING' ? { runningSince: service.restSince } : {}),
    tags: Object.fromEntries(service.tags),
    durations: { ...service.durations },
    instance: { ...service.config.instance },
    healthCheck: { ...service.config.healthCheck },
    autoScaling: service.config.autoScaling,
    public: service.config.public,
    visible: isVisible(service, now, deletedVisibleMs),
  };
}

/** The service with every operation (a copy: a seeded history can hold hundreds). */
export function snapshotOf(service: ServiceRecord, now: number, deletedVisibleMs: number): ServiceSnapshot {
  return {
    ...viewOf(service, now, deletedVisibleMs),
    operations: service.operations
      .slice()
      .reverse()
      .map((op) => operationSnapshot(op, now)),
  };
}
