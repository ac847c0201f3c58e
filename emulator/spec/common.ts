import * as z from 'zod';

/** Building blocks shared by the fleet schemas. */

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** A number of seconds, up to a week. */
export const seconds = z
  .number()
  .min(0)
  .max(7 * 24 * 3600);

/** A fixed number of seconds, or a `{min, max}` range drawn (whole seconds) once from the fleet's seed. */
export const secondsRange = z.union([
  seconds,
  z
    .strictObject({ min: seconds, max: seconds })
    .refine((r) => r.min <= r.max, { message: 'min must not be greater than max' }),
]);

export const serviceName = z.string().regex(SERVICE_NAME, `must match ${SERVICE_NAME.source}`);
export const region = z.string().regex(REGION, 'must be an AWS region such as us-east-1');
export const tags = z.record(
  z
    .string()
    .min(1)
    .max(128)
    .refine((k) => !k.startsWith('aws:'), { message: 'tag keys must not start with aws:' }),
  z.string().max(256),
);

/** App Runner's AutoScalingConfigurationName. */
export const autoScalingName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9\-_]{3,31}$/, 'must match [A-Za-z0-9][A-Za-z0-9-_]{3,31}');

export const serviceStatuses = [
  'CREATE_FAILED',
  'RUNNING',
  'DELETED',
  'DELETE_FAILED',
  'PAUSED',
  'OPERATION_IN_PROGRESS',
] as const;
export type ServiceStatus = (typeof serviceStatuses)[number];

export const operationTypes = [
  'START_DEPLOYMENT',
  'CREATE_SERVICE',
  'PAUSE_SERVICE',
  'RESUME_SERVICE',
  'DELETE_SERVICE',
  'UPDATE_SERVICE',
] as const;
export type OperationType = (typeof operationTypes)[number];
