import { createHash } from 'node:crypto';
import type { Clock } from '../lib/runtime/clock';
import { AppRunnerApiError, invalidState, notFound } from './errors';
import { FaultInjector, type OperationFault, seededRandom, TokenBucket } from './faults';
import {
  type EmulatorBehaviour,
  type FaultSpec,
  type FleetSpec,
  type OperationType,
  parseFault,
  parseFleet,
  parseOptions,
  parseServices,
  type ServiceSpec,
  type ServiceStatus,
} from './fleet';
import { memberError } from './validation';

/**
 * The App Runner state model, without HTTP: services, their operations and tags, computed lazily from the
 * clock (no timers). An operation's status is a function of its start time, its duration and the clock; the
 * service's status follows from its operations. Times are epoch milliseconds.
 */

export type OperationStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'FAILED'
  | 'SUCCEEDED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_SUCCEEDED';

/** An operation as ListOperations would show it now. */
export interface OperationSnapshot {
  id: string;
  type: OperationType;
  status: OperationStatus;
  targetArn: string;
  startedAt: number;
  endedAt?: number;
  updatedAt: number;
  /** The fault injected into this operation, if any. */
  fault?: OperationFault['kind'];
}

/** A service as the emulator holds it now (test and tooling view; the API shows a subset). */
export interface ServiceSnapshot {
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
  tags: Record<string, string>;
  resumeSeconds: number;
  pauseSeconds: number;
  deploySeconds: number;
  /** False once a deleted service is past `deletedVisibleSeconds`: the API answers ResourceNotFoundException. */
  visible: boolean;
  /** Newest first. */
  operations: OperationSnapshot[];
}

/** The realism switches, with defaults applied. */
export interface ResolvedBehaviour {
  resumeWhenRunning: 'invalid-state' | 'no-op';
  pauseWhenPaused: 'invalid-state' | 'no-op';
  listServicesPaging: {
    pageSize?: number;
    shortPagesEvery?: number;
    emptyPagesEvery?: number;
    trailingEmptyPage?: boolean;
  };
  listOperationsPaging: { pageSize?: number };
  requestsPerSecond: number | null;
  pendingSeconds: number;
  deletedVisibleSeconds: number;
  seed: number;
}

export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

const defaultBehaviour: ResolvedBehaviour = {
  resumeWhenRunning: 'invalid-state',
  pauseWhenPaused: 'invalid-state',
  listServicesPaging: {},
  listOperationsPaging: {},
  requestsPerSecond: null,
  pendingSeconds: 1,
  deletedVisibleSeconds: 60,
  seed: 1,
};

type RestStatus = Exclude<ServiceStatus, 'OPERATION_IN_PROGRESS'>;

interface OperationRecord {
  id: string;
  type: OperationType;
  targetArn: string;
  startedAt: number;
  pendingUntil: number;
  /** Undefined: never ends. */
  endsAt: number | undefined;
  result: 'SUCCEEDED' | 'FAILED';
  deletesService: boolean;
  fromStatus: RestStatus;
  toStatus: RestStatus;
  /** Its end has been applied to the service. */
  settled: boolean;
  fault?: OperationFault['kind'];
}

interface ServiceRecord {
  seq: number;
  name: string;
  id: string;
  arn: string;
  region: string;
  accountId: string;
  createdAt: number;
  restStatus: RestStatus;
  restSince: number;
  deletedAt?: number;
  tags: Map<string, string>;
  resumeSeconds: number;
  pauseSeconds: number;
  deploySeconds: number;
  operations: OperationRecord[];
  opCounter: number;
}

/** Paging input, as the API takes it. */
export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
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

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A stable service id: the same account, region and name always get the same id. */
export function serviceIdFor(accountId: string, region: string, name: string): string {
  return sha256(`service:${accountId}:${region}:${name}`).slice(0, 32);
}

