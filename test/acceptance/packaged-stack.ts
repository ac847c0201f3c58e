import { basename, join } from 'node:path';
import { FUNCTION_IDS, type FunctionId, type LoadedDefinition } from '../../cli/local/definition';
import { type CfnTemplate, type PackageResult, resourcesOfType } from '../deploy/package-stack';

// What a deployed stack would hold, read from the `osls package` output alone: each function's zip,
// handler, timeout and environment (CloudFormation references resolved to the values a deployment in
// ACCOUNT/REGION would give them), and the state machine definition with its function references
// resolved to those functions' ARNs. Anything this cannot resolve is an error naming where it is.

/** packageStack (test/deploy/package-stack.ts) packages for this region. */
export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
const PARTITION = 'aws';

/** One Lambda function as the packaged template defines it. */
export interface PackagedFunction {
  id: FunctionId;
  name: string;
  arn: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** `Environment.Variables`, every CloudFormation reference resolved. */
  environment: Record<string, string>;
  zipPath: string;
  /** The actions its execution role allows (every Allow statement of its inline policies). */
  allowedActions: string[];
  /**
   * For each action an Allow statement limits with `ForAllValues:StringEquals` on `aws:TagKeys`, the tag keys
   * it allows (an action allowed without that condition is absent: any key).
   */
  allowedTagKeys: Record<string, string[]>;
}

export interface PackagedStack {
  stackName: string;
  functions: Record<FunctionId, PackagedFunction>;
  /** The state machine's definition, each Task bound to the function its Resource names. */
  definition: LoadedDefinition;
  /** The ARN of each SNS topic of the stack, by logical id. */
  topics: Record<string, string>;
}

/** Reads the functions and the definition of a successful package run. */
export function readPackagedStack(pkg: PackageResult, stackName: string): PackagedStack {
  if (!pkg.ok || !pkg.template) throw new Error(`osls package failed:\n${pkg.output}`);
  const template = pkg.template;
  const resolve = resolver(template, stackName);
  const functions = {} as Record<FunctionId, PackagedFunction>;
  for (const [id, resource] of Object.entries(resourcesOfType(template, 'AWS::Lambda::Function'))) {
    if (!FUNCTION_IDS.includes(id as FunctionId)) {
      throw new Error(
        `the template has a function ${id} that the local runner does not know (${FUNCTION_IDS})`,
      );
    }
    const p = resource.Properties as Record<string, unknown>;
    const variables = ((p.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {}) as Record<
      string,
      unknown
    >;
    const s3Key = resolve((p.Code as { S3Key?: unknown })?.S3Key, `${id}.Code.S3Key`);
    functions[id as FunctionId] = {
      id: id as FunctionId,
      name: resolve(p.FunctionName, `${id}.FunctionName`),
      arn: resolve({ 'Fn::GetAtt': [id, 'Arn'] }, `${id}.Arn`),
      handler: resolve(p.Handler, `${id}.Handler`),
      runtime: resolve(p.Runtime, `${id}.Runtime`),
      timeoutSeconds: Number(p.Timeout ?? 3),
      memoryMb: Number(p.MemorySize ?? 128),
      environment: Object.fromEntries(
        Object.entries(variables).map(([k, v]) => [k, resolve(v, `${id}.Environment.Variables.${k}`)]),
      ),
      zipPath: join(pkg.dir, basename(s3Key)),
      ...roleActions(template, p.Role, id),
    };
  }
  const missing = FUNCTION_IDS.filter((id) => !functions[id]);
  if (missing.length > 0) throw new Error(`the template has no function ${missing.join(', ')}`);
  const topics = Object.fromEntries(
    Object.keys(resourcesOfType(template, 'AWS::SNS::Topic')).map((id) => [id, resolve({ Ref: id }, id)]),
  );
  return { stackName, functions, definition: packagedDefinition(template, functions, resolve), topics };
}

type Resolve = (value: unknown, where: string) => string;

function packagedDefinition(
  template: CfnTemplate,
  functions: Record<FunctionId, PackagedFunction>,
  resolve: Resolve,
): LoadedDefinition {
  const machines = Object.entries(resourcesOfType(template, 'AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const [machineId, machine] = machines[0]!;
  const p = machine.Properties;
  let text: string;
  if (p.DefinitionString !== undefined) text = resolve(p.DefinitionString, `${machineId}.DefinitionString`);
  else if (p.Definition !== undefined) {
    const substitutions = (p.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
    text = JSON.stringify(p.Definition).replace(/\$\{([^}]+)\}/g, (whole, name: string) =>
      name in substitutions
        ? resolve(substitutions[name], `${machineId}.DefinitionSubstitutions.${name}`)
        : whole,
    );
  } else throw new Error(`${machineId} has neither DefinitionString nor Definition`);
  const definition = JSON.parse(text) as Record<string, unknown>;
  const byArn = new Map(Object.values(functions).map((f) => [f.arn, f.id]));
  const tasks: Record<string, FunctionId> = {};
  const visit = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') {
        const id = byArn.get(String(state.Resource));
        if (!id) {
          throw new Error(
            `state "${name}" invokes ${String(state.Resource)}, which is no function of the stack`,
          );
        }
        tasks[name] = id;
      }
      const processor = (state.ItemProcessor ?? state.Iterator) as
        | { States?: Record<string, Record<string, unknown>> }
        | undefined;
      if (processor?.States) visit(processor.States);
      for (const branch of (state.Branches as Array<{ States: Record<string, Record<string, unknown>> }>) ??
        []) {
        visit(branch.States);
      }
    }
  };
  visit(definition.States as Record<string, Record<string, unknown>>);
  return { definition, tasks };
}

