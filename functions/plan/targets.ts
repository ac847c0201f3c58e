import { regionOfArn } from '../../lib/app-runner/arn';
import {
  AppRunnerCallError,
  type AppRunnerPort,
  listAllServices,
  type ServiceInfo,
} from '../../lib/app-runner/port';
import type { ExecutionInput } from '../../lib/contract/execution-input';
import type { ServiceResult } from '../../lib/contract/execution-result';
import {
  AppRunnerRequestFailedError,
  AppRunnerUnavailableError,
  describeError,
  InvalidInputError,
} from '../../lib/runtime/errors';
import type { Log } from '../../lib/runtime/powertools';
import { serviceResult } from '../../lib/workflow/service-result';

/** A service the selection matched, with its tags when they were read during selection. */
export interface Candidate {
  info: ServiceInfo;
  tags?: Record<string, string>;
}

export interface Selection {
  /** Services to decide on, by ARN, in selection order. */
  candidates: Map<string, Candidate>;
  /** Outcomes known from the selection itself (NOT_FOUND, unreadable tags). */
  outcomes: ServiceResult[];
  /** Services in each region Plan listed (sizes a batch's ListServices sweep). */
  regionSizes: Map<string, number>;
  /** Selectors that matched no service (`NO_TARGETS: …`), for the report and the alert. */
  noTargets: string[];
}

export interface SelectionDeps {
  appRunner: AppRunnerPort;
  /** The stack's region: names and tags are looked up there; ARNs in their own region. */
  homeRegion: string;
  maxTargets: number;
  now: () => number;
  log: Log;
}

/**
 * Resolves the targets (ARNs, names, tags; their union, de-duplicated) to the services they name. Names
 * and tags share one ListServices sweep of the home region; ARNs outside it are described one by one. A
 * name or ARN that names no service is an outcome (`FAILED NOT_FOUND`); a tag selector that matches no
 * service is recorded in `noTargets`, so that a typo never turns a schedule into a silent no-op.
 * @throws InvalidInputError when the selection grows past `maxTargets`
 * @throws AppRunnerRequestFailedError / AppRunnerUnavailableError when App Runner cannot be listed
 */
export async function selectTargets(
  targets: ExecutionInput['targets'],
  deps: SelectionDeps,
): Promise<Selection> {
  const { appRunner, homeRegion: home, log } = deps;
  const outcomes: ServiceResult[] = [];
  const candidates = new Map<string, Candidate>();
  const regionSizes = new Map<string, number>();
  const noTargets: string[] = [];
  const failed = (arn: string, name: string, reason: 'NOT_FOUND' | 'APP_RUNNER_ERROR', error: string) =>
    serviceResult({ serviceArn: arn, serviceName: name, outcome: 'FAILED', reason, error, at: deps.now() });

  // Names and tags are looked up in the home region: one sweep of ListServices covers both.
  let homeServices: ServiceInfo[] = [];
  if ((targets.serviceNames?.length ?? 0) > 0 || targets.tags !== undefined) {
    homeServices = await sweep(appRunner, home);
    regionSizes.set(home, homeServices.length);
  }
  const byArn = new Map(homeServices.map((s) => [s.arn, s]));
  const byName = new Map(homeServices.map((s) => [s.name, s]));

  for (const name of unique(targets.serviceNames ?? [])) {
    const info = byName.get(name);
    if (info) candidates.set(info.arn, { info });
    else outcomes.push(failed('', name, 'NOT_FOUND', `no App Runner service named "${name}" in ${home}`));
  }

  for (const arn of unique(targets.serviceArns ?? [])) {
    if (candidates.has(arn)) continue;
    const known = byArn.get(arn);
    if (known) {
      candidates.set(arn, { info: known });
      continue;
    }
    try {
      candidates.set(arn, { info: await appRunner.describeService(arn) });
    } catch (error) {
      const notFound = error instanceof AppRunnerCallError && error.kind === 'NotFound';
      outcomes.push(
        notFound
          ? failed(
              arn,
              nameOfArn(arn),
              'NOT_FOUND',
              `no App Runner service with this ARN in ${regionOfArn(arn)}`,
            )
          : failed(arn, nameOfArn(arn), 'APP_RUNNER_ERROR', describeError(error).message),
      );
    }
  }

  if (targets.tags) {
    const wanted = Object.entries(targets.tags);
    let matched = 0;
    for (const info of homeServices) {
      if (info.status === 'DELETED') continue;
      const tags = await tagsOf(appRunner, info.arn);
      if (tags === undefined) {
        // Unknown tags: the service may or may not match. Say so rather than silently leave it out.
        if (!candidates.has(info.arn)) {
          outcomes.push(
            failed(
              info.arn,
              info.name,
              'APP_RUNNER_ERROR',
              'could not read its tags after retries, so could not tell whether it matches targets.tags',
            ),
          );
        }
        continue;
      }
      if (wanted.every(([k, v]) => tags[k] === v)) {
        matched++;
        const existing = candidates.get(info.arn);
        candidates.set(info.arn, { info, tags: existing?.tags ?? tags });
      }
    }
    log.info('tag selection done', { scanned: homeServices.length, matched });
    if (matched === 0) {
      const selector = wanted.map(([k, v]) => `${k}=${v}`).join(' ');
      noTargets.push(
        `NO_TARGETS: tags ${selector} matched no service in ${home} (${homeServices.length} services there)`,
      );
    }
  }

  if (candidates.size + outcomes.length > deps.maxTargets) {
    // Tag selection can grow past the limit even when the input was small.
    throw new InvalidInputError([
      {
        field: 'targets',
        problem: `selects ${candidates.size + outcomes.length} services; the limit is ${deps.maxTargets} per execution`,
      },
    ]);
  }
  return { candidates, outcomes, regionSizes, noTargets };
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

/**
 * A service's tags, or undefined when they cannot be read now (gone, or App Runner kept failing).
 * @throws AppRunnerRequestFailedError when App Runner refuses the call (access denied…)
 */
export async function tagsOf(
  appRunner: AppRunnerPort,
  arn: string,
): Promise<Record<string, string> | undefined> {
  try {
    return await appRunner.listTags(arn);
  } catch (error) {
    if (error instanceof AppRunnerCallError && (error.kind === 'NotFound' || error.transient))
      return undefined;
    if (error instanceof AppRunnerCallError) {
      throw new AppRunnerRequestFailedError(`could not read the tags of ${arn}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function nameOfArn(arn: string): string {
  return arn.split('/')[1] ?? arn;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
