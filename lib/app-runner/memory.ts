import { createHash } from 'node:crypto';
import type { Clock } from '../runtime/clock';
import { parseServiceArn } from './arn';
import {
  AppRunnerCallError,
  type AppRunnerPort,
  type AutoScalingInfo,
  type OperationInfo,
  type OperationType,
  type Page,
  type ServiceInfo,
  type ServiceStatus,
  type StartOperationResult,
} from './port';

/**
 * The App Runner port in memory, on a clock: services, their pause/resume operations (which end after the
 * service's duration, as the clock moves) and tags, with App Runner's answers to the calls the product makes
 * — InvalidState when an operation cannot start, NotFound for an unknown service. It is held to the same
 * contract suite as the SDK adapter (test/contract/app-runner-port.ts), so unit tests can use it in place of
 * the real thing; the emulator (emulator/) is the full-fidelity one, behind the real wire protocol.
 */

export interface MemoryServiceSpec {
  name: string;
  region?: string;
  status?: 'RUNNING' | 'PAUSED' | 'CREATE_FAILED' | 'DELETE_FAILED' | 'DELETED';
  tags?: Record<string, string>;
  /** Seconds a resume takes (Infinity: never ends). */
  resumeSeconds?: number;
  pauseSeconds?: number;
  /** An operation already in flight, started `elapsedSeconds` ago. */
  inFlight?: { type: OperationType; elapsedSeconds?: number; seconds?: number };
  url?: string;
  memoryMb?: number;
}

/** A call as the adapter saw it: the App Runner operation and the service it was about. */
export interface MemoryCall {
  operation: string;
  arn?: string;
  region?: string;
  at: number;
}

interface Operation {
  id: string;
  type: OperationType;
  startedAt: number;
  endsAt: number;
  from: RestStatus;
  to: RestStatus;
}

type RestStatus = Exclude<ServiceStatus, 'OPERATION_IN_PROGRESS'>;

interface Service {
  arn: string;
  name: string;
  region: string;
  rest: RestStatus;
  tags: Map<string, string>;
  resumeSeconds: number;
  pauseSeconds: number;
  operations: Operation[];
  url: string;
  memoryMb?: number;
}

export interface MemoryOptions {
  accountId?: string;
  region?: string;
  /** Services per ListServices page (App Runner: up to 20). */
  pageSize?: number;
  /** ResumeService on a RUNNING service: App Runner is reported to answer either way. */
  resumeWhenRunning?: 'invalid-state' | 'no-op';
}

export class InMemoryAppRunner implements AppRunnerPort {
  readonly calls: MemoryCall[] = [];
  private readonly services: Service[] = [];
  private readonly accountId: string;
  private readonly region: string;
  private fault: ((call: MemoryCall) => AppRunnerCallError | undefined) | undefined;
  private latencyMs: ((call: MemoryCall) => number) | undefined;
  private opCounter = 0;
  /** Auto scaling configurations by name (App Runner's default is always there). */
  private readonly scaling = new Map<string, { minSize: number; maxSize: number }>([
    ['DefaultConfiguration', { minSize: 1, maxSize: 25 }],
  ]);

  constructor(
    private readonly clock: Clock,
    private readonly options: MemoryOptions = {},
  ) {
    this.accountId = options.accountId ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
  }

  /** Adds a service now; returns it as the port describes it. */
  addService(spec: MemoryServiceSpec): ServiceInfo {
    const region = spec.region ?? this.region;
    // 32 hex characters, distinct per region and name (the URL takes the first 10, as App Runner's does).
    const id = createHash('sha256').update(`${region}:${spec.name}`).digest('hex').slice(0, 32);
    const service: Service = {
      arn: `arn:aws:apprunner:${region}:${this.accountId}:service/${spec.name}/${id}`,
      name: spec.name,
      region,
      rest: spec.status ?? 'PAUSED',
      tags: new Map(Object.entries(spec.tags ?? {})),
      resumeSeconds: spec.resumeSeconds ?? 60,
      pauseSeconds: spec.pauseSeconds ?? 30,
      operations: [],
      url: spec.url ?? `${id.slice(0, 10)}.${region}.awsapprunner.com`,
      ...(spec.memoryMb !== undefined ? { memoryMb: spec.memoryMb } : {}),
    };
    if (spec.inFlight) {
      const { type } = spec.inFlight;
      const seconds =
        spec.inFlight.seconds ?? (type === 'PAUSE_SERVICE' ? service.pauseSeconds : service.resumeSeconds);
      service.rest = type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING';
      this.startOperation(
        service,
        type,
        this.clock.now() - (spec.inFlight.elapsedSeconds ?? 0) * 1000,
        seconds,
      );
    }
    this.services.push(service);
    return this.info(service);
  }

