/**
 * The error catalogue. Every error the workflow can surface has a stable `name`; the state machine's
 * `ErrorEquals` lists match these names, and a test checks that every name the ASL mentions is here.
 */

export const ErrorNames = {
  InvalidInput: 'AppRunnerScheduler.InvalidInput',
  ServicesFailed: 'AppRunnerScheduler.ServicesFailed',
  InvalidConfig: 'AppRunnerScheduler.InvalidConfig',
  AppRunnerUnavailable: 'AppRunnerScheduler.AppRunnerUnavailable',
  AppRunnerRequestFailed: 'AppRunnerScheduler.AppRunnerRequestFailed',
} as const;

export type ErrorName = (typeof ErrorNames)[keyof typeof ErrorNames];

/** One problem with an input: the dotted path of the field and what is wrong with it. */
export interface FieldIssue {
  field: string;
  problem: string;
}

/** Execution input (or a Lambda payload) is malformed. Raised before any App Runner call. */
export class InvalidInputError extends Error {
  override readonly name = ErrorNames.InvalidInput;
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], options?: { cause?: unknown }) {
    super(issues.map((i) => `${i.field}: ${i.problem}`).join('; '), options);
    this.issues = issues;
  }
}

/** Raised by the end of the workflow when any service FAILED or TIMED_OUT; `cause` carries the report. */
export class ServicesFailedError extends Error {
  override readonly name = ErrorNames.ServicesFailed;
}

/** The function environment is missing or has bad settings (raised at cold start). */
export class InvalidConfigError extends Error {
  override readonly name = ErrorNames.InvalidConfig;
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`);
    this.issues = issues;
  }
}

/** App Runner kept throttling or failing after retries; the state machine retries the task with backoff. */
export class AppRunnerUnavailableError extends Error {
  override readonly name = ErrorNames.AppRunnerUnavailable;
}

/**
 * App Runner refused a request that retrying cannot fix (no credentials, access denied, a bad request):
 * the run fails at once with App Runner's own message. Not retried by the state machine.
 */
export class AppRunnerRequestFailedError extends Error {
  override readonly name = ErrorNames.AppRunnerRequestFailed;
}

/** Turns a zod error into field issues a person can act on. */
export function issuesFromZod(
  error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> },
  root = '',
): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)));
    const field = [root, ...path].filter(Boolean).join('.').replace(/\.\[/g, '[');
    return { field: field || root || '(input)', problem: issue.message };
  });
}

/** A short, safe description of any thrown value. */
export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
