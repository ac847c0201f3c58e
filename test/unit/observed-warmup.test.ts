import { describe, expect, it } from 'vitest';
import { OBSERVED_WARMUP_TAG, readObservedWarmup, warmupChanged } from '../../lib/contract/tags';

describe('the observed-warmup tag', () => {
  it.each<[string | undefined, number | undefined]>([
    ['95', 95],
    [' 0 ', 0],
    ['3600', 3600],
    ['3601', undefined],
    ['-5', undefined],
    ['1.5', undefined],
    ['ninety', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %j (an unreadable value is ignored, not guessed)', (value, seconds) => {
    const tags: Record<string, string> = value === undefined ? {} : { [OBSERVED_WARMUP_TAG]: value };
    expect(readObservedWarmup(tags)).toBe(seconds);
  });

  it.each<[number | undefined, number, boolean]>([
    [undefined, 12, true], // nothing recorded yet
    [100, 104, false], // within 5 s
    [100, 115, false], // within a fifth
    [100, 121, true],
    [100, 79, true],
    [10, 16, true], // more than 5 s and more than a fifth
    [0, 5, false],
    [0, 6, true],
  ])('from %j, a newly observed %j s is written: %j', (previous, observed, written) => {
    expect(warmupChanged(previous, observed)).toBe(written);
  });
});