  /** Every later call for which `fault` returns an error fails with it (undefined: the call goes through). */
  failWith(fault: ((call: MemoryCall) => AppRunnerCallError | undefined) | undefined): void {
    this.fault = fault;
  }

  /** Every later call takes this long on the clock before it is answered. */
  delayWith(latencyMs: ((call: MemoryCall) => number) | undefined): void {
    this.latencyMs = latencyMs;
  }

  async listServicesPage(region: string, nextToken?: string): Promise<Page<ServiceInfo>> {
    await this.enter({ operation: 'ListServices', region });
    const size = Math.min(20, this.options.pageSize ?? 20);
    const start = nextToken ? Number(nextToken) : 0;
    if (!Number.isInteger(start) || start < 0) {
      throw new AppRunnerCallError(
        'InvalidRequest',
        'ListServices',
        'InvalidRequestException',
        'bad NextToken',
      );
    }
    const listed = this.services.filter((s) => s.region === region && this.status(s) !== 'DELETED');
    const items = listed.slice(start, start + size).map((s) => this.info(s));
    return { items, ...(start + size < listed.length ? { nextToken: String(start + size) } : {}) };
  }

  async describeService(arn: string): Promise<ServiceInfo> {
    return this.info(await this.lookup('DescribeService', arn));
  }

  resumeService(arn: string): Promise<StartOperationResult> {
    return this.start('ResumeService', arn, 'RESUME_SERVICE');
  }

  pauseService(arn: string): Promise<StartOperationResult> {
    return this.start('PauseService', arn, 'PAUSE_SERVICE');
  }

  async listOperationsPage(arn: string, nextToken?: string): Promise<Page<OperationInfo>> {
    const service = await this.lookup('ListOperations', arn);
    const start = nextToken ? Number(nextToken) : 0;
    const newestFirst = [...service.operations].reverse().map((op) => this.opInfo(op));
    return {
      items: newestFirst.slice(start, start + 20),
      ...(start + 20 < newestFirst.length ? { nextToken: String(start + 20) } : {}),
    };
  }

  async listTags(arn: string): Promise<Record<string, string>> {
    return Object.fromEntries((await this.lookup('ListTagsForResource', arn)).tags);
  }

  async tagResource(arn: string, tags: Record<string, string>): Promise<void> {
    const service = await this.lookup('TagResource', arn);
    for (const [k, v] of Object.entries(tags)) service.tags.set(k, v);
  }

  async untagResource(arn: string, keys: string[]): Promise<void> {
    const service = await this.lookup('UntagResource', arn);
    for (const key of keys) service.tags.delete(key);
  }

  async describeAutoScalingConfiguration(arn: string): Promise<AutoScalingInfo> {
    await this.enter({ operation: 'DescribeAutoScalingConfiguration', arn });
    const name = /:autoscalingconfiguration\/([^/]+)/.exec(arn)?.[1];
    if (!name) {
      throw new AppRunnerCallError(
        'InvalidRequest',
        'DescribeAutoScalingConfiguration',
        'InvalidRequestException',
        `not an auto scaling configuration ARN: ${arn}`,
      );
    }
    const known = this.scaling.get(name);
    if (!known) {
      throw new AppRunnerCallError(
        'NotFound',
        'DescribeAutoScalingConfiguration',
        'ResourceNotFoundException',
        `Auto scaling configuration not found: ${arn}`,
      );
    }
    return { arn, name, ...known };
  }

