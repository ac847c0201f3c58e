import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FUNCTION_IDS, loadDefinition, REPO_ROOT } from '../../cli/local/definition';
import { LAMBDA_FAILURES } from '../../cli/local/lambda-failures';
import { ErrorNames } from '../../lib/runtime/errors';

type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: Array<Record<string, string>> };
const validate = createRequire(import.meta.url)('asl-validator') as AslValidator;

type State = Record<string, unknown> & { Type: string };

/** Every state of the definition, nested ones (Map, Parallel) included, with its name. */
function allStates(states: Record<string, State>): Array<[string, State]> {
  return Object.entries(states).flatMap(([name, state]): Array<[string, State]> => {
    const processor = (state.ItemProcessor ?? state.Iterator) as
      | { States?: Record<string, State> }
      | undefined;
    const branches = (state.Branches as Array<{ States: Record<string, State> }> | undefined) ?? [];
    return [
      [name, state],
      ...(processor?.States ? allStates(processor.States) : []),
      ...branches.flatMap((b) => allStates(b.States)),
    ];
  });
}

/** Every error name the definition mentions: Retry and Catch ErrorEquals, and Fail states' Error. */
function errorNamesMentioned(states: Array<[string, State]>): string[] {
  const names = new Set<string>();
  for (const [, state] of states) {
    for (const rule of [
      ...((state.Retry as Array<{ ErrorEquals: string[] }>) ?? []),
      ...((state.Catch as Array<{ ErrorEquals: string[] }>) ?? []),
    ]) {
      for (const name of rule.ErrorEquals) names.add(name);
    }
    if (state.Type === 'Fail' && typeof state.Error === 'string') names.add(state.Error);
  }
  return [...names];
}

/** PlanLambdaFunction → functions/plan/handler.ts + export `handler` (serverless: key → <Key>LambdaFunction). */
function handlerOf(functionId: string): { path: string; exportName: string } {
  const key = functionId.replace(/LambdaFunction$/, '');
  const functions = (
    parseYaml(readFileSync(resolve(REPO_ROOT, 'serverless.yml'), 'utf8')) as {
      functions: Record<string, { handler: string }>;
    }
  ).functions;
  const entry = Object.entries(functions).find(([k]) => k.toLowerCase() === key.toLowerCase());
  if (!entry) throw new Error(`serverless.yml has no function for ${functionId}`);
  const handler = entry[1].handler;
  const dot = handler.lastIndexOf('.');
  return { path: resolve(REPO_ROOT, `${handler.slice(0, dot)}.ts`), exportName: handler.slice(dot + 1) };
}

type Retrier = { ErrorEquals: string[]; MaxAttempts?: number };

/** The retrier Step Functions applies to an error: the first whose ErrorEquals names it (or States.ALL). */
function retrierFor(state: State, error: string): Retrier | undefined {
  return ((state.Retry as Retrier[] | undefined) ?? []).find(
    (r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'),
  );
}

/** The product's own deterministic errors: retrying them cannot help, so they are never retried. */
const DETERMINISTIC = [ErrorNames.InvalidInput, ErrorNames.InvalidConfig, ErrorNames.AppRunnerRequestFailed];

describe('the retriers', () => {
  const tasks = allStates(loadDefinition().definition.States as Record<string, State>).filter(
    ([, s]) => s.Type === 'Task',
  );

  it.each(tasks.map(([name]) => name))(
    'of "%s" retry every failure of the function itself at least twice',
    (name) => {
      // Prepare
      const state = tasks.find(([n]) => n === name)![1];

      // Act
      const attempts = Object.keys(LAMBDA_FAILURES).map((error) => [
        error,
        retrierFor(state, error)?.MaxAttempts ?? 0,
      ]);

      // Assess: a crash, a time-out or an out-of-memory, once or twice in a row, is ridden out.
      expect(Object.fromEntries(attempts)).toEqual(
        Object.fromEntries(Object.keys(LAMBDA_FAILURES).map((error) => [error, expect.any(Number)])),
      );
      for (const [error, max] of attempts) expect(max, `${name}: ${error}`).toBeGreaterThanOrEqual(2);
    },
  );

  it.each(tasks.map(([name]) => name))('of "%s" never retry the product\'s deterministic errors', (name) => {
    // Prepare
    const state = tasks.find(([n]) => n === name)![1];

    // Act
    const attempts = DETERMINISTIC.map((error) => retrierFor(state, error)?.MaxAttempts ?? 0);

    // Assess
    expect(attempts).toEqual(DETERMINISTIC.map(() => 0));
  });
});

describe('the state machine definition', () => {
  it('is accepted by asl-validator', () => {
    // Prepare
    const { definition } = loadDefinition();

    // Act
    const result = validate(definition, { checkPaths: true, checkArn: true });

    // Assess
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('only names AppRunnerScheduler errors that exist in the error catalogue', () => {
    // Prepare
    const { definition } = loadDefinition();
    const states = allStates(definition.States as Record<string, State>);

    // Act
    const ours = errorNamesMentioned(states).filter((name) => name.startsWith('AppRunnerScheduler.'));

    // Assess
    expect(ours).toContain(ErrorNames.ServicesFailed);
    expect(ours).toContain(ErrorNames.AppRunnerUnavailable);
    const catalogue: string[] = Object.values(ErrorNames);
    expect(ours.filter((name) => !catalogue.includes(name))).toEqual([]);
  });

  it('binds every Task state to one of the stack functions, and each function to a handler module', async () => {
    // Prepare
    const { definition, tasks } = loadDefinition();
    const taskStates = allStates(definition.States as Record<string, State>).filter(
      ([, state]) => state.Type === 'Task',
    );

    // Act
    const bound = taskStates.map(([name]) => tasks[name]);

    // Assess
    expect(taskStates.length).toBeGreaterThan(0);
    expect(bound.every((id) => id !== undefined && FUNCTION_IDS.includes(id))).toBe(true);
    expect(new Set(bound)).toEqual(new Set(FUNCTION_IDS));
    for (const id of FUNCTION_IDS) {
      const { path, exportName } = handlerOf(id);
      expect(existsSync(path), `${id} → ${path}`).toBe(true);
      const module = (await import(path)) as Record<string, unknown>;
      expect(typeof module[exportName], `${path} exports ${exportName}`).toBe('function');
    }
  });

  it('ends a run with a failed service in a Fail state raising ServicesFailed with the report as cause', () => {
    // Prepare
    const { definition } = loadDefinition();
    const states = definition.States as Record<string, State>;

    // Act: Report raises ServicesFailed (its message is the report); the Catch hands it to the Fail state
    const report = states['Report the outcomes']!;
    const caught = (report.Catch as Array<{ ErrorEquals: string[]; Next: string }>).find((c) =>
      c.ErrorEquals.includes(ErrorNames.ServicesFailed),
    );
    const pass = states[caught?.Next ?? '']!;
    const fails = allStates(states).filter(([, s]) => s.Type === 'Fail');

    // Assess: the Lambda error's cause is its JSON; the report is its errorMessage; a good run ends at Report
    expect(report.End).toBe(true);
    expect(pass).toMatchObject({
      Type: 'Pass',
      Parameters: { 'lambdaError.$': 'States.StringToJson($.verdict.Cause)' },
      Next: 'Some services need attention',
    });
    expect(fails.map(([, s]) => [s.Error, s.CausePath])).toEqual([
      [ErrorNames.ServicesFailed, '$.lambdaError.errorMessage'],
    ]);
  });
});
