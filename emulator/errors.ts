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

/** An App Runner API error, as the server puts it on the wire. */
export class AppRunnerApiError extends Error {
  override readonly name = 'AppRunnerApiError';
  readonly httpStatus: number;

  constructor(
    readonly errorType: ApiErrorType,
    message: string,
  ) {
    super(message);
    this.httpStatus = defaultStatus[errorType];
  }

  /** The namespaced name for the body's `__type` (the AWS CLI and boto3 read only this). */
  get wireType(): string {
    return `${wireNamespace[this.errorType]}#${this.errorType}`;
  }
}

export const invalidState = (message: string) => new AppRunnerApiError('InvalidStateException', message);
export const notFound = (message: string) => new AppRunnerApiError('ResourceNotFoundException', message);