  /** Every service not deleted that carries a tag, as a tag index would list it (see tag-index-memory.ts). */
  taggedResources(): Array<{ arn: string; region: string; tags: Record<string, string> }> {
    return this.services
      .filter((s) => s.tags.size > 0 && this.status(s) !== 'DELETED')
      .map((s) => ({ arn: s.arn, region: s.region, tags: Object.fromEntries(s.tags) }));
  }

  // ---- internals ----

  private async enter(call: Omit<MemoryCall, 'at'>): Promise<void> {
    const full = { ...call, at: this.clock.now() };
    this.calls.push(full);
    const delay = this.latencyMs?.(full) ?? 0;
    if (delay > 0) await this.clock.sleep(delay);
    const error = this.fault?.(full);
    if (error) throw error;
  }

  private async lookup(operation: string, arn: string): Promise<Service> {
    const region = parseServiceArn(arn)?.region;
    await this.enter({ operation, arn, ...(region ? { region } : {}) });
    const service = this.services.find((s) => s.arn === arn);
    if (!service || this.status(service) === 'DELETED') {
      throw new AppRunnerCallError(
        'NotFound',
        operation,
        'ResourceNotFoundException',
        `Service not found: ${arn}`,
      );
    }
    return service;
  }

  private async start(
    operation: 'ResumeService' | 'PauseService',
    arn: string,
    type: 'RESUME_SERVICE' | 'PAUSE_SERVICE',
  ): Promise<StartOperationResult> {
    const service = await this.lookup(operation, arn);
    const status = this.status(service);
    const from: RestStatus = type === 'RESUME_SERVICE' ? 'PAUSED' : 'RUNNING';
    if (type === 'RESUME_SERVICE' && status === 'RUNNING' && this.options.resumeWhenRunning === 'no-op') {
      return { service: this.info(service) };
    }
    if (status !== from) {
      throw new AppRunnerCallError(
        'InvalidState',
        operation,
        'InvalidStateException',
        `You can't ${type === 'RESUME_SERVICE' ? 'resume' : 'pause'} service ${service.name} because it is ${status}`,
      );
    }
    const seconds = type === 'RESUME_SERVICE' ? service.resumeSeconds : service.pauseSeconds;
    const op = this.startOperation(service, type, this.clock.now(), seconds);
    return { service: this.info(service), operationId: op.id };
  }

  private startOperation(
    service: Service,
    type: OperationType,
    startedAt: number,
    seconds: number,
  ): Operation {
    const op: Operation = {
      id: `00000000-0000-4000-8000-${String(++this.opCounter).padStart(12, '0')}`,
      type,
      startedAt,
      endsAt: startedAt + seconds * 1000,
      from: service.rest,
      to: type === 'PAUSE_SERVICE' ? 'PAUSED' : type === 'RESUME_SERVICE' ? 'RUNNING' : service.rest,
    };
    service.operations.push(op);
    return op;
  }

  private status(service: Service): ServiceStatus {
    const last = service.operations.at(-1);
    if (!last) return service.rest;
    if (this.clock.now() < last.endsAt) return 'OPERATION_IN_PROGRESS';
    service.rest = last.to;
    return service.rest;
  }

  private info(service: Service): ServiceInfo {
    return {
      arn: service.arn,
      name: service.name,
      region: service.region,
      status: this.status(service),
      url: service.url,
      autoScalingConfigurationArn: `arn:aws:apprunner:${service.region}:${this.accountId}:autoscalingconfiguration/DefaultConfiguration/1/${'0'.repeat(31)}1`,
      ...(service.memoryMb !== undefined ? { memoryMb: service.memoryMb } : {}),
    };
  }

  private opInfo(op: Operation): OperationInfo {
    const now = this.clock.now();
    const done = now >= op.endsAt;
    return {
      id: op.id,
      type: op.type,
      status: done ? 'SUCCEEDED' : 'IN_PROGRESS',
      startedAt: op.startedAt,
      ...(done ? { endedAt: op.endsAt } : {}),
      updatedAt: done ? op.endsAt : op.startedAt,
    };
  }
}
