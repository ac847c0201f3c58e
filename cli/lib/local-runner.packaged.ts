import { ExitCode } from '../exit-codes';
import { CliError } from './errors';

/**
 * What `run` does in the installed package (scripts/build-cli.mjs puts this module in place of
 * local-runner.ts): the local runner needs the repository's sources, so it says where to get them.
 */
export async function loadLocalRunner(): Promise<never> {
  throw new CliError(
    '`run` (the workflow run locally against the emulator) is a development feature of the source checkout; this installed CLI does not include it.',
    ExitCode.Usage,
    'Clone the repository, then `npm ci && npm start` (or `npx apprunner-scheduler run …`) in it. The installed CLI has wake, pause, status, schedules, history, savings, freeze, unfreeze and emulator.',
  );
}
