import type { OperationFault } from './faults';
import { uuidFrom } from './random';
import type { OperationType, ServiceStatus } from './spec/common';

/**
 * Operation records: an operation's status is a function of its start, its duration and the clock, so
 * nothing runs on timers. A record is "settled" once its end has been applied to its service.
 */

export type OperationStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'FAILED'
  | 'SUCCEEDED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_SUCCEEDED';

/** A service status between operations. */
export type RestStatus = Exclude<ServiceStatus, 'OPERATION_IN_PROGRESS'>;

/** An operation as ListOperations would show it now. */
export interface OperationSnapshot {
  id: string;
  type: OperationType;
  status: OperationStatus;
  targetArn: string;
  startedAt: number;
  endedAt?: number;
  updatedAt: number;
  /** The fault injected into this operation, if any. */
  fault?: OperationFault['kind'];
}

export interface OperationRecord {
  id: string;
  type: OperationType;
  targetArn: string;
  startedAt: number;
  pendingUntil: number;
  /** Undefined: never ends. */
  endsAt: number | undefined;
  result: 'SUCCEEDED' | 'FAILED';
  deletesService: boolean;
  fromStatus: RestStatus;
  toStatus: RestStatus;
  /** Its end has been applied to the service. */
  settled: boolean;
  fault?: OperationFault['kind'];
}

/** The status a successful operation of this type leaves a service in. */
export function targetStatusOf(type: OperationType): RestStatus {
  if (type === 'PAUSE_SERVICE') return 'PAUSED';
  if (type === 'DELETE_SERVICE') return 'DELETED';
  return 'RUNNING';
}

/** The id of a service's Nth operation: the same fleet and the same calls give the same ids. */
export const operationIdFor = (serviceArn: string, n: number) => uuidFrom(`operation:${serviceArn}:${n}`);

export interface NewOperation {
  id: string;
  type: OperationType;
  targetArn: string;
  fromStatus: RestStatus;
  startedAt: number;
  /** Undefined: never ends. */
  durationMs: number | undefined;
  pendingMs: number;
  result: 'SUCCEEDED' | 'FAILED';
  deletesService?: boolean;
  fault?: OperationFault['kind'];
}

export function operationRecord(op: NewOperation): OperationRecord {
  const pendingMs = Math.min(op.pendingMs, op.durationMs ?? Infinity);
  return {
    id: op.id,
    type: op.type,
    targetArn: op.targetArn,
    startedAt: op.startedAt,
    pendingUntil: op.startedAt + pendingMs,
    endsAt: op.durationMs === undefined ? undefined : op.startedAt + op.durationMs,
    result: op.result,
    deletesService: op.deletesService ?? false,
    fromStatus: op.fromStatus,
    toStatus: targetStatusOf(op.type),
    settled: false,
    ...(op.fault ? { fault: op.fault } : {}),
  };
}

export function operationSnapshot(op: OperationRecord, now: number): OperationSnapshot {
  const base = {
    id: op.id,
    type: op.type,
    targetArn: op.targetArn,
    startedAt: op.startedAt,
    fault: op.fault,
  };
  if (op.endsAt !== undefined && now >= op.endsAt) {
    return { ...base, status: op.result, endedAt: op.endsAt, updatedAt: op.endsAt };
  }
  if (now < op.pendingUntil) return { ...base, status: 'PENDING', updatedAt: op.startedAt };
  return { ...base, status: 'IN_PROGRESS', updatedAt: op.pendingUntil };
}
