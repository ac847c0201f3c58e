import { describe, expect, it } from 'vitest';
import { selectTargets } from '../../functions/plan/targets';
import { InMemoryAppRunner } from '../../lib/app-runner/memory';
import { AppRunnerCallError } from '../../lib/app-runner/port';
import { InMemoryTagIndex } from '../../lib/app-runner/tag-index-memory';
import { OPT_OUT_TAG } from '../../lib/contract/tags';
import { ManualClock } from '../../lib/runtime/clock';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function fleet() {
  const clock = new ManualClock();
  const appRunner = new InMemoryAppRunner(clock);
  appRunner.addService({ name: 'api-staging', tags: { env: 'staging' } });
  appRunner.addService({ name: 'web-staging', tags: { env: 'staging', [OPT_OUT_TAG]: 'true' } });
  appRunner.addService({ name: 'untagged' });
  const deps = {
    appRunner,
    tagIndex: InMemoryTagIndex.over(appRunner),
    homeRegion: 'us-east-1',
    maxTargets: 1000,
    now: () => clock.now(),
    log: quiet,
  };
  return { appRunner, deps };
}

describe('selectTargets with the tag index', () => {
  it('treats an empty tags object as no tag selector: names still select, nothing else does', async () => {
    // Prepare
    const { deps } = fleet();

    // Act
    const selection = await selectTargets({ serviceNames: ['untagged'], tags: {} }, deps);

    // Assess
    expect([...selection.candidates.values()].map((c) => c.info.name)).toEqual(['untagged']);
    expect(deps.tagIndex.calls).toEqual([]);
    expect(selection.noTargets).toEqual([]);
  });

  it("takes the index's tags for a plain service, and the service's own for one the index shows opted out", async () => {
    // Prepare
    const { appRunner, deps } = fleet();

    // Act
    const selection = await selectTargets({ tags: { env: 'staging' } }, deps);

    // Assess
    const byName = new Map([...selection.candidates.values()].map((c) => [c.info.name, c]));
    expect([...byName.keys()]).toEqual(['api-staging', 'web-staging']);
    expect(byName.get('web-staging')?.tags).toEqual({ env: 'staging', [OPT_OUT_TAG]: 'true' });
    expect(appRunner.calls.map((c) => `${c.operation}${c.arn ? ` ${c.arn.split('/')[1]}` : ''}`)).toEqual([
      'ListServices',
      'ListTagsForResource web-staging',
    ]);
  });

  it('reports a service whose tags cannot be re-read as FAILED APP_RUNNER_ERROR, not as selected', async () => {
    // Prepare
    const { appRunner, deps } = fleet();
    appRunner.failWith((call) =>
      call.operation === 'ListTagsForResource'
        ? new AppRunnerCallError('Throttled', call.operation, 'ThrottlingException', 'slow down')
        : undefined,
    );

    // Act
    const selection = await selectTargets({ tags: { env: 'staging' } }, deps);

    // Assess
    expect([...selection.candidates.values()].map((c) => c.info.name)).toEqual(['api-staging']);
    expect(selection.outcomes).toMatchObject([
      { serviceName: 'web-staging', outcome: 'FAILED', reason: 'APP_RUNNER_ERROR' },
    ]);
  });
});
