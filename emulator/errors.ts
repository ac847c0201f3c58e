/** Error names the emulator can answer with. The first four are modelled by App Runner; the rest come from the AWS front end. */
export type ApiErrorType =
  | 'InvalidRequestException'
  | 'ResourceNotFoundException'
  | 'InvalidStateException'
  | 'InternalServiceErrorException'
  | 'ThrottlingException'
  | 'SerializationException'
  | 'UnknownOperationException';

const wireNamespace: Record<ApiErrorType, string> = {
  InvalidRequestException: 'com.amazonaws.apprunner',
  ResourceNotFoundException: 'com.amazonaws.apprunner',
  InvalidStateException: 'com.amazonaws.apprunner',
  InternalServiceErrorException: 'com.amazonaws.apprunner',
  ThrottlingException: 'com.amazon.coral.availability',
  SerializationException: 'com.amazon.coral.service',
  UnknownOperationException: 'com.amazon.coral.service',
};

const defaultStatus: Record<ApiErrorType, number> = {
  InvalidRequestException: 400,
  ResourceNotFoundException: 400,
  InvalidStateException: 400,
  InternalServiceErrorException: 500,
  ThrottlingException: 400,
  SerializationException: 400,
  UnknownOperationException: 400,
};

/** App Runner's model caps `ErrorMessage` at 600 characters. */
export const MAX_ERROR_MESSAGE_LENGTH = 600;

/** Cuts a message to {@link MAX_ERROR_MESSAGE_LENGTH} characters, ending in an ellipsis when it was longer. */
export function capMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_LENGTH) return message;
  let cut = MAX_ERROR_MESSAGE_LENGTH - 1;
  // Never split a surrogate pair: half a character is not valid UTF-8 on the wire.
  const last = message.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${message.slice(0, cut)}…`;
}

/** An App Runner API error, as the server puts it on the wire (message capped like App Runner's). */
export class AppRunnerApiError extends Error {
  override readonly name = 'AppRunnerApiError';
  readonly httpStatus: number;

  constructor(
    readonly errorType: ApiErrorType,
    message: string,
  ) {
    super(capMessage(message));
    this.httpStatus = defaultStatus[errorType];
  }

  /** The namespaced name for the body's `__type` (the AWS CLI and boto3 read only this). */
  get wireType(): string {
    return `${wireNamespace[this.errorType]}#${this.errorType}`;
  }
}

export const invalidState = (message: string) => new AppRunnerApiError('InvalidStateException', message);
export const notFound = (message: string) => new AppRunnerApiError('ResourceNotFoundException', message);
