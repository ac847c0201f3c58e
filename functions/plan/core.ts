import { type AppRunnerPort, countingPort } from '../../lib/app-runner/port';
import type { TagIndex } from '../../lib/app-runner/tag-index';
import {
  type ExecutionInput,
  isoDurationSeconds,
  parseExecutionInput,
} from '../../lib/contract/execution-input';
import type { ServiceResult } from '../../lib/contract/execution-result';
import { READY_PATH_TAG, readObservedWarmup } from '../../lib/contract/tags';
import type { FreezeReader } from '../../lib/freeze/freeze';
import type { Clock } from '../../lib/runtime/clock';
import type { Config } from '../../lib/runtime/config';
import type { Log } from '../../lib/runtime/powertools';
import { readyByInstant } from '../../lib/schedules/run-calendar';
import type { BatchState, TrackedService } from '../../lib/workflow/batch';
import { decide } from '../../lib/workflow/decide';
import type { RunInfo } from '../../lib/workflow/run';
import { serviceResult } from '../../lib/workflow/service-result';
import { makeBatches } from './batches';
import { runGate } from './run-gate';
import { selectTargets, tagsOf } from './targets';

/** What the state machine hands to Plan: the execution input plus facts from the context object. */
export interface PlanEvent {
  input: unknown;
  executionId?: string;
  startTime?: string;
}

/** Plan's output: the run, outcomes already decided, and the batches the Map works through. */
export interface PlanResult {
  run: RunInfo;
  outcomes: ServiceResult[];
  /** Readable here; they leave the function in their compact wire form (the handler's middleware). */
  batches: BatchState[];
  batchConcurrency: number;
  /** App Runner requests Plan made. */
  requests: number;
  /** For the report: selectors that matched nothing (`NO_TARGETS: …`); always present (the ASL passes it on). */
  warnings: string[];
}

export interface PlanDeps {
  appRunner: AppRunnerPort;
  /** Finds the services carrying `targets.tags` (a run that selects by tag needs it). */
  tagIndex?: TagIndex;
  clock: Clock;
  config: Config;
  log: Log;
  /** The stage's freeze, when freezes are used. */
  freeze?: FreezeReader;
}

/**
 * Validates the input, resolves the targets (ARNs, names, tags; de-duplicated), reads each service's
 * status and tags, and decides per service: act (into a batch) or an outcome now (skip, not found…).
 * @throws InvalidInputError before any App Runner call when the input is bad
 */
