import { AppRunnerApiError } from './errors';

/**
 * Server-side input validation, as App Runner does it (the SDK validates nothing): required members, lengths,
 * patterns and ranges from the App Runner model (`apprunner-2020-05-15`), reported in the AWS front end's
 * words: "1 validation error detected: Value 'x' at 'serviceArn' failed to satisfy constraint: …".
 * A value of the wrong JSON type is a SerializationException, as on AWS.
 */

export type Shape =
  | { kind: 'string'; min?: number; max?: number; pattern?: string; regex?: RegExp }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'list'; member: Shape; min?: number; max?: number }
  | { kind: 'structure'; members: Record<string, { shape: Shape; required?: boolean }> };

/** Patterns exactly as the model spells them (they appear in error messages). */
export const patterns = {
  resourceArn: 'arn:aws(-[\\w]+)*:[a-z0-9-\\\\.]{0,63}:[a-z0-9-\\\\.]{0,63}:[0-9]{12}:(\\w|\\/|-){1,1011}',
  tagKey: '^(?!aws:).+',
  any: '.*',
} as const;

const anchored = (pattern: string) =>
  new RegExp(`^(?:${pattern.replace(/^\^/, '').replace(/\$$/, '')})$`, 's');

const resourceArn: Shape = {
  kind: 'string',
  min: 1,
  max: 1011,
  pattern: patterns.resourceArn,
  regex: anchored(patterns.resourceArn),
};
const nextToken: Shape = { kind: 'string', min: 0, max: 51200, pattern: patterns.any, regex: /^.*$/s };
const maxResults: Shape = { kind: 'integer', min: 1, max: 20 };
const tagKey: Shape = {
  kind: 'string',
  min: 1,
  max: 128,
  pattern: patterns.tagKey,
  regex: anchored(patterns.tagKey),
};
const tagValue: Shape = { kind: 'string', min: 0, max: 256, pattern: patterns.any, regex: /^.*$/s };

export const struct = (members: Record<string, { shape: Shape; required?: boolean }>): Shape => ({
  kind: 'structure',
  members,
});

/** The operations the emulator serves, with their input shapes. */
export const inputShapes = {
  DescribeService: struct({ ServiceArn: { shape: resourceArn, required: true } }),
  ListServices: struct({ NextToken: { shape: nextToken }, MaxResults: { shape: maxResults } }),
  PauseService: struct({ ServiceArn: { shape: resourceArn, required: true } }),
  ResumeService: struct({ ServiceArn: { shape: resourceArn, required: true } }),
  ListOperations: struct({
    ServiceArn: { shape: resourceArn, required: true },
    NextToken: { shape: nextToken },
    MaxResults: { shape: maxResults },
  }),
  ListTagsForResource: struct({ ResourceArn: { shape: resourceArn, required: true } }),
  TagResource: struct({
    ResourceArn: { shape: resourceArn, required: true },
    Tags: {
      shape: {
        kind: 'list',
        // Key and Value are optional in the model; App Runner rejects a tag without a key, so we do too.
        member: struct({ Key: { shape: tagKey, required: true }, Value: { shape: tagValue } }),
      },
      required: true,
    },
  }),
  UntagResource: struct({
    ResourceArn: { shape: resourceArn, required: true },
    TagKeys: { shape: { kind: 'list', member: tagKey }, required: true },
  }),
  DescribeAutoScalingConfiguration: struct({
    AutoScalingConfigurationArn: { shape: resourceArn, required: true },
  }),
} satisfies Record<string, Shape>;

export type ApiOperation = keyof typeof inputShapes;
export const apiOperations = Object.keys(inputShapes) as ApiOperation[];

export function isApiOperation(name: string): name is ApiOperation {
  return Object.hasOwn(inputShapes, name);
}

export interface Issue {
  path: string;
  value: unknown;
  constraint: string;
}

/**
 * Checks `input` against the operation's input shape. Throws InvalidRequestException listing every
 * constraint violation (naming each member), or SerializationException for a value of the wrong type.
 * Unknown members are ignored, as the AWS JSON protocols do.
 */
