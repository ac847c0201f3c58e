import { stripVTControlCharacters } from 'node:util';
import Chartscii from 'chartscii';
import { stringify } from 'csv-stringify/sync';
import type { Ledger } from './ledger';

/**
 * The ledger as a per-day bar chart and as CSV, each drawn by a maintained library (chartscii, csv-stringify).
 * CLI-only: the workflow imports lib/savings/price.ts alone, never this module.
 */

export interface DailyChart {
  /** What the bars measure: estimated USD saved, or paused service-hours when no service has an estimate. */
  measure: 'usd' | 'hours';
  text: string;
}

/**
 * One bar per local day of the period, labelled `Mon 11-02`, so that nights (short bars) and weekends (long
 * ones) show at a glance. Plain text: colours are stripped (the output is pasted into tickets and chats).
 */
export function dailyChart(ledger: Ledger, width = 40): DailyChart {
  const measure = ledger.days.some((d) => d.estimatedSavingsUsd !== null) ? 'usd' : 'hours';
  const data = ledger.days.map((d) => ({
    label: `${d.weekday} ${d.date.slice(5)}`,
    value: measure === 'usd' ? (d.estimatedSavingsUsd ?? 0) : d.pausedHours,
  }));
  if (data.length === 0) return { measure, text: '' };
  const chart = new Chartscii(data, {
    width,
    barSize: 1,
    height: data.length,
    valueLabels: true,
    valueLabelFormat: ([value]) =>
      measure === 'usd' ? `$${Number(value).toFixed(2)}` : `${Number(value).toFixed(1)} h`,
  });
  const text = stripVTControlCharacters(chart.create())
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line, i) => i > 0 || line !== '')
    .join('\n');
  return { measure, text };
}

/** CSV columns, in order: one row per service (a spreadsheet sums them; --json carries the totals). */
export const CSV_COLUMNS = [
  'service',
  'region',
  'paused_hours',
  'running_hours',
  'unknown_hours',
  'share_paused',
  'paused_intervals',
  'min_size',
  'memory_mb',
  'usd_per_gb_hour',
  'estimated_savings_usd',
  'history_from',
  'period_from',
  'period_to',
  'arn',
] as const;

/** RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, quote or line break. */
export function ledgerCsv(ledger: Ledger): string {
  const rows = ledger.services.map((r) => [
    r.service,
    r.region,
    r.pausedHours,
    r.runningHours,
    r.unknownHours,
    r.sharePaused ?? '',
    r.pausedIntervals,
    r.minSize,
    r.memoryMb ?? '',
    r.usdPerGbHour ?? '',
    r.estimatedSavingsUsd ?? '',
    r.historyFrom ?? '',
    ledger.period.from,
    ledger.period.to,
    r.arn,
  ]);
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' });
}
