import type { Command } from 'commander';
import {
  addExecutionOptions,
  EXIT_CODES_HELP,
  type ExecutionCommandOptions,
  runExecutionCommand,
} from '../lib/execution-command';

/** Registers `apprunner-scheduler wake <service…>`. */
export function register(program: Command): void {
  const cmd = program
    .command('wake')
    .summary('Resume services now (optionally keep them awake) and follow the run')
    .description(
      'Resume App Runner services now through the deployed workflow, optionally keeping them awake ' +
        '(a keep-awake lease makes scheduled pauses skip them), and follow the run to its report.',
    )
    .argument('<service...>', 'service names (looked up in --region) or service ARNs')
    .option(
      '--until <time>',
      'keep awake until: a duration (4h, 90m, 1d), "08:00 Europe/Berlin" (next such time), ' +
        '"2026-11-28 08:00 Europe/Berlin", or ISO-8601 (2026-11-28T07:00:00Z); at most 31 days',
    );
  addExecutionOptions(cmd)
    .addHelpText(
      'after',
      `${EXIT_CODES_HELP}

Examples:
  $ apprunner-scheduler wake api-staging
  $ apprunner-scheduler wake api-staging web-staging --until 4h --reason "INC-1234 debugging"
  $ apprunner-scheduler wake api-staging --until "08:00 Europe/Berlin"     # over the night
  $ apprunner-scheduler wake arn:aws:apprunner:eu-west-1:123456789012:service/api/0123456789abcdef0123456789abcdef
  $ apprunner-scheduler wake api-staging --no-wait                        # print the execution and return
  $ apprunner-scheduler wake api-staging --stage prod --region eu-west-1 --json > report.json`,
    )
    .action(async (services: string[], opts: ExecutionCommandOptions) => {
      process.exitCode = await runExecutionCommand('resume', services, opts);
    });
}
