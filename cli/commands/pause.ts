import type { Command } from 'commander';
import {
  addExecutionOptions,
  EXIT_CODES_HELP,
  type ExecutionCommandOptions,
  runExecutionCommand,
} from '../lib/execution-command';

/** Registers `apprunner-scheduler pause <service…>`. */
export function register(program: Command): void {
  const cmd = program
    .command('pause')
    .summary('Pause services now (refuses while a keep-awake lease is active) and follow the run')
    .description(
      'Pause App Runner services now through the deployed workflow and follow the run to its report. ' +
        'Refuses while a keep-awake lease is active, unless --force.',
    )
    .argument('<service...>', 'service names (looked up in --region) or service ARNs')
    .option(
      '--force',
      'pause even a service with an active keep-awake lease: the workflow removes the lease right before pausing',
    );
  addExecutionOptions(cmd)
    .addHelpText(
      'after',
      `${EXIT_CODES_HELP}

A keep-awake lease is the tag apprunner-scheduler:keep-awake-until (with keep-awake-by and keep-awake-reason:
who set it and why), set by \`wake --until\`. While it is in the future the workflow skips the service on
pause (KEEP_AWAKE_LEASE), so this command refuses (exit 2, nothing started) and names the services, their
lease, who set it and why. --force sends overrideLease in the execution input: the workflow itself removes
the lease right before it pauses the service, so nothing changes when the run cannot start.

Examples:
  $ apprunner-scheduler pause api-staging
  $ apprunner-scheduler pause api-staging web-staging --reason "cost: nobody testing tonight"
  $ apprunner-scheduler pause demo-app --force             # a lease is active: override it and pause
  $ apprunner-scheduler pause api-staging --dry-run        # what would happen, changing nothing
  $ apprunner-scheduler pause api-staging --no-wait --json`,
    )
    .action(async (services: string[], opts: ExecutionCommandOptions) => {
      process.exitCode = await runExecutionCommand('pause', services, opts);
    });
}
