import { describe, expect, it } from 'vitest';
import { plan } from '../../functions/plan/core';
import { AppRunnerCallError, type AppRunnerPort } from '../../lib/app-runner/port';
import { ManualClock } from '../../lib/runtime/clock';
import { loadConfig } from '../../lib/runtime/config';
import { ErrorNames } from '../../lib/runtime/errors';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function failingListServices(kind: 'AccessDenied' | 'Throttled'): AppRunnerPort {
  const fail = () =>
    Promise.reject(
      new AppRunnerCallError(
        kind,
        'ListServices',
        kind === 'Throttled' ? 'ThrottlingException' : 'AccessDeniedException',
        'no',
      ),
    );
  return {
    listServicesPage: fail,
    describeService: fail,
    resumeService: fail,
    pauseService: fail,
    listOperationsPage: fail,
    listTags: fail,
    tagResource: fail,
    untagResource: fail,
    describeAutoScalingConfiguration: fail,
  };
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
