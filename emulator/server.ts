import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppRunnerApiError } from './errors';
import type { AppRunnerModel, OperationSnapshot, ServiceSnapshot } from './model';
import { type ApiOperation, isApiOperation, validateInput } from './validation';

/** One request the emulator answered. */
export interface EmulatorCall {
  /** Clock time (epoch ms) when the request arrived. */
  at: number;
  /** The operation (the `X-Amz-Target` suffix, even when unknown). */
  op: string;
  region: string;
  serviceArn?: string;
  httpStatus: number;
  errorType?: string;
  errorMessage?: string;
  input: unknown;
  requestId: string;
}

export interface ServerHooks {
  /** Called once per answered request, after the response is written. */
  onCall?: (call: EmulatorCall) => void;
}

const TARGET_PREFIX = 'AppRunner.';
const CREDENTIAL_REGION = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/;

/** The region a request is for: its SigV4 credential scope, else the fleet's default region. */
export function regionOf(req: IncomingMessage, fallback: string): string {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? CREDENTIAL_REGION.exec(auth) : null;
  return m?.[1] ?? fallback;
}

const seconds = (ms: number) => ms / 1000;

/** The Service shape: the status-related members from the model, a plausible fixed configuration for the rest. */
export function toWireService(s: ServiceSnapshot): Record<string, unknown> {
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
    InstanceConfiguration: { Cpu: '1024', Memory: '2048' },
    HealthCheckConfiguration: {
      Protocol: 'TCP',
      Path: '/',
      Interval: 5,
      Timeout: 2,
      HealthyThreshold: 1,
      UnhealthyThreshold: 5,
    },
    AutoScalingConfigurationSummary: {
      AutoScalingConfigurationArn: `arn:aws:apprunner:${s.region}:${s.accountId}:autoscalingconfiguration/DefaultConfiguration/1/00000000000000000000000000000001`,
      AutoScalingConfigurationName: 'DefaultConfiguration',
      AutoScalingConfigurationRevision: 1,
      Status: 'ACTIVE',
      CreatedAt: seconds(s.createdAt),
      HasAssociatedService: true,
      IsDefault: true,
    },
    NetworkConfiguration: {
      EgressConfiguration: { EgressType: 'DEFAULT' },
      IngressConfiguration: { IsPubliclyAccessible: true },
      IpAddressType: 'IPV4',
    },
    ObservabilityConfiguration: { ObservabilityEnabled: false },
  };
}

function toWireSummary(s: ServiceSnapshot): Record<string, unknown> {
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
  switch (op) {
    case 'DescribeService':
      return { Service: toWireService(model.describeService(region, str(input.ServiceArn))) };
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
        Service: toWireService(result.service),
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
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: object,
  requestId: string,
  errorType?: string,
): void {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-RequestId': requestId,
  };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(payload);
}

function errorBody(error: AppRunnerApiError): object {
  // Coral's own errors use a lower-case `message`; App Runner's modelled ones `Message`.
  const key = error.wireType.startsWith('com.amazonaws.apprunner#') ? 'Message' : 'message';
  return { __type: error.wireType, [key]: error.message };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The awsJson1_0 front end: parses the request, applies the global rate limit and request faults,
 * validates, dispatches to the model and writes the response (or the error, with its name in both the
 * body `__type` and the `x-amzn-ErrorType` header).
 */
export function createAppRunnerServer(model: AppRunnerModel, hooks: ServerHooks = {}): Server {
  return createServer((req, res) => {
    void handle(model, hooks, req, res).catch((error: unknown) => {
      // Anything unexpected is the emulator's bug; answer like AWS would rather than hang the client.
      if (!res.headersSent) {
        const fault = new AppRunnerApiError(
          'InternalServiceErrorException',
          `Emulator error: ${String(error)}`,
        );
        send(res, 500, errorBody(fault), randomUUID(), fault.errorType);
      }
    });
  });
}

async function handle(model: AppRunnerModel, hooks: ServerHooks, req: IncomingMessage, res: ServerResponse) {
  const requestId = randomUUID();
  const at = model.clock.now();
  const region = regionOf(req, model.defaultRegion);
  const target = String(req.headers['x-amz-target'] ?? '');
  const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
  const raw = await readBody(req);
  let input: unknown = {};
  let status = 200;
  let body: object;
  let error: AppRunnerApiError | undefined;
  let delayMs = 0;
  try {
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      throw new AppRunnerApiError(
        'UnknownOperationException',
        `Expected POST / with X-Amz-Target, got ${req.method} ${req.url}`,
      );
    }
    if (!target.startsWith(TARGET_PREFIX) || !isApiOperation(op)) {
      throw new AppRunnerApiError(
        'UnknownOperationException',
        `Unknown operation: ${target || '(no X-Amz-Target)'}`,
      );
    }
    try {
      input = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw new AppRunnerApiError('SerializationException', 'The request body is not valid JSON');
    }
    const record = (typeof input === 'object' && input !== null ? input : {}) as Input;
    const arn = optStr(record.ServiceArn ?? record.ResourceArn);
    if (!model.admitRequest()) throw new AppRunnerApiError('ThrottlingException', 'Rate exceeded');
    const decision = model.faults.onRequest(op, model.faultTarget(typeof arn === 'string' ? arn : undefined));
    delayMs = decision.delayMs;
    if (decision.error === 'ThrottlingException')
      throw new AppRunnerApiError('ThrottlingException', 'Rate exceeded');
    if (decision.error === 'InternalServiceErrorException') {
      throw new AppRunnerApiError(
        'InternalServiceErrorException',
        'An internal error occurred (injected fault)',
      );
    }
    validateInput(op, input);
    body = dispatch(model, op, region, input as Input);
  } catch (caught) {
    if (!(caught instanceof AppRunnerApiError)) throw caught;
    error = caught;
    status = caught.httpStatus;
    body = errorBody(caught);
  }
  if (delayMs > 0) await delay(delayMs);
  send(res, status, body, requestId, error?.errorType);
  const record = (typeof input === 'object' && input !== null ? input : {}) as Input;
  const serviceArn = record.ServiceArn ?? record.ResourceArn;
  hooks.onCall?.({
    at,
    op,
    region,
    ...(typeof serviceArn === 'string' ? { serviceArn } : {}),
    httpStatus: status,
    ...(error ? { errorType: error.errorType, errorMessage: error.message } : {}),
    input,
    requestId,
  });
}
