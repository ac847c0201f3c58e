import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppRunnerApiError } from './errors';
import type { AppRunnerModel } from './model';
import { hostOf } from './readiness';
import { getResources, isTaggingOperation, TAGGING_TARGET_PREFIX, TaggingApiError } from './tagging';
import { type ApiOperation, isApiOperation, validateInput } from './validation';
import { dispatch } from './wire';

/**
 * The HTTP front end. One server, two kinds of request: API calls (anything with an `X-Amz-Target` header:
 * App Runner's awsJson1_0, and the Resource Groups Tagging API's GetResources in awsJson1_1) and requests to
 * a service's URL, routed by their `Host` header, which answer with the service's readiness. Only App Runner
 * calls count against the request budget; API calls appear in the calls log (the tagging API's marked
 * `api: 'tagging'`); requests to services go to the probes log.
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

const TARGET_PREFIX = 'AppRunner.';
const CREDENTIAL_REGION = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/;

/** The region a request is for: its SigV4 credential scope, else the fleet's default region. */
export function regionOf(req: IncomingMessage, fallback: string): string {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? CREDENTIAL_REGION.exec(auth) : null;
  return m?.[1] ?? fallback;
}

type Input = Record<string, unknown>;

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
  contentType = 'application/x-amz-json-1.0',
): void {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': contentType,
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

/** Creates the emulator's HTTP server over a model. */
export function createAppRunnerServer(model: AppRunnerModel, hooks: ServerHooks = {}): Server {
  return createServer((req, res) => {
    const target = req.headers['x-amz-target'];
    const work =
      target === undefined
        ? handleServiceRequest(model, hooks, req, res)
        : String(target).startsWith(TAGGING_TARGET_PREFIX)
          ? handleTaggingCall(model, hooks, req, res)
          : handleApiCall(model, hooks, req, res);
    void work.catch((error: unknown) => {
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

/**
 * The awsJson1_0 front end: parses the request, applies the global rate limit and request faults,
 * validates, dispatches to the model and writes the response (or the error, with its name in both the
 * body `__type` and the `x-amzn-ErrorType` header).
 */
async function handleApiCall(
  model: AppRunnerModel,
  hooks: ServerHooks,
  req: IncomingMessage,
  res: ServerResponse,
) {
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
      throw new AppRunnerApiError('UnknownOperationException', `Unknown operation: ${target || '(empty)'}`);
    }
    try {
      input = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw new AppRunnerApiError('SerializationException', 'The request body is not valid JSON');
    }
    const record = (typeof input === 'object' && input !== null ? input : {}) as Input;
    const arn = record.ServiceArn ?? record.ResourceArn;
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
    body = dispatch(model, op as ApiOperation, region, input as Input);
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

/**
 * The Resource Groups Tagging API front end (awsJson1_1): GetResources only, answered from the model's view
 * of the tag index. Its own API: it takes nothing from App Runner's request budget, and request faults
 * reach it only when they name GetResources in `operations` (App Runner's throttling becomes this API's
 * ThrottledException, a server error its InternalServiceException).
 */
async function handleTaggingCall(
  model: AppRunnerModel,
  hooks: ServerHooks,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const requestId = randomUUID();
  const at = model.clock.now();
  const region = regionOf(req, model.defaultRegion);
  const op = String(req.headers['x-amz-target']).slice(TAGGING_TARGET_PREFIX.length);
  const raw = await readBody(req);
  let input: unknown = {};
  let status = 200;
  let body: object;
  let error: TaggingApiError | undefined;
  let delayMs = 0;
  try {
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/' || !isTaggingOperation(op)) {
      throw new TaggingApiError(
        'UnknownOperationException',
        `Unknown operation: ${TAGGING_TARGET_PREFIX}${op} (the emulator serves GetResources, by POST /)`,
      );
    }
    try {
      input = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw new TaggingApiError('SerializationException', 'The request body is not valid JSON');
    }
    const decision = model.faults.onRequest(op, undefined, { namedOnly: true });
    delayMs = decision.delayMs;
    if (decision.error === 'ThrottlingException')
      throw new TaggingApiError('ThrottledException', 'Rate exceeded');
    if (decision.error === 'InternalServiceErrorException') {
      throw new TaggingApiError('InternalServiceException', 'An internal error occurred (injected fault)');
    }
    body = getResources(model, region, input);
  } catch (caught) {
    if (!(caught instanceof TaggingApiError)) throw caught;
    error = caught;
    status = caught.httpStatus;
    body = caught.body();
  }
  if (delayMs > 0) await delay(delayMs);
  send(res, status, body, requestId, error?.errorType, 'application/x-amz-json-1.1');
  hooks.onCall?.({
    at,
    op,
    region,
    httpStatus: status,
    ...(error ? { errorType: error.errorType, errorMessage: error.message } : {}),
    input,
    requestId,
    api: 'tagging',
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
