import { ApiError, type CommonError } from './errors';
import type { AppRunnerModel } from './model';
import { decodeToken, encodeToken } from './paging';
import { sha256 } from './random';
import type { JsonApi } from './server';
import { describeIssues, type Shape, shapeIssues, struct } from './validation';

/**
 * The Resource Groups Tagging API's GetResources, as far as App Runner services go: awsJson1_1
 * (`X-Amz-Target: ResourceGroupsTaggingAPI_20170126.GetResources`) on the emulator's one port, answered from
 * the emulator's services. Its index is eventually consistent on AWS; the model shows tags as they were
 * `tagIndex.lagSeconds` ago (default 0). Input constraints follow the model (`resourcegroupstaggingapi
 * 2017-01-26`) and the API reference: ResourcesPerPage 1–100, TagsPerPage 100–500, up to 50 TagFilters of up
 * to 20 values, ResourceARNList (1–100) only without filters or paging. Unknown members are ignored, as the
 * AWS JSON protocols do. The last page carries an empty PaginationToken (""), as AWS's does.
 */

export const taggingOperations = ['GetResources'] as const;

type TaggingErrorType =
  | 'InvalidParameterException'
  | 'ThrottledException'
  | 'InternalServiceException'
  | 'PaginationTokenExpiredException'
  | 'SerializationException'
  | 'UnknownOperationException';

const ERRORS: Record<CommonError, TaggingErrorType> = {
  UnknownOperation: 'UnknownOperationException',
  Serialization: 'SerializationException',
  Throttling: 'ThrottledException',
  InternalError: 'InternalServiceException',
};

/** An error of the Resource Groups Tagging API, as the server puts it on the wire. */
class TaggingApiError extends ApiError {
  override readonly name = 'TaggingApiError';

  constructor(
    override readonly errorType: TaggingErrorType,
    message: string,
  ) {
    super(errorType, message);
  }

  /** The body: `__type` the API's own errors bare, the front end's namespaced (clients accept both). */
  body(): object {
    const type = this.errorType;
    const wireType =
      type === 'SerializationException' || type === 'UnknownOperationException'
        ? `com.amazon.coral.service#${type}`
        : type;
    return { __type: wireType, Message: this.message };
  }
}

/**
 * The tagging API for the JSON front end (./server.ts): its own API, so it takes nothing from App Runner's
 * request budget, and request faults reach it only when they name GetResources in `operations` (answered
 * with this API's ThrottledException and InternalServiceException).
 */
export const taggingApi: JsonApi = {
  targetPrefix: 'ResourceGroupsTaggingAPI_20170126.',
  contentType: 'application/x-amz-json-1.1',
  api: 'tagging',
  budgeted: false,
  namedFaultsOnly: true,
  serves: (op) => (taggingOperations as readonly string[]).includes(op),
  error: (type, message) => new TaggingApiError(ERRORS[type], message),
  answer: (model, _op, region, input) => getResources(model, region, input),
};

const invalid = (message: string) => new TaggingApiError('InvalidParameterException', message);

const str = (min: number, max: number): Shape => ({ kind: 'string', min, max });
const getResourcesShape = struct({
  PaginationToken: { shape: str(0, 2048) },
  TagFilters: {
    shape: {
      kind: 'list',
      max: 50,
      member: struct({
        Key: { shape: str(1, 128), required: true },
        Values: { shape: { kind: 'list', max: 20, member: str(0, 256) } },
      }),
    },
  },
  ResourcesPerPage: { shape: { kind: 'integer', min: 1, max: 100 } },
  TagsPerPage: { shape: { kind: 'integer', min: 100, max: 500 } },
  ResourceTypeFilters: { shape: { kind: 'list', max: 100, member: str(0, 256) } },
  IncludeComplianceDetails: { shape: { kind: 'boolean' } },
  ExcludeCompliantResources: { shape: { kind: 'boolean' } },
  ResourceARNList: { shape: { kind: 'list', min: 1, max: 100, member: str(1, 1011) } },
});

interface GetResourcesInput {
  PaginationToken?: string;
  TagFilters?: Array<{ Key: string; Values?: string[] }>;
  ResourcesPerPage?: number;
  TagsPerPage?: number;
  ResourceTypeFilters?: string[];
  IncludeComplianceDetails?: boolean;
  ExcludeCompliantResources?: boolean;
  ResourceARNList?: string[];
}

/** `service` or `service:resourceType`, as in a resource's ARN. */
const RESOURCE_TYPE = /^[a-z0-9-]+(:[A-Za-z0-9-_/.]+)?$/;
const DEFAULT_PAGE_SIZE = 100;
/** AWS: "A PaginationToken is valid for a maximum of 15 minutes." */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

interface ResourcesToken {
  k: 'resources';
  /** Region. */
  r: string;
  /** The filters it pages (a digest). */
  f: string;
  /** The last service sequence number already returned. */
  a: number;
  /** Page number (for emptyPagesEvery). */
  p: number;
  /** Clock time it was issued. */
  t: number;
}

