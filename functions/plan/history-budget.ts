/**
 * Step Functions keeps at most 25,000 events in a Standard execution's history; this product aims to stay
 * under 20,000 for any fleet it accepts. The bound below counts the events of the state machine in
 * `statemachine/scheduler.asl.yaml` (a Lambda task: entered, scheduled, started, succeeded, exited = 5;
 * a Choice, Wait, Succeed or Fail: entered + exited = 2; a Map: entered, started, succeeded, exited = 4, plus
 * started + succeeded per iteration).
 *
 *   events ≤ fixed + batches × (perBatch + perRound × rounds)
 *   rounds ≤ ⌈deadline ÷ minDelay⌉ + 1      (every Wait lasts at least minDelay; the deadline ends a batch)
 *
 * Task retries are not in the bound: the 5,000 events between the target and the hard limit leave room for
 * more than 1,600 retried attempts.
 */
export const HISTORY_EVENT_LIMIT = 25_000;
export const HISTORY_EVENT_TARGET = 20_000;

const TASK = 5;
const SIMPLE = 2;
const MAP = 4;
const ITERATION = 2;

/**
 * Plan, the Map, Report and (on the failure path) the two states after it, plus the execution's own two
 * events — an upper bound: a run that ends well ends at Report.
 */
export const FIXED_EVENTS = 2 + TASK + MAP + TASK + SIMPLE + SIMPLE;
/** A Map iteration: its start/end, Start, and (an upper bound) a Choice and the batch's terminal state. */
export const PER_BATCH_EVENTS = ITERATION + TASK + SIMPLE + SIMPLE;
/** One Wait → Check → Choice round. */
export const PER_ROUND_EVENTS = SIMPLE + TASK + SIMPLE;

/** The most Wait → Check rounds a batch can make before its deadline ends it. */
export function maxRounds(deadlineSeconds: number, minDelaySeconds: number): number {
  return Math.ceil(deadlineSeconds / Math.max(1, minDelaySeconds)) + 1;
}

/** Upper bound on the history events of one execution with `batches` batches. */
export function historyEventBound(batches: number, deadlineSeconds: number, minDelaySeconds: number): number {
  return (
    FIXED_EVENTS +
    batches * (PER_BATCH_EVENTS + PER_ROUND_EVENTS * maxRounds(deadlineSeconds, minDelaySeconds))
  );
}

/**
 * The smallest minimum delay (at least `configured`) that keeps the bound within `target` for this many
 * batches. Large fleets poll a little less often rather than risk the history limit.
 */
export function minDelayWithinBudget(
  batches: number,
  deadlineSeconds: number,
  configured: number,
  target = HISTORY_EVENT_TARGET,
): number {
  let min = Math.max(1, configured);
  while (historyEventBound(batches, deadlineSeconds, min) > target && min < deadlineSeconds) min++;
  return min;
}
