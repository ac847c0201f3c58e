import fc from 'fast-check';

/**
 * Generators for the execution input (contract) and near-miss mutations of it. The App Runner patterns
 * below are written out from App Runner's API model (FACTS.md), independently of lib/arn.ts, so that the
 * properties check the product against the model rather than against itself.
 */
export const APP_RUNNER_SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/;
export const APP_RUNNER_SERVICE_ARN =
  /^arn:aws[a-z-]*:apprunner:[a-z]{2}(-[a-z]+)+-\d:\d{12}:service\/[A-Za-z0-9][A-Za-z0-9-_]{3,39}\/[0-9a-f]{32}$/;

/** 2026-11-28T06:00:00Z, the "now" of every property. */
export const NOW = Date.UTC(2026, 10, 28, 6, 0, 0);
export const DAY = 86_400_000;

const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const char = (chars: string) => fc.constantFrom(...chars.split(''));

/** A service name App Runner accepts. */
export const serviceName = fc
  .tuple(char(alnum), fc.array(char(`${alnum}-_`), { minLength: 3, maxLength: 39 }))
  .map(([first, rest]) => first + rest.join(''));

export const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1');
const hex32 = fc.array(char('0123456789abcdef'), { minLength: 32, maxLength: 32 }).map((a) => a.join(''));
const account = fc.array(char('0123456789'), { minLength: 12, maxLength: 12 }).map((a) => a.join(''));

/** A service ARN App Runner accepts. */
export const serviceArn = fc
  .record({ region, account, name: serviceName, id: hex32 })
  .map(({ region: r, account: a, name, id }) => `arn:aws:apprunner:${r}:${a}:service/${name}/${id}`);

// "__proto__" is refused on purpose (JSON parsers treat it specially); the property tests cover the rest.
const tagKey = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((k) => !k.toLowerCase().startsWith('aws:') && k !== '__proto__');
const tags = fc.dictionary(tagKey, fc.string({ maxLength: 40 }), { minKeys: 1, maxKeys: 4 });

/** A valid `targets`: one to three selectors. */
export const targets = fc
  .record(
    {
      serviceArns: fc.array(serviceArn, { minLength: 1, maxLength: 4 }),
      serviceNames: fc.array(serviceName, { minLength: 1, maxLength: 4 }),
      tags,
    },
    { requiredKeys: [] },
  )
  .filter((t) => Object.keys(t).length > 0);

const requestedBy = fc
  .tuple(
    fc.constantFrom('schedule:', 'user:', 'runbook:'),
    fc.array(char(`${alnum}.-_@`), { minLength: 1, maxLength: 30 }),
  )
  .map(([prefix, rest]) => prefix + rest.join(''));

/** A lease time within the accepted window (after now, at most 31 days ahead). */
export const leaseTime = fc
  .integer({ min: 1000, max: 31 * DAY })
  .map((ms) => new Date(Math.floor((NOW + ms) / 1000) * 1000).toISOString());

/** A valid execution input (a resume may carry a lease; a pause may not). */
export const validInput = fc
  .record(
    {
      action: fc.constantFrom('resume', 'pause'),
      targets,
      dryRun: fc.boolean(),
      reason: fc.string({ maxLength: 100 }),
      requestedBy,
      keepAwakeUntil: leaseTime,
    },
    { requiredKeys: ['action', 'targets'] },
  )
  .map((input) => {
    if (input.action === 'pause') {
      const { keepAwakeUntil: _dropped, ...rest } = input;
      return rest;
    }
    return input;
  });

export type Input = Record<string, unknown> & { targets: Record<string, unknown> };

/** A change that makes a valid input invalid, and the field the rejection must name. */
export interface Mutation {
  what: string;
  field: string;
  /** Text the message must also contain (the name of an unknown field). */
  mentions?: string;
  apply(input: Input): Input;
}

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer()));
const notAnArray = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.constant(null),
  fc.dictionary(fc.string(), fc.string()),
);