/** Answers one validated-on-entry GetResources request in `region`; returns the response body. */
function getResources(model: AppRunnerModel, region: string, raw: unknown): object {
  const input = validate(raw);
  const now = model.clock.now();
  const indexed = model.indexedServices(region);
  const mapping = (s: { arn: string; tags: Record<string, string> }) => ({
    ResourceARN: s.arn,
    Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
    ...(input.IncludeComplianceDetails
      ? {
          ComplianceDetails: { NoncompliantKeys: [], KeysWithNoncompliantValues: [], ComplianceStatus: true },
        }
      : {}),
  });
  // No tag policy applies here: every resource is compliant, so asking for the others finds none.
  const excluded = input.ExcludeCompliantResources === true;

  if (input.ResourceARNList) {
    const byArn = new Map(indexed.map((s) => [s.arn, s]));
    const found = excluded ? [] : input.ResourceARNList.flatMap((arn) => byArn.get(arn) ?? []);
    return { ResourceTagMappingList: found.map(mapping), PaginationToken: '' };
  }

  const filterKey = sha256(
    JSON.stringify([input.TagFilters ?? [], input.ResourceTypeFilters ?? [], excluded]),
  ).slice(0, 16);
  const token = input.PaginationToken ? readToken(input.PaginationToken, region, filterKey, now) : undefined;
  const matching = excluded
    ? []
    : indexed.filter(
        (s) =>
          s.seq > (token?.a ?? -1) &&
          matchesTypes(s.arn, input.ResourceTypeFilters) &&
          matchesTags(s.tags, input.TagFilters),
      );
  const pageNo = token?.p ?? 1;
  const options = model.options.tagIndex;
  const next = (last: number) =>
    encodeToken<ResourcesToken>({ k: 'resources', r: region, f: filterKey, a: last, p: pageNo + 1, t: now });
  if (options.emptyPagesEvery && pageNo % options.emptyPagesEvery === 0 && matching.length > 0) {
    return { ResourceTagMappingList: [], PaginationToken: next(token?.a ?? -1) };
  }
  const limit = Math.min(input.ResourcesPerPage ?? DEFAULT_PAGE_SIZE, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const page: typeof matching = [];
  let tagCount = 0;
  for (const s of matching) {
    // TagsPerPage never splits a resource from its tags; a resource without tags counts as one.
    const weight = Math.max(1, Object.keys(s.tags).length);
    if (page.length >= limit) break;
    if (input.TagsPerPage !== undefined && page.length > 0 && tagCount + weight > input.TagsPerPage) break;
    page.push(s);
    tagCount += weight;
  }
  const more = matching.length > page.length;
  return {
    ResourceTagMappingList: page.map(mapping),
    PaginationToken: more ? next(page.at(-1)?.seq ?? token?.a ?? -1) : '',
  };
}

function validate(raw: unknown): GetResourcesInput {
  let issues: ReturnType<typeof shapeIssues>;
  try {
    issues = shapeIssues(getResourcesShape, raw);
  } catch (error) {
    // A value of the wrong type (App Runner's validation, shared): this API's SerializationException.
    if (error instanceof ApiError) throw taggingApi.error('Serialization', error.message);
    throw error;
  }
  if (issues.length > 0) throw invalid(describeIssues(issues));
  const input = raw as GetResourcesInput;
  if (input.ResourceARNList) {
    const others = (
      ['TagFilters', 'ResourceTypeFilters', 'ResourcesPerPage', 'TagsPerPage', 'PaginationToken'] as const
    ).filter((k) => input[k] !== undefined && input[k] !== null);
    if (others.length > 0) {
      throw invalid(`You can't specify both ResourceARNList and ${others.join(', ')} in the same request.`);
    }
  }
  if (input.ExcludeCompliantResources && !input.IncludeComplianceDetails) {
    throw invalid('ExcludeCompliantResources can be used only when IncludeComplianceDetails is true.');
  }
  const badType = input.ResourceTypeFilters?.find((t) => !RESOURCE_TYPE.test(t));
  if (badType !== undefined) {
    throw invalid(
      `ResourceTypeFilters: "${badType}" is not a resource type (service or service:resourceType, e.g. apprunner:service).`,
    );
  }
  return input;
}

function matchesTypes(arn: string, filters: string[] | undefined): boolean {
  if (!filters || filters.length === 0) return true;
  // arn:aws:apprunner:<region>:<account>:service/<name>/<id> → "apprunner", "service"
  const [, , service, , , resource = ''] = arn.split(':');
  const type = resource.split('/')[0];
  return filters.some((f) => {
    const [fs, ft] = f.split(':');
    return fs === service && (ft === undefined || ft === type);
  });
}

function matchesTags(
  tags: Record<string, string>,
  filters: Array<{ Key: string; Values?: string[] }> | undefined,
): boolean {
  // All filters must hold; within one, any of its values (none given: any value of that key).
  return (filters ?? []).every(
    (f) =>
      Object.hasOwn(tags, f.Key) &&
      (!f.Values || f.Values.length === 0 || f.Values.includes(tags[f.Key] ?? '')),
  );
}

function readToken(text: string, region: string, filterKey: string, now: number): ResourcesToken {
  const token = decodeToken<ResourcesToken>(text, 'resources');
  if (!token || token.r !== region || token.f !== filterKey) {
    throw invalid(
      'PaginationToken is not valid: pass the PaginationToken of a previous GetResources call with the same filters, in the same region.',
    );
  }
  if (now - token.t > TOKEN_LIFETIME_MS) {
    throw new TaggingApiError(
      'PaginationTokenExpiredException',
      'The PaginationToken has expired; a PaginationToken is valid for 15 minutes.',
    );
  }
  return token;
}
