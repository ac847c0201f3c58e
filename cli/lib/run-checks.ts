import { createInterface } from 'node:readline/promises';
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
