import { AppRunnerCallError } from '../../lib/app-runner/port';
import { isNetworkError } from '../../lib/app-runner/sdk-clients';
import { InvalidInputError } from '../../lib/runtime/errors';
import { ExitCode } from '../exit-codes';
import { UsageError } from './args';
import { envVar } from './env';

/**
 * A failure the CLI explains in words and an exit code, never with a stack trace: what went wrong, and
 * (in `hint`) how to fix it.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How long the CLI waits for an answer to one AWS call (its clients and the App Runner adapter). */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Which AWS API a call went to, for messages ("Step Functions StartExecution failed: …"). */
export interface CallSite {
  service: 'Step Functions' | 'App Runner' | 'CloudFormation' | 'SSM' | 'EventBridge Scheduler';
  operation: string;
  /** Environment variable that redirects this service's endpoint, named in network errors. */
  endpointVariable?: string;
}

const CREDENTIALS_HINT =
  'Sign in and point the CLI at the account: `aws sso login --profile <profile>` and `export AWS_PROFILE=<profile>`, ' +
  'or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).';

const REJECTED_CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
]);

/** The SDK error behind a classified App Runner error (the port wraps it). */
function unwrap(error: unknown): unknown {
  return error instanceof AppRunnerCallError && error.cause !== undefined ? error.cause : error;
}

/** True when the SDK gave up before sending because no region is configured. */
export function isMissingRegion(error: unknown): boolean {
  const e = unwrap(error) as { message?: string } | undefined;
  return typeof e?.message === 'string' && /Region is missing/i.test(e.message);
}

/** True when the SDK found no credentials anywhere in its provider chain. */
export function isMissingCredentials(error: unknown): boolean {
  const e = unwrap(error) as { name?: string; message?: string } | undefined;
  return (
    e?.name === 'CredentialsProviderError' ||
    (typeof e?.message === 'string' && /Could not load credentials/i.test(e.message))
  );
}

/** The message for a missing region (shared by every command). */
export function missingRegionError(cause?: unknown): CliError {
  return new CliError(
    'No AWS region is configured.',
    ExitCode.Usage,
    'Pass --region (e.g. --region eu-west-1), or export AWS_REGION, or set `region` in your AWS profile.',
    { cause },
  );
}

/**
 * Turns anything an AWS SDK call threw into a {@link CliError} a person can act on. Setup problems (no
 * region, no or rejected credentials, access denied, a resource that does not exist) exit 2; the service
 * being unreachable or failing exits 1.
 */
