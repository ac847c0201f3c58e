import {
  GetResourcesCommand,
  type GetResourcesCommandOutput,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { parseServiceArn } from './arn';
import { classifySdkError, type Instrumented, RegionalClients, type SdkClientOptions } from './sdk-clients';
import {
  APP_RUNNER_SERVICE_TYPE,
  carriesAll,
  type TaggedService,
  type TagIndex,
  TagIndexError,
  type TagIndexErrorKind,
} from './tag-index';

export type SdkTagIndexOptions = SdkClientOptions &
  Instrumented<ResourceGroupsTaggingAPIClient> & {
    /** Resources per page, 1–100 (the API's maximum by default: the fewest calls). */
    pageSize?: number;
  };

/** Safety bound on pages read in one lookup (100 a page: a million services; also ends a token loop). */
export const MAX_TAG_INDEX_PAGES = 10_000;

/**
 * The tag index on the Resource Groups Tagging API (`GetResources` filtered to `apprunner:service`), one
 * client per region created on first use. The API ends its last page with an empty PaginationToken rather
 * than none, and may answer short or empty pages that still carry one: paging stops only on an empty token.
 */
export class SdkTagIndex implements TagIndex {
  private readonly clients: RegionalClients<ResourceGroupsTaggingAPIClient>;
  private readonly pageSize: number;

  constructor(options: SdkTagIndexOptions = {}) {
    const size = options.pageSize ?? 100;
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      throw new RangeError(`pageSize must be a whole number from 1 to 100, got ${size}`);
    }
    this.pageSize = size;
    this.clients = new RegionalClients(options, (config) => new ResourceGroupsTaggingAPIClient(config));
  }

  async servicesWithTags(region: string, tags: Record<string, string>): Promise<TaggedService[]> {
    const filters = Object.entries(tags).map(([Key, value]) => ({ Key, Values: [value] }));
    if (filters.length === 0) return [];
    // By ARN: an index that repeats a resource on a later page must not select it twice.
    const found = new Map<string, TaggedService>();
    let token: string | undefined;
    for (let page = 0; page < MAX_TAG_INDEX_PAGES; page++) {
      const out = await this.page(region, filters, token);
      for (const mapping of out.ResourceTagMappingList ?? []) {
        const arn = mapping.ResourceARN ?? '';
        const own = Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        // The filter ran on the index's side; an ARN of another kind or region, or tags that do not carry
        // the filter, would be the index's bug, and selecting on it would act on the wrong service.
        if (parseServiceArn(arn)?.region !== region || !carriesAll(own, tags)) continue;
        found.set(arn, { arn, tags: own });
      }
      token = out.PaginationToken || undefined;
      if (!token) return [...found.values()];
    }
    throw new TagIndexError(
      'Other',
      'TooManyPages',
      `the index returned more than ${MAX_TAG_INDEX_PAGES} pages in ${region}`,
    );
  }

  private async page(
    region: string,
    filters: Array<{ Key: string; Values: string[] }>,
    token: string | undefined,
  ): Promise<GetResourcesCommandOutput> {
    try {
      return await this.clients.get(region).send(
        new GetResourcesCommand({
          ResourceTypeFilters: [APP_RUNNER_SERVICE_TYPE],
          TagFilters: filters,
          ResourcesPerPage: this.pageSize,
          ...(token ? { PaginationToken: token } : {}),
        }),
        this.clients.callOptions(),
      );
    } catch (error) {
      throw classifyTagIndexError(error);
    }
  }

  destroy(): void {
    this.clients.destroy();
  }
}

const KIND_BY_NAME: Record<string, TagIndexErrorKind> = {
  ThrottledException: 'Throttled',
  ThrottlingException: 'Throttled',
  TooManyRequestsException: 'Throttled',
  InternalServiceException: 'Unavailable',
  ServiceUnavailableException: 'Unavailable',
  // A token is good for 15 minutes; a new lookup starts over with a new one.
  PaginationTokenExpiredException: 'Unavailable',
  InvalidParameterException: 'InvalidRequest',
  AccessDeniedException: 'AccessDenied',
  UnrecognizedClientException: 'AccessDenied',
  ExpiredTokenException: 'AccessDenied',
};

/** Maps an SDK error of the Resource Groups Tagging API to a classified {@link TagIndexError}. */
function classifyTagIndexError(error: unknown): TagIndexError {
  if (error instanceof TagIndexError) return error;
  const { kind, name, message } = classifySdkError(KIND_BY_NAME, error);
  return new TagIndexError(kind, name, message, { cause: error });
}
