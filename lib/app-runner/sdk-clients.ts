import type { RetryStrategyV2, RetryToken } from '@smithy/types';
import type { AppRunnerErrorKind } from './port';

/**
 * What the SDK adapters share (the App Runner port, ./sdk.ts, and the tag index, ./tag-index-sdk.ts): how
 * their clients are built, one per region; how each call is bounded; how an SDK error is classified when its
 * name says nothing. One options object can build both.
 */
export interface SdkClientOptions {
  /** SDK attempts per call (the SDK's own retry: throttling, 5xx and network errors). */
  maxAttempts?: number;
  /** Abort a call whose response takes longer than this (a per-call abort signal, any SDK version). */
  requestTimeoutMs?: number;
  /**
   * How the SDK retries (default: its standard strategy, backing off in real time). The local runner on a
   * simulated clock retries at once instead ({@link immediateRetries}): the functions' own retries back off
   * on that clock.
   */
  retryStrategy?: RetryStrategyV2;
  /** Endpoint for every region (the emulator); default the SDK's resolution (`AWS_ENDPOINT_URL_<SERVICE>`). */
  endpoint?: string;
  /** Static credentials (the emulator accepts any); default the SDK's credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** A hook to instrument each client once (e.g. X-Ray through Powertools Tracer), typed to the adapter's client. */
export interface Instrumented<C> {
  instrument?: (client: C) => C;
}

/** A client's configuration, as both adapters build it. */
export interface SdkClientConfig {
  region: string;
  maxAttempts: number;
  retryStrategy?: RetryStrategyV2;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  requestHandler: { requestTimeout: number; connectionTimeout: number };
}

const timeoutOf = (options: SdkClientOptions) => options.requestTimeoutMs ?? 5000;

/** The configuration of a client for `region` built with `options` (any SDK v3 client takes it). */
export function clientConfig(region: string, options: SdkClientOptions): SdkClientConfig {
  const { maxAttempts, retryStrategy, endpoint, credentials } = options;
  return {
    region,
    maxAttempts: maxAttempts ?? 3,
    ...(retryStrategy ? { retryStrategy } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    requestHandler: { requestTimeout: timeoutOf(options), connectionTimeout: 3000 },
  };
}

/**
 * Per-call options: an abort signal bounds every call, whatever SDK version runs it (the Lambda runtime's
 * SDK may predate `throwOnRequestTimeout`, and by default a slow response only warns).
 */
export function callOptions(options: SdkClientOptions): { abortSignal: AbortSignal } {
  return { abortSignal: AbortSignal.timeout(timeoutOf(options)) };
}

/**
 * Bounds every call of a client handed to code that sends its commands itself (Plan's freeze store on SSM),
 * as {@link callOptions} bounds the adapters' own: its `send` (promise style) gets the abort signal.
 */
export function boundEachCall<C extends object>(client: C, options: SdkClientOptions): C {
  const target = client as unknown as { send(command: unknown, sendOptions?: object): Promise<unknown> };
  const send = target.send.bind(target);
  target.send = (command, sendOptions) => send(command, { ...callOptions(options), ...sendOptions });
  return client;
}

/** One SDK client per region, created on first use with the adapter's options, and destroyed together. */
export class RegionalClients<C extends { destroy(): void }> {
  private readonly clients = new Map<string, C>();

  constructor(
    private readonly options: SdkClientOptions & Instrumented<C>,
    private readonly create: (config: SdkClientConfig) => C,
  ) {}

  get(region: string): C {
    let client = this.clients.get(region);
    if (!client) {
      client = this.create(clientConfig(region, this.options));
      if (this.options.instrument) client = this.options.instrument(client);
      this.clients.set(region, client);
    }
    return client;
  }

  /** {@link callOptions} for a call of one of these clients. */
  callOptions(): { abortSignal: AbortSignal } {
    return callOptions(this.options);
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

/** An SDK error, classified: the kind its name maps to, else what its HTTP status or failure says. */
export interface ClassifiedSdkError<K extends AppRunnerErrorKind> {
  kind: K | 'Throttled' | 'Unavailable' | 'AccessDenied' | 'Other';
  name: string;
  message: string;
}

/**
 * Classifies an SDK error by its name (`kindByName`, the API's own errors), falling back on what any AWS
 * API means by its status: 429 is throttling, 5xx and failures to reach the service at all are
 * unavailability, and 403 is a refusal (AccessDeniedException, and the front end's signature and credential
 * errors: UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException…).
 */
export function classifySdkError<K extends AppRunnerErrorKind>(
  kindByName: Readonly<Record<string, K>>,
  error: unknown,
): ClassifiedSdkError<K> {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e?.name ?? 'Error';
  const message = e?.message ?? String(error);
  const named = Object.hasOwn(kindByName, name) ? kindByName[name] : undefined;
  if (named) return { kind: named, name, message };
  const status = e?.$metadata?.httpStatusCode;
  if (status === 429) return { kind: 'Throttled', name, message };
  if ((status !== undefined && status >= 500) || isNetworkError(e))
    return { kind: 'Unavailable', name, message };
  if (status === 403) return { kind: 'AccessDenied', name, message };
  return { kind: 'Other', name, message };
}

/**
 * A failure to reach the service at all: a time-out or abort, a connection refused, reset or cut, a host
 * not found or unreachable. One list for the functions (retried as unavailable) and the CLI ("Cannot reach").
 */
export function isNetworkError(e: { name?: string; code?: string; message?: string } | undefined): boolean {
  const text = `${e?.name ?? ''} ${e?.code ?? ''} ${e?.message ?? ''}`;
  return /Timeout|Abort|timed out|ECONNRESET|ECONNREFUSED|EPIPE|ENOTFOUND|EHOSTUNREACH|socket hang up|ETIMEDOUT|EAI_AGAIN/i.test(
    text,
  );
}

/**
 * SDK retries that do not wait: up to `maxAttempts` attempts for throttling, 5xx and transient errors, at
 * once. For a simulated clock, where waiting in real time would only stall a demo or a test, and the
 * functions' own retries (./guarded.ts) do the backing off on that clock.
 */
export function immediateRetries(maxAttempts: number): RetryStrategyV2 {
  const token = (count: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous, info) => {
      const next = previous.getRetryCount() + 1;
      if (next >= maxAttempts || info.errorType === 'CLIENT_ERROR') throw info.error ?? new Error('no retry');
      return token(next);
    },
    recordSuccess: () => undefined,
  };
}
