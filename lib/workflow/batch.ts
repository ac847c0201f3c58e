import type { ServiceStatus } from '../app-runner/port';
import type { ServiceResult } from '../contract/execution-result';
import type { RunInfo } from './run';

/**
 * The state a batch of services carries through the workflow's steps (one Map iteration's data), in its
 * readable form. Between states it travels in a compact wire form (./wire.ts); every step sees only this.
 */

/** Per-batch knobs, fixed by Plan from the config so every step of a batch agrees. */
export interface BatchSettings {
  /** Epoch ms after which unfinished services end TIMED_OUT (services with a later start get as long). */
  deadlineAt: number;
  /** OPERATION_DEADLINE_SECONDS: a service's deadline counts from its own start when that is later. */
  operationDeadlineSeconds: number;
  maxPolls: number;
  /** Operations this batch keeps in flight at once. */
  maxInFlight: number;
  /** This batch's share of the App Runner request budget. */
  requestsPerSecond: number;
  pollWindowSeconds: number;
  /** Seconds between polls of an operation that may be done by now (its predicted window). */
  pollIntervalSeconds: number;
  /** No poll before an operation is this old, for a service without history. */
  initialDelaySeconds: number;
  minDelaySeconds: number;
  maxDelaySeconds: number;
  /** Longest sleep inside the function; longer gaps return to the Wait state. */
  inFunctionMaxSleepSeconds: number;
  /** Read each service's past operations (ListOperations) to predict when its operation ends. */
  predictFromHistory: boolean;
  /** Readiness (resume): give up after this long from RUNNING; probe this often; each probe this long. */
  readyTimeoutSeconds: number;
  probeIntervalSeconds: number;
  probeTimeoutSeconds: number;
  /** Ready-by: the warm-up assumed after RUNNING, and the safety margin, when planning each start. */
  readyWarmupSeconds: number;
  readyByMarginSeconds: number;
  /** Provisioned memory price override ($/GB-hour) for the savings estimate; default the price table. */
  usdPerGbHour?: number;
}

/**
 * Where a service is in the batch:
 * - PENDING: to be acted on (resumed or paused) once its start time has come and the in-flight limit allows;
 * - WAITING: another operation (a deployment) is in flight; act when it ends;
 * - IN_FLIGHT: tracking an operation of this run's kind (started by this run, or joined);
 * - PROBING: resumed and RUNNING; its readiness probe has not yet had two good answers in a row;
 * - DONE: has its outcome (`result`).
 */
export type Phase = 'PENDING' | 'WAITING' | 'IN_FLIGHT' | 'PROBING' | 'DONE';

/** A predicted operation duration, seconds from its start (functions/operations/prediction.ts). */
export interface PredictedDuration {
  low: number;
  expected: number;
  high: number;
  samples: number;
}

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
  /** Epoch ms before which this run does not act on the service (its ready-by start). */
  notBefore?: number;
  /** How long its operation should take, from its own history (set once the history is read). */
  prediction?: PredictedDuration;
  /** Epoch ms of its next status read. */
  nextPollAt?: number;
  /** Epoch ms its last pause ended (from its history), when this resume ends a paused interval. */
  pausedSince?: number;
  /** Resume: ServiceUrl; the ready-path tag as Plan read it; the path the probe requests (resolved from both). */
  url?: string;
  readyPathTag?: string;
  readyPath?: string;
  /** Ready-by resume: the warm-up (s) the service's observed-warmup tag held when Plan read it. */
  observedWarmupSeconds?: number;
  /** Ready-by resume: a newly observed warm-up (s) that this run still has to write to the tag. */
  warmupToRecord?: number;
  /** Resume: why readiness is not probed, when it is not. */
  readySkip?: string;
  /** Resume: what the savings estimate needs (from the resume's answer). */
  memoryMb?: number;
  scalingArn?: string;
  /** Resume: epoch ms RUNNING was seen; the probe's good answers in a row, count, last answer; next probe. */
  runningAt?: number;
  /** Ready-by resume: epoch ms its operation ended (App Runner's UpdatedAt), when earlier than RUNNING was seen. */
  runningSince?: number;
  probeStreak?: number;
  probes?: number;
  lastProbe?: string;
  nextProbeAt?: number;
  /** Resume: epoch ms the service was found ready. */
  readyAt?: number;
  /** Resume that ended a paused interval: its hours, and what that saved at least ($). */
  pausedHours?: number;
  savingsUsd?: number;
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
  /** Seconds the Wait state sleeps before the next check (for people; the Wait uses nextCheckAt). */
  nextDelaySeconds: number;
  /** When the next check is due (ISO): the Wait state waits until then. */
  nextCheckAt?: string;
  allDone: boolean;
  /** App Runner requests made by this batch so far. */
  requests: number;
  /** Of these, refused for a moment (throttling, 5xx, time-outs) and retried. */
  retried?: number;
  /** Actual ÷ predicted duration of the operations that ended in this run (what the run learnt). */
  learned?: number[];
  /** ListServices pages the last sweep of the region took (short pages make a sweep dearer). */
  sweepPages?: number;
  /** MinSize of each auto scaling configuration met (for the savings estimate), by ARN. */
  minSizes?: Record<string, number>;
}
