// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRunResult } from '../../cli/local/executor';
import { runLocalExecution } from '../../cli/local/executor';
import { startEmulator } from '../../emulator/index';
import { VirtualClock } from '../../lib/runtime/clock';
import {
  type CfnTemplate,
  type PackageResult,
  packageStack,
  removePackage,
  resourcesOfType,
  SCALING_ARNS,
  SERVICE_ARNS,
  type Statement,
  THIS_REGION_ONLY,
} from './package-stack';

const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const LOG_DELIVERY = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
];

let packaged: PackageResult | undefined;
let template: CfnTemplate;

beforeAll(async () => {
  packaged = await packageStack();
  if (!packaged.ok || !packaged.template) throw new Error(`osls package failed:\n${packaged.output}`);
  template = packaged.template;
});

afterAll(async () => {
  if (packaged) await removePackage(packaged);
});

/** Every statement of every IAM role's inline policies, with the role's logical id. */
function roleStatements(): Array<Statement & { role: string }> {
  return Object.entries(resourcesOfType(template, 'AWS::IAM::Role')).flatMap(([role, r]) =>
    ((r.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>).flatMap((p) =>
      p.PolicyDocument.Statement.map((s) => ({ ...s, role })),
    ),
  );
}

/** A logical id of this template, from a Ref or a GetAtt. */
function ownResource(value: unknown): string | undefined {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = v?.Ref ?? v?.['Fn::GetAtt']?.[0];
  return id && id in template.Resources ? id : undefined;
}

/**
 * What a policy Resource reaches: `any` ("*"), `app-runner-services` (services of this account and region),
 * `own` (a resource of this stack, its versions or its executions), or `unknown`.
 */
function reach(resource: unknown): 'any' | 'app-runner-services' | 'app-runner-scaling' | 'own' | 'unknown' {
  if (resource === '*') return 'any';
  if (JSON.stringify(resource) === JSON.stringify(SERVICE_ARNS)) return 'app-runner-services';
  if (JSON.stringify(resource) === JSON.stringify(SCALING_ARNS)) return 'app-runner-scaling';
  if (ownResource(resource)) return 'own';
  const sub = (resource as { 'Fn::Sub'?: [string, Record<string, unknown>] | string })['Fn::Sub'];
  // The stage's freeze parameter: the stack's own, though it does not create it (a deploy must not lift a freeze).
  if (
    sub ===
    'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/apprunner-scheduler/test/freeze'
  ) {
    return 'own';
  }
  if (Array.isArray(sub)) {
    const [text, vars] = sub;
    // A function's versions and aliases, or the executions of this stack's state machine.
    if (text === '${functionArn}:*' && ownResource(vars.functionArn)) return 'own';
    if (
      text === 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*' &&
      ownResource(vars.Name)
    ) {
      return 'own';
    }
  }
  return 'unknown';
}

describe('security of the packaged stack', () => {
  it('grants no wildcard action and nothing wider than this stack and the App Runner services of its account and region', () => {
    // Act
    const statements = roleStatements();

    // Assess
    expect(statements.length).toBeGreaterThan(15);
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      for (const action of [s.Action].flat()) expect(action, `${s.role} ${action}`).not.toContain('*');
      for (const resource of [s.Resource].flat()) {
        expect(reach(resource), `${s.role}: ${JSON.stringify(resource)}`).not.toBe('unknown');
      }
      for (const action of [s.Action].flat().filter((a) => a.startsWith('apprunner:'))) {
        if (action === 'apprunner:ListServices') continue;
        // Auto scaling configurations are read (MinSize, for the savings estimate), never changed.
        const expected =
          action === 'apprunner:DescribeAutoScalingConfiguration'
            ? 'app-runner-scaling'
            : 'app-runner-services';
        expect([s.Resource].flat().map(reach), `${s.role} ${action}`).toEqual([expected]);
      }
    }
    // Only the two batch-engine roles read auto scaling configurations: the savings of a resume need MinSize.
    const scaling = statements.filter((s) =>
      [s.Action].flat().includes('apprunner:DescribeAutoScalingConfiguration'),
    );
    expect(scaling.map((s) => s.role).sort()).toEqual(['CheckOperationsRole', 'StartOperationsRole']);
    // Only Plan may ask the tag index which services carry a tag (tag:GetResources has no resource level).
    const tagIndex = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('tag:')));
    expect(tagIndex.map((s) => [s.role, s.Action])).toEqual([['PlanRole', 'tag:GetResources']]);
    // Only the two batch-engine roles may tag or untag, and only the product's own tags (the lease, the observed warm-up).
    const tagging = statements.filter((s) =>
      [s.Action].flat().some((a) => a === 'apprunner:TagResource' || a === 'apprunner:UntagResource'),
    );
    const ownTagsOnly = {
      'ForAllValues:StringEquals': {
        'aws:TagKeys': [
          'apprunner-scheduler:keep-awake-until',
          'apprunner-scheduler:keep-awake-by',
          'apprunner-scheduler:keep-awake-reason',
          'apprunner-scheduler:observed-warmup',
        ],
      },
    };
    expect(tagging.map((s) => [s.role, s.Condition]).sort()).toEqual([
      ['CheckOperationsRole', ownTagsOnly],
      ['StartOperationsRole', ownTagsOnly],
    ]);
  });

  it('allows Resource "*" only for the documented exceptions: ListServices and GetResources in this region, X-Ray, log delivery', () => {
    // Act
    const wide = roleStatements()
      .filter((s) => [s.Resource].flat().some((r) => reach(r) === 'any'))
      .map((s) => ({
        role: s.role,
        actions: [s.Action].flat().sort(),
        ...(s.Condition ? { condition: s.Condition } : {}),
      }))
      .sort((a, b) => `${a.role}${a.actions}`.localeCompare(`${b.role}${b.actions}`));

    // Assess
    const expected = [
      { role: 'CheckOperationsRole', actions: ['apprunner:ListServices'], condition: THIS_REGION_ONLY },
      { role: 'CheckOperationsRole', actions: XRAY },
      { role: 'PlanRole', actions: ['apprunner:ListServices'], condition: THIS_REGION_ONLY },
      { role: 'PlanRole', actions: ['tag:GetResources'], condition: THIS_REGION_ONLY },
      { role: 'PlanRole', actions: XRAY },
      { role: 'ReportRole', actions: XRAY },
      {
        role: 'SchedulerStateMachineRole',
        actions: [...LOG_DELIVERY, ...XRAY, 'xray:GetSamplingRules', 'xray:GetSamplingTargets'].sort(),
      },
      { role: 'StartOperationsRole', actions: ['apprunner:ListServices'], condition: THIS_REGION_ONLY },
      { role: 'StartOperationsRole', actions: XRAY },
    ];
    expect(wide).toEqual(expected);
  });

  it('lets only Lambda assume the function roles, and only this account reach the key and topic', () => {
    // Act
    const fnRoles = ['PlanRole', 'StartOperationsRole', 'CheckOperationsRole', 'ReportRole'];
    const key = template.Resources.AlertKey!.Properties as {
      KeyPolicy: { Statement: Statement[] };
    };
    const topicPolicy = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'))[0]!.Properties as {
      PolicyDocument: { Statement: Statement[] };
    };

    // Assess
    for (const role of fnRoles) {
      const trust = template.Resources[role]!.Properties.AssumeRolePolicyDocument as {
        Statement: Statement[];
      };
      expect(trust.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
    // The key's only wildcard action is the default key policy's delegation to this account's IAM.
    const keyWildcards = key.KeyPolicy.Statement.filter((s) =>
      [s.Action].flat().some((a) => a.includes('*')),
    );
    expect(keyWildcards.map((s) => s.Principal)).toEqual([
      { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
    ]);
    for (const s of key.KeyPolicy.Statement.filter((x) => (x.Principal as { Service?: string })?.Service)) {
      expect(s.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    }
    for (const s of topicPolicy.PolicyDocument.Statement.filter((x) => x.Effect === 'Allow')) {
      expect(s.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    }
    expect(topicPolicy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('encrypts the alert topic with a customer-managed, rotated key', () => {
    // Act
    const topic = template.Resources.AlertTopic!.Properties;
    const key = template.Resources.AlertKey!;

    // Assess
    expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': ['AlertKey', 'Arn'] });
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('logs no execution data from the state machine: level ERROR, IncludeExecutionData false', () => {
    // Act
    const machines = Object.values(resourcesOfType(template, 'AWS::StepFunctions::StateMachine'));

    // Assess
    expect(machines).toHaveLength(1);
    expect(machines[0]!.Properties.LoggingConfiguration).toMatchObject({
      Level: 'ERROR',
      IncludeExecutionData: false,
    });
  });
});

describe('what the functions log at INFO', () => {
  const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEYxx';
  const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKENdoNotLogMe0123456789';
  const saved = { secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
  const names = ['api-staging', 'web-staging', 'worker-staging', 'jobs-staging', 'admin-staging'];
  const input = {
    action: 'resume',
    targets: { serviceNames: names },
    reason: 'incident 4711 private details',
    requestedBy: 'user:alice',
    keepAwakeUntil: '2026-11-28T10:00:00Z',
  };
  let result: LocalRunResult;
  let lines: string[];

  beforeAll(async () => {
    // Prepare: distinctive credentials, and a run that logs a lot (a lease, a failure, an alert).
    process.env.AWS_SECRET_ACCESS_KEY = SECRET;
    process.env.AWS_SESSION_TOKEN = TOKEN;
    const clock = new VirtualClock(Date.UTC(2026, 10, 28, 6, 0, 0));
    const emulator = await startEmulator({
      clock,
      fleet: {
        defaults: { durations: { resume: 30 } },
        services: names.map((name, i) => ({
          name,
          status: i === 1 ? ('RUNNING' as const) : ('PAUSED' as const),
        })),
        faults: [{ type: 'operation-fails', service: 'jobs-staging' }],
      },
    });
    try {
      result = await runLocalExecution(input, { appRunnerEndpoint: emulator.endpoint, clock });
    } finally {
      await emulator.stop();
    }
    lines = [...result.captured.logs, ...result.captured.emf].map((l) => JSON.stringify(l));
  });

  afterAll(() => {
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.token === undefined) delete process.env.AWS_SESSION_TOKEN;
    else process.env.AWS_SESSION_TOKEN = saved.token;
  });

  it('ran a workflow that logged at INFO and above', () => {
    // Assess
    expect(result.report?.summary).toMatchObject({ targeted: 5, failed: 1 });
    expect(result.captured.logs.filter((l) => l.level === 'INFO').length).toBeGreaterThan(5);
    expect(result.captured.logs.some((l) => l.level === 'DEBUG')).toBe(false);
  });

  it('never logs credentials or request signatures', () => {
    // Assess
    for (const line of [...lines, ...result.captured.other]) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(TOKEN);
      expect(line).not.toMatch(/authorization|x-amz-security-token|x-amz-signature|Credential=/i);
    }
    for (const alert of result.alerts) {
      expect(alert.message).not.toContain(SECRET);
      expect(alert.message).not.toContain(TOKEN);
    }
  });

  it('never logs a whole event: no execution input, no batch state, no list of every target', () => {
    // Assess
    for (const line of lines) {
      expect(line).not.toContain(JSON.stringify(input));
      expect(line).not.toContain(JSON.stringify(input.targets));
      expect(line).not.toContain(JSON.stringify(names));
      expect(names.filter((n) => line.includes(n)).length, line).toBeLessThanOrEqual(1);
      expect(line).not.toMatch(/"(settings|batches|services|outcomes|input|targets)":[[{]/);
      expect(line).not.toContain(input.reason);
    }
    expect(result.captured.logs.some((l) => l.message === 'Lambda invocation event')).toBe(false);
  });
});
