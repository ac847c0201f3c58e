import type { Clock } from '../lib/runtime/clock';
import { RateLimiter } from '../lib/runtime/rate-limiter';
import { AutoScalingCatalog, type AutoScalingConfiguration } from './auto-scaling';
import { defaultBehaviour, mergeBehaviour, type ResolvedBehaviour } from './behaviour';
import { baseSecondsOf, jitteredMs, type ResolvedDurations } from './durations';
import { AppRunnerApiError, invalidState, notFound } from './errors';
import { FaultInjector, type OperationFault } from './faults';
import {
  type EmulatorBehaviour,
  type FaultSpec,
  type FleetSpec,
  FleetValidationError,
  type OperationType,
  parseFault,
  parseFleet,
  parseOptions,
  parseServices,
  type ServiceSpec,
} from './fleet';
import { generatedSpecs, newService, type ServiceDefaults } from './new-service';
import { type OperationSnapshot, operationRecord, operationSnapshot, type RestStatus } from './operations';
import { type PageRequest, pageOfOperations, pageOfServices } from './paging';
import { keyedUnit, seededRandom } from './random';
import { type ReadinessAnswer, readinessAt } from './readiness';
import {
  isVisible,
  nextOperationId,
  parseServiceArn,
  type ServiceRecord,
  type ServiceSnapshot,
  type ServiceView,
  serviceUrlFor,
  snapshotOf,
  statusOf,
  viewOf,
} from './services';
import { memberError } from './validation';

/**
 * The App Runner state model, without HTTP: services, their operations and tags, computed lazily from the
 * clock (no timers). An operation's status is a function of its start time, its duration and the clock; the
 * service's status follows from its operations. Times are epoch milliseconds. The parts live beside it:
 * services.ts (records and status), operations.ts, durations.ts, history.ts (seeded past operations),
 * new-service.ts (a spec becomes a record), paging.ts, auto-scaling.ts and readiness.ts; this class holds
 * the fleet and answers the API. It stays one class of ~400 lines on purpose: every method left is an API
 * operation or the lookup it needs, over state only this class may change.
 */

export type { ResolvedBehaviour } from './behaviour';
export type { OperationSnapshot, OperationStatus } from './operations';
export type { PageRequest } from './paging';
export { parseServiceArn, type ServiceSnapshot, type ServiceView, serviceIdFor } from './services';

const DEFAULT_ACCOUNT_ID = '123456789012';
const DEFAULT_REGION = 'us-east-1';

const DAY_MS = 24 * 3600 * 1000;

/** One request to a service's URL, answered. */
export interface ProbeAnswer extends ReadinessAnswer {
  service: ServiceView;
  /** Real milliseconds to hold the answer back (slow-ready). */
  delayMs: number;
}

/** The App Runner state model for a fleet, on a clock. */
export class AppRunnerModel {
  readonly accountId: string;
  readonly defaultRegion: string;
  readonly faults: FaultInjector;
  readonly autoScaling: AutoScalingCatalog;
  private behaviour: ResolvedBehaviour;
  private readonly services: ServiceRecord[] = [];
  private readonly byUrl = new Map<string, ServiceRecord>();
  private readonly defaults: ServiceDefaults;
  private readonly startedAt: number;
  private seq = 0;
  private bucket: RateLimiter | undefined;
  private random: () => number;

