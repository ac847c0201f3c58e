// biome-ignore-all lint/suspicious/noExplicitAny: the template is untyped JSON, read by deep property paths.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionInputSchema } from '../../lib/contract/execution-input';
import { loadConfig } from '../../lib/runtime/config';
import { loadSchedules } from '../../lib/schedules/schedules';
import {
  type CfnTemplate,
  type PackageResult,
  packageStack,
  REPO,
  removePackage,
  resourcesOfType,
  SCALING_ARNS,
  SERVICE_ARNS,
  type Statement,
  THIS_REGION_ONLY,
} from './package-stack';

const run = promisify(execFile);

const FUNCTIONS = {
  PlanLambdaFunction: { role: 'PlanRole', timeout: 300, handler: 'functions/plan/handler.handler' },
  StartOperationsLambdaFunction: {
    role: 'StartOperationsRole',
    timeout: 120,
    handler: 'functions/operations/handler.start',
  },
  CheckOperationsLambdaFunction: {
    role: 'CheckOperationsRole',
    timeout: 120,
    handler: 'functions/operations/handler.check',
  },
  ReportLambdaFunction: { role: 'ReportRole', timeout: 60, handler: 'functions/report/handler.handler' },
} as const;

type Bridge = (context: { resolveVariable: (v: string) => Promise<unknown> }) => Promise<CfnTemplate>;

let template: CfnTemplate;
let templatePath: string;
let mixed: CfnTemplate;
let mixedPath: string;
let packaged: PackageResult | undefined;

beforeAll(async () => {
  // Prepare: one package run of the shipped config (osls keeps state in <repo>/.serverless, so package runs
  // that get that far must not overlap). Other schedule files go through the same bridge directly, and the
  // result is swapped into a copy of the packaged template so that cfn-lint sees it in context.
  const example = await packageStack();
  packaged = example;
  if (!example.ok || !example.template) throw new Error(`osls package failed:\n${example.output}`);
  template = example.template;
  templatePath = example.templatePath;

  const bridge = createRequire(import.meta.url)(join(REPO, 'deploy/schedules.cjs')) as Bridge;
  const variables: Record<string, string> = {
    'self:service': 'apprunner-scheduler',
    'sls:stage': 'test',
    'self:custom.schedulesFile': 'test/deploy/fixtures/mixed-types.yml',
  };
  const generated = await bridge({ resolveVariable: async (v) => variables[v] });
  const kept = Object.entries(template.Resources).filter(
    ([, r]) => !['AWS::Scheduler::Schedule', 'AWS::Events::Rule'].includes(r.Type),
  );
  mixed = { ...template, Resources: { ...Object.fromEntries(kept), ...generated.Resources } };
  mixedPath = join(example.dir, 'mixed-types-template.json');
  await writeFile(mixedPath, JSON.stringify(mixed, null, 2));
});

afterAll(async () => {
  if (packaged) await removePackage(packaged);
});

