import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corrected, correctionFactor, pastDurations, predict } from '../../functions/operations/prediction';
import type { OperationInfo } from '../../lib/app-runner/port';

const DEFAULTS = { low: 20, expected: 60, high: 300 };
const T = Date.UTC(2026, 10, 30, 6, 0, 0);

/** A past operation that took `seconds`, `ago` hours back. */
const past = (seconds: number, ago: number, partial: Partial<OperationInfo> = {}): OperationInfo => ({
  id: `op-${ago}`,
  type: 'RESUME_SERVICE',
  status: 'SUCCEEDED',
  startedAt: T - ago * 3_600_000,
  endedAt: T - ago * 3_600_000 + seconds * 1000,
  ...partial,
});

describe('reading a service history', () => {
  it('takes the newest successful operations of the wanted type only', () => {
    // Prepare: newest first, as ListOperations lists them
    const history = [
      past(90, 1, { type: 'PAUSE_SERVICE' }),
      past(45, 2),
      past(500, 3, { status: 'FAILED' }),
      past(47, 4),
      past(0, 5, { status: 'IN_PROGRESS', endedAt: undefined }),
      past(120, 6, { type: 'START_DEPLOYMENT' }),
      past(44, 7),
    ];

    // Act
    const durations = pastDurations(history, 'RESUME_SERVICE');

    // Assess
    expect(durations).toEqual([45, 47, 44]);
  });

  it('keeps at most the ten newest', () => {
    // Act
    const durations = pastDurations(
      Array.from({ length: 15 }, (_, i) => past(30 + i, i + 1)),
      'RESUME_SERVICE',
    );

    // Assess
    expect(durations).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
  });
});

describe('predicting an operation', () => {
  it('falls back to the defaults without history', () => {
    expect(predict([], DEFAULTS)).toEqual({ ...DEFAULTS, samples: 0 });
  });

  it('centres a tight window on a service that always takes the same time', () => {
    // Act
    const p = predict(Array(10).fill(45), DEFAULTS);

    // Assess: polled from 2 s before the usual end; planned with a little room after it
    expect(p).toEqual({ low: 43, expected: 45, high: 46.4, samples: 10 });
  });

  it('spans the spread of a service whose resumes vary', () => {
    // Act
    const p = predict([60, 70, 65, 80, 62, 75, 68, 72, 66, 78], DEFAULTS);

    // Assess
    expect(p.expected).toBe(69);
    expect(p.low).toBeLessThanOrEqual(60);
    expect(p.low).toBeGreaterThan(50);
    expect(p.high).toBeGreaterThanOrEqual(80);
    expect(p.high).toBeLessThan(95);
  });

  it('is not moved by an outlier', () => {
    // Act
    const withOutlier = predict([45, 46, 44, 45, 47, 600, 45, 46, 44, 45], DEFAULTS);
    const without = predict([45, 46, 44, 45, 47, 45, 46, 44, 45], DEFAULTS);

    // Assess
    expect(withOutlier.high).toBeLessThan(60);
    expect(withOutlier.low).toBe(without.low);
    expect(withOutlier.expected).toBe(45);
  });

  it('widens the window when there are only one or two samples', () => {
    // Act
    const one = predict([100], DEFAULTS);
    const many = predict(Array(10).fill(100), DEFAULTS);

    // Assess
    expect(one.low).toBeLessThan(many.low);
    expect(one.high).toBeGreaterThan(many.high);
    expect(one.samples).toBe(1);
  });

  it('always gives low ≤ expected ≤ high, and low of at least a second', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 3600, noNaN: true }), { minLength: 1, maxLength: 10 }),
        (d) => {
          // Act
          const p = predict(d, DEFAULTS);

          // Assess
          expect(p.low).toBeGreaterThanOrEqual(1);
          expect(p.low).toBeLessThanOrEqual(Math.max(p.expected, 1));
          expect(p.expected).toBeLessThanOrEqual(p.high);
        },
      ),
    );
  });
});

describe('learning from the operations that ended in this run', () => {
  it('keeps predictions as they are until three operations have ended', () => {
    expect(correctionFactor([1.5, 1.4])).toBe(1);
  });

  it('stretches the remaining predictions when App Runner is slower than usual today', () => {
    // Act
    const factor = correctionFactor([1.2, 1.25, 1.3, 1.2]);
    const p = corrected({ low: 40, expected: 45, high: 50, samples: 10 }, factor);

    // Assess
    expect(factor).toBeCloseTo(1.225);
    expect(p).toEqual({ low: 49, expected: 55.1, high: 61.3, samples: 10 });
  });

  it('bounds what one run can teach', () => {
    expect([correctionFactor([5, 6, 7]), correctionFactor([0.1, 0.1, 0.2])]).toEqual([2, 0.5]);
  });
});
