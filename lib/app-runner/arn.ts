/** App Runner service names and ARNs, validated with App Runner's own patterns. */

export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/;
export const SERVICE_ARN_PATTERN =
  /^arn:(aws[a-z-]*):apprunner:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):service\/([A-Za-z0-9][A-Za-z0-9-_]{3,39})\/([0-9a-f]{32})$/;

export interface ServiceArnParts {
  partition: string;
  region: string;
  accountId: string;
  serviceName: string;
  serviceId: string;
}

/** Splits a service ARN into its parts, or returns undefined when it is not a valid App Runner service ARN. */
export function parseServiceArn(arn: string): ServiceArnParts | undefined {
  const m = SERVICE_ARN_PATTERN.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, region: m[2]!, accountId: m[3]!, serviceName: m[4]!, serviceId: m[5]! };
}

/** The region a service ARN lives in (throws on a malformed ARN: callers validate first). */
export function regionOfArn(arn: string): string {
  const parts = parseServiceArn(arn);
  if (!parts) throw new Error(`not an App Runner service ARN: ${arn}`);
  return parts.region;
}

/**
 * The region of any App Runner ARN (a service's, an auto scaling configuration's, full or partial), or
 * undefined when it is not one.
 */
export function regionOfAppRunnerArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:apprunner:([a-z0-9-]+):/.exec(arn)?.[1];
}
