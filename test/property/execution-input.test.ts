import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ABSOLUTE_MAX_TARGETS,
  type ExecutionInput,
  parseExecutionInput,
} from '../../lib/contract/execution-input';
import { ErrorNames, InvalidInputError } from '../../lib/runtime/errors';
import {
  APP_RUNNER_SERVICE_ARN,
  APP_RUNNER_SERVICE_NAME,
  badServiceArn,
  badServiceName,
  DAY,
  type Input,
  jsonish,
  mutation,
  NOW,
  serviceArn,
  serviceName,
  validInput,
} from './arbitraries';

const opts = { now: NOW, maxTargets: 1000 };
const TOP_LEVEL = ['(input)', 'action', 'targets', 'dryRun', 'reason', 'requestedBy', 'keepAwakeUntil'];

type Verdict = { accepted: ExecutionInput } | { rejected: InvalidInputError };

/** Runs the validator; anything thrown other than InvalidInputError fails the property. */
function verdict(raw: unknown, options = opts): Verdict {
  try {
    return { accepted: parseExecutionInput(raw, options) };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { rejected: error };
  }
}

/** A rejection that a person can act on: the contract's error name, and every issue's field in the message. */
function expectActionable(error: InvalidInputError): void {
  expect(error.name).toBe(ErrorNames.InvalidInput);
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(issue.field).not.toBe('');
    expect(issue.problem).not.toBe('');
    expect(error.message).toContain(`${issue.field}: ${issue.problem}`);
    expect(TOP_LEVEL).toContain(issue.field.split(/[.[]/)[0]);
  }
}

/** Whether an issue is about `field` or something inside it. */
const about = (issueField: string, field: string) =>
  issueField === field || issueField.startsWith(`${field}.`) || issueField.startsWith(`${field}[`);