export async function plan(event: PlanEvent, deps: PlanDeps): Promise<PlanResult> {
  const { clock, config, log } = deps;
  let requests = 0;
  const appRunner = countingPort(deps.appRunner, () => requests++);
  const input = parseExecutionInput(event.input, { now: clock.now(), maxTargets: config.MAX_TARGETS });
  const lease = leaseUntil(input, clock.now());
  // A schedule's ready-by is a wall time in its zone: the first such instant after it was due to fire.
  const readyBy = input.readyBy
    ? new Date(input.readyBy).toISOString()
    : input.schedule
      ? readyByInstant(input.schedule)
      : undefined;
  const run: RunInfo = {
    action: input.action,
    dryRun: input.dryRun,
    reason: input.reason,
    requestedBy: input.requestedBy,
    scheduled: input.requestedBy.startsWith('schedule:'),
    ...(lease ? { keepAwakeUntil: lease } : {}),
    ...(readyBy ? { readyBy } : {}),
    ...(input.readyCheck ? { readyCheck: input.readyCheck } : {}),
    ...(input.overrideLease ? { overrideLease: true } : {}),
    startedAt: event.startTime ?? new Date(clock.now()).toISOString(),
    ...(event.executionId ? { executionId: event.executionId } : {}),
  };
  const gate = await runGate(input, {
    ...(deps.freeze ? { freeze: deps.freeze } : {}),
    now: clock.now(),
    log,
  });
  if (gate.skippedRun) {
    return {
      run: { ...run, skippedRun: gate.skippedRun },
      outcomes: [],
      batches: [],
      batchConcurrency: 1,
      requests,
      warnings: gate.warnings,
    };
  }
  log.info('planning run', {
    action: run.action,
    dryRun: run.dryRun,
    requestedBy: run.requestedBy,
    selectors: {
      serviceArns: input.targets.serviceArns?.length ?? 0,
      serviceNames: input.targets.serviceNames?.length ?? 0,
      tags: Object.keys(input.targets.tags ?? {}),
    },
  });

  const { candidates, outcomes, regionSizes, noTargets } = await selectTargets(input.targets, {
    appRunner,
    ...(deps.tagIndex ? { tagIndex: deps.tagIndex } : {}),
    homeRegion: config.AWS_REGION,
    maxTargets: config.MAX_TARGETS,
    now: () => clock.now(),
    log,
  });
  // A selection that matches nothing is worth an alert, unless the input says it may happen.
  const warnings = [...gate.warnings, ...(input.allowNoTargets ? [] : noTargets)];
  for (const warning of warnings) log.warn(warning);

  const toAct: TrackedService[] = [];
  for (const candidate of candidates.values()) {
    const { info } = candidate;
    const tags = candidate.tags ?? (await tagsOf(appRunner, info.arn));
    const about = { serviceArn: info.arn, serviceName: info.name, at: clock.now() };
    if (tags === undefined) {
      outcomes.push(
        serviceResult({
          ...about,
          outcome: 'FAILED',
          reason: 'APP_RUNNER_ERROR',
          error: 'could not read the service tags (lease and opt-out) after retries',
        }),
      );
      continue;
    }
    // Operations in flight are classified by the batch (join, or wait then act); decide() still applies
    // the opt-out and lease tags to them (the batch does not re-read tags for a resume).
    const decision = decide(run, info.status, tags, clock.now());
    if (decision.kind === 'act') {
      const readyPath = tags[READY_PATH_TAG];
      const warmup = run.readyBy !== undefined ? readObservedWarmup(tags) : undefined;
      toAct.push({
        arn: info.arn,
        name: info.name,
        phase: 'PENDING',
        status: info.status,
        ...(info.url ? { url: info.url } : {}),
        // The probe's path, or `none`; resolved against the service's health check once it is resumed.
        ...(run.action === 'resume' && readyPath ? { readyPathTag: readyPath } : {}),
        // A ready-by start allows for the warm-up this service showed last time (else the configured one).
        ...(run.action === 'resume' && warmup !== undefined ? { observedWarmupSeconds: warmup } : {}),
        polls: 0,
        transientErrors: 0,
        notes: [...decision.notes],
      });
    } else if (decision.kind === 'skip') {
      outcomes.push(
        serviceResult({
          ...about,
          outcome: 'SKIPPED',
          reason: decision.reason,
          fromStatus: info.status,
          toStatus: info.status,
          notes: decision.notes,
        }),
      );
    } else {
      outcomes.push(
        serviceResult({
          ...about,
          outcome: 'FAILED',
          reason: decision.reason,
          error: decision.error,
          fromStatus: info.status,
        }),
      );
    }
  }

  const batches = makeBatches(run, toAct, regionSizes, config, clock.now());
  log.info('plan ready', {
    targeted: candidates.size + outcomes.filter((o) => o.reason === 'NOT_FOUND').length,
    toAct: toAct.length,
    decided: outcomes.length,
    batches: batches.length,
  });
  return {
    run,
    outcomes,
    batches,
    batchConcurrency: Math.max(1, Math.min(config.MAX_BATCH_CONCURRENCY, batches.length)),
    requests,
    warnings,
  };
}

/** The lease a resume asks for: an absolute time, or a duration from now. */
function leaseUntil(input: ExecutionInput, now: number): string | undefined {
  if (input.keepAwakeUntil) return new Date(input.keepAwakeUntil).toISOString();
  if (input.keepAwakeFor) return new Date(now + isoDurationSeconds(input.keepAwakeFor) * 1000).toISOString();
  return undefined;
}