/** A name App Runner rejects: too short, too long, a bad first or inner character. */
export const badServiceName = fc.oneof(
  fc.array(char(alnum), { minLength: 0, maxLength: 3 }).map((a) => a.join('')),
  fc.array(char(alnum), { minLength: 41, maxLength: 60 }).map((a) => a.join('')),
  fc.tuple(char('-_.:/ '), serviceName).map(([c, n]) => c + n.slice(1)),
  fc.tuple(serviceName, char('./: *?#%é'), fc.nat()).map(([n, c, i]) => {
    const at = 1 + (i % (n.length - 1));
    return n.slice(0, at) + c + n.slice(at + 1);
  }),
);

/** An ARN App Runner rejects: a part missing, of the wrong shape, or another resource type. */
export const badServiceArn = fc.oneof(
  serviceArn.map((a) => a.slice(0, a.lastIndexOf('/'))),
  serviceArn.map((a) => a.replace(':apprunner:', ':ecs:')),
  serviceArn.map((a) => a.replace(':service/', ':connection/')),
  serviceArn.map((a) => a.replace(/:\d{12}:/, ':12345:')),
  serviceArn.map((a) => `${a.slice(0, -1)}G`),
  serviceArn.map((a) => a.toUpperCase()),
  fc.tuple(serviceArn, badServiceName).map(([a, n]) => a.replace(/service\/[^/]+\//, `service/${n}/`)),
  fc.string(),
);

/** A timestamp the contract rejects: no zone, not a date, not a real day, or a date only. */
const badTimestamp = fc.oneof(
  leaseTime.map((t) => t.replace('Z', '')),
  leaseTime.map((t) => t.slice(0, 10)),
  fc.constantFrom('2026-02-30T08:00:00Z', '2026-13-01T00:00:00Z', 'tomorrow', '', '2026-11-28 08:00:00Z'),
  fc.integer().map(String),
);

/** Every way to break a valid input, each with the field the message must name. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .string()
    .filter((a) => a !== 'resume' && a !== 'pause')
    .map(
      (action): Mutation => ({
        what: `action ${JSON.stringify(action)}`,
        field: 'action',
        apply: (i) => ({ ...i, action }),
      }),
    ),
  fc.constant<Mutation>({
    what: 'no action',
    field: 'action',
    apply: ({ action: _a, ...rest }) => rest as Input,
  }),
  fc.constant<Mutation>({
    what: 'no targets',
    field: 'targets',
    apply: ({ targets: _t, ...rest }) => rest as Input,
  }),
  fc.constant<Mutation>({ what: 'empty targets', field: 'targets', apply: (i) => ({ ...i, targets: {} }) }),
  fc
    .tuple(fc.string({ minLength: 1 }), fc.jsonValue())
    .filter(([k]) => !['action', 'targets', 'dryRun', 'reason', 'requestedBy', 'keepAwakeUntil'].includes(k))
    .filter(([k]) => !['__proto__', 'constructor', 'toString'].includes(k))
    .map(
      ([key, value]): Mutation => ({
        what: `unknown field ${JSON.stringify(key)}`,
        field: '(input)',
        mentions: `Unrecognized key: "${key}"`,
        apply: (i) => ({ ...i, [key]: value }),
      }),
    ),
  fc
    .tuple(fc.array(serviceName, { maxLength: 3 }), badServiceName, fc.nat())
    .map(([names, bad, at]): Mutation => {
      const index = names.length === 0 ? 0 : at % (names.length + 1);
      return {
        what: `service name ${JSON.stringify(bad)}`,
        field: `targets.serviceNames[${index}]`,
        apply: (i) => ({
          ...i,
          targets: { ...i.targets, serviceNames: [...names.slice(0, index), bad, ...names.slice(index)] },
        }),
      };
    }),
  fc.tuple(fc.array(serviceArn, { maxLength: 3 }), badServiceArn).map(
    ([arns, bad]): Mutation => ({
      what: `service ARN ${JSON.stringify(bad)}`,
      field: `targets.serviceArns[${arns.length}]`,
      apply: (i) => ({ ...i, targets: { ...i.targets, serviceArns: [...arns, bad] } }),
    }),
  ),
  notAnArray.map(
    (value): Mutation => ({
      what: `serviceNames ${JSON.stringify(value)}`,
      field: 'targets.serviceNames',
      apply: (i) => ({ ...i, targets: { ...i.targets, serviceNames: value } }),
    }),
  ),
  fc.string().map(
    (rest): Mutation => ({
      what: `tag key aws:${rest}`,
      field: 'targets.tags',
      apply: (i) => ({ ...i, targets: { ...i.targets, tags: { [`aws:${rest}`]: 'x' } } }),
    }),
  ),
  fc
    .string({ minLength: 1 })
    .filter((k) => !['serviceArns', 'serviceNames', 'tags', '__proto__'].includes(k))
    .map(
      (key): Mutation => ({
        what: `unknown selector ${JSON.stringify(key)}`,
        field: 'targets',
        mentions: `Unrecognized key: "${key}"`,
        apply: (i) => ({ ...i, targets: { ...i.targets, [key]: ['x'] } }),
      }),
    ),
  notAString.map(
    (value): Mutation => ({
      what: `reason ${JSON.stringify(value)}`,
      field: 'reason',
      apply: (i) => ({ ...i, reason: value }),
    }),
  ),
  fc.string({ minLength: 513, maxLength: 600 }).map(
    (reason): Mutation => ({
      what: 'a reason too long',
      field: 'reason',
      apply: (i) => ({ ...i, reason }),
    }),
  ),
  fc.oneof(fc.string(), fc.integer(), fc.constant(null)).map(
    (value): Mutation => ({
      what: `dryRun ${JSON.stringify(value)}`,
      field: 'dryRun',
      apply: (i) => ({ ...i, dryRun: value }),
    }),
  ),
  fc
    .oneof(
      fc.constant(''),
      fc.string().filter((s) => /[^\w.:@/+=,-]/.test(s)),
    )
    .map(
      (value): Mutation => ({
        what: `requestedBy ${JSON.stringify(value)}`,
        field: 'requestedBy',
        apply: (i) => ({ ...i, requestedBy: value }),
      }),
    ),
  badTimestamp.map(
    (value): Mutation => ({
      what: `keepAwakeUntil ${JSON.stringify(value)}`,
      field: 'keepAwakeUntil',
      apply: (i) => ({ ...i, action: 'resume', keepAwakeUntil: value }),
    }),
  ),
  fc.integer({ min: 0, max: 365 * DAY }).map(
    (ago): Mutation => ({
      what: 'keepAwakeUntil in the past',
      field: 'keepAwakeUntil',
      apply: (i) => ({ ...i, action: 'resume', keepAwakeUntil: new Date(NOW - ago).toISOString() }),
    }),
  ),
  fc.integer({ min: 31 * DAY + 1000, max: 400 * DAY }).map(
    (ahead): Mutation => ({
      what: 'keepAwakeUntil too far ahead',
      field: 'keepAwakeUntil',
      apply: (i) => ({ ...i, action: 'resume', keepAwakeUntil: new Date(NOW + ahead).toISOString() }),
    }),
  ),
  leaseTime.map(
    (until): Mutation => ({
      what: 'keepAwakeUntil on a pause',
      field: 'keepAwakeUntil',
      apply: (i) => ({ ...i, action: 'pause', keepAwakeUntil: until }),
    }),
  ),
);

/** Any JSON value, or an object whose keys are mostly the contract's with arbitrary values. */
export const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      action: fc.oneof(fc.constantFrom('resume', 'pause'), fc.jsonValue()),
      targets: fc.oneof(
        targets as fc.Arbitrary<unknown>,
        fc.jsonValue(),
        fc.record(
          { serviceNames: fc.jsonValue(), serviceArns: fc.jsonValue(), tags: fc.jsonValue() },
          { requiredKeys: [] },
        ),
      ),
      dryRun: fc.jsonValue(),
      reason: fc.jsonValue(),
      requestedBy: fc.jsonValue(),
      keepAwakeUntil: fc.oneof(leaseTime as fc.Arbitrary<unknown>, fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
);
