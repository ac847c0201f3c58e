import type { ExecutionReport } from '../../lib/contract/execution-result';
import { ErrorNames } from '../../lib/runtime/errors';
import { ExitCode } from '../exit-codes';
import { consoleUrl } from './aws';
import { renderReport } from './format';
import { causeText } from './progress';
import { explain } from './reasons';
import type { ExecutionEnd } from './sfn';

/** What a finished (or no longer followed) execution means for the person and the exit code. */
export interface Rendered {
  exitCode: number;
  /** Report and next steps (stdout). */
  out: string[];
  /** Errors (stderr). */
  err: string[];
  report?: ExecutionReport;
  /** Why no service outcome is known although the execution ended (for `--json`, as its `error`). */
  problem?: string;
}

/** Reads an execution report from an output or a ServicesFailed cause; undefined if it is not one. */
export function parseReport(text: string | undefined): ExecutionReport | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ExecutionReport>;
    if (value && typeof value === 'object' && value.summary && Array.isArray(value.services)) {
      return value as ExecutionReport;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

/** The report's `NO_TARGETS: …` warnings: a selection that matched no service. */
export function noTargetsWarnings(report: ExecutionReport | undefined): string[] {
  return (report?.warnings ?? []).filter((w) => w.startsWith('NO_TARGETS:'));
}

export interface NoTargetsPolicy {
  /** The input said allowNoTargets: an empty selection is a warning, not a failure. */
  allowNoTargets?: boolean;
  /** What to suggest when the selection matched nothing (the command's own flags). */
  hint?: string;
}

/**
 * A selection that matched nothing ends "well" for the workflow (nothing failed) but is almost always a
 * typo in a name or tag: unless the input allowed it, it is an error line and exit 1.
 */
export function checkNoTargets(report: ExecutionReport | undefined, policy: NoTargetsPolicy = {}): Rendered {
  const warnings = noTargetsWarnings(report);
  if (warnings.length === 0 || policy.allowNoTargets) return { exitCode: ExitCode.Ok, out: [], err: [] };
  return {
    exitCode: ExitCode.ServicesFailed,
    out: [],
    err: [
      ...warnings.map((w) => `error: the selection matched no service (${w})`),
      `hint: ${policy.hint ?? 'check the names, ARNs, tags and region of the selection'}`,
    ],
  };
}

/**
 * Turns how the execution ended into output and an exit code: 0 when every service ended SUCCEEDED or
 * SKIPPED, 1 when some service FAILED or TIMED_OUT, the selection matched nothing (NO_TARGETS, unless
 * allowed), or the execution did not finish well; 2 when the workflow rejected the input.
 */
export function renderEnd(
  end: ExecutionEnd,
  executionArn: string,
  retryCommand: string,
  noTargets: NoTargetsPolicy = {},
): Rendered {
  const rendered = renderEndOnly(end, executionArn, retryCommand);
  const empty = checkNoTargets(rendered.report, noTargets);
  return {
    ...rendered,
    exitCode: Math.max(rendered.exitCode, empty.exitCode),
    err: [...rendered.err, ...empty.err],
  };
}

function renderEndOnly(end: ExecutionEnd, executionArn: string, retryCommand: string): Rendered {
  const link = consoleUrl(executionArn);
  if (end.status === 'SUCCEEDED') {
    const report = parseReport(end.output);
    if (!report) {
      // Some other workflow (a wrong --state-machine-arn or stack output): nothing says what became of the services.
      const problem = 'the execution SUCCEEDED, but its output is not an App Runner Scheduler report';
      return {
        exitCode: ExitCode.ServicesFailed,
        out: [],
        err: [
          `error: ${problem}: no service outcome is known.`,
          `  output: ${(end.output ?? '').slice(0, 300) || '(none)'}`,
          `  execution: ${link}`,
          'hint: is this state machine the App Runner Scheduler workflow? Check --state-machine-arn, $APPRUNNER_SCHEDULER_STATE_MACHINE_ARN or --stage; `apprunner-scheduler status` shows what the services are doing now.',
        ],
        problem,
      };
    }
    const bad = report.summary.failed + report.summary.timedOut;
    return {
      exitCode: bad > 0 ? ExitCode.ServicesFailed : ExitCode.Ok,
      out: [renderReport(report), ...attention(report, retryCommand)],
      err: [],
      report,
    };
  }
  if (end.status === 'FAILED' && end.error === ErrorNames.ServicesFailed) {
    const report = parseReport(end.cause);
    if (report) {
      return {
        exitCode: ExitCode.ServicesFailed,
        out: [renderReport(report), ...attention(report, retryCommand)],
        err: [`error: some services need attention (execution FAILED with ${end.error}); details above`],
        report,
      };
    }
  }
  if (end.status === 'FAILED' && end.error === ErrorNames.InvalidInput) {
    return {
      exitCode: ExitCode.Usage,
      out: [],
      err: [`error: the workflow rejected the input: ${causeText(end.cause)}`, `  execution: ${link}`],
    };
  }
  if (end.status === 'RUNNING') {
    return {
      exitCode: ExitCode.ServicesFailed,
      out: [],
      err: [
        `error: stopped following after ${end.polls} polls; the execution is still running and will finish on its own.`,
        `  follow it: ${link}`,
        `  or: aws stepfunctions describe-execution --execution-arn ${executionArn}`,
      ],
    };
  }
  const what =
    end.status === 'TIMED_OUT'
      ? 'timed out (the state machine TimeoutSeconds passed)'
      : end.status === 'ABORTED'
        ? 'was aborted (someone stopped it)'
        : `failed: ${end.error ?? 'unknown error'}: ${causeText(end.cause)}`;
  return {
    exitCode: ExitCode.ServicesFailed,
    out: [],
    err: [
      `error: the execution ${what}`,
      `  execution: ${link}`,
      '  check the Lambda logs of the failed step, then retry (docs/RUNBOOK.md)',
    ],
  };
}

/** Lines that explain the failed and timed-out services and how to retry them. */
function attention(report: ExecutionReport, retryCommand: string): string[] {
  const bad = report.services.filter((s) => s.outcome === 'FAILED' || s.outcome === 'TIMED_OUT');
  if (bad.length === 0) return [];
  const lines = ['', 'Needs attention:'];
  for (const s of bad) {
    lines.push(
      `  ${s.serviceName}: ${s.outcome}${s.reason ? ` ${s.reason}` : ''}${s.error ? ` — ${s.error}` : ''}`,
    );
    const why = explain(s.reason);
    if (why) lines.push(`    means: ${why.meaning}`, `    do:    ${why.action}`);
  }
  if (report.alert) {
    lines.push(
      '',
      report.alert.published
        ? `Alert: published to SNS${report.alert.messageId ? ` (message ${report.alert.messageId})` : ''}.`
        : `Alert: NOT published (${report.alert.error ?? 'unknown error'}); tell the team yourself.`,
    );
  }
  const retry = bad.filter((s) => s.serviceArn).map((s) => s.serviceName);
  if (retry.length > 0) lines.push('', `Retry: ${retryCommand} ${retry.join(' ')}`);
  return lines;
}
