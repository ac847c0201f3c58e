import { createInterface } from 'node:readline/promises';
import type * as z from 'zod';
import { faultSchema } from '../../emulator/fleet';
import { AppRunnerModel, type FaultSpec, type FleetSpec } from '../../emulator/index';
import { type Clock, ManualClock } from '../../lib/runtime/clock';
import { loadConfig } from '../../lib/runtime/config';
import { InvalidConfigError } from '../../lib/runtime/errors';
import { UsageError } from './args';
import { closestNames } from './resolve';

/**
 * Checks of `run`'s flags that need more than commander: they all happen before the emulator or anything
 * else starts, and each names the flag and what is wrong.
 */

/** The function variables `--set` may change: every tunable of the function configuration. */
export function tunableNames(): string[] {
  // The configuration fills in a default for every tunable: its keys are the names it knows.
  return Object.keys(loadConfig({ AWS_REGION: 'us-east-1' }))
    .filter((name) => name !== 'AWS_REGION')
    .sort();
}

/**
 * Validates `--set NAME=value` overrides against the function configuration, as a cold start would.
 * @throws UsageError for an unknown variable (with "did you mean") or an invalid value (naming the variable)
 */
export function checkSetVariables(set: Record<string, string>): void {
  const known = tunableNames();
  const unknown = Object.keys(set).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      unknown
        .map((name) => {
          const close = closestNames(name, known);
          return `--set ${name}: not a function variable${close.length ? ` (did you mean ${close.join(' or ')}?)` : ''}`;
        })
        .join('\n       ') + `\n       variables: ${known.join(', ')}`,
    );
  }
  try {
    loadConfig({ AWS_REGION: 'us-east-1', ...set });
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    throw new UsageError(
      error.issues.map((i) => `--set ${i.field}=${set[i.field] ?? ''}: ${i.problem}`).join('\n       '),
    );
  }
}

/** The names of the services a fleet holds (listed and generated), without starting the emulator. */
export function fleetServiceNames(fleet: FleetSpec, clock: Clock = new ManualClock()): string[] {
  return new AppRunnerModel(fleet, clock).snapshots().map((s) => s.name);
}

/**
 * Every service a fault names must be in the fleet: a typo would make the demo "succeed" with no fault.
 * @throws UsageError with the closest names
 */
export function checkFaultServices(faults: FaultSpec[], fleetNames: string[], fleetSource: string): void {
  const problems: string[] = [];
  for (const fault of faults) {
    const service = (fault as { service?: string }).service;
    if (service === undefined || fleetNames.includes(service)) continue;
    const close = closestNames(service, fleetNames);
    problems.push(
      `--fault ${fault.type}:${service}: no service ${service} in the fleet ${fleetSource}` +
        (close.length
          ? `, did you mean ${close.join(' or ')}?`
          : ` (services: ${fleetNames.slice(0, 12).join(', ')})`),
    );
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n       '));
}

/** One fault type of the emulator and the keys `--fault` may give it (`service` goes after the colon). */
export interface FaultKeys {
  type: string;
  required: string[];
  optional: string[];
}

/** Every fault type with its keys, read from the emulator's fault schema (so help and checks never drift). */
export function faultKeys(): FaultKeys[] {
  return faultSchema.options.map((option) => {
    const shape = option.shape as Record<string, z.ZodType>;
    const keys = Object.keys(shape).filter((k) => k !== 'type' && k !== 'service');
    const optional = (key: string) => shape[key]?.safeParse(undefined).success === true;
    return {
      type: String([...(option.shape.type as z.ZodLiteral).values][0]),
      required: keys.filter((k) => !optional(k)),
      optional: keys.filter(optional),
    };
  });
}

/** The fault types and their keys, for `run --help`. */
export function faultHelp(): string {
  const lines = faultKeys().map(
    ({ type, required, optional }) =>
      `  ${type.padEnd(22)} ${[...required.map((k) => `${k}=…`), ...optional.map((k) => `[${k}]`)].join(' ')}`,
  );
  return [
    'Faults (--fault type[:service][,key=value…]; keys in [ ] are optional; operations joined with +,',
    'e.g. operations=ResumeService+ListOperations):',
    ...lines,
    'delayMs (slow, slow-ready) is real milliseconds, also on the simulated clock: each answer is held back',
    "that long; forSeconds and startsInSeconds count on the run's clock.",
  ].join('\n');
}

/**
 * Checks a `--fault` against its type's keys before the schema does, so that the message names the fault
 * and the key (the schema alone says "delayMs: expected number, received undefined").
 * @throws UsageError for an unknown type, a missing required key or an unknown key
 */
export function checkFaultKeys(flag: string, spec: Record<string, unknown>): void {
  const all = faultKeys();
  const keys = all.find((f) => f.type === spec.type);
  if (!keys) {
    const types = all.map((f) => f.type);
    const close = closestNames(String(spec.type ?? ''), types);
    throw new UsageError(
      `--fault ${flag}: no fault type "${spec.type}"${close.length ? ` (did you mean ${close.join(' or ')}?)` : ''}; types: ${types.join(', ')}`,
    );
  }
  const missing = keys.required.filter((k) => spec[k] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `--fault ${flag}: the ${keys.type} fault needs ${missing.join(' and ')} (e.g. ${keys.type}${spec.service ? `:${spec.service}` : ''},${missing.map((k) => `${k}=…`).join(',')})`,
    );
  }
  const known = [...keys.required, ...keys.optional, 'type', 'service'];
  const unknown = Object.keys(spec).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new UsageError(
      `--fault ${flag}: the ${keys.type} fault has no key ${unknown.join(', ')} (keys: ${[...keys.required, ...keys.optional].join(', ')})`,
    );
  }
}

/** How `run --aws` gets its go-ahead: --yes, or a "yes" typed on a terminal. */
export interface Confirmation {
  yes?: boolean;
  /** Whether a person can answer (stdin and stdout are terminals). */
  interactive: boolean;
  ask?: (question: string) => Promise<string>;
}

/**
 * Asks before acting on a real account.
 * @throws UsageError when there is no --yes and nobody to ask, or the answer is not yes
 */
export async function confirmRealRun(summary: string, confirmation: Confirmation): Promise<void> {
  if (confirmation.yes) return;
  if (!confirmation.interactive) {
    throw new UsageError(
      `--aws acts on a real AWS account (${summary}); add --yes to confirm (no terminal to ask on). Nothing was done.`,
    );
  }
  const ask = confirmation.ask ?? askOnTerminal;
  const answer = (await ask(`This will ${summary} in your real AWS account. Type "yes" to go on: `)).trim();
  if (answer.toLowerCase() !== 'yes') throw new UsageError('not confirmed; nothing was done.');
}

async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