  /** @throws FleetValidationError for a fleet that does not validate, or a history that cannot be. */
  constructor(
    fleet: FleetSpec = {},
    readonly clock: Clock,
    source = '(inline)',
  ) {
    const spec = parseFleet(fleet, source);
    this.startedAt = clock.now();
    this.accountId = spec.accountId ?? DEFAULT_ACCOUNT_ID;
    this.defaultRegion = spec.region ?? DEFAULT_REGION;
    this.defaults = spec.defaults ?? {};
    this.behaviour = mergeBehaviour(defaultBehaviour, spec.options ?? {});
    this.random = seededRandom(this.behaviour.seed);
    this.faults = new FaultInjector(clock, this.behaviour.seed);
    this.autoScaling = new AutoScalingCatalog(
      this.accountId,
      spec.autoScalingConfigurations ?? [],
      this.startedAt - 365 * DAY_MS,
    );
    this.resetBucket();
    const issues = new Set<string>();
    (spec.services ?? []).forEach((service, i) => {
      this.createService(service, `services[${i}]`, issues);
    });
    const generators = spec.generate === undefined ? [] : [spec.generate].flat();
    generators.forEach((g, k) => {
      const path = Array.isArray(spec.generate) ? `generate[${k}]` : 'generate';
      for (const service of generatedSpecs(g, this.defaultRegion)) this.createService(service, path, issues);
    });
    if (issues.size > 0) throw new FleetValidationError(source, [...issues]);
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
    const issues = new Set<string>();
    const parsed = parseServices(specs);
    const records = parsed.map((spec, i) => this.createService(spec, `services[${i}]`, issues));
    if (issues.size > 0) {
      for (const record of records) this.forget(record);
      throw new FleetValidationError('services', [...issues]);
    }
    // Created now, so the tag index learns of their tags from now on (the fleet's own: since creation).
    const now = this.clock.now();
    for (const record of records) record.tagLog = [{ at: now, tags: Object.fromEntries(record.tags) }];
    return records.map((record) => this.snapshotOf(record));
  }

  /** Installs a fault (validated); its time window starts now. */
  injectFault(fault: FaultSpec): void {
    this.faults.add(parseFault(fault));
  }

