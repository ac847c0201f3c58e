import { regionOfArn } from '../../lib/app-runner/arn';
import {
  AppRunnerCallError,
  type AppRunnerPort,
  countingPort,
  listAllServices,
  type ServiceInfo,
} from '../../lib/app-runner/port';
import {
  type ExecutionInput,
  isoDurationSeconds,
  parseExecutionInput,
} from '../../lib/contract/execution-input';
import type { ServiceResult } from '../../lib/contract/execution-result';
import type { Clock } from '../../lib/runtime/clock';
import type { Config } from '../../lib/runtime/config';
import {
  AppRunnerRequestFailedError,
  AppRunnerUnavailableError,
  describeError,
  InvalidInputError,
} from '../../lib/runtime/errors';
import type { Log } from '../../lib/runtime/powertools';
import type { BatchSettings, BatchState, TrackedService } from '../../lib/workflow/batch';
import { decide } from '../../lib/workflow/decide';
import type { RunInfo } from '../../lib/workflow/run';
import { minDelayWithinBudget } from './history-budget';

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
}

export interface PlanDeps {
  appRunner: AppRunnerPort;
  clock: Clock;
  config: Config;
  log: Log;
}

interface Candidate {
  info: ServiceInfo;
  tags?: Record<string, string>;
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
  const run: RunInfo = {
    action: input.action,
    dryRun: input.dryRun,
    reason: input.reason,
    requestedBy: input.requestedBy,
    scheduled: input.requestedBy.startsWith('schedule:'),
    ...(lease ? { keepAwakeUntil: lease } : {}),
    startedAt: event.startTime ?? new Date(clock.now()).toISOString(),
    ...(event.executionId ? { executionId: event.executionId } : {}),
  };
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

  const outcomes: ServiceResult[] = [];
  const candidates = new Map<string, Candidate>();
  const regionSizes = new Map<string, number>();
  const home = config.AWS_REGION;
  const wantsSweep = (input.targets.serviceNames?.length ?? 0) > 0 || input.targets.tags !== undefined;

  // Names and tags are looked up in the home region: one sweep of ListServices covers both.
  let homeServices: ServiceInfo[] = [];
  if (wantsSweep) {
    homeServices = await sweep(appRunner, home);
    regionSizes.set(home, homeServices.length);
  }
  const byArn = new Map(homeServices.map((s) => [s.arn, s]));
  const byName = new Map(homeServices.map((s) => [s.name, s]));

  for (const name of unique(input.targets.serviceNames ?? [])) {
    const info = byName.get(name);
    if (info) candidates.set(info.arn, { info });
    else
      outcomes.push({
        serviceArn: '',
        serviceName: name,
        outcome: 'FAILED',
        reason: 'NOT_FOUND',
        error: `no App Runner service named "${name}" in ${home}`,
        finishedAt: new Date(clock.now()).toISOString(),
      });
  }

  for (const arn of unique(input.targets.serviceArns ?? [])) {
    if (candidates.has(arn)) continue;
    const known = byArn.get(arn);
    if (known) {
      candidates.set(arn, { info: known });
      continue;
    }
    try {
      candidates.set(arn, { info: await appRunner.describeService(arn) });
    } catch (error) {
      outcomes.push(lookupFailure(arn, error, clock.now()));
    }
  }

  if (input.targets.tags) {
    const wanted = Object.entries(input.targets.tags);
    for (const info of homeServices) {
      if (info.status === 'DELETED') continue;
      const tags = await tagsOf(appRunner, info.arn);
      if (tags === undefined) {
        // Unknown tags: the service may or may not match. Say so rather than silently leave it out.
        if (!candidates.has(info.arn)) {
          outcomes.push({
            serviceArn: info.arn,
            serviceName: info.name,
            outcome: 'FAILED',
            reason: 'APP_RUNNER_ERROR',
            error: 'could not read its tags after retries, so could not tell whether it matches targets.tags',
            finishedAt: new Date(clock.now()).toISOString(),
          });
        }
        continue;
      }
      if (wanted.every(([k, v]) => tags[k] === v)) {
        const existing = candidates.get(info.arn);
        candidates.set(info.arn, { info, tags: existing?.tags ?? tags });
      }
    }
    const matched = [...candidates.values()].filter((c) => c.tags !== undefined).length;
    log.info('tag selection done', { scanned: homeServices.length, matched });
  }

  if (candidates.size + outcomes.length > config.MAX_TARGETS) {
    // Tag selection can grow past the limit even when the input was small.
    throw new InvalidInputError([
      {
        field: 'targets',
        problem: `selects ${candidates.size + outcomes.length} services; the limit is ${config.MAX_TARGETS} per execution`,
      },
    ]);
  }

  const toAct: TrackedService[] = [];
  for (const candidate of candidates.values()) {
    const { info } = candidate;
    const tags = candidate.tags ?? (await tagsOf(appRunner, info.arn));
    if (tags === undefined) {
      outcomes.push({
        serviceArn: info.arn,
        serviceName: info.name,
        outcome: 'FAILED',
        reason: 'APP_RUNNER_ERROR',
        error: 'could not read the service tags (lease and opt-out) after retries',
        finishedAt: new Date(clock.now()).toISOString(),
      });
      continue;
    }
    // Operations in flight are classified by the batch (join, or wait then act); decide() still applies
    // the opt-out and lease tags to them (the batch does not re-read tags for a resume).
    const decision = decide(run, info.status, tags, clock.now());
    if (decision.kind === 'act') {
      toAct.push({
        arn: info.arn,
        name: info.name,
        phase: 'PENDING',
        status: info.status,
        polls: 0,
        transientErrors: 0,
        notes: [...decision.notes],
      });
    } else if (decision.kind === 'skip') {
      outcomes.push({
        serviceArn: info.arn,
        serviceName: info.name,
        outcome: 'SKIPPED',
        reason: decision.reason,
        fromStatus: info.status,
        toStatus: info.status,
        finishedAt: new Date(clock.now()).toISOString(),
        ...(decision.notes.length ? { notes: decision.notes } : {}),
      });
    } else {
      outcomes.push({
        serviceArn: info.arn,
        serviceName: info.name,
        outcome: 'FAILED',
        reason: decision.reason,
        error: decision.error,
        fromStatus: info.status,
        finishedAt: new Date(clock.now()).toISOString(),
      });
    }
  }

