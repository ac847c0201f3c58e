import type { ExecutionInput } from '../../lib/contract/execution-input';
import type { SkippedRun } from '../../lib/contract/execution-result';
import { activeFreeze, type FreezeReader, freezeEnd, InvalidFreezeError } from '../../lib/freeze/freeze';
import type { Log } from '../../lib/runtime/powertools';
import { horizonWarning, skippedDay } from '../../lib/schedules/run-calendar';

/**
 * Whether a scheduled run happens at all: a day off in the schedule's calendar (a public holiday, a skip
 * date) or a freeze of the stage records the fire as a skipped run, with no App Runner call. On-call runs
 * (anything not `schedule:`) are never held back.
 */
export interface GateDeps {
  freeze?: FreezeReader;
  now: number;
  log: Log;
}

export interface GateVerdict {
  skippedRun?: SkippedRun;
  /** Things a person should know (an unreadable freeze). */
  warnings: string[];
}

/**
 * Decides whether a run goes ahead.
 * @throws whatever the freeze store throws when it cannot be read (the state machine retries Plan)
 */
export async function runGate(input: ExecutionInput, deps: GateDeps): Promise<GateVerdict> {
  const scheduled = input.requestedBy.startsWith('schedule:') || input.schedule !== undefined;
  if (!scheduled) return { warnings: [] };
  const warnings: string[] = [];
  if (input.schedule) {
    // The schedule's own calendar: the day this fire is for, in its time zone (not the execution's start).
    const day = skippedDay(input.schedule);
    if (day) {
      deps.log.info('scheduled run skipped: a day off in its calendar', { ...day });
      return { skippedRun: day, warnings };
    }
    const horizon = horizonWarning(input.schedule);
    if (horizon) warnings.push(horizon);
  }
  if (!deps.freeze) return { warnings };
  try {
    const freeze = await activeFreeze(deps.freeze, deps.now);
    if (!freeze) return { warnings };
    deps.log.info('scheduled run skipped: the stage is frozen', { by: freeze.by, reason: freeze.reason });
    return {
      skippedRun: {
        reason: 'FROZEN',
        by: freeze.by,
        why: freeze.reason,
        until: new Date(freezeEnd(freeze)).toISOString(),
      },
      warnings,
    };
  } catch (error) {
    // A freeze nobody can read is not a freeze; the run goes ahead, and the alert says so.
    if (!(error instanceof InvalidFreezeError)) throw error;
    deps.log.warn('the freeze could not be read; the run goes ahead', { error: error.message });
    return { warnings: [...warnings, `FREEZE_UNREADABLE: ${error.message}; the run went ahead`] };
  }
}
