import { describe, expect, it } from 'vitest';
import {
  ABSOLUTE_MAX_TARGETS,
  MAX_LEASE_DAYS,
  parseExecutionInput,
} from '../../lib/contract/execution-input';
import { type FieldIssue, InvalidInputError } from '../../lib/runtime/errors';

const NOW = Date.UTC(2026, 10, 28, 6, 0, 0);
const opts = { now: NOW, maxTargets: 100 };
const arn = (name: string) =>
  `arn:aws:apprunner:eu-west-1:123456789012:service/${name}/0123456789abcdef0123456789abcdef`;

/** The issues parseExecutionInput raises for `raw` (fails the test when it accepts the input). */
function issuesOf(raw: unknown, options = opts): FieldIssue[] {
  try {
    parseExecutionInput(raw, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).name).toBe('AppRunnerScheduler.InvalidInput');
    return (error as InvalidInputError).issues;
  }
  throw new Error('expected the input to be rejected');
}

describe('parseExecutionInput', () => {
  it('accepts a full input and fills in the defaults of a minimal one', () => {
    // Prepare
    const full = {
      action: 'resume',
      targets: { serviceArns: [arn('api-staging')], serviceNames: ['web-staging'], tags: { env: 'staging' } },
      dryRun: true,
      reason: 'nightly wake-up',
      requestedBy: 'schedule:weekday-morning',
      keepAwakeUntil: '2026-11-28T08:00:00+01:00',
    };

    // Act
    const parsed = parseExecutionInput(full, opts);
    const minimal = parseExecutionInput({ action: 'pause', targets: { tags: { env: 'dev' } } }, opts);

    // Assess
    expect(parsed).toEqual({ ...full, overrideLease: false, allowNoTargets: false });
    expect(minimal).toEqual({
      action: 'pause',
      targets: { tags: { env: 'dev' } },
      dryRun: false,
      reason: '',
      requestedBy: 'unknown',
      overrideLease: false,
      allowNoTargets: false,
    });
  });

  it.each([
    {
      what: 'an unknown action',
      raw: { action: 'stop', targets: { serviceNames: ['api-staging'] } },
      field: 'action',
    },
    { what: 'a missing action', raw: { targets: { serviceNames: ['api-staging'] } }, field: 'action' },
    { what: 'missing targets', raw: { action: 'pause' }, field: 'targets' },
    { what: 'empty targets', raw: { action: 'pause', targets: {} }, field: 'targets' },
    {
      what: 'empty selector lists',
      raw: { action: 'pause', targets: { serviceNames: [], serviceArns: [], tags: {} } },
      field: 'targets',
    },
    {
      what: 'a malformed ARN',
      raw: {
        action: 'pause',
        targets: { serviceArns: [arn('api-staging'), 'arn:aws:apprunner:::service/x'] },
      },
      field: 'targets.serviceArns[1]',
    },
    {
      what: 'an ARN with a short service id',
      raw: {
        action: 'pause',
        targets: { serviceArns: ['arn:aws:apprunner:us-east-1:123456789012:service/api-staging/0123'] },
      },
      field: 'targets.serviceArns[0]',
    },
    {
      what: 'a three-letter service name',
      raw: { action: 'pause', targets: { serviceNames: ['api'] } },
      field: 'targets.serviceNames[0]',
    },
    {
      what: 'a tag key starting with aws:',
      raw: { action: 'pause', targets: { tags: { 'AWS:stack': 'x' } } },
      field: 'targets.tags.AWS:stack',
    },
    {
      what: 'an unknown selector',
      raw: { action: 'pause', targets: { names: ['api-staging'] } },
      field: 'targets',
    },
    {
      what: 'a non-boolean dryRun',
      raw: { action: 'pause', targets: { tags: { env: 'dev' } }, dryRun: 'true' },
      field: 'dryRun',
    },
    {
      what: 'an empty requestedBy',
      raw: { action: 'pause', targets: { tags: { env: 'dev' } }, requestedBy: '' },
      field: 'requestedBy',
    },
    {
      what: 'a requestedBy with a space',
      raw: { action: 'pause', targets: { tags: { env: 'dev' } }, requestedBy: 'user:alice smith' },
      field: 'requestedBy',
    },
    {
      what: 'a timestamp without a zone',
      raw: { action: 'resume', targets: { tags: { env: 'dev' } }, keepAwakeUntil: '2026-11-28T08:00:00' },
      field: 'keepAwakeUntil',
    },
    {
      what: 'a date that does not exist',
      raw: { action: 'resume', targets: { tags: { env: 'dev' } }, keepAwakeUntil: '2026-11-31T08:00:00Z' },
      field: 'keepAwakeUntil',
    },
    {
      what: 'a free-text time',
      raw: { action: 'resume', targets: { tags: { env: 'dev' } }, keepAwakeUntil: 'tomorrow' },
      field: 'keepAwakeUntil',
    },
    {
      what: 'a keep-awake lease that ends before readyBy',
      raw: {
        action: 'resume',
        targets: { tags: { env: 'dev' } },
        readyBy: '2026-11-28T08:00:00Z',
        keepAwakeUntil: '2026-11-28T06:10:00Z',
      },
      field: 'keepAwakeUntil',
    },
    {
      what: 'a keep-awake lease that ends exactly at readyBy',
      raw: {
        action: 'resume',
        targets: { tags: { env: 'dev' } },
        readyBy: '2026-11-28T08:00:00Z',
        keepAwakeUntil: '2026-11-28T08:00:00Z',
      },
      field: 'keepAwakeUntil',
    },
    {
      what: 'keepAwakeUntil with a pause',
      raw: { action: 'pause', targets: { tags: { env: 'dev' } }, keepAwakeUntil: '2026-11-28T08:00:00Z' },
      field: 'keepAwakeUntil',
    },
    {
      what: 'a keep-awake time in the past',
      raw: { action: 'resume', targets: { tags: { env: 'dev' } }, keepAwakeUntil: '2026-11-28T05:59:59Z' },
      field: 'keepAwakeUntil',
    },
  ])('names the field for $what', ({ raw, field }) => {
    // Prepare
    const input = raw;

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues.map((i) => i.field)).toContain(field);
  });

  it('names an unknown top-level field in the message', () => {
    // Prepare
    const raw = { action: 'pause', targets: { tags: { env: 'dev' } }, dryrun: true };

    // Act
    const issues = issuesOf(raw);

    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]!.problem).toContain('dryrun');
  });

  it('lists every bad field at once', () => {
    // Prepare
    const raw = { action: 'restart', targets: { serviceNames: ['x'] }, reason: 7, requestedBy: '' };

    // Act
    const fields = issuesOf(raw).map((i) => i.field);

    // Assess
    expect(fields).toEqual(
      expect.arrayContaining(['action', 'targets.serviceNames[0]', 'reason', 'requestedBy']),
    );
  });

  it.each([null, 'resume', 42, ['resume']])('rejects %j as not a JSON object', (raw) => {
    // Prepare
    const input: unknown = raw;

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues).toEqual([{ field: '(input)', problem: 'must be a JSON object' }]);
  });

  it('enforces the configured target limit on explicit names and ARNs together', () => {
    // Prepare
    const raw = {
      action: 'pause',
      targets: { serviceNames: ['api-staging', 'web-staging'], serviceArns: [arn('jobs-staging')] },
    };

    // Act
    const issues = issuesOf(raw, { now: NOW, maxTargets: 2 });
    const accepted = parseExecutionInput(raw, { now: NOW, maxTargets: 3 });

    // Assess
    expect(issues).toEqual([{ field: 'targets', problem: 'names 3 services; the limit is 2 per execution' }]);
    expect(accepted.targets.serviceNames).toHaveLength(2);
  });

  it('caps a selector list at the absolute limit whatever the configuration', () => {
    // Prepare
    const names = Array.from({ length: ABSOLUTE_MAX_TARGETS + 1 }, (_, i) => `svc-${i}`);

    // Act
    const issues = issuesOf(
      { action: 'pause', targets: { serviceNames: names } },
      { now: NOW, maxTargets: 1e9 },
    );

    // Assess
    expect(issues.map((i) => i.field)).toContain('targets.serviceNames');
  });

  it('limits text fields and tag selectors to their documented sizes', () => {
    // Prepare
    const tags = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    const raw = {
      action: 'pause',
      targets: { tags },
      reason: 'r'.repeat(513),
      requestedBy: `user:${'a'.repeat(124)}`,
    };
    const atLimits = {
      action: 'pause',
      targets: { tags: { [`k${'x'.repeat(126)}`]: 'v'.repeat(256) } },
      reason: 'r'.repeat(512),
      requestedBy: `user:${'a'.repeat(123)}`,
    };

    // Act
    const issues = issuesOf(raw);
    const accepted = parseExecutionInput(atLimits, opts);

    // Assess
    expect(issues.map((i) => i.field).sort()).toEqual(['reason', 'requestedBy', 'targets.tags']);
    expect(accepted.reason).toHaveLength(512);
  });

  it(`accepts a lease up to ${MAX_LEASE_DAYS} days ahead and not a millisecond more`, () => {
    // Prepare
    const limit = NOW + MAX_LEASE_DAYS * 86_400_000;
    const input = (t: number) => ({
      action: 'resume',
      targets: { tags: { env: 'dev' } },
      keepAwakeUntil: new Date(t).toISOString(),
    });

    // Act
    const atLimit = parseExecutionInput(input(limit), opts);
    const issues = issuesOf(input(limit + 1));
    const atNow = issuesOf(input(NOW));

    // Assess
    expect(atLimit.keepAwakeUntil).toBe(new Date(limit).toISOString());
    expect(issues).toEqual([
      { field: 'keepAwakeUntil', problem: `is more than ${MAX_LEASE_DAYS} days ahead` },
    ]);
    expect(atNow).toEqual([{ field: 'keepAwakeUntil', problem: 'is in the past' }]);
  });
});