  const batches = makeBatches(run, toAct, regionSizes, deps);
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
  };
}

/** See makeBatches: a region Plan did not list. */
const UNKNOWN_REGION_SIZE = Number.MAX_SAFE_INTEGER;

function makeBatches(
  run: RunInfo,
  services: TrackedService[],
  regionSizes: Map<string, number>,
  deps: PlanDeps,
): BatchState[] {
  const { config, clock } = deps;
  const byRegion = new Map<string, TrackedService[]>();
  for (const svc of services) {
    const region = regionOfArn(svc.arn);
    byRegion.set(region, [...(byRegion.get(region) ?? []), svc]);
  }
  const chunks: Array<{ region: string; services: TrackedService[] }> = [];
  for (const [region, list] of byRegion) {
    for (let i = 0; i < list.length; i += config.BATCH_SIZE) {
      chunks.push({ region, services: list.slice(i, i + config.BATCH_SIZE) });
    }
  }
  const concurrent = Math.max(1, Math.min(config.MAX_BATCH_CONCURRENCY, chunks.length));
  // Keeps every execution's history bounded whatever the fleet size (see lib/history-budget.ts).
  const minDelay = minDelayWithinBudget(
    chunks.length,
    config.OPERATION_DEADLINE_SECONDS,
    config.POLL_MIN_DELAY_SECONDS,
    config.HISTORY_EVENT_BUDGET,
  );
  const settings: BatchSettings = {
    deadlineAt: clock.now() + config.OPERATION_DEADLINE_SECONDS * 1000,
    maxPolls: config.MAX_POLLS,
    maxInFlight: config.MAX_CONCURRENT_OPERATIONS,
    // Batches running at the same time share the account's request budget.
    requestsPerSecond: Math.max(0.1, config.APPRUNNER_MAX_REQUESTS_PER_SECOND / concurrent),
    pollWindowSeconds: config.POLL_WINDOW_SECONDS,
    pollIntervalSeconds: config.POLL_INTERVAL_SECONDS,
    initialDelaySeconds: config.POLL_INITIAL_DELAY_SECONDS,
    minDelaySeconds: minDelay,
    maxDelaySeconds: Math.max(config.POLL_MAX_DELAY_SECONDS, minDelay),
    inFunctionMaxSleepSeconds: config.POLL_IN_FUNCTION_MAX_SLEEP_SECONDS,
  };
  return chunks.map((chunk, index) => ({
    run,
    batchId: `${chunk.region}#${index + 1}`,
    region: chunk.region,
    // Unknown when Plan did not list the region (ARNs only): the batch then never sweeps it and
    // describes its services one by one.
    regionServiceCount: regionSizes.get(chunk.region) ?? UNKNOWN_REGION_SIZE,
    settings,
    services: chunk.services,
    round: 0,
    nextDelaySeconds: 0,
    allDone: false,
    requests: 0,
  }));
}

async function sweep(appRunner: AppRunnerPort, region: string): Promise<ServiceInfo[]> {
  try {
    return await listAllServices(appRunner, region);
  } catch (error) {
    // Throttling and 5xx are worth retrying (the state machine does); anything else — no credentials,
    // access denied — is not, and fails the run at once with App Runner's own message.
    if (error instanceof AppRunnerCallError && !error.transient) {
      throw new AppRunnerRequestFailedError(
        `could not list App Runner services in ${region}: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    throw new AppRunnerUnavailableError(
      `could not list App Runner services in ${region}: ${describeError(error).message}`,
      { cause: error },
    );
  }
}

async function tagsOf(appRunner: AppRunnerPort, arn: string): Promise<Record<string, string> | undefined> {
  try {
    return await appRunner.listTags(arn);
  } catch (error) {
    if (error instanceof AppRunnerCallError && error.kind === 'NotFound') return undefined;
    if (error instanceof AppRunnerCallError && error.transient) return undefined;
    if (error instanceof AppRunnerCallError) {
      throw new AppRunnerRequestFailedError(`could not read the tags of ${arn}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function lookupFailure(arn: string, error: unknown, now: number): ServiceResult {
  const name = arn.split('/')[1] ?? arn;
  const notFound = error instanceof AppRunnerCallError && error.kind === 'NotFound';
  return {
    serviceArn: arn,
    serviceName: name,
    outcome: 'FAILED',
    reason: notFound ? 'NOT_FOUND' : 'APP_RUNNER_ERROR',
    error: notFound
      ? `no App Runner service with this ARN in ${regionOfArn(arn)}`
      : describeError(error).message,
    finishedAt: new Date(now).toISOString(),
  };
}

/** The lease a resume asks for: an absolute time, or a duration from now. */
function leaseUntil(input: ExecutionInput, now: number): string | undefined {
  if (input.keepAwakeUntil) return new Date(input.keepAwakeUntil).toISOString();
  if (input.keepAwakeFor) return new Date(now + isoDurationSeconds(input.keepAwakeFor) * 1000).toISOString();
  return undefined;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
