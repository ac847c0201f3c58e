import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, type ApiErrorType, AppRunnerApiError, type CommonError } from './errors';
import type { AppRunnerModel } from './model';
import { hostOf } from './readiness';
import { taggingApi } from './tagging';
import { type ApiOperation, isApiOperation, validateInput } from './validation';
import { dispatch } from './wire';

/**
 * The HTTP front end. One server, two kinds of request: API calls (anything with an `X-Amz-Target` header:
 * App Runner's awsJson1_0, and the Resource Groups Tagging API's GetResources in awsJson1_1) and requests to
 * a service's URL, routed by their `Host` header, which answer with the service's readiness. Both APIs share
 * one JSON front end, each with its own {@link JsonApi} hooks. Only App Runner calls count against the
 * request budget; API calls appear in the calls log (the tagging API's marked `api: 'tagging'`); requests
 * to services go to the probes log.
 */

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
  /** Set on calls to the Resource Groups Tagging API (GetResources); absent on App Runner's. */
  api?: 'tagging';
  /** The access key the request was signed with (SigV4 credential scope), when it was signed. */
  accessKeyId?: string;
}

/** One request to a service's URL (or to a host no service has), answered. */
export interface EmulatorProbe {
  /** Clock time (epoch ms) when the request arrived. */
  at: number;
  /** The Host header as sent. */
  host: string;
  path: string;
  httpStatus: number;
  /** The service whose URL it was; absent for an unknown host (421). */
  service?: string;
}

export interface ServerHooks {
  /** Called once per answered API request, after the response is written. */
  onCall?: (call: EmulatorCall) => void;
  /** Called once per answered request to a service's URL. */
  onProbe?: (probe: EmulatorProbe) => void;
}

/**
 * One API the JSON front end serves ({@link handleApiCall}): what App Runner's (awsJson1_0) and the Resource
 * Groups Tagging API's (awsJson1_1) requests do not have in common.
 */
export interface JsonApi {
  /** The `X-Amz-Target` prefix, e.g. `AppRunner.`. */
  targetPrefix: string;
  contentType: string;
  /** Marks the API's calls in the calls log (App Runner's are unmarked). */
  api?: 'tagging';
  /** Whether its calls spend the emulator's request budget (`requestsPerSecond`). */
  budgeted: boolean;
  /** Whether only request faults that name its operation reach it (not those naming none). */
  namedFaultsOnly: boolean;
  /** `op` is one the emulator serves. */
  serves(op: string): boolean;
  /** The error the front end answers with, under the API's own name. */
  error(type: CommonError, message: string): ApiError;
  /** Validates a request's input and answers it; returns the response body. */
  answer(model: AppRunnerModel, op: string, region: string, input: unknown): object;
  /** The service a request names (fault selectors, the calls log); none for an API that names none. */
  serviceArn?(input: Input): unknown;
}

const APP_RUNNER_ERRORS: Record<CommonError, ApiErrorType> = {
  UnknownOperation: 'UnknownOperationException',
  Serialization: 'SerializationException',
  Throttling: 'ThrottlingException',
  InternalError: 'InternalServiceErrorException',
};

const appRunnerApi: JsonApi = {
  targetPrefix: 'AppRunner.',
  contentType: 'application/x-amz-json-1.0',
  budgeted: true,
  namedFaultsOnly: false,
  serves: isApiOperation,
  error: (type, message) => new AppRunnerApiError(APP_RUNNER_ERRORS[type], message),
  answer: (model, op, region, input) => {
    validateInput(op as ApiOperation, input);
    return dispatch(model, op as ApiOperation, region, input as Input);
  },
  serviceArn: (input) => input.ServiceArn ?? input.ResourceArn,
};

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/;

/** Who signed a request and for which region (its SigV4 credential scope); the region defaults to `fallback`. */
function signerOf(req: IncomingMessage, fallback: string): { region: string; accessKeyId?: string } {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? CREDENTIAL.exec(auth) : null;
  return m ? { region: m[2] ?? fallback, ...(m[1] ? { accessKeyId: m[1] } : {}) } : { region: fallback };
}

type Input = Record<string, unknown>;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  api: JsonApi,
  status: number,
  body: object,
  requestId: string,
  errorType?: string,
): void {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': api.contentType,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-RequestId': requestId,
  };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(payload);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates the emulator's HTTP server over a model. */
