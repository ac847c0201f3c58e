/** A step's failure as a Catch records it (`ResultPath: $.failure`): Step Functions' Error and Cause. */
export interface StepFailure {
  Error?: string;
  Cause?: string;
}

/** `the workflow step failed: <Error>: <message>`, the message taken from a Lambda error's JSON cause. */
export function stepFailureText(failure: StepFailure): string {
  return `the workflow step failed: ${failure.Error ?? 'Error'}: ${truncate(causeMessage(failure.Cause), 300)}`;
}

function causeMessage(cause: string | undefined): string {
  if (!cause) return 'no details';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; message?: string };
    return parsed.errorMessage ?? parsed.message ?? cause;
  } catch {
    return cause;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
