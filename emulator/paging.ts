import type { ResolvedBehaviour } from './behaviour';
import { memberError } from './validation';

/**
 * Paging as App Runner does it, including its awkward parts (short and empty pages that still carry a
 * NextToken). Tokens are opaque base64url JSON bound to what they page, so a token from another listing
 * (or another region) is rejected like App Runner rejects a foreign token.
 */

/** Paging input, as the API takes it. */
export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

interface ServicesToken {
  k: 'services';
  /** Region. */
  r: string;
  /** The last service sequence number already returned. */
  a: number;
  /** Page number (for the every-Nth-page switches). */
  p: number;
  /** The next page is the trailing empty one. */
  end?: true;
}

interface OperationsToken {
  k: 'operations';
  /** Service ARN. */
  s: string;
  /** How many of the oldest operations are still to come. */
  b: number;
}

/** A paging token of the emulator's (App Runner's and the tagging API's): base64url JSON, `k` its kind. */
export function encodeToken<T extends { k: string }>(data: T): string {
  return Buffer.from(JSON.stringify(data)).toString('base64url');
}

/** The data of a token {@link encodeToken} wrote for `kind`; undefined for anything else. */
export function decodeToken<T extends { k: string }>(token: string, kind: T['k']): T | undefined {
  try {
    const data = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
    if (data && typeof data === 'object' && data.k === kind) return data;
  } catch {
    // not a token
  }
  return undefined;
}

const foreignToken = (token: string) =>
  memberError(
    'nextToken',
    token,
    'Member must be a NextToken returned by a previous call with the same parameters',
  );

function readToken<T extends ServicesToken | OperationsToken>(token: string, kind: T['k']): T {
  const data = decodeToken<T>(token, kind);
  if (!data) throw foreignToken(token);
  return data;
}

/**
 * One ListServices page of `all` (the region's listable services, in creation order, each with its `seq`),
 * shaped by the paging switches.
 */
export function pageOfServices<T extends { seq: number }>(
  all: readonly T[],
  region: string,
  paging: ResolvedBehaviour['listServicesPaging'],
  page: PageRequest,
): { items: T[]; nextToken?: string } {
  const token =
    page.nextToken === undefined ? undefined : readToken<ServicesToken>(page.nextToken, 'services');
  if (token && token.r !== region) throw foreignToken(page.nextToken ?? '');
  const pageNo = token?.p ?? 1;
  const after = token?.a ?? -1;
  const remaining = all.filter((s) => s.seq > after);
  if (
    token?.end ||
    (paging.emptyPagesEvery && pageNo % paging.emptyPagesEvery === 0 && remaining.length > 0)
  ) {
    return {
      items: [],
      nextToken: token?.end ? undefined : encodeToken({ k: 'services', r: region, a: after, p: pageNo + 1 }),
    };
  }
  let limit = Math.min(page.maxResults ?? Infinity, paging.pageSize ?? Infinity);
  if (paging.shortPagesEvery && pageNo % paging.shortPagesEvery === 0) {
    limit = Math.max(1, Math.floor(Math.min(limit, remaining.length) / 2));
  }
  const items = remaining.slice(0, limit);
  const last = items.at(-1)?.seq ?? after;
  let nextToken: string | undefined;
  if (remaining.length > items.length) {
    nextToken = encodeToken({ k: 'services', r: region, a: last, p: pageNo + 1 });
  } else if (paging.trailingEmptyPage && items.length > 0) {
    nextToken = encodeToken({ k: 'services', r: region, a: last, p: pageNo + 1, end: true });
  }
  return { items, nextToken };
}

/** One ListOperations page of `oldestFirst` (a service's operations), newest first. */
export function pageOfOperations<T>(
  oldestFirst: readonly T[],
  serviceArn: string,
  paging: ResolvedBehaviour['listOperationsPaging'],
  page: PageRequest,
): { items: T[]; nextToken?: string } {
  const token =
    page.nextToken === undefined ? undefined : readToken<OperationsToken>(page.nextToken, 'operations');
  if (token && token.s !== serviceArn) throw foreignToken(page.nextToken ?? '');
  const before = token?.b ?? oldestFirst.length;
  const limit = Math.min(page.maxResults ?? Infinity, paging.pageSize ?? Infinity);
  const items = oldestFirst.slice(0, before).reverse().slice(0, limit);
  const nextBefore = before - items.length;
  return {
    items,
    nextToken: nextBefore > 0 ? encodeToken({ k: 'operations', s: serviceArn, b: nextBefore }) : undefined,
  };
}
