import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../cli/exit-codes';
import { type CallSite, fromAwsError } from '../../cli/lib/errors';

// How the CLI words what an AWS SDK call threw, for the shapes the SDK really produces (seen on this
// machine: a silent endpoint, a proxy's page in front of a JSON and an XML service).

const site: CallSite = {
  service: 'CloudFormation',
  operation: 'DescribeStacks',
  endpointVariable: 'AWS_ENDPOINT_URL_CLOUDFORMATION',
};

describe('fromAwsError', () => {
  it('says how long and how many times it waited when every attempt timed out', () => {
    // Prepare: what the SDK throws after three 10 s attempts at a silent endpoint
    const error = Object.assign(
      new Error(
        '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 10000 ms requestTimeout.',
      ),
      { name: 'TimeoutError', $metadata: { attempts: 3, totalRetryDelay: 210 } },
    );

    // Act
    const mapped = fromAwsError(error, site);

    // Assess
    expect(mapped.message).toBe(
      'Cannot reach CloudFormation (CloudFormation DescribeStacks: no answer within 10 s, 3 attempts).',
    );
    expect(mapped.exitCode).toBe(ExitCode.ServicesFailed);
  });

  it.each([
    ['a JSON service', { name: 'UnknownError', message: 'UnknownError' }],
    ['an XML service', { name: 'NotFound', message: 'Unknown' }],
  ])('names a page that is not an AWS answer as such, from %s', (_what, shape) => {
    // Prepare
    const error = Object.assign(new Error(shape.message), {
      name: shape.name,
      $metadata: { httpStatusCode: 404 },
    });

    // Act
    const mapped = fromAwsError(error, site);

    // Assess
    expect(mapped.message).toBe(
      "CloudFormation DescribeStacks: the answer (HTTP 404) is not one of AWS's: the endpoint that answered may not be CloudFormation.",
    );
    expect(mapped.hint).toContain(
      'If AWS_ENDPOINT_URL_CLOUDFORMATION is set, check that it points at CloudFormation.',
    );
  });

  it('keeps an error AWS named itself', () => {
    const error = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(fromAwsError(error, site).message).toBe(
      'CloudFormation DescribeStacks failed: ThrottlingException: Rate exceeded',
    );
  });
});