export function validateInput(op: ApiOperation, input: unknown): void {
  const issues = shapeIssues(inputShapes[op], input);
  if (issues.length > 0) throw validationError(issues);
}

/**
 * Every constraint `input` breaks of `shape` (unknown members ignored).
 * @throws AppRunnerApiError SerializationException for a value of the wrong JSON type
 */
export function shapeIssues(shape: Shape, input: unknown): Issue[] {
  const issues: Issue[] = [];
  check(shape, input, '', issues);
  return issues;
}

/** "2 validation errors detected: Value 'x' at 'a' failed to satisfy constraint: …; …", as AWS words it. */
export function describeIssues(issues: Issue[]): string {
  const n = issues.length;
  const details = issues
    .map((i) => `Value ${formatValue(i.value)} at '${i.path}' failed to satisfy constraint: ${i.constraint}`)
    .join('; ');
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${details}`;
}

/** Builds the InvalidRequestException AWS returns for constraint violations. */
function validationError(issues: Issue[]): AppRunnerApiError {
  return new AppRunnerApiError('InvalidRequestException', describeIssues(issues));
}

/** One constraint violation on one member, for checks the model layer makes (e.g. "is a service ARN"). */
export function memberError(path: string, value: unknown, constraint: string): AppRunnerApiError {
  return validationError([{ path, value, constraint }]);
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) {
    const text = value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
    // A long list would push the member and the constraint past the 600-character cap of the message.
    return `'[${text.length > 120 ? `${text.slice(0, 119)}…` : text}]'`;
  }
  return `'${typeof value === 'object' ? JSON.stringify(value) : String(value)}'`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const join = (path: string, member: string) => (path === '' ? member : `${path}.${member}`);

function typeError(path: string, expected: string, value: unknown): AppRunnerApiError {
  const got = Array.isArray(value) ? 'array' : typeof value;
  return new AppRunnerApiError(
    'SerializationException',
    `Expected ${expected} for member '${path || 'input'}', got ${got}`,
  );
}

function check(shape: Shape, value: unknown, path: string, issues: Issue[]): void {
  switch (shape.kind) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw typeError(path, 'an object', value);
      }
      const record = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(shape.members)) {
        const memberPath = join(path, lowerFirst(name));
        const v = record[name];
        if (v === undefined || v === null) {
          if (member.required)
            issues.push({ path: memberPath, value: null, constraint: 'Member must not be null' });
          continue;
        }
        check(member.shape, v, memberPath, issues);
      }
      return;
    }
    case 'boolean': {
      if (typeof value !== 'boolean') throw typeError(path, 'a boolean', value);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) throw typeError(path, 'a list', value);
      checkLength(shape, value, path, issues);
      value.forEach((item, index) => {
        const itemPath = `${path}.${index + 1}.member`;
        if (item === null || item === undefined) {
          issues.push({ path: itemPath, value: null, constraint: 'Member must not be null' });
        } else {
          check(shape.member, item, itemPath, issues);
        }
      });
      return;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(path, 'an integer', value);
      if (shape.min !== undefined && value < shape.min) {
        issues.push({
          path,
          value,
          constraint: `Member must have value greater than or equal to ${shape.min}`,
        });
      } else if (shape.max !== undefined && value > shape.max) {
        issues.push({ path, value, constraint: `Member must have value less than or equal to ${shape.max}` });
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') throw typeError(path, 'a string', value);
      checkLength(shape, value, path, issues);
      if (shape.regex && shape.pattern && !shape.regex.test(value)) {
        issues.push({
          path,
          value,
          constraint: `Member must satisfy regular expression pattern: ${shape.pattern}`,
        });
      }
      return;
    }
  }
}

/** The length constraints of a list or string shape. */
function checkLength(
  shape: { min?: number; max?: number },
  value: string | unknown[],
  path: string,
  issues: Issue[],
): void {
  if (shape.min !== undefined && value.length < shape.min) {
    issues.push({ path, value, constraint: `Member must have length greater than or equal to ${shape.min}` });
  }
  if (shape.max !== undefined && value.length > shape.max) {
    issues.push({ path, value, constraint: `Member must have length less than or equal to ${shape.max}` });
  }
}
