import { type Command, Option } from 'commander';
import { MAX_READY_BY_HOURS } from '../../lib/contract/execution-input';
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
        '(a keep-awake lease makes scheduled pauses skip them), and follow the run to its report. A service ' +
        'counts as awake when it answers on its URL (the readiness probe), not merely when App Runner says RUNNING.',
    )
    .argument('<service...>', 'service names (looked up in --region) or service ARNs')
    .option(
      '--until <time>',
      'keep awake until: a duration (4h, 90m, 1d), "08:00 Europe/Berlin" (next such time), ' +
        '"2026-11-28 08:00 Europe/Berlin", or ISO-8601 (2026-11-28T07:00:00Z); at most 31 days',
    )
    .option(
      '--ready-by <time>',
      'be ready (answering, not just RUNNING) by then; each service starts at its own time: same forms as ' +
        `--until (10m, "07:00 Europe/Berlin", ISO-8601); at most ${MAX_READY_BY_HOURS} hours ahead`,
    )
    .addOption(
      new Option(
        '--ready-check <check>',
        'after RUNNING, probe the service URL until it answers (http, the default) or stop at RUNNING (none: private services)',
      ).choices(['http', 'none']),
    );
  addExecutionOptions(cmd)
    .addHelpText(
      'after',
      `${EXIT_CODES_HELP}

Examples:
  $ apprunner-scheduler wake api-staging
  $ apprunner-scheduler wake api-staging web-staging --until 4h --reason "INC-1234 debugging"
  $ apprunner-scheduler wake api-staging --until "08:00 Europe/Berlin"     # over the night
  $ apprunner-scheduler wake api-staging --ready-by "07:00 Europe/Berlin"  # from the evening before: ready at 07:00
  $ apprunner-scheduler wake internal-api --ready-check none               # private: stop at RUNNING
  $ apprunner-scheduler wake arn:aws:apprunner:eu-west-1:123456789012:service/api/0123456789abcdef0123456789abcdef
  $ apprunner-scheduler wake api-staging --no-wait                        # print the execution and return
  $ apprunner-scheduler wake api-staging --stage prod --region eu-west-1 --json > report.json`,
    )
    .action(async (services: string[], opts: ExecutionCommandOptions) => {
      process.exitCode = await runExecutionCommand('resume', services, opts);
    });
}
