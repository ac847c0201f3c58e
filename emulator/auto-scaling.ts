import { notFound } from './errors';
import { type AutoScalingConfigSpec, DEFAULT_AUTO_SCALING } from './fleet';
import { sha256 } from './random';
import { memberError } from './validation';

/**
 * Auto scaling configurations: App Runner's DefaultConfiguration (MinSize 1, MaxSize 25, MaxConcurrency
 * 100) plus the fleet's named ones, present in every region the emulator serves. DescribeAutoScalingConfiguration
 * takes a full ARN or a partial one ending in `/name` (the latest revision) or `/name/revision`.
 */

export interface AutoScalingConfiguration {
  arn: string;
  name: string;
  revision: number;
  latest: boolean;
  minSize: number;
  maxSize: number;
  maxConcurrency: number;
  createdAt: number;
  isDefault: boolean;
}

interface Definition {
  name: string;
  revision: number;
  minSize: number;
  maxSize: number;
  maxConcurrency: number;
}

const PARTIAL_ARN =
  /^arn:aws:apprunner:([a-z0-9-]+):(\d{12}):autoscalingconfiguration\/([A-Za-z0-9][A-Za-z0-9\-_]{3,31})(?:\/(\d+)(?:\/([0-9a-f]{32}))?)?$/;

export class AutoScalingCatalog {
  private readonly definitions: Definition[];

  constructor(
    private readonly accountId: string,
    specs: readonly AutoScalingConfigSpec[],
    /** When the configurations were created (epoch ms). */
    private readonly createdAt: number,
  ) {
    const defined = specs.map((s) => ({
      name: s.name,
      revision: s.revision ?? 1,
      minSize: s.minSize ?? 1,
      maxSize: s.maxSize ?? 25,
      maxConcurrency: s.maxConcurrency ?? 100,
    }));
    const builtIn = { name: DEFAULT_AUTO_SCALING, revision: 1, minSize: 1, maxSize: 25, maxConcurrency: 100 };
    this.definitions = defined.some((d) => d.name === DEFAULT_AUTO_SCALING) ? defined : [builtIn, ...defined];
  }

  /** The latest revision of `name` in `region` (the fleet schema checks that services name existing ones). */
  latest(region: string, name: string): AutoScalingConfiguration {
    const latest = this.latestDefinition(name);
    if (!latest) throw new Error(`no auto scaling configuration named ${name}`);
    return this.describe(region, latest);
  }

  /** Resolves a full or partial ARN of the request's region; ResourceNotFoundException when none matches. */
  lookup(region: string, arn: string): AutoScalingConfiguration {
    const m = PARTIAL_ARN.exec(arn);
    if (!m) {
      throw memberError(
        'autoScalingConfigurationArn',
        arn,
        'Member must be an auto scaling configuration ARN (arn:aws:apprunner:<region>:<account>:autoscalingconfiguration/<name>[/<revision>[/<id>]])',
      );
    }
    const [, arnRegion, account, name, revision, id] = m;
    const definition =
      revision === undefined
        ? this.latestDefinition(name!)
        : this.definitions.find((d) => d.name === name && d.revision === Number(revision));
    const found =
      arnRegion === region && account === this.accountId && definition
        ? this.describe(region, definition)
        : undefined;
    if (!found || (id !== undefined && found.arn !== arn)) {
      throw notFound(`Auto scaling configuration not found: ${arn}`);
    }
    return found;
  }

  private latestDefinition(name: string): Definition | undefined {
    return this.definitions
      .filter((d) => d.name === name)
      .reduce<Definition | undefined>((a, b) => (a && a.revision > b.revision ? a : b), undefined);
  }

  private describe(region: string, d: Definition): AutoScalingConfiguration {
    const id = sha256(`autoscaling:${this.accountId}:${region}:${d.name}:${d.revision}`).slice(0, 32);
    return {
      arn: `arn:aws:apprunner:${region}:${this.accountId}:autoscalingconfiguration/${d.name}/${d.revision}/${id}`,
      name: d.name,
      revision: d.revision,
      latest: this.latestDefinition(d.name)?.revision === d.revision,
      minSize: d.minSize,
      maxSize: d.maxSize,
      maxConcurrency: d.maxConcurrency,
      createdAt: this.createdAt,
      isDefault: d.name === DEFAULT_AUTO_SCALING,
    };
  }
}
