import type { AutoScalingConfiguration } from './auto-scaling';
import type { AppRunnerModel } from './model';
import type { OperationSnapshot } from './operations';
import type { ServiceView } from './services';
import type { ApiOperation } from './validation';

/**
 * The wire shapes (App Runner's JSON members, timestamps in epoch seconds) and the dispatch from a validated
 * request to the model. Members the model does not track get a plausible fixed value.
 */

const seconds = (ms: number) => ms / 1000;

/** The AutoScalingConfigurationSummary of a service. */
function toWireAutoScalingSummary(c: AutoScalingConfiguration): Record<string, unknown> {
  return {
    AutoScalingConfigurationArn: c.arn,
    AutoScalingConfigurationName: c.name,
    AutoScalingConfigurationRevision: c.revision,
    Status: 'ACTIVE',
    CreatedAt: seconds(c.createdAt),
    HasAssociatedService: true,
    IsDefault: c.isDefault,
  };
}

/** The Service shape: status, URL and configuration from the model, a plausible fixed source for the rest. */
function toWireService(s: ServiceView, autoScaling: AutoScalingConfiguration): Record<string, unknown> {
  return {
    ServiceName: s.name,
    ServiceId: s.id,
    ServiceArn: s.arn,
    ServiceUrl: s.url,
    CreatedAt: seconds(s.createdAt),
    UpdatedAt: seconds(s.updatedAt),
    ...(s.deletedAt !== undefined ? { DeletedAt: seconds(s.deletedAt) } : {}),
    Status: s.status,
    SourceConfiguration: {
      ImageRepository: {
        ImageIdentifier: 'public.ecr.aws/aws-containers/hello-app-runner:latest',
        ImageConfiguration: { Port: '8000' },
        ImageRepositoryType: 'ECR_PUBLIC',
      },
      AutoDeploymentsEnabled: false,
    },
    InstanceConfiguration: { Cpu: s.instance.cpu, Memory: s.instance.memory },
    HealthCheckConfiguration: {
      Protocol: s.healthCheck.protocol,
      Path: s.healthCheck.path,
      Interval: 5,
      Timeout: 2,
      HealthyThreshold: 1,
      UnhealthyThreshold: 5,
    },
    AutoScalingConfigurationSummary: toWireAutoScalingSummary(autoScaling),
    NetworkConfiguration: {
      EgressConfiguration: { EgressType: 'DEFAULT' },
      IngressConfiguration: { IsPubliclyAccessible: s.public },
      IpAddressType: 'IPV4',
    },
    ObservabilityConfiguration: { ObservabilityEnabled: false },
  };
}

function toWireSummary(s: ServiceView): Record<string, unknown> {
  return {
    ServiceName: s.name,
    ServiceId: s.id,
    ServiceArn: s.arn,
    ServiceUrl: s.url,
    CreatedAt: seconds(s.createdAt),
    UpdatedAt: seconds(s.updatedAt),
    Status: s.status,
  };
}

function toWireOperation(o: OperationSnapshot): Record<string, unknown> {
  return {
    Id: o.id,
    Type: o.type,
    Status: o.status,
    TargetArn: o.targetArn,
    StartedAt: seconds(o.startedAt),
    ...(o.endedAt !== undefined ? { EndedAt: seconds(o.endedAt) } : {}),
    UpdatedAt: seconds(o.updatedAt),
  };
}

type Input = Record<string, unknown>;
const str = (v: unknown) => v as string;
const optStr = (v: unknown) => v as string | undefined;
const optNum = (v: unknown) => v as number | undefined;

/** Runs one validated operation against the model; returns the response body. */
export function dispatch(model: AppRunnerModel, op: ApiOperation, region: string, input: Input): object {
  const service = (s: ServiceView) => toWireService(s, model.autoScaling.latest(s.region, s.autoScaling));
  switch (op) {
    case 'DescribeService':
      return { Service: service(model.describeService(region, str(input.ServiceArn))) };
    case 'ListServices': {
      const page = model.listServices(region, {
        maxResults: optNum(input.MaxResults),
        nextToken: optStr(input.NextToken),
      });
      return {
        ServiceSummaryList: page.services.map(toWireSummary),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    }
    case 'PauseService':
    case 'ResumeService': {
      const arn = str(input.ServiceArn);
      const result =
        op === 'PauseService' ? model.pauseService(region, arn) : model.resumeService(region, arn);
      return {
        Service: service(result.service),
        ...(result.operationId ? { OperationId: result.operationId } : {}),
      };
    }
    case 'ListOperations': {
      const page = model.listOperations(region, str(input.ServiceArn), {
        maxResults: optNum(input.MaxResults),
        nextToken: optStr(input.NextToken),
      });
      return {
        OperationSummaryList: page.operations.map(toWireOperation),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    }
    case 'ListTagsForResource':
      return {
        Tags: model
          .listTagsForResource(region, str(input.ResourceArn))
          .map((t) => ({ Key: t.key, Value: t.value })),
      };
    case 'TagResource': {
      const tags = (input.Tags as Array<{ Key: string; Value?: string }>).map((t) => ({
        key: t.Key,
        value: t.Value ?? '',
      }));
      model.tagResource(region, str(input.ResourceArn), tags);
      return {};
    }
    case 'UntagResource':
      model.untagResource(region, str(input.ResourceArn), input.TagKeys as string[]);
      return {};
    case 'DescribeAutoScalingConfiguration': {
      const c = model.describeAutoScalingConfiguration(region, str(input.AutoScalingConfigurationArn));
      return {
        AutoScalingConfiguration: {
          AutoScalingConfigurationArn: c.arn,
          AutoScalingConfigurationName: c.name,
          AutoScalingConfigurationRevision: c.revision,
          Latest: c.latest,
          Status: 'ACTIVE',
          MaxConcurrency: c.maxConcurrency,
          MinSize: c.minSize,
          MaxSize: c.maxSize,
          CreatedAt: seconds(c.createdAt),
          HasAssociatedService: c.hasAssociatedService,
          IsDefault: c.isDefault,
        },
      };
    }
  }
}
