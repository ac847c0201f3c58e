import {
  GetScheduleCommand,
  GetScheduleGroupCommand,
  paginateListSchedules,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { type ScheduleContext, ScheduleContextSchema } from '../contract/execution-input';
import { mapLimit } from '../runtime/map-limit';
import { SCHEDULER_TIME_PLACEHOLDER } from './schedule-input';

/**
 * The schedules that are really deployed: read from the stack's EventBridge Scheduler group, so the CLI
 * can show them outside a checkout and without trusting a local schedules.yml that may have moved on.
 * Classic rules (`type: rule`) live outside the group and are not read here.
 */

/** The stack's schedule group: `<service>-<stage>` (see deploy/schedules.cjs). */
export function scheduleGroupName(stage: string, service = 'apprunner-scheduler'): string {
  return `${service}-${stage}`;
}

export interface DeployedSchedule {
  name: string;
  state: 'ENABLED' | 'DISABLED' | string;
  /** ScheduleExpression as deployed: `cron(…)` for ours; `rate(…)`/`at(…)` if someone added one by hand. */
  expression: string;
  timezone: string;
  description?: string;
  /** The execution input's action and targets, when the Input is ours. */
  action?: string;
  targets?: Record<string, unknown>;
  /** The input's `schedule` block (without a real scheduledTime): readyBy and skip days. */
  calendar?: Omit<ScheduleContext, 'scheduledTime'>;
  /** Why the Input could not be read as an App Runner Scheduler input, when it could not. */
  inputProblem?: string;
}

/** An EventBridge Scheduler call failed; `cause` is the SDK's error, `operation` the API it called. */
export class SchedulerCallError extends Error {
  override readonly name = 'SchedulerCallError';
  constructor(
    readonly operation: 'GetScheduleGroup' | 'ListSchedules' | 'GetSchedule',
    cause: unknown,
  ) {
    super(`EventBridge Scheduler ${operation} failed: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
  }
}

/** Runs one call, naming the operation when it fails. */
async function call<T>(operation: SchedulerCallError['operation'], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new SchedulerCallError(operation, error);
  }
}

/** GetSchedule calls in flight at once (Scheduler's default quota is modest). */
const CONCURRENCY = 5;

/**
 * Lists the group's schedules (ListSchedules, every page) and reads each one (GetSchedule), sorted by name.
 * @throws SchedulerCallError wrapping the SDK's error; GetScheduleGroup's `ResourceNotFoundException` when the
 * group does not exist (checked first, since ListSchedules of an unknown group may answer with an empty list).
 */
export async function loadDeployedSchedules(
  client: SchedulerClient,
  groupName: string,
): Promise<DeployedSchedule[]> {
  await call('GetScheduleGroup', () => client.send(new GetScheduleGroupCommand({ Name: groupName })));
  const names = await call('ListSchedules', async () => {
    const found: string[] = [];
    for await (const page of paginateListSchedules({ client }, { GroupName: groupName })) {
      for (const summary of page.Schedules ?? []) if (summary.Name) found.push(summary.Name);
    }
    return found;
  });
  const read = await mapLimit(names, CONCURRENCY, (Name) =>
    call('GetSchedule', () => client.send(new GetScheduleCommand({ Name, GroupName: groupName }))),
  );
  const schedules: DeployedSchedule[] = read.map((out) => ({
    name: out.Name ?? '',
    state: out.State ?? 'ENABLED',
    expression: out.ScheduleExpression ?? '',
    timezone: out.ScheduleExpressionTimezone ?? 'UTC',
    ...(out.Description !== undefined && { description: out.Description }),
    ...readInput(out.Target?.Input),
  }));
  return schedules.sort((a, b) => a.name.localeCompare(b.name));
}

/** The parts of a deployed Input the CLI shows, or why it is not an input of ours. */
function readInput(text: string | undefined): Partial<DeployedSchedule> {
  if (text === undefined) return { inputProblem: 'the schedule has no Input' };
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(text.split(SCHEDULER_TIME_PLACEHOLDER).join('1970-01-01T00:00:00Z'));
  } catch {
    return { inputProblem: 'the Input is not JSON' };
  }
  if (typeof input !== 'object' || input === null) return { inputProblem: 'the Input is not a JSON object' };
  const found: Partial<DeployedSchedule> = {
    ...(typeof input.action === 'string' && { action: input.action }),
    ...(typeof input.targets === 'object' &&
      input.targets !== null && { targets: input.targets as Record<string, unknown> }),
  };
  if (input.schedule === undefined) return found;
  const parsed = ScheduleContextSchema.safeParse(input.schedule);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ...found, inputProblem: `schedule.${issue?.path.join('.')}: ${issue?.message}` };
  }
  const { scheduledTime: _due, ...calendar } = parsed.data;
  return { ...found, calendar };
}
