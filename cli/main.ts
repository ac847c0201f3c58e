import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import '../lib/runtime/polyfills';

import { ExitCode } from './exit-codes';

type CommandModule = { register(program: Command): void };

// Each command lives in its own module and is loaded on start; the list order is the --help order.
const commandModules: Array<() => Promise<CommandModule>> = [
  () => import('./commands/wake'),
  () => import('./commands/pause'),
  () => import('./commands/status'),
  () => import('./commands/schedules'),
  () => import('./commands/history'),
  () => import('./commands/savings'),
  () => import('./commands/freeze'),
  () => import('./commands/run'),
  () => import('./commands/emulator'),
];

/**
 * The version in package.json, read from beside this module: cli/main.ts in the checkout and the bundle
 * dist/cli.mjs in the package both sit one folder below it.
 */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Builds the CLI program with every command registered. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('apprunner-scheduler')
    .description('Pause and resume AWS App Runner services on schedules, safely and observably.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 some service failed (or the run did not finish well), 2 usage or input error.

AWS configuration is the SDK's standard one: credentials from the usual chain (AWS_PROFILE, SSO, env),
the region from --region, AWS_REGION or the profile; AWS_ENDPOINT_URL_APPRUNNER / _SFN / _CLOUDFORMATION /
_SSM / _SCHEDULER redirect a service (e.g. to the emulator). The workflow is found with --state-machine-arn, else
$APPRUNNER_SCHEDULER_STATE_MACHINE_ARN, else the StateMachineArn output of the stack apprunner-scheduler-<stage>.

Practising without AWS: with AWS_ENDPOINT_URL_APPRUNNER on this machine (the emulator), the CLI signs App Runner
calls with placeholder credentials and defaults the region to us-east-1; _SFN, _CLOUDFORMATION, _SSM and
_SCHEDULER on this machine get placeholder credentials too.

On call? See docs/RUNBOOK.md. Run \`apprunner-scheduler <command> --help\` for examples.`,
    )
    .exitOverride();
  for (const load of commandModules) (await load()).register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
  // Commands report their result through process.exitCode; start clean when called more than once (tests).
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0 through here; usage errors were already printed by commander.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    throw error;
  }
}
