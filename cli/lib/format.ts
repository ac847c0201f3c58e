import type { ExecutionReport, ServiceResult, SkippedRun } from '../../lib/contract/execution-result';
import type { Lease } from '../../lib/contract/tags';

/** Renders rows as an aligned plain-text table (no colours: output is often pasted into tickets). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** mm:ss (or h:mm:ss) for a duration in seconds. */
export function clockTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${String(m).padStart(2, '0')}:${rest}`;
}

function detail(s: ServiceResult): string {
  const parts: string[] = [];
  if (s.error) parts.push(s.error);
  if (s.notes?.length) parts.push(...s.notes);
  return parts.join('; ');
}

/** The report as a table plus a one-line summary. */
export function renderReport(report: ExecutionReport): string {
  const rows = report.services.map((s) => [
    s.serviceName,
    s.outcome,
    s.reason ?? '',
    s.fromStatus && s.toStatus ? `${s.fromStatus} → ${s.toStatus}` : (s.toStatus ?? ''),
    s.durationSeconds !== undefined ? `${s.durationSeconds}s` : '',
    readyText(s),
    s.polls !== undefined ? String(s.polls) : '',
    detail(s),
  ]);
  const { summary } = report;
  const head = `${report.dryRun ? 'DRY RUN — ' : ''}${report.action} requested by ${report.requestedBy}${report.reason ? ` (${report.reason})` : ''}`;
  const foot = `${summary.targeted} targeted: ${summary.succeeded} succeeded, ${summary.skipped} skipped, ${summary.failed} failed, ${summary.timedOut} timed out`;
  const lines = [head, ''];
  if (report.skippedRun)
    lines.push(`Run skipped: ${skippedRunText(report.skippedRun)}. No App Runner call was made.`, '');
  if (rows.length > 0)
    lines.push(
      table(['SERVICE', 'OUTCOME', 'REASON', 'STATUS', 'TOOK', 'READY', 'POLLS', 'DETAILS'], rows),
      '',
    );
  lines.push(foot);
  for (const warning of report.warnings ?? []) lines.push(`warning: ${warning}`);
  if (report.truncated) {
    const omitted = Object.entries(report.truncated.omitted)
      .map(([outcome, n]) => `${n} ${outcome}`)
      .join(', ');
    lines.push(
      `Report shortened to fit Step Functions (${report.truncated.limit}): ${report.truncated.compacted} lines ` +
        `without details${omitted ? `, left out: ${omitted}` : ''}. Every outcome is in the function logs.`,
    );
  }
  return lines.join('\n');
}

/**
 * The READY column: `+8s` (ready that long after RUNNING), `-` when readiness was not probed, and the ready-by
 * verdict when the run had one (`+8s, 95s early` / `+8s, 40s late`).
 */
function readyText(s: ServiceResult): string {
  const ready =
    s.readySeconds !== undefined
      ? `+${s.readySeconds}s`
      : s.readyCheckSkipped !== undefined
        ? 'not probed'
        : '';
  if (!s.readyBy || !ready) return ready;
  if (s.missedBySeconds) return `${ready}, ${s.missedBySeconds}s late`;
  const at = s.readyAt ?? s.runningAt;
  const early = at ? Math.round((Date.parse(s.readyBy) - Date.parse(at)) / 1000) : undefined;
  return early !== undefined ? `${ready}, ${early}s early` : ready;
}

/** One line for a whole-run skip: `FROZEN by user:alice until 2026-11-28 08:00Z: release freeze`. */
export function skippedRunText(skipped: SkippedRun): string {
  if (skipped.reason === 'FROZEN') {
    return `FROZEN by ${skipped.by}${skipped.until ? ` until ${skipped.until}` : ''}${skipped.why ? `: ${skipped.why}` : ''}`;
  }
  return `${skipped.reason} ${skipped.date} (${skipped.name})`;
}

/** ` by user:alice ("INC-42 debugging")`, or as much of it as the lease records; empty for neither. */
export function leaseByText(lease: Pick<Lease, 'by' | 'reason'>): string {
  return `${lease.by ? ` by ${lease.by}` : ''}${lease.reason ? ` ("${lease.reason}")` : ''}`;
}
