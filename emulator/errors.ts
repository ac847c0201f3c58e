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

/** What the JSON front end (./server.ts) answers with under each API's own error name. */
export type CommonError = 'UnknownOperation' | 'Serialization' | 'Throttling' | 'InternalError';

/** An error of one of the emulated APIs (message capped like App Runner's); each API writes its own body. */
export abstract class ApiError extends Error {
  /** 500 for the APIs' internal errors, 400 for every other (throttling included, as AWS's JSON APIs do). */
  readonly httpStatus: number;

  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(capMessage(message));
    this.httpStatus = errorType.startsWith('Internal') ? 500 : 400;
  }

  /** The error's body: its `__type` (the AWS CLI and boto3 read only this) and its message. */
  abstract body(): object;
}

/** An App Runner API error, as the server puts it on the wire. */
export class AppRunnerApiError extends ApiError {
  override readonly name = 'AppRunnerApiError';

  constructor(
    override readonly errorType: ApiErrorType,
    message: string,
  ) {
    super(errorType, message);
  }

  body(): object {
    // Namespaced; Coral's own errors use a lower-case `message`, App Runner's modelled ones `Message`.
    const namespace = wireNamespace[this.errorType];
    const key = namespace === 'com.amazonaws.apprunner' ? 'Message' : 'message';
    return { __type: `${namespace}#${this.errorType}`, [key]: this.message };
  }
}

export const invalidState = (message: string) => new AppRunnerApiError('InvalidStateException', message);
export const notFound = (message: string) => new AppRunnerApiError('ResourceNotFoundException', message);
