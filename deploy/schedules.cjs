'use strict';

// Bridge between serverless.yml and lib/schedules/: osls can only `require` .js/.cjs files, so this file
// loads the TypeScript validator through tsx and turns each schedule in the schedules file into CloudFormation
// (an AWS::Scheduler::Schedule, or an AWS::Events::Rule for `type: rule`). Used as
// `resources: - ${file(deploy/schedules.cjs)}`. The file is chosen by `custom.schedulesFile`
// (env SCHEDULES_FILE, default schedules.yml).
//
// The schedules are declared here rather than as serverless-step-functions `events: - schedule:` because the
// plugin (3.31.2) numbers logical ids by position (re-ordering the file would replace schedules), shares one
// role between scheduler and rule events (mixing both breaks the trust policy), does not escape descriptions,
// and cannot set a retry policy or a confused-deputy condition.
//
// Skip days are expanded here, at packaging, into each schedule's input (public holidays up to a horizon):
// the holiday library is far too big for a function bundle, and packaging is the one place that runs before
// every deployment. Warnings (a shrunk or near horizon) go to stderr; they do not fail the package.

const path = require('node:path');

const STATE_MACHINE = 'SchedulerStateMachine';
const SCHEDULE_GROUP = 'ScheduleGroup';
const SCHEDULER_ROLE = 'ScheduleInvokeRole';
const RULE_ROLE = 'RuleInvokeRole';
// A wake-up that arrives hours late does more harm than good: give up after 15 minutes of retries.
const RETRY_POLICY = { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 10 };

/** @param {{ resolveVariable: (v: string) => Promise<unknown> }} context */
module.exports = async ({ resolveVariable }) => {
  const { tsImport } = await import('tsx/esm/api');
  const lib = await tsImport('../lib/schedules/schedules.ts', __filename);
  const inputs = await tsImport('../lib/schedules/schedule-input.ts', __filename);
  const contracts = await tsImport('../lib/contract/execution-input.ts', __filename);

  const serviceDir = path.resolve(__dirname, '..');
  const configured = await resolveVariable('self:custom.schedulesFile');
  const file = path.resolve(serviceDir, String(configured || 'schedules.yml'));
  const service = String(await resolveVariable('self:service'));
  const stage = String(await resolveVariable('sls:stage'));

  const packagedAt = new Date();
  let schedules;
  const packaged = new Map();
  try {
    schedules = lib.loadSchedules(file);
    const problems = [];
    for (const schedule of schedules) {
      const result = inputs.packagedInput(schedule, packagedAt);
      if ('problem' in result) {
        problems.push(`schedule "${schedule.name}": ${result.problem}`);
        continue;
      }
      // The workflow validates its input strictly; a schedule it would reject must fail here, not at 07:00.
      problems.push(...contractProblems(schedule, result.text, inputs, contracts, packagedAt));
      for (const warning of result.warnings) process.stderr.write(`Warning: ${warning}\n`);
      packaged.set(schedule.name, result.text);
    }
    if (problems.length > 0) throw new lib.SchedulesFileError(file, problems);
  } catch (error) {
    if (error && error.name === 'SchedulesFileError') {
      // osls prints the stack of a failing variable source; the message is all a user needs.
      error.stack = error.message;
    }
    throw error;
  }

  return toResources(schedules, packaged, lib, inputs, { service, stage });
};

function contractProblems(schedule, text, inputs, contracts, packagedAt) {
  // EventBridge fills in the due time when it fires; any real instant stands in for it here.
  const sample = `${packagedAt.toISOString().slice(0, 19)}Z`;
  const parsed = contracts.ExecutionInputSchema.safeParse(inputs.firedInput(text, schedule, sample));
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : (issue.keys ?? []).join(', ') || '(input)';
    return `schedule "${schedule.name}": ${field}: the workflow's execution input rejects it: ${issue.message}`;
  });
}

function toResources(schedules, packaged, lib, inputs, { service, stage }) {
  const Resources = {};
  const usesScheduler = schedules.some((s) => s.type === 'scheduler');
  const usesRules = schedules.some((s) => s.type === 'rule');
  const startExecutionPolicy = {
    PolicyName: 'start-scheduler-workflow',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: STATE_MACHINE } }],
    },
  };

  if (usesScheduler) {
    Resources[SCHEDULE_GROUP] = {
      Type: 'AWS::Scheduler::ScheduleGroup',
      Properties: { Name: `${service}-${stage}` },
    };
    Resources[SCHEDULER_ROLE] = invokeRole('scheduler.amazonaws.com', startExecutionPolicy, {
      'Fn::Sub': `arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/${service}-${stage}/*`,
    });
  }
  if (usesRules) {
    Resources[RULE_ROLE] = invokeRole('events.amazonaws.com', startExecutionPolicy, {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
      'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*',
    });
  }

  for (const schedule of schedules) {
    const input = packaged.get(schedule.name);
    const description = schedule.description ?? `${schedule.action} App Runner services (${schedule.name})`;
    const id = lib.scheduleLogicalId(schedule.name);
    if (schedule.type === 'rule') {
      Resources[id] = {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: description,
          ScheduleExpression: schedule.cron,
          State: schedule.enabled ? 'ENABLED' : 'DISABLED',
          Targets: [
            {
              Id: 'scheduler-workflow',
              Arn: { Ref: STATE_MACHINE },
              RoleArn: { 'Fn::GetAtt': [RULE_ROLE, 'Arn'] },
              // A rule has no scheduled-time keyword: the event's own `time` is when it was due.
              InputTransformer: { InputPathsMap: inputs.RULE_INPUT_PATHS, InputTemplate: input },
              RetryPolicy: RETRY_POLICY,
            },
          ],
        },
      };
    } else {
      Resources[id] = {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          Name: schedule.name,
          GroupName: { Ref: SCHEDULE_GROUP },
          Description: description,
          ScheduleExpression: schedule.cron,
          ScheduleExpressionTimezone: schedule.timezone,
          State: schedule.enabled ? 'ENABLED' : 'DISABLED',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: { Ref: STATE_MACHINE },
            RoleArn: { 'Fn::GetAtt': [SCHEDULER_ROLE, 'Arn'] },
            Input: input,
            RetryPolicy: RETRY_POLICY,
          },
        },
      };
    }
  }

  if (usesScheduler) {
    Resources.ScheduleInvocationsDroppedAlarm = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription:
          'EventBridge Scheduler gave up starting the workflow for a schedule (retries exhausted): a scheduled pause or resume did not happen.',
        Namespace: 'AWS/Scheduler',
        MetricName: 'InvocationDroppedCount',
        Dimensions: [{ Name: 'ScheduleGroup', Value: { Ref: SCHEDULE_GROUP } }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlertTopic' }],
      },
    };
  }

  return { Resources };
}

function invokeRole(principal, policy, sourceArn) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: principal },
            Action: 'sts:AssumeRole',
            // Confused-deputy protection: only this account's schedules/rules may use the role.
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': sourceArn },
            },
          },
        ],
      },
      Policies: [policy],
    },
  };
}
