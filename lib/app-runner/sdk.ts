import {
  AppRunnerClient,
  DescribeAutoScalingConfigurationCommand,
  DescribeServiceCommand,
  ListOperationsCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  PauseServiceCommand,
  ResumeServiceCommand,
  type Service,
  type ServiceSummary,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-apprunner';
import { regionOfAppRunnerArn, regionOfArn } from './arn';
import {
  AppRunnerCallError,
  type AppRunnerErrorKind,
  type AppRunnerPort,
  type AutoScalingInfo,
  type OperationInfo,
  type OperationStatus,
  type OperationType,
  type Page,
  type ServiceInfo,
  type ServiceStatus,
  type StartOperationResult,
} from './port';
import { classifySdkError, type Instrumented, RegionalClients, type SdkClientOptions } from './sdk-clients';

export type SdkAdapterOptions = SdkClientOptions & Instrumented<AppRunnerClient>;

/**
 * The App Runner port on `@aws-sdk/client-apprunner`. One client per region, created on first use, with
 * the SDK's default endpoint resolution (so `AWS_ENDPOINT_URL_APPRUNNER` redirects it).
 */
export class SdkAppRunner implements AppRunnerPort {
  private readonly clients: RegionalClients<AppRunnerClient>;

  constructor(options: SdkAdapterOptions) {
    this.clients = new RegionalClients(options, (config) => new AppRunnerClient(config));
  }

  private client(region: string): AppRunnerClient {
    return this.clients.get(region);
  }

  async listServicesPage(region: string, nextToken?: string): Promise<Page<ServiceInfo>> {
    const out = await call('ListServices', () =>
      this.client(region).send(
        new ListServicesCommand({ MaxResults: 20, NextToken: nextToken }),
        this.callOptions(),
      ),
    );
    return {
      items: (out.ServiceSummaryList ?? []).map((s) => toServiceInfo(s, region)),
      nextToken: out.NextToken || undefined,
    };
  }

  async describeService(arn: string): Promise<ServiceInfo> {
    const region = regionOfArn(arn);
    const out = await call('DescribeService', () =>
      this.client(region).send(new DescribeServiceCommand({ ServiceArn: arn }), this.callOptions()),
    );
    return toServiceInfo(out.Service, region);
  }

  resumeService(arn: string): Promise<StartOperationResult> {
    const region = regionOfArn(arn);
    return call('ResumeService', async () => {
      const out = await this.client(region).send(
        new ResumeServiceCommand({ ServiceArn: arn }),
        this.callOptions(),
      );
      return { service: toServiceInfo(out.Service, region), operationId: out.OperationId || undefined };
    });
  }

  pauseService(arn: string): Promise<StartOperationResult> {
    const region = regionOfArn(arn);
    return call('PauseService', async () => {
      const out = await this.client(region).send(
        new PauseServiceCommand({ ServiceArn: arn }),
        this.callOptions(),
      );
      return { service: toServiceInfo(out.Service, region), operationId: out.OperationId || undefined };
    });
  }

  async listOperationsPage(arn: string, nextToken?: string): Promise<Page<OperationInfo>> {
    const region = regionOfArn(arn);
    const out = await call('ListOperations', () =>
      this.client(region).send(
        new ListOperationsCommand({ ServiceArn: arn, MaxResults: 20, NextToken: nextToken }),
        this.callOptions(),
      ),
    );
    return {
      items: (out.OperationSummaryList ?? []).map((op) => ({
        id: op.Id ?? '',
        type: (op.Type ?? 'UPDATE_SERVICE') as OperationType,
        status: (op.Status ?? 'PENDING') as OperationStatus,
        startedAt: op.StartedAt?.getTime(),
        endedAt: op.EndedAt?.getTime(),
        updatedAt: op.UpdatedAt?.getTime(),
      })),
      nextToken: out.NextToken || undefined,
    };
  }

  async listTags(arn: string): Promise<Record<string, string>> {
    const region = regionOfArn(arn);
    const out = await call('ListTagsForResource', () =>
      this.client(region).send(new ListTagsForResourceCommand({ ResourceArn: arn }), this.callOptions()),
    );
    return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }

  async tagResource(arn: string, tags: Record<string, string>): Promise<void> {
    const region = regionOfArn(arn);
    await call('TagResource', () =>
      this.client(region).send(
        new TagResourceCommand({
          ResourceArn: arn,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
        this.callOptions(),
      ),
    );
  }

  async untagResource(arn: string, keys: string[]): Promise<void> {
    const region = regionOfArn(arn);
    await call('UntagResource', () =>
      this.client(region).send(
        new UntagResourceCommand({ ResourceArn: arn, TagKeys: keys }),
        this.callOptions(),
      ),
    );
  }

  async describeAutoScalingConfiguration(arn: string): Promise<AutoScalingInfo> {
    const operation = 'DescribeAutoScalingConfiguration';
    const region = regionOfAppRunnerArn(arn);
    if (!region) {
      throw new AppRunnerCallError(
        'InvalidRequest',
        operation,
        'InvalidArn',
        `not an App Runner ARN: ${arn}`,
      );
    }
    const out = await call(operation, () =>
      this.client(region).send(
        new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: arn }),
        this.callOptions(),
      ),
    );
    const c = out.AutoScalingConfiguration;
    return {
      arn: c?.AutoScalingConfigurationArn ?? arn,
      name: c?.AutoScalingConfigurationName ?? '',
      // App Runner always sends both; its own defaults stand in should a response ever lack them.
      minSize: c?.MinSize ?? 1,
      maxSize: c?.MaxSize ?? 25,
    };
  }

  private callOptions(): { abortSignal: AbortSignal } {
    return this.clients.callOptions();
  }

  destroy(): void {
    this.clients.destroy();
  }
}

/** Reads a Service (DescribeService, Pause/Resume) or a ServiceSummary (ListServices, which has only the URL). */
function toServiceInfo(s: Service | ServiceSummary | undefined, region: string): ServiceInfo {
  const info: ServiceInfo = {
    arn: s?.ServiceArn ?? '',
    name: s?.ServiceName ?? '',
    region,
    status: (s?.Status ?? 'OPERATION_IN_PROGRESS') as ServiceStatus,
  };
  if (s?.ServiceUrl) info.url = s.ServiceUrl;
  if (s?.UpdatedAt) info.updatedAt = s.UpdatedAt.getTime();
  if (s?.CreatedAt) info.createdAt = s.CreatedAt.getTime();
  if (!s || !('InstanceConfiguration' in s || 'HealthCheckConfiguration' in s)) return info;
  const full = s as Service;
  const health = full.HealthCheckConfiguration;
  if (health?.Protocol === 'TCP' || health?.Protocol === 'HTTP') {
    info.healthCheck = { protocol: health.Protocol, ...(health.Path ? { path: health.Path } : {}) };
  }
  const memoryMb = parseMemoryMb(full.InstanceConfiguration?.Memory);
  if (memoryMb !== undefined) info.memoryMb = memoryMb;
  const scaling = full.AutoScalingConfigurationSummary?.AutoScalingConfigurationArn;
  if (scaling) info.autoScalingConfigurationArn = scaling;
  const ingress = full.NetworkConfiguration?.IngressConfiguration?.IsPubliclyAccessible;
  if (typeof ingress === 'boolean') info.publiclyAccessible = ingress;
  return info;
}

/** App Runner writes memory as MiB ("2048") or as GB ("2 GB", "0.5 GB"); undefined for anything else. */
export function parseMemoryMb(memory: string | undefined): number | undefined {
  const text = memory?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text);
  const gb = /^(\d+(?:\.\d+)?)\s*GB$/i.exec(text);
  if (gb) return Math.round(Number(gb[1]) * 1024);
  const mb = /^(\d+)\s*MB$/i.exec(text);
  return mb ? Number(mb[1]) : undefined;
}

async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classify(operation, error);
  }
}

const KIND_BY_NAME: Record<string, AppRunnerErrorKind> = {
  ResourceNotFoundException: 'NotFound',
  InvalidStateException: 'InvalidState',
  ThrottlingException: 'Throttled',
  TooManyRequestsException: 'Throttled',
  InternalServiceErrorException: 'Unavailable',
  ServiceUnavailableException: 'Unavailable',
  InvalidRequestException: 'InvalidRequest',
  AccessDeniedException: 'AccessDenied',
};

/** Maps an SDK error to a classified {@link AppRunnerCallError}. */
function classify(operation: string, error: unknown): AppRunnerCallError {
  if (error instanceof AppRunnerCallError) return error;
  const { kind, name, message } = classifySdkError(KIND_BY_NAME, error);
  return new AppRunnerCallError(kind, operation, name, message, { cause: error });
}
