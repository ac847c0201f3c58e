import type { Command } from 'commander';
import {
  DEFAULT_FREEZE_DAYS,
  FREEZE_REASON_MAX,
  type Freeze,
  FreezeSchema,
  freezeEnd,
  InvalidFreezeError,
  isFrozen,
  MAX_FREEZE_DAYS,
} from '../../lib/freeze/freeze';
import { issuesFromZod } from '../../lib/runtime/errors';
import { ExitCode } from '../exit-codes';
import { parseUntil, UsageError } from '../lib/args';
import { defaultRequester, resolveRegion } from '../lib/aws';
import { fromAwsError, reportError } from '../lib/errors';
import { freezeStore, freezeText, ssmSite } from '../lib/freeze';
import { io } from '../lib/io';
import { checkStage, checkStageDeployed } from '../lib/state-machine';

interface FreezeOptions {
  until?: string;
  reason: string;
  requestedBy?: string;
  stage: string;
  region?: string;
  json?: boolean;
}

interface UnfreezeOptions {
  stage: string;
  region?: string;
  json?: boolean;
}

const DAY_MS = 86_400_000;

const FREEZE_EXIT_CODES = `
Exit codes:
  0  done (unfreeze: also when nothing was frozen)
  1  SSM (or CloudFormation, checking the stage) could not be reached or failed
  2  usage error, nothing changed: bad flags, --until in the past or too far ahead, no such stage (the
     stack apprunner-scheduler-<stage> does not exist in the region), no credentials or region, access denied`;

/** Registers `apprunner-scheduler freeze` and `unfreeze`. */
export function register(program: Command): void {
  program
    .command('freeze')
    .summary('Stop the scheduled runs of a stage for a while (on-call commands still work)')
    .description(
      'Freeze a stage: every scheduled run is recorded as skipped (skippedRun FROZEN, no App Runner call) ' +
        'until the freeze ends or is lifted with `unfreeze`. wake, pause and other on-call runs are not ' +
        'affected. No redeploy: the freeze is an SSM parameter that the workflow reads at each run.',
    )
    .requiredOption(
      '--reason <text>',
      `why (shown in status, history and every skipped run; ≤ ${FREEZE_REASON_MAX} characters)`,
    )
    .option(
      '--until <time>',
      `when the freeze ends by itself: a duration (8h, 3d), "08:00 Europe/Berlin", "2026-12-27 08:00 Europe/Berlin" ` +
        `or ISO-8601; default ${DEFAULT_FREEZE_DAYS} days, at most ${MAX_FREEZE_DAYS} days`,
    )
    .option(
      '--requested-by <who>',
      'who freezes, shown everywhere the freeze is (default: user:<your OS user>)',
    )
    .option('--stage <stage>', 'deployed stage whose schedules to freeze', 'dev')
    .option('--region <region>', 'AWS region of the stack (default: AWS_REGION or your profile)')
    .option('--json', 'print the stored freeze as JSON (and, as replaced, the freeze it replaced)')
    .addHelpText(
      'after',
      `${FREEZE_EXIT_CODES}

A freeze always ends by itself: without --until after ${DEFAULT_FREEZE_DAYS} days, so that a forgotten freeze does not
silently stop the schedules for good. Freezing again replaces the freeze (and says what it replaced). The
freeze is the SSM parameter /apprunner-scheduler/<stage>/freeze (stack output FreezeParameterName); the CLI
needs ssm:GetParameter, ssm:PutParameter and ssm:DeleteParameter on it, and cloudformation:DescribeStacks
to check that the stage is deployed.

Examples:
  $ apprunner-scheduler freeze --reason "release 4.2: no restarts tonight" --until "08:00 Europe/Berlin"
  $ apprunner-scheduler freeze --reason "INC-4711 under investigation" --stage prod --until 2d
  $ apprunner-scheduler freeze --reason "office closed" --until "2027-01-04 07:00 Europe/Berlin"
  $ apprunner-scheduler status --stage prod          # shows the freeze
  $ apprunner-scheduler unfreeze --stage prod`,
    )
    .action(async (opts: FreezeOptions) => {
      process.exitCode = await runFreeze(opts);
    });

  program
    .command('unfreeze')
    .summary('Lift the freeze of a stage: scheduled runs act again')
    .description(
      'Lift the freeze of a stage: the next scheduled run acts again. Nothing to lift is not an error.',
    )
    .option('--stage <stage>', 'deployed stage', 'dev')
    .option('--region <region>', 'AWS region of the stack (default: AWS_REGION or your profile)')
    .option('--json', 'print what was lifted as JSON')
    .addHelpText(
      'after',
      `${FREEZE_EXIT_CODES}

Examples:
  $ apprunner-scheduler unfreeze
  $ apprunner-scheduler unfreeze --stage prod --region eu-west-1`,
    )
    .action(async (opts: UnfreezeOptions) => {
      process.exitCode = await runUnfreeze(opts);
    });
}

