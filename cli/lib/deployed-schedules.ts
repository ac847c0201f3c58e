import {
  type DeployedSchedule,
  loadDeployedSchedules,
  SchedulerCallError,
  scheduleGroupName,
} from '../../lib/schedules/deployed';
import { ExitCode } from '../exit-codes';
import { type Patience, schedulerClient } from './aws';
import { type CallSite, CliError, fromAwsError } from './errors';

const site = (operation: string): CallSite => ({
  service: 'EventBridge Scheduler',
  operation,
  endpointVariable: 'AWS_ENDPOINT_URL_SCHEDULER',
});

/**
 * The schedules deployed for a stage (its EventBridge Scheduler group), for `schedules --deployed` and
 * `status`.
 * @throws CliError: exit 2 when the stage has no schedule group in the region, else as the AWS error says
 */
export async function readDeployedSchedules(
  stage: string,
  region: string,
  patience: Patience = {},
): Promise<DeployedSchedule[]> {
  const group = scheduleGroupName(stage);
  const client = schedulerClient(region, patience);
  try {
    return await loadDeployedSchedules(client, group);
  } catch (error) {
    if (!(error instanceof SchedulerCallError)) throw error;
    const cause = error.cause as { name?: string } | undefined;
    if (error.operation === 'GetScheduleGroup' && cause?.name === 'ResourceNotFoundException') {
      throw new CliError(
        `No EventBridge Scheduler schedule group "${group}" in ${region}: the stack of stage "${stage}" is not deployed there, or has no Scheduler schedules.`,
        ExitCode.Usage,
        'Pass the --stage and --region the stack was deployed with (npx osls deploy --stage <stage> --region <region>).',
        { cause: error },
      );
    }
    throw fromAwsError(cause, site(error.operation));
  } finally {
    client.destroy();
  }
}
