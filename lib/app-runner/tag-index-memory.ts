import type { InMemoryAppRunner } from './memory';
import { carriesAll, type TaggedService, type TagIndex, type TagIndexError } from './tag-index';

/** A resource as the in-memory index sees it. */
export interface IndexedResource {
  arn: string;
  region: string;
  tags: Record<string, string>;
}

/** A lookup as the in-memory index saw it. */
export interface TagIndexCall {
  region: string;
  tags: Record<string, string>;
}

/**
 * The tag index in memory, over any source of resources: {@link InMemoryTagIndex.over} an
 * {@link InMemoryAppRunner} (the index agrees with the services at once), or a fixed list that lags behind
 * them on purpose (an eventually consistent index, for the rules that must not trust it blindly). Held to
 * the same contract suite as the SDK adapter (test/contract/tag-index.test.ts).
 */
export class InMemoryTagIndex implements TagIndex {
  readonly calls: TagIndexCall[] = [];
  private fault: ((call: TagIndexCall) => TagIndexError | undefined) | undefined;

  constructor(private readonly source: () => Iterable<IndexedResource>) {}

  /** An index that always agrees with this App Runner's services and their tags. */
  static over(appRunner: InMemoryAppRunner): InMemoryTagIndex {
    return new InMemoryTagIndex(() => appRunner.taggedResources());
  }

  /** Every later lookup for which `fault` returns an error fails with it (undefined: it goes through). */
  failWith(fault: ((call: TagIndexCall) => TagIndexError | undefined) | undefined): void {
    this.fault = fault;
  }

  async servicesWithTags(region: string, tags: Record<string, string>): Promise<TaggedService[]> {
    const call = { region, tags: { ...tags } };
    this.calls.push(call);
    const error = this.fault?.(call);
    if (error) throw error;
    if (Object.keys(tags).length === 0) return [];
    return [...this.source()]
      .filter((r) => r.region === region && carriesAll(r.tags, tags))
      .map((r) => ({ arn: r.arn, tags: { ...r.tags } }));
  }
}
