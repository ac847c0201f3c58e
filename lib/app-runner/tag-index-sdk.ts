import {
  GetResourcesCommand,
  type GetResourcesCommandOutput,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { parseServiceArn } from './arn';
import { isNetworkError } from './sdk';
import {
  APP_RUNNER_SERVICE_TYPE,
  carriesAll,
  type TaggedService,
  type TagIndex,
  TagIndexError,
  type TagIndexErrorKind,
} from './tag-index';

export interface SdkTagIndexOptions {
  /** SDK attempts per call (the SDK's own retry: throttling, 5xx and network errors). */
  maxAttempts?: number;
  /** Abort a call whose response takes longer than this. */
  requestTimeoutMs?: number;
  /** Resources per page, 1–100 (the API's maximum by default: the fewest calls). */
  pageSize?: number;
  /** Hook to instrument each client once (e.g. X-Ray through Powertools Tracer). */
  instrument?: (client: ResourceGroupsTaggingAPIClient) => ResourceGroupsTaggingAPIClient;
  /** Endpoint for every region (the emulator); default the SDK's resolution, `AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API` included. */
  endpoint?: string;
  /** Static credentials (the emulator accepts any); default the SDK's credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Safety bound on pages read in one lookup (100 a page: a million services; also ends a token loop). */
export const MAX_TAG_INDEX_PAGES = 10_000;

/**
 * The tag index on the Resource Groups Tagging API (`GetResources` filtered to `apprunner:service`), one
 * client per region created on first use. The API ends its last page with an empty PaginationToken rather
 * than none, and may answer short or empty pages that still carry one: paging stops only on an empty token.
 */
export class SdkTagIndex implements TagIndex {
  private readonly clients = new Map<string, ResourceGroupsTaggingAPIClient>();

  constructor(private readonly options: SdkTagIndexOptions = {}) {
    const size = options.pageSize ?? 100;
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      throw new RangeError(`pageSize must be a whole number from 1 to 100, got ${size}`);
    }
  }

  client(region: string): ResourceGroupsTaggingAPIClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new ResourceGroupsTaggingAPIClient({
        region,
        maxAttempts: this.options.maxAttempts ?? 3,
        ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
        requestHandler: {
          requestTimeout: this.options.requestTimeoutMs ?? 5000,
          connectionTimeout: 3000,
        },
      });
      if (this.options.instrument) client = this.options.instrument(client);
      this.clients.set(region, client);
    }
    return client;
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
    const timeoutMs = this.options.requestTimeoutMs ?? 5000;
    try {
      return await this.client(region).send(
        new GetResourcesCommand({
          ResourceTypeFilters: [APP_RUNNER_SERVICE_TYPE],
          TagFilters: filters,
          ResourcesPerPage: this.options.pageSize ?? 100,
          ...(token ? { PaginationToken: token } : {}),
        }),
        // A per-call abort bounds every call, whatever SDK version the Lambda runtime carries.
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
    } catch (error) {
      throw classifyTagIndexError(error);
    }
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
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
export function classifyTagIndexError(error: unknown): TagIndexError {
  if (error instanceof TagIndexError) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  let kind: TagIndexErrorKind = KIND_BY_NAME[name] ?? 'Other';
  if (kind === 'Other') {
    if (status === 429) kind = 'Throttled';
    else if ((status !== undefined && status >= 500) || isNetworkError(e)) kind = 'Unavailable';
    else if (status === 403) kind = 'AccessDenied';
  }
  return new TagIndexError(kind, name, e?.message ?? String(error), { cause: error });
}