export function fromAwsError(error: unknown, site: CallSite): CliError {
  if (error instanceof CliError) return error;
  const e = unwrap(error) as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e?.name ?? 'Error';
  const message = e?.message ?? String(error);
  const what = `${site.service} ${site.operation}`;
  if (isMissingRegion(e)) return missingRegionError(error);
  if (isMissingCredentials(e)) {
    return new CliError('No AWS credentials found.', ExitCode.Usage, CREDENTIALS_HINT, { cause: error });
  }
  if (REJECTED_CREDENTIAL_ERRORS.has(name)) {
    return new CliError(
      `AWS rejected the credentials (${what}: ${name}: ${message}).`,
      ExitCode.Usage,
      `Your session may have expired. ${CREDENTIALS_HINT}`,
      { cause: error },
    );
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return new CliError(
      `Access denied: ${what}: ${message}`,
      ExitCode.Usage,
      'Use a role that may call this API (see docs/RUNBOOK.md, "Permissions").',
      { cause: error },
    );
  }
  if (isNetworkError(e) || isRequestTimeout(e)) {
    const via = site.endpointVariable ? ` If ${site.endpointVariable} is set, check it.` : '';
    const attempts = (e as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1;
    const detail = isRequestTimeout(e)
      ? `no answer within ${timeoutSeconds(message)} s${attempts > 1 ? `, ${attempts} attempts` : ''}`
      : `${e.code ?? name}: ${message}`;
    return new CliError(
      `Cannot reach ${site.service} (${what}: ${detail}).`,
      ExitCode.ServicesFailed,
      `Check your network or proxy and try again.${via}`,
      { cause: error },
    );
  }
  const status =
    e?.$metadata?.httpStatusCode ?? (e as { $response?: { statusCode?: number } })?.$response?.statusCode;
  // JSON services name such an answer Unknown/UnknownError; XML ones (CloudFormation) take the HTTP reason
  // (NotFound…) as the name with the message "Unknown"; a body that does not parse is a deserialization error.
  const unreadable =
    (status !== undefined && (name === 'Unknown' || name === 'UnknownError' || message === 'Unknown')) ||
    /Deserialization error|XML parse error/.test(message);
  if (unreadable) {
    // The SDK could not read an AWS answer: something else answered (a proxy, a web server).
    const via = site.endpointVariable
      ? ` If ${site.endpointVariable} is set, check that it points at ${site.service}.`
      : '';
    return new CliError(
      `${what}: the answer${status !== undefined ? ` (HTTP ${status})` : ''} is not one of AWS's: the endpoint that answered may not be ${site.service}.`,
      ExitCode.ServicesFailed,
      `Check your network or proxy.${via}`,
      { cause: error },
    );
  }
  return new CliError(`${what} failed: ${name}: ${message}`, ExitCode.ServicesFailed, undefined, {
    cause: error,
  });
}

/**
 * A call the CLI gave up on because no answer came in time: the App Runner adapter aborts each call with
 * `AbortSignal.timeout` (the SDK then throws AbortError "Request aborted", or the signal's TimeoutError).
 * Nothing else in the CLI aborts a call, so an abort is a time-out.
 */
function isRequestTimeout(e: { name?: string }): boolean {
  return e?.name === 'AbortError' || e?.name === 'TimeoutError';
}

/** The time-out a request ran into: the SDK's message names it ("the configured 3000 ms requestTimeout"). */
function timeoutSeconds(message: string): number {
  const ms = /(\d+) ?ms/.exec(message)?.[1];
  return (ms ? Number(ms) : REQUEST_TIMEOUT_MS) / 1000;
}

/**
 * A rejected execution input in the words of the command line: each field is named with the flag that set
 * it (`readyBy (--ready-by)`), where the field is the issue's and where the problem mentions it.
 */
export function inputIssuesText(error: InvalidInputError, fieldFlags: Record<string, string>): string {
  const named = (field: string) => {
    const flag = fieldFlags[field.split(/[.[]/)[0] ?? ''];
    return `${field}${flag ? ` (${flag})` : ''}`;
  };
  return error.issues
    .map((i) => {
      const problem = i.problem.replace(/\b[a-zA-Z]+\b/g, (word) =>
        Object.hasOwn(fieldFlags, word) ? named(word) : word,
      );
      return `${named(i.field)}: ${problem}`;
    })
    .join('; ');
}

/** Writes an error the way every command does; returns its exit code. */
export function reportError(error: unknown, write: (line: string) => void): number {
  if (error instanceof CliError) {
    write(`error: ${error.message}`);
    if (error.hint) write(`hint: ${error.hint}`);
    return error.exitCode;
  }
  if (error instanceof UsageError) {
    write(`error: ${error.message}`);
    write('(add --help for usage)');
    return ExitCode.Usage;
  }
  if (error instanceof InvalidInputError) {
    write(`error: invalid input: ${error.message}`);
    return ExitCode.Usage;
  }
  // A bug, not a user error: still no stack trace unless asked for.
  const e = error instanceof Error ? error : new Error(String(error));
  write(`error: unexpected ${e.name}: ${e.message}`);
  if (envVar('APPRUNNER_SCHEDULER_DEBUG')) write(e.stack ?? '');
  else write('(set APPRUNNER_SCHEDULER_DEBUG=1 to see the stack trace, and please report it)');
  return ExitCode.ServicesFailed;
}