describe('execution input, property-based', () => {
  it('accepts an input or rejects it as InvalidInput naming each bad field, whatever JSON arrives', () => {
    fc.assert(
      fc.property(jsonish, (raw) => {
        // Act
        const v = verdict(raw);

        // Assess: what is accepted honours the contract; what is rejected says why.
        if ('rejected' in v) {
          expectActionable(v.rejected);
          return;
        }
        const input = v.accepted;
        expect(['resume', 'pause']).toContain(input.action);
        const { serviceArns = [], serviceNames = [], tags = {} } = input.targets;
        expect(serviceArns.length + serviceNames.length + Object.keys(tags).length).toBeGreaterThan(0);
        for (const arn of serviceArns) expect(arn).toMatch(APP_RUNNER_SERVICE_ARN);
        for (const name of serviceNames) expect(name).toMatch(APP_RUNNER_SERVICE_NAME);
        if (input.keepAwakeUntil !== undefined) {
          expect(input.action).toBe('resume');
          expect(Date.parse(input.keepAwakeUntil)).toBeGreaterThan(NOW);
          expect(Date.parse(input.keepAwakeUntil)).toBeLessThanOrEqual(NOW + 31 * DAY);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a keep-awake lease that ends before readyBy (or at it), naming both fields, and accepts one that ends after', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 * 60 }),
        // Leases around the ready-by range as often as long ones.
        fc.oneof(fc.integer({ min: 1, max: 12 * 60 }), fc.integer({ min: 1, max: 31 * 24 * 60 - 1 })),
        (readyInMinutes, leaseMinutes) => {
          // Prepare
          const readyBy = new Date(NOW + readyInMinutes * 60_000).toISOString();
          const keepAwakeUntil = new Date(NOW + leaseMinutes * 60_000).toISOString();

          // Act
          const v = verdict({
            action: 'resume',
            targets: { serviceNames: ['api-staging'] },
            readyBy,
            keepAwakeUntil,
          });

          // Assess
          if (leaseMinutes > readyInMinutes) {
            expect(v).toHaveProperty('accepted');
            return;
          }
          expect(v).toHaveProperty('rejected');
          const error = (v as { rejected: InvalidInputError }).rejected;
          expectActionable(error);
          expect(error.issues).toEqual([
            {
              field: 'keepAwakeUntil',
              problem:
                'must be later than readyBy: the keep-awake lease would end before the services are due ready',
            },
          ]);
        },
      ),
      {
        numRuns: 300,
        examples: [
          [120, 10],
          [60, 60],
          [60, 61],
          [12 * 60, 12 * 60 + 1],
        ],
      },
    );
  });

  it('accepts every valid input unchanged, with the defaults filled in', () => {
    fc.assert(
      fc.property(validInput, (raw) => {
        // Act
        const v = verdict(raw);

        // Assess
        expect(v).toHaveProperty('accepted');
        const input = (v as { accepted: ExecutionInput }).accepted;
        expect(input).toMatchObject(raw);
        expect(input.dryRun).toBe((raw as { dryRun?: boolean }).dryRun ?? false);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every near-valid mutation of a valid input, naming the field it broke', () => {
    fc.assert(
      fc.property(validInput, mutation, (raw, m) => {
        // Act
        const v = verdict(m.apply(structuredClone(raw) as Input));

        // Assess
        expect(v, m.what).toHaveProperty('rejected');
        const error = (v as { rejected: InvalidInputError }).rejected;
        expectActionable(error);
        expect(
          error.issues.some((i) => about(i.field, m.field)),
          `${m.what}: ${error.message}`,
        ).toBe(true);
        if (m.mentions) expect(error.message).toContain(m.mentions);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly the service names App Runner accepts', () => {
    fc.assert(
      fc.property(fc.oneof(serviceName, badServiceName, fc.string({ maxLength: 45 })), (name) => {
        // Act
        const v = verdict({ action: 'resume', targets: { serviceNames: [name] } });

        // Assess
        expect('accepted' in v).toBe(APP_RUNNER_SERVICE_NAME.test(name));
        if ('rejected' in v)
          expect(v.rejected.issues.map((i) => i.field)).toEqual(['targets.serviceNames[0]']);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly the service ARNs App Runner accepts', () => {
    fc.assert(
      fc.property(fc.oneof(serviceArn, badServiceArn), (arn) => {
        // Act
        const v = verdict({ action: 'pause', targets: { serviceArns: [arn] } });

        // Assess
        expect('accepted' in v).toBe(APP_RUNNER_SERVICE_ARN.test(arn));
        if ('rejected' in v)
          expect(v.rejected.issues.map((i) => i.field)).toEqual(['targets.serviceArns[0]']);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses more explicit targets than MAX_TARGETS with a message that states the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        serviceName,
        serviceArn,
        (maxTargets, names, arns, name, arn) => {
          // Prepare
          const raw = {
            action: 'resume',
            targets: {
              serviceNames: Array.from({ length: names }, () => name),
              serviceArns: Array.from({ length: arns }, () => arn),
              tags: { env: 'staging' },
            },
          };

          // Act
          const v = verdict(raw, { now: NOW, maxTargets });

          // Assess
          if (names + arns <= maxTargets) {
            expect(v).toHaveProperty('accepted');
            return;
          }
          const error = (v as { rejected: InvalidInputError }).rejected;
          expect(error.issues).toEqual([
            {
              field: 'targets',
              problem: `names ${names + arns} services; the limit is ${maxTargets} per execution`,
            },
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it(`caps every selector list at ${ABSOLUTE_MAX_TARGETS} whatever MAX_TARGETS says`, () => {
    // Prepare
    const raw = {
      action: 'pause',
      targets: { serviceNames: Array(ABSOLUTE_MAX_TARGETS + 1).fill('api-staging') },
    };

    // Act
    const v = verdict(raw, { now: NOW, maxTargets: ABSOLUTE_MAX_TARGETS });

    // Assess
    expect(v).toHaveProperty('rejected');
    expect((v as { rejected: InvalidInputError }).rejected.issues[0]?.field).toBe('targets.serviceNames');
  });
});