async function runFreeze(opts: FreezeOptions): Promise<number> {
  try {
    const stage = checkStage(opts.stage);
    const now = Date.now();
    const until = opts.until
      ? parseUntil(opts.until, new Date(now)).getTime()
      : now + DEFAULT_FREEZE_DAYS * DAY_MS;
    if (until <= now) throw new UsageError(`--until "${opts.until}" is in the past`);
    if (until > now + MAX_FREEZE_DAYS * DAY_MS) {
      throw new UsageError(`--until "${opts.until}" is more than ${MAX_FREEZE_DAYS} days ahead`);
    }
    const freeze = checkFreeze({
      by: opts.requestedBy ?? defaultRequester(),
      reason: opts.reason,
      until: isoSeconds(until),
      at: isoSeconds(now),
    });
    const region = await resolveRegion(opts.region);
    // A freeze of a stage that is not deployed (a typo: prdo) would be stored, and read by nothing.
    await checkStageDeployed(stage, region);
    const { store, close } = freezeStore(stage, region);
    try {
      const previous = await currentFreeze(store, (message) =>
        io.err(`note: replacing an unreadable value: ${message}`),
      );
      try {
        await store.put(freeze);
      } catch (error) {
        throw fromAwsError(error, ssmSite('PutParameter'));
      }
      const replaced = isFrozen(previous, now) ? previous : undefined;
      if (opts.json) {
        io.out(
          JSON.stringify(
            { stage, region, parameter: store.parameterName, freeze, ...(replaced ? { replaced } : {}) },
            null,
            2,
          ),
        );
        return ExitCode.Ok;
      }
      if (replaced) {
        io.out(
          `Replaced the freeze by ${replaced.by} until ${isoSeconds(freezeEnd(replaced))} (${replaced.reason}).`,
        );
      }
      io.out(`Stage ${stage} (${region}): scheduled runs ${freezeText(freeze, now)}.`);
      io.out(`  stored in SSM parameter ${store.parameterName}`);
      io.out(
        '  Scheduled runs are recorded as skipped (FROZEN) and make no App Runner call; wake and pause still work.',
      );
      io.out(`  Lift it early: apprunner-scheduler unfreeze --stage ${stage}`);
      return ExitCode.Ok;
    } finally {
      close();
    }
  } catch (error) {
    return reportError(error, io.err);
  }
}

/** The freeze stored now; a value that is not a freeze counts as none (and is reported to `onUnreadable`). */
async function currentFreeze(
  store: { get(): Promise<Freeze | undefined> },
  onUnreadable?: (message: string) => void,
): Promise<Freeze | undefined> {
  try {
    return await store.get();
  } catch (error) {
    if (!(error instanceof InvalidFreezeError)) throw fromAwsError(error, ssmSite('GetParameter'));
    onUnreadable?.(error.message);
    return undefined;
  }
}

async function runUnfreeze(opts: UnfreezeOptions): Promise<number> {
  try {
    const stage = checkStage(opts.stage);
    const now = Date.now();
    const region = await resolveRegion(opts.region);
    const { store, close } = freezeStore(stage, region);
    try {
      const previous = await currentFreeze(store);
      let removed: boolean;
      try {
        removed = await store.delete();
      } catch (error) {
        throw fromAwsError(error, ssmSite('DeleteParameter'));
      }
      // Nothing to lift: say so only for a stage that exists; for a typo (prdo) the real stage stays frozen.
      if (!removed) await checkStageDeployed(stage, region);
      const active = isFrozen(previous, now) ? previous : undefined;
      if (opts.json) {
        io.out(
          JSON.stringify({ stage, region, parameter: store.parameterName, lifted: active ?? null }, null, 2),
        );
        return ExitCode.Ok;
      }
      if (active) {
        io.out(
          `Stage ${stage} (${region}): lifted the freeze by ${active.by} (${active.reason}); scheduled runs act again.`,
        );
      } else if (removed) {
        io.out(
          `Stage ${stage} (${region}): the freeze had already ended; removed it. Scheduled runs act as usual.`,
        );
      } else {
        io.out(`Stage ${stage} (${region}) was not frozen; nothing to do.`);
      }
      return ExitCode.Ok;
    } finally {
      close();
    }
  } catch (error) {
    return reportError(error, io.err);
  }
}

const FIELD_FLAGS: Record<string, string> = { by: '--requested-by', reason: '--reason', until: '--until' };

/** Validates the freeze as Plan will read it; a bad field is named with its flag. */
function checkFreeze(freeze: Freeze): Freeze {
  const parsed = FreezeSchema.safeParse(freeze);
  if (parsed.success) return parsed.data;
  const text = issuesFromZod(parsed.error)
    .map((i) => `${FIELD_FLAGS[i.field] ?? i.field}: ${i.problem}`)
    .join('; ');
  throw new UsageError(`invalid freeze: ${text}`);
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
