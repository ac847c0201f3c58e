import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/runtime/config';
import { InvalidConfigError } from '../../lib/runtime/errors';

/** The config error for `env` (fails the test when the environment is accepted). */
function configError(env: Record<string, string | undefined>): InvalidConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('applies the documented defaults when only the region is set', () => {
    // Prepare
    const env = { AWS_REGION: 'eu-west-1' };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config).toMatchObject({
      AWS_REGION: 'eu-west-1',
      ALERT_TOPIC_ARN: '',
      ALERT_ON: 'failures',
      OPERATION_DEADLINE_SECONDS: 900,
      POLL_INITIAL_DELAY_SECONDS: 20,
      POLL_MIN_DELAY_SECONDS: 2,
      POLL_MAX_DELAY_SECONDS: 60,
      MAX_POLLS: 400,
      MAX_TARGETS: 1000,
      APPRUNNER_SDK_MAX_ATTEMPTS: 3,
    });
  });

  it('reads numbers from strings, treats empty strings as unset and ignores unknown variables', () => {
    // Prepare
    const env = {
      AWS_REGION: 'us-east-1',
      OPERATION_DEADLINE_SECONDS: '120',
      MAX_CONCURRENT_OPERATIONS: '',
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
      PATH: '/usr/bin',
      SOMETHING_ELSE: 'x',
    };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config.OPERATION_DEADLINE_SECONDS).toBe(120);
    expect(config.MAX_CONCURRENT_OPERATIONS).toBe(
      loadConfig({ AWS_REGION: 'us-east-1' }).MAX_CONCURRENT_OPERATIONS,
    );
    expect(config.ALERT_TOPIC_ARN).toBe('arn:aws:sns:us-east-1:123456789012:alerts');
    expect(config).not.toHaveProperty('PATH');
  });

  it('returns a frozen object', () => {
    // Prepare
    const config = loadConfig({ AWS_REGION: 'us-east-1' });

    // Act
    const mutate = () => {
      (config as { MAX_POLLS: number }).MAX_POLLS = 1;
    };

    // Assess
    expect(Object.isFrozen(config)).toBe(true);
    expect(mutate).toThrow(TypeError);
  });

  it('lists every missing or bad variable in one error', () => {
    // Prepare
    const env = {
      ALERT_TOPIC_ARN: 'alerts',
      ALERT_ON: 'sometimes',
      OPERATION_DEADLINE_SECONDS: '30',
      POLL_INTERVAL_SECONDS: 'soon',
      MAX_POLLS: '1.5',
      MAX_CONCURRENT_OPERATIONS: '0',
      MAX_BATCH_CONCURRENCY: '1001',
      MAX_TARGETS: '5001',
      APPRUNNER_REQUEST_TIMEOUT_MS: '99',
    };

    // Act
    const error = configError(env);

    // Assess
    expect(error.name).toBe('AppRunnerScheduler.InvalidConfig');
    expect(Object.fromEntries(error.issues.map((i) => [i.field, i.problem]))).toEqual({
      AWS_REGION: expect.any(String),
      ALERT_TOPIC_ARN: 'must be an SNS topic ARN or empty',
      ALERT_ON: 'must be "failures" or "always"',
      OPERATION_DEADLINE_SECONDS: 'must be at least 60',
      POLL_INTERVAL_SECONDS: 'must be a number',
      MAX_POLLS: 'must be a whole number',
      MAX_CONCURRENT_OPERATIONS: 'must be at least 1',
      MAX_BATCH_CONCURRENCY: 'must be at most 1000',
      MAX_TARGETS: 'must be at most 5000',
      APPRUNNER_REQUEST_TIMEOUT_MS: 'must be at least 100',
    });
    for (const name of Object.keys(env)) expect(error.message).toContain(name);
  });

  it('rejects a region that is not an AWS region name', () => {
    // Prepare
    const env = { AWS_REGION: 'Frankfurt' };

    // Act
    const error = configError(env);

    // Assess
    expect(error.issues).toEqual([
      { field: 'AWS_REGION', problem: 'must be an AWS region such as eu-west-1' },
    ]);
  });

  it('rejects a minimum poll delay above the maximum', () => {
    // Prepare
    const env = { AWS_REGION: 'us-east-1', POLL_MIN_DELAY_SECONDS: '90', POLL_MAX_DELAY_SECONDS: '60' };

    // Act
    const error = configError(env);

    // Assess
    expect(error.issues).toEqual([
      { field: 'POLL_MIN_DELAY_SECONDS', problem: 'must not exceed POLL_MAX_DELAY_SECONDS' },
    ]);
  });
});
