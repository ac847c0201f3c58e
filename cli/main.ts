import { Command, CommanderError } from 'commander';
import '../lib/polyfills';

/** Exit codes, documented in the README: 0 success, 1 some service failed, 2 usage or input error. */
export const ExitCode = { Ok: 0, ServicesFailed: 1, Usage: 2 } as const;

type CommandModule = { register(program: Command): void };

// Each command lives in its own module and is loaded on start; the list order is the --help order.
const commandModules: Array<() => Promise<CommandModule>> = [
  () => import('./commands/run'),
  () => import('./commands/emulator'),
];

/** Builds the CLI program with every command registered. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('apprunner-scheduler')
    .description('Pause and resume AWS App Runner services on schedules, safely and observably.')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const load of commandModules) (await load()).register(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
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
