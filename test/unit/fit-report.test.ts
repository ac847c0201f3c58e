import { describe, expect, it } from 'vitest';
import { fitReport, MAX_CAUSE_CHARS, MAX_OUTPUT_CHARS } from '../../functions/report/core';
import type { ExecutionReport, ServiceResult } from '../../lib/contract/execution-result';

function line(i: number, outcome: ServiceResult['outcome']): ServiceResult {
  const name = `svc-${String(i).padStart(4, '0')}`;
  return {
    serviceArn: `arn:aws:apprunner:us-east-1:123456789012:service/${name}/${'0'.repeat(28)}${String(i).padStart(4, '0')}`,
    serviceName: name,
    outcome,
    ...(outcome === 'FAILED'
      ? { reason: 'OPERATION_FAILED', error: 'App Runner reports the operation FAILED' }
      : {}),
    operationId: '00000000-0000-4000-8000-000000000000',
    fromStatus: 'PAUSED',
    toStatus: outcome === 'SUCCEEDED' ? 'RUNNING' : 'PAUSED',
    durationSeconds: 120,
    polls: 40,
    finishedAt: '2026-11-30T06:05:00.000Z',
    notes: ['joined RESUME_SERVICE operation 00000000-0000-4000-8000-000000000000 already in flight'],
  };
}

function report(services: ServiceResult[]): ExecutionReport {
  return {
    action: 'resume',
    dryRun: false,
    reason: 'nightly',
    requestedBy: 'schedule:nightly',
    startedAt: '2026-11-30T06:00:00.000Z',
    finishedAt: '2026-11-30T06:10:00.000Z',
    summary: { targeted: services.length, succeeded: 0, skipped: 0, failed: 0, timedOut: 0 },
    services,
  };
}

describe('fitting the report into Step Functions limits', () => {
  it('leaves a report that fits untouched', () => {
    // Prepare
    const small = report([line(1, 'SUCCEEDED'), line(2, 'FAILED')]);

    // Act
    const fitted = fitReport(small, MAX_CAUSE_CHARS, 'cause');

    // Assess
    expect(fitted).toBe(small);
    expect(fitted.truncated).toBeUndefined();
  });

  it('keeps every one of 1,000 services within the output limit by shortening the lines that ended well', () => {
    // Prepare
    const big = report(
      Array.from({ length: 1000 }, (_, i) => line(i, i % 100 === 0 ? 'FAILED' : 'SUCCEEDED')),
    );

    // Act
    const fitted = fitReport(big, MAX_OUTPUT_CHARS, 'output');

    // Assess
    expect(JSON.stringify(big).length).toBeGreaterThan(MAX_OUTPUT_CHARS);
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(fitted.services).toHaveLength(1000);
    expect(fitted.truncated).toMatchObject({ compacted: 990, omitted: {} });
    const failed = fitted.services.filter((s) => s.outcome === 'FAILED');
    expect(failed).toHaveLength(10);
    expect(failed[0]?.error).toContain('FAILED');
  });

  it('puts failed services first and counts the lines it had to leave out of a Fail cause', () => {
    // Prepare
    const big = report(
      Array.from({ length: 1000 }, (_, i) => line(i, i % 100 === 0 ? 'FAILED' : 'SUCCEEDED')),
    );

    // Act
    const fitted = fitReport(big, MAX_CAUSE_CHARS, 'cause');

    // Assess
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(MAX_CAUSE_CHARS);
    expect(fitted.services.filter((s) => s.outcome === 'FAILED')).toHaveLength(10);
    const omitted = fitted.truncated?.omitted.SUCCEEDED ?? 0;
    expect(omitted).toBeGreaterThan(0);
    expect(fitted.services.length + omitted).toBe(1000);
    expect(fitted.summary.targeted).toBe(1000);
  });
});
