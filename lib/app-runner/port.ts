/**
 * The App Runner port: the few calls this product makes, in domain terms. The SDK adapter implements it
 * for real; the workflow cores only ever see this interface, so another target platform could be added
 * behind the same port later.
 */

export const SERVICE_STATUSES = [
  'CREATE_FAILED',
  'RUNNING',
  'DELETED',
  'DELETE_FAILED',
  'PAUSED',
  'OPERATION_IN_PROGRESS',
] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export type OperationType =
  | 'START_DEPLOYMENT'
  | 'CREATE_SERVICE'
  | 'PAUSE_SERVICE'
  | 'RESUME_SERVICE'
  | 'DELETE_SERVICE'
  | 'UPDATE_SERVICE';

export type OperationStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'FAILED'
  | 'SUCCEEDED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_SUCCEEDED';

export interface ServiceInfo {
  arn: string;
  name: string;
  region: string;
  status: ServiceStatus;
  /** ServiceUrl: a host name without a scheme (ListServices summaries carry it too). */
  url?: string;
  /** Epoch ms of the service's last change (UpdatedAt): when a finished operation ended, as App Runner saw it. */
  updatedAt?: number;
  /** Epoch ms the service was created (CreatedAt): before it, it neither ran nor was paused. */
  createdAt?: number;
  /** The fields below come only with the full Service (DescribeService, Pause/Resume). */
  healthCheck?: { protocol: 'TCP' | 'HTTP'; path?: string };
  /** Instance memory in MiB, whichever of App Runner's spellings it came in ("2048" or "2 GB"). */
  memoryMb?: number;
  autoScalingConfigurationArn?: string;
  /** False for a service reachable only from its VPC. */
  publiclyAccessible?: boolean;
}

/** The part of an auto scaling configuration the product uses (billing: MinSize instances stay provisioned). */
export interface AutoScalingInfo {
  arn: string;
  name: string;
  minSize: number;
  maxSize: number;
}

export interface OperationInfo {
  id: string;
  type: OperationType;
  status: OperationStatus;
  /** Epoch milliseconds. */
  startedAt?: number;
  endedAt?: number;
  updatedAt?: number;
}

export interface StartOperationResult {
  service: ServiceInfo;
  /** Absent when App Runner accepted the call as a no-op (already in the desired state). */
  operationId?: string;
}

/** How a failed call should be treated. */
export type AppRunnerErrorKind =
  | 'NotFound'
  | 'InvalidState'
  | 'Throttled'
  | 'Unavailable'
  | 'InvalidRequest'
  | 'AccessDenied'
  | 'Other';

/** A failed App Runner call, classified. `transient` errors are worth retrying later. */
export class AppRunnerCallError extends Error {
  override readonly name: string = 'AppRunnerCallError';
  constructor(
    readonly kind: AppRunnerErrorKind,
    readonly operation: string,
    readonly awsErrorName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${awsErrorName}: ${message}`, options);
  }

  get transient(): boolean {
    return this.kind === 'Throttled' || this.kind === 'Unavailable';
  }
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface AppRunnerPort {
  /** One page of the services in a region (pages may be short, or even empty, and still carry a token). */
  listServicesPage(region: string, nextToken?: string): Promise<Page<ServiceInfo>>;
  describeService(arn: string): Promise<ServiceInfo>;
  resumeService(arn: string): Promise<StartOperationResult>;
  pauseService(arn: string): Promise<StartOperationResult>;
  /** One page of a service's operations, newest first. */
  listOperationsPage(arn: string, nextToken?: string): Promise<Page<OperationInfo>>;
  listTags(arn: string): Promise<Record<string, string>>;
  tagResource(arn: string, tags: Record<string, string>): Promise<void>;
  untagResource(arn: string, keys: string[]): Promise<void>;
  /** A full or partial (`…/name`, `…/name/revision`) auto scaling configuration ARN. */
  describeAutoScalingConfiguration(arn: string): Promise<AutoScalingInfo>;
}

/** Safety bound on pages read in one listing (20 services a page: 200,000 services). */
export const MAX_PAGES = 10_000;

/** Collects every service of a region, following NextToken through short and empty pages. */
export async function listAllServices(port: AppRunnerPort, region: string): Promise<ServiceInfo[]> {
  const all: ServiceInfo[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await port.listServicesPage(region, token);
    all.push(...out.items);
    token = out.nextToken;
    if (!token) return all;
  }
  throw new Error(`ListServices in ${region} returned more than ${MAX_PAGES} pages`);
}

/** A service's operations a page at a time, newest first, reading at most `maxPages` pages. */
export async function* operationPages(
  port: AppRunnerPort,
  arn: string,
  maxPages: number,
): AsyncGenerator<OperationInfo[]> {
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const out = await port.listOperationsPage(arn, token);
    yield out.items;
    token = out.nextToken;
    if (!token) return;
  }
}

/** Finds an operation by id, newest first, reading at most `maxPages` pages. */
export async function findOperation(
  port: AppRunnerPort,
  arn: string,
  operationId: string,
  maxPages = 3,
): Promise<OperationInfo | undefined> {
  for await (const items of operationPages(port, arn, maxPages)) {
    const found = items.find((op) => op.id === operationId);
    if (found) return found;
  }
  return undefined;
}

/** The newest operation of a service, if any. */
export async function latestOperation(port: AppRunnerPort, arn: string): Promise<OperationInfo | undefined> {
  // App Runner lists newest first; an empty first page with a token is possible, so follow a few.
  for await (const items of operationPages(port, arn, 3)) {
    if (items.length > 0) return items[0];
  }
  return undefined;
}

/** Every method of the port, in one list that the compiler holds complete (see below). */
const PORT_METHODS = [
  'listServicesPage',
  'describeService',
  'resumeService',
  'pauseService',
  'listOperationsPage',
  'listTags',
  'tagResource',
  'untagResource',
  'describeAutoScalingConfiguration',
] as const satisfies readonly (keyof AppRunnerPort)[];

type PortMethod = (typeof PORT_METHODS)[number];
/** Fails to compile, naming the method, when AppRunnerPort has a method that PORT_METHODS lacks. */
type MissingFromPortMethods<M extends never> = M;
type _Complete = MissingFromPortMethods<Exclude<keyof AppRunnerPort, PortMethod>>;

/**
 * Wraps a port so that every call goes through `around`, which makes the call (`call()`) when and as often
 * as it likes (e.g. counting it, or retrying it). A method added to the port is wrapped as soon as it is
 * added to {@link PORT_METHODS}, which the compiler requires.
 */
export function aroundEachCall(
  port: AppRunnerPort,
  around: <T>(call: () => Promise<T>) => Promise<T>,
): AppRunnerPort {
  const wrapped: Partial<Record<PortMethod, (...args: never[]) => Promise<unknown>>> = {};
  for (const method of PORT_METHODS) {
    const fn = port[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = (...args: unknown[]) => around(() => fn.apply(port, args));
  }
  return wrapped as AppRunnerPort;
}

/** Wraps a port so that `count` runs once per call (for request accounting). */
export function countingPort(port: AppRunnerPort, count: () => void): AppRunnerPort {
  return aroundEachCall(port, (call) => {
    count();
    return call();
  });
}
