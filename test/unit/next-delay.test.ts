import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextCheckAt, wholeSeconds } from '../../functions/operations/pacing';
import type { BatchSettings, BatchState, Phase, TrackedService } from '../../lib/workflow/batch';
import { batchState } from '../support/batch';

const NOW = Date.UTC(2026, 10, 28, 6, 0, 0);

/** The Wait state's delay as the engine reports it: whole seconds to the next check. */
const nextDelay = (s: BatchState, now: number) => wholeSeconds(nextCheckAt(s, now) - now);

function batch(settings: Partial<BatchSettings>, services: Array<Partial<TrackedService>>): BatchState {
  return batchState(services, { now: NOW, settings });
}

describe('the delay until the next check', () => {
  it('waits until a fresh operation could first be done', () => {
    // Prepare
    const s = batch({ initialDelaySeconds: 20 }, [{ operationStartedAt: NOW - 5_000 }]);

    // Act
    const delay = nextDelay(s, NOW);

    // Assess
    expect(delay).toBe(15);
  });

  it('polls at the minimum delay once an operation is old enough, or when a service waits', () => {
    // Prepare
    const old = batch({}, [{ operationStartedAt: NOW - 120_000 }]);
    const waiting = batch({}, [{ phase: 'WAITING', status: 'OPERATION_IN_PROGRESS' }]);

    // Act
    const delays = [nextDelay(old, NOW), nextDelay(waiting, NOW)];

    // Assess
    expect(delays).toEqual([2, 2]);
  });

  it('does not sleep past the deadline', () => {
    // Prepare
    const s = batch({ deadlineAt: NOW + 7_000, initialDelaySeconds: 60, maxDelaySeconds: 120 }, [
      { operationStartedAt: NOW },
    ]);

    // Act
    const delay = nextDelay(s, NOW);

    // Assess
    expect(delay).toBe(7);
  });

  it('always stays within [min, max] and never sleeps beyond the deadline by more than the minimum', () => {
    const phases: Phase[] = ['PENDING', 'WAITING', 'IN_FLIGHT', 'DONE'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: -600_000, max: 5_400_000 }),
        fc.array(
          fc.record({
            phase: fc.constantFrom(...phases),
            startedAgo: fc.option(fc.integer({ min: -10_000, max: 3_600_000 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (min, extra, initial, toDeadlineMs, services) => {
          // Prepare
          const s = batch(
            {
              minDelaySeconds: min,
              maxDelaySeconds: min + extra,
              initialDelaySeconds: initial,
              deadlineAt: NOW + toDeadlineMs,
            },
            services.map(({ phase, startedAgo }) => ({
              phase,
              ...(startedAgo === undefined ? {} : { operationStartedAt: NOW - startedAgo }),
            })),
          );

          // Act
          const delay = nextDelay(s, NOW);

          // Assess
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(min);
          expect(delay).toBeLessThanOrEqual(min + extra);
          expect(delay).toBeLessThanOrEqual(Math.max(min, Math.ceil(toDeadlineMs / 1000)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
