// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates.
import { describe, expect, it } from 'vitest';
import { FUNCTION_IDS } from '../../cli/local/definition';
import type { CfnTemplate, PackageResult } from '../deploy/package-stack';
import { readPackagedStack } from './packaged-stack';

/** A package result around a template shaped like the one osls writes (four functions, one state machine). */
function packaged(change: (t: CfnTemplate) => void = () => undefined): PackageResult {
  const template: CfnTemplate = {
    Resources: {
      AlertTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts' } },
      FunctionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [
            {
              PolicyDocument: {
                Statement: [
                  { Effect: 'Allow', Action: ['apprunner:ListServices', 'apprunner:DescribeService'] },
                  { Effect: 'Allow', Action: 'sns:Publish' },
                  { Effect: 'Deny', Action: 'apprunner:DeleteService' },
                ],
              },
            },
          ],
        },
      },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          DefinitionString: {
            'Fn::Sub': [
              '{"StartAt":"Plan","States":{"Plan":{"Type":"Task","Resource":"${plan}","End":true}}}',
              { plan: { 'Fn::GetAtt': ['PlanLambdaFunction', 'Arn'] } },
            ],
          },
        },
      },
      ...Object.fromEntries(
        FUNCTION_IDS.map((id) => [
          id,
          {
            Type: 'AWS::Lambda::Function',
            Properties: {
              FunctionName: `fn-${id}`,
              Handler: 'functions/x/handler.handler',
              Runtime: 'nodejs22.x',
              Code: { S3Key: `serverless/x/${id}.zip` },
              Role: { 'Fn::GetAtt': ['FunctionRole', 'Arn'] },
              Environment: { Variables: { ALERT_TOPIC_ARN: { Ref: 'AlertTopic' } } },
            },
          },
        ]),
      ),
    },
    Outputs: {},
  };
  change(template);
  return { ok: true, output: '', dir: '/pkg', templatePath: '/pkg/t.json', template };
}

describe('reading the packaged stack', () => {
  it('binds each Task to the function its resolved Resource names, and resolves the environment', () => {
    // Act
    const stack = readPackagedStack(packaged(), 'stack');

    // Assess
    expect(stack.definition.tasks).toEqual({ Plan: 'PlanLambdaFunction' });
    expect(stack.functions.PlanLambdaFunction.environment).toEqual({
      ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
    });
    expect(stack.functions.ReportLambdaFunction.zipPath).toBe('/pkg/ReportLambdaFunction.zip');
    expect(stack.functions.PlanLambdaFunction.allowedActions).toEqual([
      'apprunner:ListServices',
      'apprunner:DescribeService',
      'sns:Publish',
    ]);
  });

  it('refuses a function whose role is not a role of the template, rather than allow it everything', () => {
    // Prepare
    const pkg = packaged((t) => {
      t.Resources.StartOperationsLambdaFunction!.Properties.Role = 'arn:aws:iam::123456789012:role/elsewhere';
    });

    // Act + Assess
    expect(() => readPackagedStack(pkg, 'stack')).toThrow(
      'StartOperationsLambdaFunction.Role is not a role of this template',
    );
  });

  it('refuses a definition whose Task names a function the stack does not have', () => {
    // Prepare
    const pkg = packaged((t) => {
      const sub = (t.Resources.Machine!.Properties.DefinitionString as { 'Fn::Sub': [string, object] })[
        'Fn::Sub'
      ];
      sub[0] = sub[0].replace('${plan}', 'arn:aws:lambda:eu-west-1:123456789012:function:fn-Gone');
    });

    // Act + Assess
    expect(() => readPackagedStack(pkg, 'stack')).toThrow(
      'state "Plan" invokes arn:aws:lambda:eu-west-1:123456789012:function:fn-Gone, which is no function of the stack',
    );
  });

  it('names the function and variable whose value it cannot resolve, rather than guess one', () => {
    // Prepare
    const pkg = packaged((t) => {
      const env = t.Resources.CheckOperationsLambdaFunction!.Properties.Environment as {
        Variables: Record<string, unknown>;
      };
      env.Variables.TABLE = { 'Fn::ImportValue': 'shared-table' };
    });

    // Act + Assess
    expect(() => readPackagedStack(pkg, 'stack')).toThrow(
      'CheckOperationsLambdaFunction.Environment.Variables.TABLE: cannot resolve {"Fn::ImportValue":"shared-table"} locally',
    );
  });
});
