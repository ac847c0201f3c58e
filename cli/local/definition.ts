import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root (this file lives in cli/local/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFINITION_PATH = resolve(REPO_ROOT, 'statemachine', 'scheduler.asl.yaml');

/** The Lambda functions of the stack, by CloudFormation logical id. */
export const FUNCTION_IDS = [
  'PlanLambdaFunction',
  'StartOperationsLambdaFunction',
  'CheckOperationsLambdaFunction',
  'ReportLambdaFunction',
] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];

export interface LoadedDefinition {
  /** The ASL with each `Fn::GetAtt: [X, Arn]` replaced by a Lambda ARN of function X. */
  definition: Record<string, unknown>;
  /** Task state name → the function it invokes. */
  tasks: Record<string, FunctionId>;
}

/**
 * Loads the state machine definition exactly as deployed, resolving the CloudFormation intrinsics that
 * serverless-step-functions resolves at deploy time, so the local runner runs the same states.
 */
export function loadDefinition(path = DEFINITION_PATH, region = 'us-east-1'): LoadedDefinition {
  const raw = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const tasks: Record<string, FunctionId> = {};
  const visit = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      const resource = state.Resource as { 'Fn::GetAtt'?: [string, string] } | string | undefined;
      if (resource && typeof resource === 'object' && Array.isArray(resource['Fn::GetAtt'])) {
        const [id] = resource['Fn::GetAtt'];
        if (!FUNCTION_IDS.includes(id as FunctionId))
          throw new Error(`state "${name}" invokes unknown function ${id}`);
        tasks[name] = id as FunctionId;
        state.Resource = `arn:aws:lambda:${region}:123456789012:function:${id}`;
      }
      const processor = (state.ItemProcessor ?? state.Iterator) as {
        States?: Record<string, Record<string, unknown>>;
      };
      if (processor?.States) visit(processor.States);
      for (const branch of (state.Branches as Array<{ States: Record<string, Record<string, unknown>> }>) ??
        []) {
        visit(branch.States);
      }
    }
  };
  visit(raw.States as Record<string, Record<string, unknown>>);
  return { definition: raw, tasks };
}

/** Names of the Wait states (and every state with a Retry) of a definition, for local overrides. */
export function statesOfType(definition: Record<string, unknown>): { waits: string[]; retrying: string[] } {
  const waits: string[] = [];
  const retrying: string[] = [];
  const visit = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Wait') waits.push(name);
      if (state.Retry) retrying.push(name);
      const processor = (state.ItemProcessor ?? state.Iterator) as {
        States?: Record<string, Record<string, unknown>>;
      };
      if (processor?.States) visit(processor.States);
    }
  };
  visit(definition.States as Record<string, Record<string, unknown>>);
  return { waits, retrying };
}
