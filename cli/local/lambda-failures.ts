/**
 * The names under which Step Functions reports a Lambda task whose function itself failed (shared/FACTS.md
 * "Lambda failures as Step Functions sees them"). None of them is thrown by the product's code; the state
 * machine must retry every one of them, and the local runner can inject any of them into any step.
 */
export const LAMBDA_FAILURES = {
  'Runtime.ExitError': 'the process crashed or was killed',
  'Runtime.Unknown': 'the runtime failed in an unknown way',
  'Sandbox.Timedout': 'the function ran out of time',
  'States.Timeout': 'the task ran out of time (as Step Functions words it)',
  'Lambda.Unknown': 'an unhandled error, an out-of-memory or a time-out (older runtimes)',
  'Lambda.ServiceException': 'Lambda itself failed',
  'Lambda.AWSLambdaException': 'Lambda itself failed',
  'Lambda.SdkClientException': 'Step Functions could not reach Lambda',
  'Lambda.TooManyRequestsException': 'Lambda throttled the invocation',
  'Lambda.ClientExecutionTimeoutException': 'the invocation request timed out',
} as const;

export type LambdaFailure = keyof typeof LAMBDA_FAILURES;

/** An error as the engine must see it for its Retry/Catch to match: by `name`. */
export function lambdaFailure(name: LambdaFailure, message: string = LAMBDA_FAILURES[name]): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** What Lambda returns for a failed invocation (the Cause Step Functions records is its JSON). */
export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** A failed invocation as Step Functions sees it: name = errorType, message (its Cause) = the payload's JSON. */
export class LambdaInvocationError extends Error {
  constructor(readonly payload: LambdaError) {
    super(JSON.stringify(payload));
    this.name = payload.errorType;
  }
}

/**
 * Any error a function or the platform raised, in the form Lambda hands it to Step Functions: the Node.js
 * runtime reports a thrown error as `{errorType: name, errorMessage: message, trace}`.
 */
export function asLambdaError(error: unknown): LambdaInvocationError {
  if (error instanceof LambdaInvocationError) return error;
  const e = error instanceof Error ? error : new Error(String(error));
  const trace = e.stack && e.stack !== e.name ? e.stack.split('\n').slice(0, 1) : [];
  return new LambdaInvocationError({ errorType: e.name, errorMessage: e.message, trace });
}
