import * as z from 'zod';
import { taggingOperations } from '../tagging';
import { apiOperations } from '../validation';
import { seconds } from './common';

/**
 * Fault specs. Three families, one selector style: request faults (on App Runner API calls), operation
 * faults (on new Pause/Resume operations) and readiness faults (on requests to a service's URL).
 */

const pauseOrResume = z.enum(['PAUSE_SERVICE', 'RESUME_SERVICE']);

/** Which requests a request-level fault applies to, and when. Every selector given must match. */
const requestSelector = {
  /** Service name or ARN; omit for every service (and for ListServices, which names none). */
  service: z.string().min(1).optional(),
  /**
   * API operation names, e.g. ["ResumeService", "ListOperations"]; omit for all of App Runner's. The tagging
   * API's GetResources is hit only when named here.
   */
  operations: z
    .array(z.enum([...taggingOperations, ...apiOperations] as [string, ...string[]]))
    .min(1)
    .optional(),
  /** Probability (0..1) that a matching call is hit; drawn from the fleet's seeded PRNG. Default 1. */
  rate: z.number().min(0).max(1).optional(),
  /** Only the next N calls that are hit; omit for no limit. */
  next: z.number().int().min(1).optional(),
  /** Active for this many seconds of clock time from when the fault is installed (plus startsInSeconds). */
  forSeconds: z.number().positive().optional(),
  /** Becomes active this many seconds of clock time after it is installed. Default 0. */
  startsInSeconds: z.number().min(0).optional(),
};

/** Which Pause/Resume operations an operation-level fault applies to. */
const operationSelector = {
  service: z.string().min(1).optional(),
  /** PAUSE_SERVICE and/or RESUME_SERVICE; omit for both. */
  operations: z.array(pauseOrResume).min(1).optional(),
  /** Only the next N operations started; omit for every one. */
  next: z.number().int().min(1).optional(),
};

/** Which readiness requests (by Host = a service's URL) a readiness fault applies to, and when. */
const probeSelector = {
  service: z.string().min(1).optional(),
  /** Probability (0..1) that a matching request is hit (seeded). Default 1. */
  rate: z.number().min(0).max(1).optional(),
  /** Only the next N requests that are hit; omit for no limit. */
  next: z.number().int().min(1).optional(),
  forSeconds: z.number().positive().optional(),
  startsInSeconds: z.number().min(0).optional(),
};

export const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('throttle'), ...requestSelector }),
  z.strictObject({ type: z.literal('server-error'), ...requestSelector }),
  z.strictObject({
    type: z.literal('slow'),
    delayMs: z.number().int().min(1).max(120_000),
    ...requestSelector,
  }),
  z.strictObject({ type: z.literal('operation-fails'), ...operationSelector }),
  z.strictObject({ type: z.literal('operation-never-ends'), ...operationSelector }),
  z.strictObject({
    type: z.literal('deleted-mid-operation'),
    /** Seconds into the operation when the service is deleted. Default 5. */
    afterSeconds: seconds.optional(),
    ...operationSelector,
  }),
  /** The service's URL answers 503 whatever its state. */
  z.strictObject({ type: z.literal('never-ready'), ...probeSelector }),
  /** After warm-up the URL alternates 200/503 request by request: never two good answers in a row. */
  z.strictObject({ type: z.literal('flapping'), ...probeSelector }),
  /** Each answer of the URL is held back this many milliseconds of real time (a probe's time-out). */
  z.strictObject({
    type: z.literal('slow-ready'),
    delayMs: z.number().int().min(1).max(120_000),
    ...probeSelector,
  }),
]);
/** A fault to inject (fleet file `faults`, a service's `faults`, or `emulator.injectFault`). */
export type FaultSpec = z.input<typeof faultSchema>;
export type FaultType = FaultSpec['type'];