/**
 * Resolves the CloudFormation intrinsics the template uses in function environments and the definition
 * (Ref, Fn::GetAtt, Fn::Sub, Fn::Join) to what a deployment would give them. Anything else is an error:
 * better to extend this on purpose than to run with a value nobody chose.
 */
function resolver(template: CfnTemplate, stackName: string): Resolve {
  const pseudo: Record<string, string> = {
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT,
    'AWS::Partition': PARTITION,
    'AWS::StackName': stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const property = (id: string, key: string, where: string): string => {
    const value = template.Resources[id]?.Properties?.[key];
    if (value === undefined)
      throw new Error(`${where}: ${id} has no ${key} (a generated name is not modelled)`);
    return resolve(value, `${id}.${key}`);
  };
  const ref = (name: string, where: string): string => {
    if (name in pseudo) return pseudo[name]!;
    const parameter = template.Parameters?.[name];
    if (parameter) return resolve(parameter.Default ?? '', `Parameters.${name}`);
    const resource = template.Resources[name];
    if (!resource) throw new Error(`${where}: Ref ${name}: no such parameter or resource`);
    switch (resource.Type) {
      case 'AWS::SNS::Topic':
        return `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:${property(name, 'TopicName', where)}`;
      case 'AWS::SSM::Parameter':
        return property(name, 'Name', where);
      case 'AWS::Lambda::Function':
        return property(name, 'FunctionName', where);
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${PARTITION}:states:${REGION}:${ACCOUNT}:stateMachine:${property(name, 'StateMachineName', where)}`;
      default:
        throw new Error(`${where}: Ref ${name} (${resource.Type}) is not modelled`);
    }
  };
  const getAtt = (id: string, attribute: string, where: string): string => {
    const type = template.Resources[id]?.Type;
    if (type === 'AWS::Lambda::Function' && attribute === 'Arn') {
      return `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${property(id, 'FunctionName', where)}`;
    }
    if (type === 'AWS::SNS::Topic' && attribute === 'TopicArn') return ref(id, where);
    if (type === 'AWS::SNS::Topic' && attribute === 'TopicName') return property(id, 'TopicName', where);
    throw new Error(
      `${where}: Fn::GetAtt ${id}.${attribute} (${type ?? 'no such resource'}) is not modelled`,
    );
  };
  const sub = (text: string, variables: Record<string, unknown>, where: string): string =>
    text
      .replace(/\$\{([^}!][^}]*)\}/g, (_whole, name: string) => {
        if (name in variables) return resolve(variables[name], `${where} \${${name}}`);
        const dot = name.indexOf('.');
        return dot > 0 && !name.startsWith('AWS::')
          ? getAtt(name.slice(0, dot), name.slice(dot + 1), where)
          : ref(name, where);
      })
      .replaceAll('${!', '${'); // Fn::Sub's escape for a literal ${
  const resolve: Resolve = (value, where) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const v = (value ?? {}) as Record<string, unknown>;
    if (typeof v.Ref === 'string') return ref(v.Ref, where);
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att)) return getAtt(String(att[0]), String(att[1]), where);
    if (typeof att === 'string') return getAtt(att.split('.')[0]!, att.split('.').slice(1).join('.'), where);
    const s = v['Fn::Sub'];
    if (typeof s === 'string') return sub(s, {}, where);
    if (Array.isArray(s)) return sub(String(s[0]), (s[1] ?? {}) as Record<string, unknown>, where);
    const join = v['Fn::Join'];
    if (Array.isArray(join)) {
      return (join[1] as unknown[]).map((part, i) => resolve(part, `${where}[${i}]`)).join(String(join[0]));
    }
    throw new Error(`${where}: cannot resolve ${JSON.stringify(value)} locally`);
  };
  return resolve;
}

/** What a function's role allows: its `Role` must be a GetAtt of a role of this template. */
function roleActions(
  template: CfnTemplate,
  role: unknown,
  fn: string,
): Pick<PackagedFunction, 'allowedActions' | 'allowedTagKeys'> {
  const roleId = (role as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];
  const resource = roleId ? template.Resources[roleId] : undefined;
  if (resource?.Type !== 'AWS::IAM::Role') throw new Error(`${fn}.Role is not a role of this template`);
  const policies = (resource.Properties?.Policies ?? []) as Array<{
    PolicyDocument?: {
      Statement?: Array<{ Effect?: string; Action?: string | string[]; Condition?: Record<string, unknown> }>;
    };
  }>;
  const allows = policies
    .flatMap((p) => p.PolicyDocument?.Statement ?? [])
    .filter((st) => st.Effect === 'Allow');
  const actionsOf = (st: (typeof allows)[number]) =>
    Array.isArray(st.Action) ? st.Action : st.Action ? [st.Action] : [];
  const allowedTagKeys: Record<string, string[]> = {};
  for (const st of allows) {
    const keys = (st.Condition?.['ForAllValues:StringEquals'] as { 'aws:TagKeys'?: string[] } | undefined)?.[
      'aws:TagKeys'
    ];
    if (keys) for (const action of actionsOf(st)) allowedTagKeys[action] = keys;
  }
  return { allowedActions: allows.flatMap(actionsOf), allowedTagKeys };
}
