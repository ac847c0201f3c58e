import { describe, expect, it } from 'vitest';
import { plan } from '../../functions/plan/core';
import { InMemoryAppRunner } from '../../lib/app-runner/memory';
import { AppRunnerCallError, type AppRunnerPort } from '../../lib/app-runner/port';
import { TagIndexError } from '../../lib/app-runner/tag-index';
import { InMemoryTagIndex } from '../../lib/app-runner/tag-index-memory';
import { ManualClock } from '../../lib/runtime/clock';
import { loadConfig } from '../../lib/runtime/config';
import { ErrorNames } from '../../lib/runtime/errors';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** An App Runner whose every call fails with `kind`. */
function failingListServices(kind: 'AccessDenied' | 'Throttled'): AppRunnerPort {
  const appRunner = new InMemoryAppRunner(new ManualClock());
  appRunner.failWith(
    (call) =>
      new AppRunnerCallError(
        kind,
        call.operation,
        kind === 'Throttled' ? 'ThrottlingException' : 'AccessDeniedException',
        'no',
      ),
  );
  return appRunner;
}

describe('Plan when App Runner cannot be listed', () => {
  const deps = (kind: 'AccessDenied' | 'Throttled') => ({
    appRunner: failingListServices(kind),
    clock: new ManualClock(),
    config: loadConfig({ AWS_REGION: 'us-east-1' }),
    log: quiet,
  });
  const event = { input: { action: 'resume', targets: { tags: { env: 'staging' } } } };

  it('fails at once, not retried, when the request is refused (access denied, no credentials)', async () => {
    await expect(plan(event, deps('AccessDenied'))).rejects.toMatchObject({
      name: ErrorNames.AppRunnerRequestFailed,
      message: expect.stringContaining('AccessDeniedException'),
    });
  });

  it('raises the retried AppRunnerUnavailable error when App Runner keeps throttling', async () => {
    await expect(plan(event, deps('Throttled'))).rejects.toMatchObject({
      name: ErrorNames.AppRunnerUnavailable,
    });
  });
});

describe('Plan when the tag index cannot be read', () => {
  /** A healthy App Runner with one tagged service, and an index whose every lookup fails with `kind`. */
  function deps(kind: 'AccessDenied' | 'Throttled') {
    const appRunner = new InMemoryAppRunner(new ManualClock());
    appRunner.addService({ name: 'api-staging', tags: { env: 'staging' } });
    const tagIndex = InMemoryTagIndex.over(appRunner);
    tagIndex.failWith(
      () =>
        new TagIndexError(
          kind,
          kind === 'Throttled' ? 'ThrottledException' : 'AccessDeniedException',
          'not today',
        ),
    );
    return {
      appRunner,
      tagIndex,
      clock: new ManualClock(),
      config: loadConfig({ AWS_REGION: 'us-east-1' }),
      log: quiet,
    };
  }
  const event = { input: { action: 'resume', targets: { tags: { env: 'staging' } } } };

  it('fails at once, not retried, when the tag API refuses the request (access denied)', async () => {
    // Prepare
    const d = deps('AccessDenied');

    // Act
    const error = await plan(event, d).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({
      name: ErrorNames.AppRunnerRequestFailed,
      message:
        'could not look up the services tagged env=staging in us-east-1 (Resource Groups Tagging API): GetResources: AccessDeniedException: not today',
    });
    expect(d.appRunner.calls.map((c) => c.operation)).toEqual(['ListServices']);
  });

  it('raises the retried AppRunnerUnavailable error when the tag API keeps throttling', async () => {
    await expect(plan(event, deps('Throttled'))).rejects.toMatchObject({
      name: ErrorNames.AppRunnerUnavailable,
      message: expect.stringContaining('ThrottledException'),
    });
  });

  it('selects by tag with one index lookup and no tag reads when the index is healthy', async () => {
    // Prepare
    const d = deps('Throttled');
    d.tagIndex.failWith(undefined);
    d.appRunner.addService({ name: 'web-prod', tags: { env: 'production' } });

    // Act
    const result = await plan(event, d);

    // Assess
    expect(result.batches.flatMap((b) => b.services.map((s) => s.name))).toEqual(['api-staging']);
    expect(d.tagIndex.calls).toEqual([{ region: 'us-east-1', tags: { env: 'staging' } }]);
    expect(d.appRunner.calls.map((c) => c.operation)).toEqual(['ListServices']);
    expect(result.requests).toBe(1);
  });
});