export function createAppRunnerServer(model: AppRunnerModel, hooks: ServerHooks = {}): Server {
  return createServer((req, res) => {
    const target = req.headers['x-amz-target'];
    if (target === undefined) {
      void handleServiceRequest(model, hooks, req, res);
      return;
    }
    const api = String(target).startsWith(taggingApi.targetPrefix) ? taggingApi : appRunnerApi;
    void handleApiCall(api, model, hooks, req, res).catch((error: unknown) => {
      // Anything unexpected is the emulator's bug; answer like AWS would rather than hang the client.
      if (!res.headersSent) {
        const fault = api.error('InternalError', `Emulator error: ${String(error)}`);
        send(res, api, 500, fault.body(), randomUUID(), fault.errorType);
      }
    });
  });
}

/**
 * The JSON front end, for either API: parses the request, applies the request budget and request faults,
 * validates and answers (the API's `answer`), and writes the response — or the error, with its name in
 * both the body's `__type` and the `x-amzn-ErrorType` header.
 */
async function handleApiCall(
  api: JsonApi,
  model: AppRunnerModel,
  hooks: ServerHooks,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const requestId = randomUUID();
  const at = model.clock.now();
  const { region, accessKeyId } = signerOf(req, model.defaultRegion);
  const target = String(req.headers['x-amz-target'] ?? '');
  const op = target.startsWith(api.targetPrefix) ? target.slice(api.targetPrefix.length) : target;
  const raw = await readBody(req);
  let input: unknown = {};
  let serviceArn: string | undefined;
  let status = 200;
  let body: object;
  let error: ApiError | undefined;
  let delayMs = 0;
  try {
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      throw api.error('UnknownOperation', `Expected POST / with X-Amz-Target, got ${req.method} ${req.url}`);
    }
    if (!target.startsWith(api.targetPrefix) || !api.serves(op)) {
      throw api.error('UnknownOperation', `Unknown operation: ${target || '(empty)'}`);
    }
    try {
      input = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw api.error('Serialization', 'The request body is not valid JSON');
    }
    const arn = api.serviceArn?.((typeof input === 'object' && input !== null ? input : {}) as Input);
    if (typeof arn === 'string') serviceArn = arn;
    if (api.budgeted && !model.admitRequest()) throw api.error('Throttling', 'Rate exceeded');
    const decision = model.faults.onRequest(op, model.faultTarget(serviceArn), {
      namedOnly: api.namedFaultsOnly,
    });
    delayMs = decision.delayMs;
    if (decision.error === 'throttle') throw api.error('Throttling', 'Rate exceeded');
    if (decision.error === 'server-error') {
      throw api.error('InternalError', 'An internal error occurred (injected fault)');
    }
    body = api.answer(model, op, region, input);
  } catch (caught) {
    if (!(caught instanceof ApiError)) throw caught;
    error = caught;
    status = caught.httpStatus;
    body = caught.body();
  }
  if (delayMs > 0) await delay(delayMs);
  send(res, api, status, body, requestId, error?.errorType);
  hooks.onCall?.({
    at,
    op,
    region,
    ...(serviceArn !== undefined ? { serviceArn } : {}),
    httpStatus: status,
    ...(error ? { errorType: error.errorType, errorMessage: error.message } : {}),
    input,
    requestId,
    ...(api.api ? { api: api.api } : {}),
    ...(accessKeyId ? { accessKeyId } : {}),
  });
}

/**
 * A request to a service's URL (Host = its ServiceUrl, with or without a port): 200 when ready, 503 when
 * not (with the reason), 421 for a host no service has. Any method and path; the body echoes the path.
 */
async function handleServiceRequest(
  model: AppRunnerModel,
  hooks: ServerHooks,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const at = model.clock.now();
  const hostHeader = req.headers.host ?? '';
  const path = req.url ?? '/';
  await readBody(req);
  const answer = model.probe(hostOf(hostHeader));
  let status: number;
  let body: object;
  if (!answer) {
    status = 421;
    body = {
      message:
        `No App Runner service has the URL "${hostOf(hostHeader)}". Readiness requests need Host: <ServiceUrl> ` +
        '(see DescribeService); App Runner API calls need an X-Amz-Target header.',
    };
  } else {
    status = answer.httpStatus;
    body = { service: answer.service.name, path, ready: status === 200, status: answer.reason };
    if (answer.delayMs > 0) await delay(answer.delayMs);
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(status === 503 ? { 'retry-after': '1' } : {}),
  });
  res.end(payload);
  hooks.onProbe?.({
    at,
    host: hostHeader,
    path,
    httpStatus: status,
    ...(answer ? { service: answer.service.name } : {}),
  });
}
