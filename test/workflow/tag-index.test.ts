import { afterEach, describe, expect, it } from 'vitest';
import type { FleetSpec } from '../../emulator/index';
import { LEASE_TAG, OPT_OUT_TAG } from '../../lib/contract/tags';
import { ErrorNames } from '../../lib/runtime/errors';
import { REGION, startWorld, T0, type World } from '../support/world';

// Selecting by tag through the Resource Groups Tagging API's index, which lags behind tag changes
// (the emulator's `tagIndex.lagSeconds`). The index only shortlists: ListServices says what exists, and a
// service's own tags decide wherever the index shows a tag that would make Plan leave it alone.

const LAGGING: FleetSpec['options'] = { tagIndex: { lagSeconds: 60 } };
let world: World;

afterEach(async () => {
  await world?.stop();
});

/** Changes a service's tags in App Runner right before the run: the index will not know for 60 s. */
function retag(name: string, change: { set?: Record<string, string>; remove?: string[] }): void {
  const arn = world.emulator.service(name)?.arn ?? '';
  const model = world.emulator.model;
  if (change.set) {
    model.tagResource(
      REGION,
      arn,
      Object.entries(change.set).map(([key, value]) => ({ key, value })),
    );
  }
  if (change.remove) model.untagResource(REGION, arn, change.remove);
}

const tagReads = (name: string) => world.calls('ListTagsForResource', name).length;

describe('selection by tag through a lagging index', () => {
  it('does not select a service tagged seconds before the run, and touches it not at all', async () => {
    // Prepare
    world = await startWorld({
      options: LAGGING,
      services: [
        { name: 'old-staging', status: 'PAUSED', tags: { env: 'staging' } },
        { name: 'new-staging', status: 'PAUSED' },
      ],
    });
    retag('new-staging', { set: { env: 'staging' } });

    // Act
    const result = await world.run({ action: 'resume', targets: { tags: { env: 'staging' } } });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.services.map((s) => s.serviceName)).toEqual(['old-staging']);
    expect(world.calls(undefined, 'new-staging')).toEqual([]);
    expect(world.emulator.service('new-staging')?.status).toBe('PAUSED');
  });

  it('re-reads a service the index shows opted out, and resumes it on schedule when the opt-out is gone', async () => {
    // Prepare
    world = await startWorld({
      options: LAGGING,
      services: [
        { name: 'back-in', status: 'PAUSED', tags: { env: 'staging', [OPT_OUT_TAG]: 'true' } },
        { name: 'still-out', status: 'PAUSED', tags: { env: 'staging', [OPT_OUT_TAG]: 'true' } },
        { name: 'plain', status: 'PAUSED', tags: { env: 'staging' } },
      ],
    });
    retag('back-in', { remove: [OPT_OUT_TAG] });

    // Act
    const result = await world.run({
      action: 'resume',
      targets: { tags: { env: 'staging' } },
      requestedBy: 'schedule:weekday-morning',
    });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const outcome = (name: string) => result.report?.services.find((s) => s.serviceName === name);
    expect(outcome('back-in')).toMatchObject({ outcome: 'SUCCEEDED', toStatus: 'RUNNING' });
    expect(outcome('still-out')).toMatchObject({ outcome: 'SKIPPED', reason: 'OPTED_OUT' });
    expect(outcome('plain')).toMatchObject({ outcome: 'SUCCEEDED' });
    // Only the two the index showed opted out had their own tags read (a resume reads no tags itself).
    expect([tagReads('back-in'), tagReads('still-out'), tagReads('plain')]).toEqual([1, 1, 0]);
  });

  it('re-reads a running lease the index shows, and pauses the service when the lease was removed', async () => {
    // Prepare
    const lease = new Date(T0 + 3600_000).toISOString();
    world = await startWorld({
      options: LAGGING,
      services: [
        { name: 'released', status: 'RUNNING', tags: { env: 'staging', [LEASE_TAG]: lease } },
        { name: 'kept', status: 'RUNNING', tags: { env: 'staging', [LEASE_TAG]: lease } },
        {
          name: 'lapsed',
          status: 'RUNNING',
          tags: { env: 'staging', [LEASE_TAG]: new Date(T0 - 60_000).toISOString() },
        },
      ],
    });
    retag('released', { remove: [LEASE_TAG] });

    // Act
    const result = await world.run({
      action: 'pause',
      targets: { tags: { env: 'staging' } },
      requestedBy: 'schedule:evening',
    });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const outcome = (name: string) => result.report?.services.find((s) => s.serviceName === name);
    expect(outcome('released')).toMatchObject({ outcome: 'SUCCEEDED', toStatus: 'PAUSED' });
    expect(outcome('kept')).toMatchObject({ outcome: 'SKIPPED', reason: 'KEEP_AWAKE_LEASE' });
    expect(outcome('lapsed')).toMatchObject({ outcome: 'SUCCEEDED', toStatus: 'PAUSED' });
    // Plan re-read the two the index showed leased (a lease that has run out needs no second look);
    // each pause then reads the tags once more, right before it acts.
    expect(world.calls(undefined, 'kept').map((c) => c.op)).toEqual(['ListTagsForResource']);
    expect([tagReads('released'), tagReads('kept'), tagReads('lapsed')]).toEqual([2, 1, 1]);
  });

  it('leaves out a service whose own tags, re-read, no longer match', async () => {
    // Prepare
    world = await startWorld({
      options: LAGGING,
      services: [
        { name: 'moved', status: 'PAUSED', tags: { env: 'staging', [OPT_OUT_TAG]: 'true' } },
        { name: 'stays', status: 'PAUSED', tags: { env: 'staging' } },
      ],
    });
    retag('moved', { set: { env: 'production' } });

    // Act
    const result = await world.run({ action: 'resume', targets: { tags: { env: 'staging' } } });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.services.map((s) => s.serviceName)).toEqual(['stays']);
    expect(world.calls(undefined, 'moved').map((c) => c.op)).toEqual(['ListTagsForResource']);
  });

  it('ignores a service the index still lists but App Runner has deleted', async () => {
    // Prepare
    world = await startWorld({
      options: LAGGING,
      services: [
        { name: 'gone', status: 'DELETED', tags: { env: 'staging' } },
        { name: 'here', status: 'PAUSED', tags: { env: 'staging' } },
      ],
    });

    // Act
    const result = await world.run({ action: 'resume', targets: { tags: { env: 'staging' } } });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.services.map((s) => s.serviceName)).toEqual(['here']);
    expect(world.calls(undefined, 'gone')).toEqual([]);
  });
});