  /** Takes one request from the global budget (`requestsPerSecond`); false means: throttle this call. */
  admitRequest(): boolean {
    return this.bucket ? this.bucket.tryAcquire() : true;
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

  /**
   * Answers a request to a service's URL (`host` = its ServiceUrl, lower case, no port); undefined when no
   * visible service has that URL. Not an API call: it takes nothing from the request budget.
   */
  probe(host: string): ProbeAnswer | undefined {
    const record = this.byUrl.get(host);
    const now = this.clock.now();
    if (!record || !isVisible(record, now, this.deletedVisibleMs)) return undefined;
    const service = this.viewOf(record);
    const faults = this.faults.onProbe({ name: record.name, arn: record.arn });
    const answer = readinessAt(
      { status: service.status, runningSince: service.runningSince, warmupSeconds: record.durations.warmup },
      now,
      faults,
      record.flaps,
    );
    if (faults.flapping && (answer.httpStatus === 200 || answer.flapped)) record.flaps++;
    return { ...answer, service, delayMs: faults.delayMs };
  }

  // ---- API operations ----

  describeService(region: string, serviceArn: string): ServiceView {
    return this.viewOf(this.lookup(region, serviceArn, 'serviceArn'));
  }

  listServices(region: string, page: PageRequest = {}): { services: ServiceView[]; nextToken?: string } {
    const now = this.clock.now();
    const listable = this.services.filter((s) => s.region === region && statusOf(s, now) !== 'DELETED');
    const out = pageOfServices(listable, region, this.behaviour.listServicesPaging, page);
    return { services: out.items.map((s) => this.viewOf(s)), nextToken: out.nextToken };
  }

  resumeService(region: string, serviceArn: string): { service: ServiceView; operationId?: string } {
    return this.startPauseOrResume(region, serviceArn, 'RESUME_SERVICE');
  }

  pauseService(region: string, serviceArn: string): { service: ServiceView; operationId?: string } {
    return this.startPauseOrResume(region, serviceArn, 'PAUSE_SERVICE');
  }

  listOperations(
    region: string,
    serviceArn: string,
    page: PageRequest = {},
  ): { operations: OperationSnapshot[]; nextToken?: string } {
    const service = this.lookup(region, serviceArn, 'serviceArn');
    const now = this.clock.now();
    const out = pageOfOperations(service.operations, service.arn, this.behaviour.listOperationsPaging, page);
    return { operations: out.items.map((op) => operationSnapshot(op, now)), nextToken: out.nextToken };
  }

  listTagsForResource(region: string, resourceArn: string): Array<{ key: string; value: string }> {
    const service = this.lookup(region, resourceArn, 'resourceArn');
    return [...service.tags].map(([key, value]) => ({ key, value }));
  }

  /**
   * The services of `region` as the Resource Groups Tagging API's index shows them now, in creation order:
   * each that has carried a tag, with its tags as they were `tagIndex.lagSeconds` ago (the index is
   * eventually consistent: a change, or a deletion, reaches it that much later). Not an App Runner call.
   */
  indexedServices(region: string): Array<{ seq: number; arn: string; tags: Record<string, string> }> {
    const now = this.clock.now();
    const asOf = now - (this.behaviour.tagIndex.lagSeconds ?? 0) * 1000;
    const indexed: Array<{ seq: number; arn: string; tags: Record<string, string> }> = [];
    for (const service of this.services) {
      if (service.region !== region) continue;
      statusOf(service, now); // applies a deletion that has happened by now
      if (service.deletedAt !== undefined && service.deletedAt <= asOf) continue;
      const known = service.tagLog.filter((entry) => entry.at <= asOf);
      // Resources that never had a tag are not in the index (AWS: GetResources does not return them).
      if (!known.some((entry) => Object.keys(entry.tags).length > 0)) continue;
      indexed.push({ seq: service.seq, arn: service.arn, tags: { ...known.at(-1)?.tags } });
    }
    return indexed;
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
    service.tagLog.push({ at: this.clock.now(), tags: Object.fromEntries(merged) });
  }

  untagResource(region: string, resourceArn: string, keys: string[]): void {
    const service = this.lookup(region, resourceArn, 'resourceArn');
    this.assertTaggable(service);
    for (const key of keys) service.tags.delete(key);
    service.tagLog.push({ at: this.clock.now(), tags: Object.fromEntries(service.tags) });
  }

  /** With whether any service of the region uses it (HasAssociatedService). */
  describeAutoScalingConfiguration(
    region: string,
    arn: string,
  ): AutoScalingConfiguration & { hasAssociatedService: boolean } {
    const config = this.autoScaling.lookup(region, arn);
    const now = this.clock.now();
    const hasAssociatedService = this.services.some(
      (s) => s.region === region && s.config.autoScaling === config.name && statusOf(s, now) !== 'DELETED',
    );
    return { ...config, hasAssociatedService };
  }

  // ---- internals ----

  private get deletedVisibleMs(): number {
    return this.behaviour.deletedVisibleSeconds * 1000;
  }

  private snapshotOf(record: ServiceRecord): ServiceSnapshot {
    return snapshotOf(record, this.clock.now(), this.deletedVisibleMs);
  }

  private viewOf(record: ServiceRecord): ServiceView {
    return viewOf(record, this.clock.now(), this.deletedVisibleMs);
  }

  private startPauseOrResume(
    region: string,
    serviceArn: string,
    type: 'PAUSE_SERVICE' | 'RESUME_SERVICE',
  ): { service: ServiceView; operationId?: string } {
    const service = this.lookup(region, serviceArn, 'serviceArn');
    const status = statusOf(service, this.clock.now());
    const verb = type === 'RESUME_SERVICE' ? 'resume' : 'pause';
    const from: RestStatus = type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING';
    const to: RestStatus = type === 'RESUME_SERVICE' ? 'RUNNING' : 'PAUSED';
    if (status === to) {
      const switchValue =
        type === 'RESUME_SERVICE' ? this.behaviour.resumeWhenRunning : this.behaviour.pauseWhenPaused;
      if (switchValue === 'no-op') return { service: this.viewOf(service) };
    }
    if (status !== from) {
      const current = status === 'OPERATION_IN_PROGRESS' ? 'has an operation in progress' : `is ${status}`;
      throw invalidState(
        `You can't ${verb} service ${service.name} because it ${current}; only a ${from} service can be ${verb}d.`,
      );
    }
    const fault = this.faults.onOperation(type, { name: service.name, arn: service.arn });
    const op = this.startOperation(service, type, this.clock.now(), undefined, fault);
    return { service: this.viewOf(service), operationId: op.id };
  }

  /** Starts an operation now (or in the past, for in-flight ones); its duration jitters unless given. */
  private startOperation(
    service: ServiceRecord,
    type: OperationType,
    startedAt: number,
    seconds: number | undefined,
    fault: OperationFault | undefined,
  ) {
    let durationMs: number | undefined =
      seconds !== undefined ? seconds * 1000 : this.jittered(service, type, `op:${service.opCounter}`);
    if (fault?.kind === 'never-ends') durationMs = undefined;
    if (fault?.kind === 'deleted') durationMs = fault.afterSeconds * 1000;
    const op = operationRecord({
      id: nextOperationId(service),
      type,
      targetArn: service.arn,
      fromStatus: service.restStatus,
      startedAt,
      durationMs,
      pendingMs: this.behaviour.pendingSeconds * 1000,
      result: fault?.kind === 'fails' || fault?.kind === 'deleted' ? 'FAILED' : 'SUCCEEDED',
      deletesService: fault?.kind === 'deleted',
      fault: fault?.kind,
    });
    service.operations.push(op);
    return op;
  }

  /** An operation's duration in ms: the service's base value, moved by its jitter (keyed, so reproducible). */
  private jittered(service: { arn: string; durations: ResolvedDurations }, type: OperationType, key: string) {
    const base = baseSecondsOf(service.durations, type);
    const { jitter } = service.durations;
    return jitteredMs(
      base,
      jitter,
      jitter === 0 ? 0.5 : keyedUnit(this.behaviour.seed, `${service.arn}:${key}`),
    );
  }

  private assertTaggable(service: ServiceRecord): void {
    if (statusOf(service, this.clock.now()) === 'DELETED') {
      throw invalidState(`You can't change the tags of service ${service.name} because it is DELETED.`);
    }
  }

  private resetBucket(): void {
    const rps = this.behaviour.requestsPerSecond;
    // Burst = one second's worth, but at least one request (a rate below 1/s still admits one now and then).
    this.bucket = rps ? new RateLimiter(this.clock, rps, Math.max(1, rps)) : undefined;
  }

  private createService(spec: ServiceSpec, path: string, issues: Set<string>): ServiceRecord {
    const region = spec.region ?? this.defaultRegion;
    if (this.services.some((s) => s.region === region && s.name === spec.name)) {
      throw new Error(`A service named ${spec.name} already exists in ${region}`);
    }
    const made = newService(spec, this.seq++, path, {
      accountId: this.accountId,
      defaultRegion: this.defaultRegion,
      defaults: this.defaults,
      startedAt: this.startedAt,
      now: this.clock.now(),
      seed: this.behaviour.seed,
      random: this.random,
      pendingSeconds: this.behaviour.pendingSeconds,
    });
    for (const issue of made.issues) issues.add(issue);
    const { record } = made;
    this.services.push(record);
    const url = serviceUrlFor(record.id, record.region);
    if (!this.byUrl.has(url)) this.byUrl.set(url, record);
    for (const fault of spec.faults ?? []) this.faults.add(fault, record.arn);
    const inFlight = spec.inFlight;
    if (inFlight) {
      const fault: OperationFault | undefined =
        inFlight.outcome === 'fails'
          ? { kind: 'fails' }
          : inFlight.outcome === 'never-ends'
            ? { kind: 'never-ends' }
            : undefined;
      this.startOperation(record, inFlight.type, made.inFlightStart, inFlight.durationSeconds, fault);
    }
    return record;
  }

  /** Removes a service added by a failed addServices call. */
  private forget(record: ServiceRecord): void {
    this.services.splice(this.services.indexOf(record), 1);
    const url = serviceUrlFor(record.id, record.region);
    if (this.byUrl.get(url) === record) this.byUrl.delete(url);
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
    if (!service || !isVisible(service, this.clock.now(), this.deletedVisibleMs)) {
      throw notFound(`Service not found: ${arn}`);
    }
    return service;
  }
}