async function cfnLint(path: string) {
  // W3005 (DependsOn next to a GetAtt) is ignored: osls and serverless-step-functions emit those DependsOn
  // themselves; they are redundant, not wrong.
  return run('cfn-lint', ['--ignore-checks', 'W3005', '--', path]).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

function statementsOf(roleId: string, t: CfnTemplate = template): Statement[] {
  const role = t.Resources[roleId];
  expect(role?.Type).toBe('AWS::IAM::Role');
  const policies = role!.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

function normalised(statements: Statement[]) {
  return statements
    .map(({ Effect, Action, Resource, Condition }) => ({
      Effect,
      Action: [Action].flat().sort(),
      Resource,
      ...(Condition !== undefined && { Condition }),
    }))
    .sort((a, b) => a.Action.join().localeCompare(b.Action.join()));
}

function logAndTraceStatements(logGroup: string) {
  return [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
    },
    { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
  ];
}

describe('the packaged CloudFormation template', () => {
  it('turns every schedule of schedules.yml into an EventBridge Scheduler schedule with its cron, time zone and exact input', () => {
    // Prepare
    const expected = {
      ScheduleWeekdayMorning: {
        name: 'weekday-morning',
        cron: 'cron(40 6 ? * MON-FRI *)',
        input: {
          action: 'resume',
          targets: { tags: { env: 'staging' } },
          dryRun: false,
          reason: 'Wake staging up for the working day',
          requestedBy: 'schedule:weekday-morning',
          schedule: {
            name: 'weekday-morning',
            scheduledTime: '<aws.scheduler.scheduled-time>',
            timezone: 'Europe/Berlin',
            readyBy: '07:00',
            skip: {
              horizon: `${new Date().getUTCFullYear() + 5}-12-31`,
              holidays: expect.objectContaining({
                [`${new Date().getUTCFullYear() + 1}-12-25`]: 'Christmas Day',
              }),
              dates: ['2026-12-24..2027-01-01'],
            },
          },
        },
      },
      ScheduleWeekdayEvening: {
        name: 'weekday-evening',
        cron: 'cron(0 20 ? * MON-FRI *)',
        input: {
          action: 'pause',
          targets: { tags: { env: 'staging' } },
          dryRun: false,
          reason: 'Pause staging after the working day',
          requestedBy: 'schedule:weekday-evening',
          schedule: {
            name: 'weekday-evening',
            scheduledTime: '<aws.scheduler.scheduled-time>',
            timezone: 'Europe/Berlin',
          },
        },
      },
      ScheduleWeekend: {
        name: 'weekend',
        cron: 'cron(0 0 ? * SAT *)',
        input: {
          action: 'pause',
          targets: { tags: { env: 'staging' } },
          dryRun: false,
          reason: 'Keep staging paused over the weekend (catches anything woken on Friday night)',
          requestedBy: 'schedule:weekend',
          schedule: {
            name: 'weekend',
            scheduledTime: '<aws.scheduler.scheduled-time>',
            timezone: 'Europe/Berlin',
          },
        },
      },
    };

    // Act
    const schedules = resourcesOfType(template, 'AWS::Scheduler::Schedule');

    // Assess
    expect(Object.keys(schedules).sort()).toEqual(Object.keys(expected).sort());
    expect(Object.keys(schedules)).toHaveLength(loadSchedules(join(REPO, 'schedules.yml')).length);
    for (const [id, want] of Object.entries(expected)) {
      const props = schedules[id]!.Properties as Record<string, any>;
      expect(props.Name).toBe(want.name);
      expect(props.GroupName).toEqual({ Ref: 'ScheduleGroup' });
      expect(props.ScheduleExpression).toBe(want.cron);
      expect(props.ScheduleExpressionTimezone).toBe('Europe/Berlin');
      expect(props.State).toBe('ENABLED');
      expect(props.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(props.Target.Arn).toEqual({ Ref: 'SchedulerStateMachine' });
      expect(props.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['ScheduleInvokeRole', 'Arn'] });
      expect(JSON.parse(props.Target.Input)).toEqual(want.input);
      // EventBridge Scheduler fills in the due time when it fires.
      const fired = props.Target.Input.replace('<aws.scheduler.scheduled-time>', '2027-01-04T05:40:00Z');
      expect(ExecutionInputSchema.safeParse(JSON.parse(fired)).success).toBe(true);
    }
  });

  it('lets the schedules start this state machine and nothing else, only from this account', () => {
    // Act
    const role = template.Resources.ScheduleInvokeRole!.Properties as Record<string, any>;

    // Assess
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Sub':
                'arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/apprunner-scheduler-test/*',
            },
          },
        },
      },
    ]);
    expect(normalised(statementsOf('ScheduleInvokeRole'))).toEqual([
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: 'SchedulerStateMachine' } },
    ]);
  });

  it('declares classic rules (UTC) and disabled schedules when the schedules file asks for them', () => {
    // Act
    const release = mixed.Resources.ScheduleReleaseDay!.Properties as Record<string, any>;
    const nightly = mixed.Resources.ScheduleNightlyUtc!;
    const target = (nightly.Properties.Targets as Array<Record<string, any>>)[0]!;

    // Assess
    expect(release.ScheduleExpressionTimezone).toBe('America/New_York');
    expect(JSON.parse(release.Target.Input)).toEqual({
      action: 'resume',
      targets: {
        serviceArns: [
          'arn:aws:apprunner:eu-west-1:123456789012:service/api-staging/0123456789abcdef0123456789abcdef',
        ],
        serviceNames: ['web-staging'],
      },
      dryRun: false,
      reason: 'release day',
      requestedBy: 'schedule:release-day',
      keepAwakeFor: 'PT10H',
      schedule: {
        name: 'release-day',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        timezone: 'America/New_York',
      },
    });
    expect(nightly.Type).toBe('AWS::Events::Rule');
    expect(nightly.Properties.ScheduleExpression).toBe('cron(0 22 * * ? *)');
    expect(nightly.Properties.State).toBe('DISABLED');
    expect(target.Arn).toEqual({ Ref: 'SchedulerStateMachine' });
    expect(target.InputTransformer.InputPathsMap).toEqual({ scheduledTime: '$.time' });
    expect(JSON.parse(target.InputTransformer.InputTemplate)).toMatchObject({
      action: 'pause',
      requestedBy: 'schedule:nightly-utc',
      schedule: { name: 'nightly-utc', scheduledTime: '<scheduledTime>', timezone: 'UTC' },
    });
    const trust = (mixed.Resources.RuleInvokeRole!.Properties as Record<string, any>)
      .AssumeRolePolicyDocument;
    expect(trust.Statement[0].Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(normalised(statementsOf('RuleInvokeRole', mixed))).toEqual([
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: 'SchedulerStateMachine' } },
    ]);
  });

  it('grants each function exactly the calls its role is meant to allow, on services of this account and region (the calls each really makes: test/acceptance)', () => {
    // Act
    const roles = {
      plan: normalised(statementsOf('PlanRole')),
      start: normalised(statementsOf('StartOperationsRole')),
      check: normalised(statementsOf('CheckOperationsRole')),
      report: normalised(statementsOf('ReportRole')),
    };

    // Assess
    expect(roles.plan).toEqual(
      normalised([
        ...(logAndTraceStatements('PlanLogGroup') as Statement[]),
        { Effect: 'Allow', Action: 'apprunner:ListServices', Resource: '*', Condition: THIS_REGION_ONLY },
        { Effect: 'Allow', Action: 'tag:GetResources', Resource: '*', Condition: THIS_REGION_ONLY },
        {
          Effect: 'Allow',
          Action: ['apprunner:DescribeService', 'apprunner:ListTagsForResource'],
          Resource: SERVICE_ARNS,
        },
        {
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: {
            'Fn::Sub':
              'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/apprunner-scheduler/test/freeze',
          },
        },
      ]),
    );
    // Start and Check run one batch engine (either may start, poll, sweep, set or remove a lease): the same calls.
    const batchEngine = (logGroup: string) =>
      normalised([
        ...(logAndTraceStatements(logGroup) as Statement[]),
        { Effect: 'Allow', Action: 'apprunner:ListServices', Resource: '*', Condition: THIS_REGION_ONLY },
        {
          Effect: 'Allow',
          Action: [
            'apprunner:DescribeService',
            'apprunner:ListOperations',
            'apprunner:ListTagsForResource',
            'apprunner:ResumeService',
            'apprunner:PauseService',
          ],
          Resource: SERVICE_ARNS,
        },
        { Effect: 'Allow', Action: 'apprunner:DescribeAutoScalingConfiguration', Resource: SCALING_ARNS },
        {
          Effect: 'Allow',
          Action: ['apprunner:TagResource', 'apprunner:UntagResource'],
          Resource: SERVICE_ARNS,
          Condition: {
            'ForAllValues:StringEquals': {
              'aws:TagKeys': [
                'apprunner-scheduler:keep-awake-until',
                'apprunner-scheduler:keep-awake-by',
                'apprunner-scheduler:keep-awake-reason',
                'apprunner-scheduler:observed-warmup',
              ],
            },
          },
        },
      ]);
    expect(roles.start).toEqual(batchEngine('StartOperationsLogGroup'));
    expect(roles.check).toEqual(batchEngine('CheckOperationsLogGroup'));
    expect(roles.report).toEqual(
      normalised([
        ...(logAndTraceStatements('ReportLogGroup') as Statement[]),
        { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'AlertTopic' } },
        {
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: { 'Fn::GetAtt': ['AlertKey', 'Arn'] },
          Condition: {
            StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' } },
          },
        },
      ]),
    );
    for (const [id, fn] of Object.entries(FUNCTIONS)) {
      expect(template.Resources[id]!.Properties.Role).toEqual({ 'Fn::GetAtt': [fn.role, 'Arn'] });
    }
  });

  it('allows Resource "*" only where the service has no resource-level permission, and no wildcard action at all', () => {
    // Prepare: ListServices, GetResources and X-Ray support no resource-level permissions (Service
    // Authorization Reference); the state machine role's log-delivery and X-Ray actions are the same case.
    const resourceLevelUnsupported = new Set([
      'apprunner:ListServices',
      'tag:GetResources',
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ]);

    // Act
    const statements = Object.keys(resourcesOfType(template, 'AWS::IAM::Role')).flatMap((id) =>
      statementsOf(id),
    );

    // Assess
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) {
      for (const action of [s.Action].flat()) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/:\*$/);
        if (s.Resource === '*' || [s.Resource].flat().includes('*'))
          expect(resourceLevelUnsupported).toContain(action);
      }
      if ([s.Action].flat().some((a) => a === 'apprunner:ListServices' || a === 'tag:GetResources')) {
        expect(s.Condition).toEqual(THIS_REGION_ONLY);
      }
    }
  });

  it('runs a Standard state machine over the four functions, logging errors without execution data, traced', () => {
    // Act
    const sm = template.Resources.SchedulerStateMachine!.Properties as Record<string, any>;
    const [, substitutions] = sm.DefinitionString['Fn::Sub'] as [string, Record<string, unknown>];

    // Assess
    expect(sm.StateMachineName).toBe('apprunner-scheduler-test');
    expect(sm.StateMachineType).toBe('STANDARD');
    expect(Object.values(substitutions)).toEqual(
      expect.arrayContaining(Object.keys(FUNCTIONS).map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))),
    );
    expect(sm.LoggingConfiguration).toEqual({
      Level: 'ERROR',
      IncludeExecutionData: false,
      Destinations: [
        { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['StateMachineLogGroup', 'Arn'] } } },
      ],
    });
    expect(sm.TracingConfiguration).toEqual({ Enabled: true });
    expect(template.Resources.StateMachineLogGroup!.Properties.RetentionInDays).toBe(30);
  });

  it('deploys the four functions on Node 22 arm64 with active tracing, their timeouts and the tunables', () => {
    for (const [id, fn] of Object.entries(FUNCTIONS)) {
      // Act
      const props = template.Resources[id]!.Properties as Record<string, any>;
      const logGroup = template.Resources[id.replace('LambdaFunction', 'LogGroup')]!;

      // Assess
      expect(props.Handler).toBe(fn.handler);
      expect(props.Runtime).toBe('nodejs22.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.MemorySize).toBe(256);
      expect(props.Timeout).toBe(fn.timeout);
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
      expect(logGroup.Properties.RetentionInDays).toBe(30);
      expect(props.Environment.Variables).toEqual({
        POWERTOOLS_SERVICE_NAME: 'apprunner-scheduler',
        POWERTOOLS_METRICS_NAMESPACE: 'AppRunnerScheduler',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ALERT_TOPIC_ARN: { Ref: 'AlertTopic' },
        ALERT_ON: 'failures',
        OPERATION_DEADLINE_SECONDS: '900',
        POLL_INITIAL_DELAY_SECONDS: '20',
        POLL_MIN_DELAY_SECONDS: '2',
        POLL_MAX_DELAY_SECONDS: '60',
        POLL_WINDOW_SECONDS: '40',
        POLL_INTERVAL_SECONDS: '2',
        POLL_FROM_HISTORY: 'true',
        READY_TIMEOUT_SECONDS: '300',
        READY_PROBE_INTERVAL_SECONDS: '2',
        READY_PROBE_TIMEOUT_SECONDS: '2',
        READY_WARMUP_SECONDS: '30',
        READY_BY_MARGIN_SECONDS: '60',
        MAX_POLLS: '400',
        MAX_CONCURRENT_OPERATIONS: '1000',
        BATCH_SIZE: '1000',
        APPRUNNER_MAX_REQUESTS_PER_SECOND: '10',
        MAX_TARGETS: '1000',
        AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        // Only Plan reads the freeze (and may: see its role).
        ...(id === 'PlanLambdaFunction' ? { FREEZE_PARAMETER_NAME: '/apprunner-scheduler/test/freeze' } : {}),
      });
      // The deployed tunables are the code's own defaults: a user reading either sees the same numbers.
      // (The freeze parameter is the stage's wiring, not a tunable: checked above.)
      const defaults = loadConfig({ AWS_REGION: 'eu-west-1' }) as unknown as Record<string, unknown>;
      for (const [name, value] of Object.entries(props.Environment.Variables as Record<string, unknown>)) {
        if (name in defaults && typeof value === 'string' && name !== 'FREEZE_PARAMETER_NAME')
          expect(`${name}=${value}`).toBe(`${name}=${defaults[name]}`);
      }
    }
  });

  it('wires every alarm to the alert topic: executions, services failed or timed out, function errors, dropped schedules', () => {
    // Act
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Record<string, any>,
    );
    const watched = alarms.map((a) =>
      a.MetricName
        ? `${a.Namespace}/${a.MetricName}${a.Namespace === 'AWS/Lambda' ? `/${a.Dimensions[0].Value.Ref}` : ''}`
        : `math/${a.Metrics.filter((m: any) => m.MetricStat)
            .map((m: any) => `${m.MetricStat.Metric.MetricName}:${m.MetricStat.Metric.Dimensions[1].Value}`)
            .join('+')}`,
    );

    // Assess
    expect(watched.sort()).toEqual(
      [
        'AWS/States/ExecutionsFailed',
        'AWS/States/ExecutionsTimedOut',
        'AWS/States/ExecutionThrottled',
        'AWS/Scheduler/InvocationDroppedCount',
        'AWS/Lambda/Errors/PlanLambdaFunction',
        'AWS/Lambda/Errors/StartOperationsLambdaFunction',
        'AWS/Lambda/Errors/CheckOperationsLambdaFunction',
        'AWS/Lambda/Errors/ReportLambdaFunction',
        'math/ServicesFailed:resume+ServicesFailed:pause',
        'math/ServicesTimedOut:resume+ServicesTimedOut:pause',
      ].sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    for (const alarm of alarms.filter((a) => a.Metrics)) {
      for (const m of alarm.Metrics.filter((x: any) => x.MetricStat)) {
        expect(m.MetricStat.Metric.Namespace).toBe('AppRunnerScheduler');
        expect(m.MetricStat.Metric.Dimensions[0]).toEqual({ Name: 'service', Value: 'apprunner-scheduler' });
      }
    }
  });

  it('encrypts the alert topic with a rotated key that CloudWatch alarms may use, and subscribes e-mail only when given', () => {
    // Act
    const topic = template.Resources.AlertTopic!.Properties;
    const key = template.Resources.AlertKey!.Properties as Record<string, any>;
    const subscription = template.Resources.AlertEmailSubscription!;

    // Assess
    expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': ['AlertKey', 'Arn'] });
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      }),
    );
    expect(subscription.Condition).toBe('HasAlertEmail');
    expect(subscription.Properties).toEqual({
      TopicArn: { Ref: 'AlertTopic' },
      Protocol: 'email',
      Endpoint: { Ref: 'AlertEmail' },
    });
    expect(template.Parameters?.AlertEmail?.Default).toBe('');
    expect(template.Conditions?.HasAlertEmail).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlertEmail' }, ''] }],
    });
  });

  it('ships a runbook that starts this workflow with the contract input and waits for its result', () => {
    // Act
    const doc = template.Resources.RunbookDocument!.Properties as Record<string, any>;
    const content = doc.Content;
    const steps = content.steps as Array<Record<string, any>>;
    const role = normalised(statementsOf('RunbookAutomationRole'));

    // Assess
    expect(doc.DocumentType).toBe('Automation');
    expect(content.schemaVersion).toBe('0.3');
    expect(Object.keys(content.parameters)).toEqual(
      expect.arrayContaining([
        'ServiceNames',
        'KeepAwakeUntil',
        'Reason',
        'RequestedBy',
        'AutomationAssumeRole',
      ]),
    );
    expect(content.parameters.ServiceNames.type).toBe('StringList');
    expect(steps.map((s) => s.action)).toEqual([
      'aws:executeScript',
      'aws:executeAwsApi',
      'aws:waitForAwsResourceProperty',
      'aws:executeAwsApi',
      'aws:assertAwsResourceProperty',
    ]);
    expect(steps[1]!.inputs).toMatchObject({
      Service: 'stepfunctions',
      Api: 'StartExecution',
      stateMachineArn: { Ref: 'SchedulerStateMachine' },
      input: '{{ buildInput.Input }}',
    });
    expect(steps[2]!.inputs).toMatchObject({ Api: 'DescribeExecution', PropertySelector: '$.status' });
    expect(content.outputs).toContain('describeExecution.Output');
    expect(role).toEqual([
      {
        Effect: 'Allow',
        Action: ['states:DescribeExecution'],
        Resource: {
          'Fn::Sub': [
            'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*',
            { Name: { 'Fn::GetAtt': ['SchedulerStateMachine', 'Name'] } },
          ],
        },
      },
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: 'SchedulerStateMachine' } },
    ]);
  });

  it('outputs the state machine, alert topic, dashboard and runbook, and hard-codes no account id', () => {
    // Assess
    expect(template.Outputs.StateMachineArn?.Value).toEqual({ Ref: 'SchedulerStateMachine' });
    expect(template.Outputs.AlertTopicArn?.Value).toEqual({ Ref: 'AlertTopic' });
    expect(template.Outputs.DashboardName?.Value).toEqual({ Ref: 'Dashboard' });
    expect(template.Outputs.RunbookDocumentName?.Value).toEqual({ Ref: 'RunbookDocument' });
    expect(template.Outputs.FreezeParameterName?.Value).toBe('/apprunner-scheduler/test/freeze');
    expect(template.Resources.Dashboard?.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(JSON.stringify(template)).not.toMatch(/(?<![\d])\d{12}(?![\d])/);
  });

  it('shows on the dashboard what pausing saved: a 30-day total and a breakdown by service', () => {
    // Prepare: the body is a Fn::Sub template; substitute the pseudo-parameters to read it as JSON.
    const [body] = (template.Resources.Dashboard as any).Properties.DashboardBody['Fn::Sub'] as [
      string,
      unknown,
    ];
    const widgets = (
      JSON.parse(body.replace(/\$\{[^}]+\}/g, 'x')) as {
        widgets: Array<{
          type: string;
          x: number;
          y: number;
          width: number;
          height: number;
          properties: any;
        }>;
      }
    ).widgets;
    const byTitle = (title: string) => widgets.find((w) => w.properties.title === title)?.properties;

    // Act
    const total = byTitle('Savings, last 30 days');
    const byService = byTitle('Estimated USD saved by service, last 30 days');
    const perDay = byTitle('Estimated USD saved per day, by service');

    // Assess: the totals are the report's dimensions (the function's service + Action); the breakdown finds
    // every App Runner service's own series by its AppRunnerService dimension.
    expect(total).toMatchObject({
      view: 'singleValue',
      stat: 'Sum',
      setPeriodToTimeRange: true,
      start: '-P30D',
    });
    expect(total.metrics.map((m: unknown[]) => m.slice(0, 6))).toEqual([
      ['AppRunnerScheduler', 'EstimatedSavingsUsd', 'service', 'apprunner-scheduler', 'Action', 'resume'],
      ['AppRunnerScheduler', 'PausedHours', 'service', 'apprunner-scheduler', 'Action', 'resume'],
    ]);
    const search = (period: number) =>
      `SEARCH('{AppRunnerScheduler,service,AppRunnerService} MetricName="EstimatedSavingsUsd"', 'Sum', ${period})`;
    expect(byService).toMatchObject({ view: 'bar', setPeriodToTimeRange: true, start: '-P30D' });
    expect(byService.metrics[0][0].expression).toBe(search(2_592_000));
    expect(perDay).toMatchObject({ view: 'timeSeries', stacked: true, period: 86_400 });
    expect(perDay.metrics[0][0].expression).toBe(search(86_400));
    expect(widgets.find((w) => w.type === 'text')?.properties.markdown).toContain(
      'apprunner-scheduler savings',
    );
    // Laid out on the 24-column grid without overlapping.
    for (const [i, a] of widgets.entries()) {
      expect(a.x + a.width).toBeLessThanOrEqual(24);
      for (const b of widgets.slice(i + 1)) {
        const apart =
          a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.properties.title ?? a.type} overlaps ${b.properties.title ?? b.type}`).toBe(true);
      }
    }
  });

  it('passes cfn-lint without errors or warnings, with scheduler schedules and with classic rules', async () => {
    // Act
    const results = await Promise.all([cfnLint(templatePath), cfnLint(mixedPath)]);

    // Assess
    for (const result of results) {
      expect(result.stdout).toBe('');
      expect(result.code).toBe(0);
    }
  });
});