describe('selection by tag when the tag API fails', () => {
  it('fails Plan as App Runner unavailable while GetResources keeps throttling, and the retried Plan succeeds', async () => {
    // Prepare: three throttles use up the SDK's three attempts of the first Plan
    world = await startWorld(
      { services: [{ name: 'api-staging', status: 'PAUSED', tags: { env: 'staging' } }] },
      [{ type: 'throttle', operations: ['GetResources'], next: 3 }],
    );

    // Act
    const result = await world.run({ action: 'resume', targets: { tags: { env: 'staging' } } });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.report?.services).toMatchObject([{ serviceName: 'api-staging', outcome: 'SUCCEEDED' }]);
    expect(world.emulator.taggingCalls.map((c) => c.errorType ?? 'ok')).toEqual([
      'ThrottledException',
      'ThrottledException',
      'ThrottledException',
      'ok',
    ]);
    expect(result.invocations.PlanLambdaFunction.count).toBe(2);
  });

  it('fails the run with AppRunnerUnavailable, naming the tag API, when it never recovers', async () => {
    // Prepare
    world = await startWorld(
      { services: [{ name: 'api-staging', status: 'PAUSED', tags: { env: 'staging' } }] },
      [{ type: 'server-error', operations: ['GetResources'] }],
    );

    // Act
    const result = await world.run({ action: 'resume', targets: { tags: { env: 'staging' } } });

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe(ErrorNames.AppRunnerUnavailable);
    expect(result.error?.message).toContain(
      'could not look up the services tagged env=staging in us-east-1 (Resource Groups Tagging API)',
    );
    expect(world.calls().filter((c) => c.op !== 'ListServices')).toEqual([]);
  });
});
