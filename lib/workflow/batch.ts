import type { ServiceStatus } from '../app-runner/port';
import type { ServiceResult } from '../contract/execution-result';
import type { RunInfo } from './run';

/**
 * The state a batch of services carries through the workflow's steps (one Map iteration's data), in its
 * readable form. Between states it travels in a compact wire form (./wire.ts); every step sees only this.
 */

/** Per-batch knobs, fixed by Plan from the config so every step of a batch agrees. */
export interface BatchSettings {
  /** Epoch ms after which unfinished services end TIMED_OUT. */
  deadlineAt: number;
  maxPolls: number;
  /** Operations this batch keeps in flight at once. */
  maxInFlight: number;
  /** This batch's share of the App Runner request budget. */
  requestsPerSecond: number;
  pollWindowSeconds: number;
  pollIntervalSeconds: number;
  initialDelaySeconds: number;
  minDelaySeconds: number;
  maxDelaySeconds: number;
  /** Longest sleep inside the function; longer gaps return to the Wait state. */
  inFunctionMaxSleepSeconds?: number;
}

/**
 * Where a service is in the batch:
 * - PENDING: to be acted on (resumed or paused) as soon as the in-flight limit allows;
 * - WAITING: another operation (a deployment) is in flight; act when it ends;
 * - IN_FLIGHT: tracking an operation of this run's kind (started by this run, or joined);
 * - DONE: has its outcome (`result`).
 */
export type Phase = 'PENDING' | 'WAITING' | 'IN_FLIGHT' | 'DONE';

/** One service as a batch tracks it between steps. */
export interface TrackedService {
  arn: string;
  name: string;
  phase: Phase;
  /** Last status seen (from Plan, a sweep, a describe or an operation call). */
  status: ServiceStatus;
  fromStatus?: ServiceStatus;
  operationId?: string;
  /** Epoch ms the tracked operation started (App Runner's StartedAt when known). */
  operationStartedAt?: number;
  /** The tracked operation was already in flight when this run found it (not started by this run). */
  joined?: boolean;
  /** What the service is waiting for (another operation in flight). */
  waitingFor?: string;
  /** The service had to wait for another operation before this run could act (reported once). */
  waited?: boolean;
  /** This run wrote the keep-awake lease tag. */
  leaseSet?: boolean;
  /** This run removed an overridden keep-awake lease (pause with overrideLease). */
  leaseRemoved?: boolean;
  polls: number;
  transientErrors: number;
  lastError?: string;
  /** Facts a person should know, shown in the report (joined, waited, lease set, opt-out overridden). */
  notes: string[];
  result?: ServiceResult;
}

/** The state a batch carries through Start → Wait → Check → … */
export interface BatchState {
  run: RunInfo;
  batchId: string;
  region: string;
  /** Services known in the region at plan time: sizes a full ListServices sweep. */
  regionServiceCount: number;
  settings: BatchSettings;
  services: TrackedService[];
  round: number;
  /** Seconds the Wait state sleeps before the next check. */
  nextDelaySeconds: number;
  allDone: boolean;
  /** App Runner requests made by this batch so far. */
  requests: number;
}
