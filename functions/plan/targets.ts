import { regionOfArn } from '../../lib/app-runner/arn';
import {
  AppRunnerCallError,
  type AppRunnerPort,
  listAllServices,
  type ServiceInfo,
} from '../../lib/app-runner/port';
import { carriesAll, type TaggedService, type TagIndex } from '../../lib/app-runner/tag-index';
import type { ExecutionInput } from '../../lib/contract/execution-input';
import type { ServiceResult } from '../../lib/contract/execution-result';
import { isOptedOut, readLease } from '../../lib/contract/tags';
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
  /** Finds the services carrying `targets.tags` (required when the targets have tags). */
  tagIndex?: TagIndex;
  /** The stack's region: names and tags are looked up there; ARNs in their own region. */
  homeRegion: string;
  maxTargets: number;
  now: () => number;
  log: Log;
}

/**
 * Resolves the targets (ARNs, names, tags; their union, de-duplicated) to the services they name. Names
 * and tags share one ListServices sweep of the home region (names, statuses); ARNs outside it are described
 * one by one. Tags are looked up in the tag index — a few calls, none of them App Runner's — and only a
 * service the sweep lists too is selected (the index may still show a deleted one). The index lags behind
 * tag changes: where it shows an opt-out or a running lease, the service's own tags are re-read before
 * anything is decided; a service tagged too recently for the index is not selected this run. A name or ARN
 * that names no service is an outcome (`FAILED NOT_FOUND`); a tag selector that matches no service is
 * recorded in `noTargets`, so that a typo never turns a schedule into a silent no-op.
 * @throws InvalidInputError when the selection grows past `maxTargets`
 * @throws AppRunnerRequestFailedError / AppRunnerUnavailableError when App Runner or the index cannot be read
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
  if ((targets.serviceNames?.length ?? 0) > 0 || Object.keys(targets.tags ?? {}).length > 0) {
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

  const wanted = targets.tags ?? {};
  if (Object.keys(wanted).length > 0) {
    const selector = Object.entries(wanted)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const indexed = new Map(
      (await lookUpTagged(deps, home, wanted, selector)).map((hit) => [hit.arn, hit.tags]),
    );
    let matched = 0;
    let reread = 0;
    // In ListServices order, as before; the sweep also drops what the index still lists but App Runner
    // has deleted.
    for (const info of homeServices) {
      const indexedTags = indexed.get(info.arn);
      if (indexedTags === undefined || info.status === 'DELETED') continue;
      let tags = indexedTags;
      if (mayHaveJustChanged(indexedTags, deps.now())) {
        // The index lags: an opt-out or a lease it shows may be gone, and Plan would skip a service for
        // nothing. The service's own tags decide.
        reread++;
        const own = await tagsOf(appRunner, info.arn);
        if (own === undefined) {
          if (!candidates.has(info.arn)) {
            outcomes.push(
              failed(
                info.arn,
                info.name,
                'APP_RUNNER_ERROR',
                'could not read its tags after retries, so could not tell whether it still matches targets.tags',
              ),
            );
          }
          continue;
        }
        if (!carriesAll(own, wanted)) continue;
        tags = own;
      }
      matched++;
      const existing = candidates.get(info.arn);
      candidates.set(info.arn, { info, tags: existing?.tags ?? tags });
    }
    log.info('tag selection done', {
      listed: homeServices.length,
      indexed: indexed.size,
      notListed: [...indexed.keys()].filter((arn) => !byArn.has(arn)).length,
      reread,
      matched,
    });
    if (matched === 0) {
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

/**
 * The services the tag index lists with all of `wanted`.
 * @throws AppRunnerRequestFailedError / AppRunnerUnavailableError, as a failing ListServices would
 */
async function lookUpTagged(
  deps: SelectionDeps,
  region: string,
  wanted: Record<string, string>,
  selector: string,
): Promise<TaggedService[]> {
  if (!deps.tagIndex) throw new Error('Plan was built without a tag index, which targets.tags needs');
  try {
    return await deps.tagIndex.servicesWithTags(region, wanted);
  } catch (error) {
    throw readFailed(
      `could not look up the services tagged ${selector} in ${region} (Resource Groups Tagging API)`,
      error,
    );
  }
}

/**
 * True when the index shows a tag that would make Plan leave the service alone — an opt-out, or a
 * keep-awake lease still running — which may have been removed since the index last saw the service.
 */
function mayHaveJustChanged(tags: Record<string, string>, now: number): boolean {
  const until = readLease(tags).until;
  return isOptedOut(tags) || (until !== undefined && until > now);
}

async function sweep(appRunner: AppRunnerPort, region: string): Promise<ServiceInfo[]> {
  try {
    return await listAllServices(appRunner, region);
  } catch (error) {
    throw readFailed(`could not list App Runner services in ${region}`, error);
  }
}

/**
 * Why a read Plan cannot do without failed (ListServices, or the tag index's GetResources, whose errors
 * are App Runner call errors too): throttling and 5xx are worth retrying (the state machine does); anything
 * else — no credentials, access denied, a bad request — is not, and fails the run at once with the API's
 * own message.
 */
function readFailed(what: string, error: unknown): Error {
  const message = `${what}: ${describeError(error).message}`;
  return error instanceof AppRunnerCallError && !error.transient
    ? new AppRunnerRequestFailedError(message, { cause: error })
    : new AppRunnerUnavailableError(message, { cause: error });
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
