import { parseServiceArn, SERVICE_NAME_PATTERN } from '../../lib/app-runner/arn';
import { listAllServices, type ServiceInfo } from '../../lib/app-runner/port';
import type { SdkAppRunner } from '../../lib/app-runner/sdk';
import { ExitCode } from '../exit-codes';
import { UsageError } from './args';
import { CliError, fromAwsError } from './errors';

/** A service named on the command line, by name or ARN, validated before any call. */
export type ServiceRef = { kind: 'name'; name: string } | { kind: 'arn'; arn: string; region: string };

/**
 * Validates service arguments against App Runner's own patterns (no AWS call yet).
 * @throws UsageError naming every argument that is neither a service name nor a service ARN
 */
export function parseServiceRefs(args: string[]): ServiceRef[] {
  const refs: ServiceRef[] = [];
  const bad: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('arn:')) {
      const parts = parseServiceArn(arg);
      if (parts) refs.push({ kind: 'arn', arn: arg, region: parts.region });
      else
        bad.push(
          `"${arg}" is not an App Runner service ARN (arn:aws:apprunner:<region>:<account>:service/<name>/<32 hex>)`,
        );
    } else if (SERVICE_NAME_PATTERN.test(arg)) {
      refs.push({ kind: 'name', name: arg });
    } else {
      bad.push(
        `"${arg}" is not an App Runner service name (4–40 characters: letters, digits, - and _, starting with a letter or digit)`,
      );
    }
  }
  if (bad.length > 0) throw new UsageError(bad.join('\n       '));
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = r.kind === 'name' ? `name:${r.name}` : `arn:${r.arn}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const appRunnerSite = (operation: string) =>
  ({ service: 'App Runner', operation, endpointVariable: 'AWS_ENDPOINT_URL_APPRUNNER' }) as const;

/** Every service of a region (all ListServices pages), with errors turned into CLI messages. */
export async function listServices(port: SdkAppRunner, region: string): Promise<ServiceInfo[]> {
  try {
    return await listAllServices(port, region);
  } catch (error) {
    throw fromAwsError(error, appRunnerSite('ListServices'));
  }
}

/**
 * Resolves names (in `region`) and ARNs (in their own region) to the services that exist, listing each
 * region once. Unknown services fail the command before anything starts, with the closest names.
 */
export async function resolveServices(
  port: SdkAppRunner,
  region: string,
  refs: ServiceRef[],
  /** The services of each region listed so far: filled here, reused by a caller that lists too. */
  byRegion: Map<string, ServiceInfo[]> = new Map(),
): Promise<ServiceInfo[]> {
  const regions = new Set<string>(refs.map((r) => (r.kind === 'arn' ? r.region : region)));
  for (const r of regions) if (!byRegion.has(r)) byRegion.set(r, await listServices(port, r));
  const found: ServiceInfo[] = [];
  const problems: string[] = [];
  for (const ref of refs) {
    if (ref.kind === 'arn') {
      const services = byRegion.get(ref.region) ?? [];
      const hit = services.find((s) => s.arn === ref.arn);
      if (hit) found.push(hit);
      else
        problems.push(
          unknown(ref.arn, ref.region, services, parseServiceArn(ref.arn)?.serviceName ?? ref.arn),
        );
    } else {
      const services = byRegion.get(region) ?? [];
      const hit = services.find((s) => s.name === ref.name);
      if (hit) found.push(hit);
      else problems.push(unknown(ref.name, region, services, ref.name));
    }
  }
  if (problems.length > 0) {
    throw new CliError(
      problems.join('\n'),
      ExitCode.Usage,
      'Names are case-sensitive and looked up in one region; pass --region for another, or a service ARN. `apprunner-scheduler status` lists every service.',
    );
  }
  const unique = new Map(found.map((s) => [s.arn, s]));
  return [...unique.values()];
}

function unknown(what: string, region: string, services: ServiceInfo[], name: string): string {
  const close = closestNames(
    name,
    services.map((s) => s.name),
  );
  const suggestion = close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
  return `No App Runner service "${what}" in ${region} (${services.length} services there).${suggestion}`;
}

/** Names close to `wanted` by edit distance (case-insensitive), best first, at most `max`. */
export function closestNames(wanted: string, names: string[], max = 3): string[] {
  const w = wanted.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  const scored = [...new Set(names)].map((name) => {
    const n = name.toLowerCase();
    const distance = n.includes(w) || w.includes(n) ? Math.min(1, editDistance(w, n)) : editDistance(w, n);
    return { name, distance };
  });
  // Only names about as close as the best one: a near-exact match should not drag in distant ones.
  const best = Math.min(...scored.map((c) => c.distance));
  return scored
    .filter((c) => c.distance <= limit && c.distance <= best + 1)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((c) => c.name);
}

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