function uuidFrom(seed: string): string {
  const h = sha256(seed);
  const variant = '89ab'[Number.parseInt(h[16]!, 16) & 3];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const encodeToken = (data: object) => Buffer.from(JSON.stringify(data)).toString('base64url');

function decodeToken<T extends { k: string }>(token: string, kind: T['k']): T {
  try {
    const data = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
    if (data && typeof data === 'object' && data.k === kind) return data;
  } catch {
    // fall through
  }
  throw memberError(
    'nextToken',
    token,
    'Member must be a NextToken returned by a previous call with the same parameters',
  );
}

interface ServicesToken {
  k: 'services';
  r: string;
  a: number;
  p: number;
  end?: true;
}
interface OperationsToken {
  k: 'operations';
  s: string;
  b: number;
  p: number;
}

/** The App Runner state model for a fleet, on a clock. */
export class AppRunnerModel {
  readonly accountId: string;
  readonly defaultRegion: string;
  readonly faults: FaultInjector;
  private behaviour: ResolvedBehaviour;
  private readonly services: ServiceRecord[] = [];
  private readonly defaults: { resumeSeconds: number; pauseSeconds: number; deploySeconds: number };
  private readonly startedAt: number;
  private seq = 0;
  private bucket: TokenBucket | undefined;
  private random: () => number;

  constructor(
    fleet: FleetSpec = {},
    readonly clock: Clock,
  ) {
    const spec = parseFleet(fleet);
    this.startedAt = clock.now();
    this.accountId = spec.accountId ?? DEFAULT_ACCOUNT_ID;
    this.defaultRegion = spec.region ?? DEFAULT_REGION;
    this.defaults = {
      resumeSeconds: spec.defaults?.resumeSeconds ?? 60,
      pauseSeconds: spec.defaults?.pauseSeconds ?? 30,
      deploySeconds: spec.defaults?.deploySeconds ?? 120,
    };
    this.behaviour = mergeBehaviour(defaultBehaviour, spec.options ?? {});
    this.random = seededRandom(this.behaviour.seed);
    this.faults = new FaultInjector(clock, this.behaviour.seed);
    this.resetBucket();
    for (const service of spec.services ?? []) this.createService(service);
    const generators =
      spec.generate === undefined ? [] : Array.isArray(spec.generate) ? spec.generate : [spec.generate];
    for (const g of generators) {
      const regions = g.regions ?? [this.defaultRegion];
      const width = Math.max(4, String(g.count).length);
      for (let i = 1; i <= g.count; i++) {
        this.createService({
          name: `${g.namePrefix ?? 'svc'}-${String(i).padStart(width, '0')}`,
          region: regions[(i - 1) % regions.length],
          status: g.status ?? 'PAUSED',
          tags: g.tags,
          resumeSeconds: this.draw(g.resumeSeconds),
          pauseSeconds: this.draw(g.pauseSeconds),
        });
      }
    }
    for (const fault of spec.faults ?? []) this.faults.add(fault);
  }

  /** The current realism switches. */
  get options(): Readonly<ResolvedBehaviour> {
    return this.behaviour;
  }

  /** Changes realism switches at runtime (validated; only the given ones change). */
  setOptions(partial: EmulatorBehaviour): void {
    const parsed = parseOptions(partial);
    const before = this.behaviour;
    this.behaviour = mergeBehaviour(before, parsed);
    if (before.requestsPerSecond !== this.behaviour.requestsPerSecond) this.resetBucket();
    if (parsed.seed !== undefined) this.faults.reseed(parsed.seed);
  }

  /** Adds services at the current clock time (validated like the fleet file's `services`). */
  addServices(...specs: ServiceSpec[]): ServiceSnapshot[] {
    return parseServices(specs).map((spec) => this.snapshotOf(this.createService(spec)));
  }

  /** Installs a fault (validated); its time window starts now. */
  injectFault(fault: FaultSpec): void {
    this.faults.add(parseFault(fault));
  }

  /** Takes one request from the global budget (`requestsPerSecond`); false means: throttle this call. */
  admitRequest(): boolean {
    return this.bucket ? this.bucket.tryTake() : true;
  }

  /** A service by name or ARN, whatever its state (undefined if never known). Names look in `region` (default: the default region, then any). */
  snapshot(nameOrArn: string, region?: string): ServiceSnapshot | undefined {
    const record = this.find(nameOrArn, region);
    return record && this.snapshotOf(record);
  }

  snapshots(): ServiceSnapshot[] {
    return this.services.map((s) => this.snapshotOf(s));
  }

  /** Name and ARN of the service an ARN names, for fault selectors (no region or existence checks). */
  faultTarget(arn: string | undefined): { name: string; arn: string } | undefined {
    if (arn === undefined) return undefined;
    const parsed = parseServiceArn(arn);
    return parsed ? { name: parsed.name, arn } : undefined;
  }

  // ---- API operations ----

  describeService(region: string, serviceArn: string): ServiceSnapshot {
    return this.snapshotOf(this.lookup(region, serviceArn, 'serviceArn'));
  }

  listServices(region: string, page: PageRequest = {}): { services: ServiceSnapshot[]; nextToken?: string } {
    const paging = this.behaviour.listServicesPaging;
    const token =
      page.nextToken === undefined ? undefined : decodeToken<ServicesToken>(page.nextToken, 'services');
    if (token && token.r !== region) {
      throw memberError(
        'nextToken',
        page.nextToken,
        'Member must be a NextToken returned by a previous call with the same parameters',
      );
    }
    const pageNo = token?.p ?? 1;
    const after = token?.a ?? -1;
    const remaining = this.services.filter(
      (s) => s.region === region && s.seq > after && this.statusOf(s) !== 'DELETED',
    );
    if (
      token?.end ||
      (paging.emptyPagesEvery && pageNo % paging.emptyPagesEvery === 0 && remaining.length > 0)
    ) {
      return {
        services: [],
        nextToken: token?.end
          ? undefined
          : encodeToken({ k: 'services', r: region, a: after, p: pageNo + 1 }),
      };
    }
    let limit = Math.min(page.maxResults ?? Infinity, paging.pageSize ?? Infinity);
    if (paging.shortPagesEvery && pageNo % paging.shortPagesEvery === 0) {
      limit = Math.max(1, Math.floor(Math.min(limit, remaining.length) / 2));
    }
    const items = remaining.slice(0, limit);
    const last = items.at(-1)?.seq ?? after;
    let nextToken: string | undefined;
    if (remaining.length > items.length) {
      nextToken = encodeToken({ k: 'services', r: region, a: last, p: pageNo + 1 } satisfies ServicesToken);
    } else if (paging.trailingEmptyPage && items.length > 0) {
      nextToken = encodeToken({
        k: 'services',
        r: region,
        a: last,
        p: pageNo + 1,
        end: true,
      } satisfies ServicesToken);
    }
    return { services: items.map((s) => this.snapshotOf(s)), nextToken };
  }

  resumeService(region: string, serviceArn: string): { service: ServiceSnapshot; operationId?: string } {
    return this.startPauseOrResume(region, serviceArn, 'RESUME_SERVICE');
  }

  pauseService(region: string, serviceArn: string): { service: ServiceSnapshot; operationId?: string } {
    return this.startPauseOrResume(region, serviceArn, 'PAUSE_SERVICE');
  }

  listOperations(
    region: string,
    serviceArn: string,
    page: PageRequest = {},
  ): { operations: OperationSnapshot[]; nextToken?: string } {
    const service = this.lookup(region, serviceArn, 'serviceArn');
    const token =
      page.nextToken === undefined ? undefined : decodeToken<OperationsToken>(page.nextToken, 'operations');
    if (token && token.s !== service.arn) {
      throw memberError(
        'nextToken',
        page.nextToken,
        'Member must be a NextToken returned by a previous call with the same parameters',
      );
    }
    const before = token?.b ?? service.operations.length;
    const limit = Math.min(
      page.maxResults ?? Infinity,
      this.behaviour.listOperationsPaging.pageSize ?? Infinity,
    );
    const now = this.clock.now();
    const newestFirst = service.operations.slice(0, before).reverse();
    const items = newestFirst.slice(0, limit);
    const nextBefore = before - items.length;
    return {
      operations: items.map((op) => operationSnapshot(op, now)),
      nextToken:
        nextBefore > 0
          ? encodeToken({
              k: 'operations',
              s: service.arn,
              b: nextBefore,
              p: (token?.p ?? 1) + 1,
            } satisfies OperationsToken)
          : undefined,
    };
  }

  listTagsForResource(region: string, resourceArn: string): Array<{ key: string; value: string }> {
    const service = this.lookup(region, resourceArn, 'resourceArn');
    return [...service.tags].map(([key, value]) => ({ key, value }));
  }

  tagResource(region: string, resourceArn: string, tags: Array<{ key: string; value: string }>): void {
    const service = this.lookup(region, resourceArn, 'resourceArn');
    this.assertTaggable(service);
    const merged = new Map(service.tags);
    for (const { key, value } of tags) merged.set(key, value);
    if (merged.size > 50) {
      throw new AppRunnerApiError(
        'InvalidRequestException',
        `A resource can have at most 50 tags; this request would give ${resourceArn} ${merged.size}`,
      );
    }
    service.tags = merged;
  }

  untagResource(region: string, resourceArn: string, keys: string[]): void {
    const service = this.lookup(region, resourceArn, 'resourceArn');
    this.assertTaggable(service);
    for (const key of keys) service.tags.delete(key);
  }

  // ---- internals ----

  private startPauseOrResume(
    region: string,
    serviceArn: string,
    type: 'PAUSE_SERVICE' | 'RESUME_SERVICE',
  ): { service: ServiceSnapshot; operationId?: string } {
    const service = this.lookup(region, serviceArn, 'serviceArn');
    const status = this.statusOf(service);
    const verb = type === 'RESUME_SERVICE' ? 'resume' : 'pause';
    const from: RestStatus = type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING';
    const to: RestStatus = type === 'RESUME_SERVICE' ? 'RUNNING' : 'PAUSED';
    if (status === to) {
      const switchValue =
        type === 'RESUME_SERVICE' ? this.behaviour.resumeWhenRunning : this.behaviour.pauseWhenPaused;
      if (switchValue === 'no-op') return { service: this.snapshotOf(service) };
    }
    if (status !== from) {
      const current = status === 'OPERATION_IN_PROGRESS' ? 'has an operation in progress' : `is ${status}`;
      throw invalidState(
        `You can't ${verb} service ${service.name} because it ${current}; only a ${from} service can be ${verb}d.`,
      );
    }
    const fault = this.faults.onOperation(type, { name: service.name, arn: service.arn });
    const seconds = type === 'RESUME_SERVICE' ? service.resumeSeconds : service.pauseSeconds;
    const op = this.startOperation(service, type, this.clock.now(), seconds, fault);
    return { service: this.snapshotOf(service), operationId: op.id };
  }

  private startOperation(
    service: ServiceRecord,
    type: OperationType,
    startedAt: number,
    seconds: number,
    fault: OperationFault | undefined,
  ): OperationRecord {
    const fromStatus = service.restStatus;
    const toStatus: RestStatus = type === 'PAUSE_SERVICE' ? 'PAUSED' : 'RUNNING';
    let durationMs: number | undefined = seconds * 1000;
    if (fault?.kind === 'never-ends') durationMs = undefined;
    if (fault?.kind === 'deleted') durationMs = fault.afterSeconds * 1000;
    const pendingMs = Math.min(this.behaviour.pendingSeconds * 1000, durationMs ?? Infinity);
    const op: OperationRecord = {
      id: uuidFrom(`operation:${service.arn}:${service.opCounter++}`),
      type,
      targetArn: service.arn,
      startedAt,
      pendingUntil: startedAt + pendingMs,
      endsAt: durationMs === undefined ? undefined : startedAt + durationMs,
      result: fault?.kind === 'fails' || fault?.kind === 'deleted' ? 'FAILED' : 'SUCCEEDED',
      deletesService: fault?.kind === 'deleted',
      fromStatus,
      toStatus,
      settled: false,
      fault: fault?.kind,
    };
    service.operations.push(op);
    return op;
  }

  private assertTaggable(service: ServiceRecord): void {
    if (this.statusOf(service) === 'DELETED') {
      throw invalidState(`You can't change the tags of service ${service.name} because it is DELETED.`);
    }
  }

  private draw(range: number | { min: number; max: number } | undefined): number | undefined {
    if (range === undefined || typeof range === 'number') return range;
    return range.min + Math.floor(this.random() * (Math.floor(range.max) - Math.ceil(range.min) + 1));
  }

  private resetBucket(): void {
    const rps = this.behaviour.requestsPerSecond;
    this.bucket = rps ? new TokenBucket(rps, this.clock) : undefined;
  }

  private createService(spec: ServiceSpec): ServiceRecord {
    const region = spec.region ?? this.defaultRegion;
    if (this.services.some((s) => s.region === region && s.name === spec.name)) {
      throw new Error(`A service named ${spec.name} already exists in ${region}`);
    }
    const id = spec.id ?? serviceIdFor(this.accountId, region, spec.name);
    const arn = `arn:aws:apprunner:${region}:${this.accountId}:service/${spec.name}/${id}`;
    const now = this.clock.now();
    const inFlight = spec.inFlight;
    let restStatus: RestStatus;
    if (inFlight) restStatus = inFlight.type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING';
    else restStatus = (spec.status as RestStatus | undefined) ?? 'PAUSED';
    const createdAt = spec.createdAt ? Date.parse(spec.createdAt) : this.startedAt - 30 * 24 * 3600 * 1000;
    const record: ServiceRecord = {
      seq: this.seq++,
      name: spec.name,
      id,
      arn,
      region,
      accountId: this.accountId,
      createdAt,
      restStatus,
      restSince: createdAt,
      deletedAt: restStatus === 'DELETED' ? now : undefined,
      tags: new Map(Object.entries(spec.tags ?? {})),
      resumeSeconds: spec.resumeSeconds ?? this.defaults.resumeSeconds,
      pauseSeconds: spec.pauseSeconds ?? this.defaults.pauseSeconds,
      deploySeconds: spec.deploySeconds ?? this.defaults.deploySeconds,
      operations: [],
      opCounter: 0,
    };
    this.services.push(record);
    for (const fault of spec.faults ?? []) this.faults.add(fault, arn);
    if (inFlight) {
      const seconds =
        inFlight.durationSeconds ??
        (inFlight.type === 'RESUME_SERVICE'
          ? record.resumeSeconds
          : inFlight.type === 'PAUSE_SERVICE'
            ? record.pauseSeconds
            : record.deploySeconds);
      const fault: OperationFault | undefined =
        inFlight.outcome === 'fails'
          ? { kind: 'fails' }
          : inFlight.outcome === 'never-ends'
            ? { kind: 'never-ends' }
            : undefined;
      this.startOperation(record, inFlight.type, now - (inFlight.elapsedSeconds ?? 0) * 1000, seconds, fault);
    }
    return record;
  }

  /** Applies every operation that has ended by now to its service. */
  private settle(service: ServiceRecord): void {
    const now = this.clock.now();
    for (const op of service.operations) {
      if (op.settled || op.endsAt === undefined || now < op.endsAt) continue;
      op.settled = true;
      service.restSince = op.endsAt;
      if (op.deletesService) {
        service.restStatus = 'DELETED';
        service.deletedAt = op.endsAt;
        service.operations.push({
          id: uuidFrom(`operation:${service.arn}:${service.opCounter++}`),
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

  private statusOf(service: ServiceRecord): ServiceStatus {
    this.settle(service);
    const last = service.operations.at(-1);
    return last && !last.settled ? 'OPERATION_IN_PROGRESS' : service.restStatus;
  }

  private isVisible(service: ServiceRecord): boolean {
    if (this.statusOf(service) !== 'DELETED') return true;
    return this.clock.now() < (service.deletedAt ?? 0) + this.behaviour.deletedVisibleSeconds * 1000;
  }

  private find(nameOrArn: string, region?: string): ServiceRecord | undefined {
    if (nameOrArn.startsWith('arn:')) return this.services.find((s) => s.arn === nameOrArn);
    if (region) return this.services.find((s) => s.region === region && s.name === nameOrArn);
    return (
      this.services.find((s) => s.region === this.defaultRegion && s.name === nameOrArn) ??
      this.services.find((s) => s.name === nameOrArn)
    );
  }

  /**
   * Resolves an ARN the way App Runner does: a request only sees its own region's services, so an ARN of
   * another region (or account) is not found, like an unknown or deleted service.
   */
  private lookup(region: string, arn: string, member: 'serviceArn' | 'resourceArn'): ServiceRecord {
    const parsed = parseServiceArn(arn);
    if (!parsed) {
      if (member === 'resourceArn' && arn.startsWith('arn:aws:apprunner:')) {
        throw notFound(`Resource not found: ${arn}`);
      }
      throw memberError(
        member,
        arn,
        'Member must be an App Runner service ARN (arn:aws:apprunner:<region>:<account>:service/<name>/<id>)',
      );
    }
    const service =
      parsed.region === region && parsed.accountId === this.accountId
        ? this.services.find((s) => s.arn === arn)
        : undefined;
    if (!service || !this.isVisible(service)) {
      throw notFound(`Service not found: ${arn}`);
    }
    return service;
  }

  private snapshotOf(service: ServiceRecord): ServiceSnapshot {
    const now = this.clock.now();
    const status = this.statusOf(service);
    const last = service.operations.at(-1);
    const updatedAt = last && !last.settled ? last.startedAt : service.restSince;
    return {
      name: service.name,
      id: service.id,
      arn: service.arn,
      region: service.region,
      accountId: service.accountId,
      url: `${service.id.slice(0, 10)}.${service.region}.awsapprunner.com`,
      status,
      createdAt: service.createdAt,
      updatedAt,
      ...(service.deletedAt !== undefined && status === 'DELETED' ? { deletedAt: service.deletedAt } : {}),
      tags: Object.fromEntries(service.tags),
      resumeSeconds: service.resumeSeconds,
      pauseSeconds: service.pauseSeconds,
      deploySeconds: service.deploySeconds,
      visible: this.isVisible(service),
      operations: service.operations
        .slice()
        .reverse()
        .map((op) => operationSnapshot(op, now)),
    };
  }
}

function operationSnapshot(op: OperationRecord, now: number): OperationSnapshot {
  const base = {
    id: op.id,
    type: op.type,
    targetArn: op.targetArn,
    startedAt: op.startedAt,
    fault: op.fault,
  };
  if (op.endsAt !== undefined && now >= op.endsAt) {
    return { ...base, status: op.result, endedAt: op.endsAt, updatedAt: op.endsAt };
  }
  if (now < op.pendingUntil) return { ...base, status: 'PENDING', updatedAt: op.startedAt };
  return { ...base, status: 'IN_PROGRESS', updatedAt: op.pendingUntil };
}

function mergeBehaviour(base: ResolvedBehaviour, patch: EmulatorBehaviour): ResolvedBehaviour {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return { ...base, ...defined } as ResolvedBehaviour;
}