describe('keepAwakeFor (a lease relative to the run)', () => {
  const now = Date.UTC(2026, 10, 28, 6, 0, 0);
  const base = { action: 'resume', targets: { serviceNames: ['api-staging'] } };

  it('accepts an ISO-8601 duration on a resume', () => {
    expect(
      parseExecutionInput({ ...base, keepAwakeFor: 'PT10H' }, { now, maxTargets: 10 }).keepAwakeFor,
    ).toBe('PT10H');
  });

  it('accepts a lease that outlasts readyBy (it counts from the start of the run)', () => {
    const input = { ...base, keepAwakeFor: 'PT2H1M', readyBy: '2026-11-28T08:00:00Z' };
    expect(parseExecutionInput(input, { now, maxTargets: 10 }).keepAwakeFor).toBe('PT2H1M');
  });

  it.each([
    [
      { ...base, action: 'pause', keepAwakeFor: 'PT1H' },
      'keepAwakeFor: is only allowed with action "resume"',
    ],
    [
      { ...base, keepAwakeFor: 'PT1H', keepAwakeUntil: '2026-11-28T08:00:00Z' },
      'keepAwakeFor: give keepAwakeUntil or keepAwakeFor, not both',
    ],
    [{ ...base, keepAwakeFor: '10h' }, 'keepAwakeFor: must be an ISO-8601 duration'],
    [{ ...base, keepAwakeFor: 'PT0H' }, 'keepAwakeFor: must be longer than zero'],
    [{ ...base, keepAwakeFor: 'P32D' }, 'keepAwakeFor: is more than 31 days'],
    [
      { ...base, keepAwakeFor: 'PT2H', readyBy: '2026-11-28T08:00:00Z' },
      'keepAwakeFor: ends before readyBy: the lease counts from the start of the run',
    ],
  ])('refuses %j naming the field', (input, message) => {
    expect(() => parseExecutionInput(input, { now, maxTargets: 10 })).toThrow(message);
  });
});

describe('tag keys that JSON parsing treats specially', () => {
  it('refuses a "__proto__" tag key instead of silently dropping it (which would widen the selection)', () => {
    // Prepare
    const raw = JSON.parse('{"action":"pause","targets":{"tags":{"__proto__":"x","env":"staging"}}}');

    // Act / Assess
    expect(() => parseExecutionInput(raw, { now: Date.UTC(2026, 10, 28), maxTargets: 10 })).toThrow(
      'targets.tags.__proto__: this tag key is not supported',
    );
  });
});
