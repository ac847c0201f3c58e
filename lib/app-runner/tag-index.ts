/**
 * The tag index port: which App Runner services of a region carry a set of tags, found in a handful of
 * calls instead of one ListTagsForResource per service. On AWS it is the Resource Groups Tagging API
 * (`GetResources`), which is not an App Runner call and so spends none of App Runner's request budget.
 *
 * The index is eventually consistent: a tag written seconds ago may not be in it yet, and a service deleted
 * seconds ago may still be. Callers treat its answer as a shortlist — the service's own tags
 * (ListTagsForResource) stay the truth wherever a decision hangs on a tag that may just have changed.
 */

import { AppRunnerCallError, type AppRunnerErrorKind } from './port';

/** A service the index found, with every tag the index holds for it. */
export interface TaggedService {
  arn: string;
  tags: Record<string, string>;
}

/** The resource type of an App Runner service, as the Resource Groups Tagging API names it. */
export const APP_RUNNER_SERVICE_TYPE = 'apprunner:service';

/** How a failed index lookup should be treated (some of App Runner's kinds). */
export type TagIndexErrorKind = Extract<
  AppRunnerErrorKind,
  'Throttled' | 'Unavailable' | 'AccessDenied' | 'InvalidRequest' | 'Other'
>;

/**
 * A failed index lookup, classified: an {@link AppRunnerCallError} of operation `GetResources`, so that
 * whatever handles a failed App Runner call (the kind, `transient`) handles it too.
 */
export class TagIndexError extends AppRunnerCallError {
  override readonly name = 'TagIndexError';
  constructor(kind: TagIndexErrorKind, awsErrorName: string, message: string, options?: { cause?: unknown }) {
    super(kind, 'GetResources', awsErrorName, message, options);
  }
}

export interface TagIndex {
  /**
   * Every App Runner service of `region` that carries all of `tags` (exact keys and values), each with all
   * of its tags, every page followed. An empty `tags` matches nothing: a selection needs a tag.
   * @throws TagIndexError when the index cannot be read (after the adapter's own retries)
   */
  servicesWithTags(region: string, tags: Record<string, string>): Promise<TaggedService[]>;
}

/** True when `tags` carries every one of `wanted`, value for value. */
export function carriesAll(tags: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => Object.hasOwn(tags, key) && tags[key] === value);
}
