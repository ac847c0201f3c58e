import { describe, expect, it } from 'vitest';
import { estimatedSavingsUsd, PROVISIONED_PRICES, provisionedPrice } from '../../lib/savings/price';

describe('provisioned-memory prices', () => {
  it('knows the sourced list prices, each with where it comes from', () => {
    // Act
    const virginia = provisionedPrice('us-east-1');
    const singapore = provisionedPrice('ap-southeast-1');
    const tokyo = provisionedPrice('ap-northeast-1');

    // Assess
    expect(virginia).toEqual({
      usdPerGbHour: 0.007,
      source: expect.stringMatching(/App Runner pricing page.*2026-12-01/),
    });
    expect(singapore).toEqual({
      usdPerGbHour: 0.00885,
      source: expect.stringMatching(/APS1-AppRunner-Provisioned-GB-hours/),
    });
    expect(tokyo?.usdPerGbHour).toBe(0.009);
    for (const region of ['us-east-2', 'us-west-2', 'eu-west-1'])
      expect(provisionedPrice(region)?.usdPerGbHour).toBe(0.007);
  });

  it('has no price for a region it cannot source, rather than a neighbour’s', () => {
    // Act / Assess
    for (const region of ['eu-central-1', 'eu-west-2', 'ap-southeast-2', 'ap-south-1', 'mars-north-1']) {
      expect(provisionedPrice(region)).toBeUndefined();
    }
    expect(Object.isFrozen(PROVISIONED_PRICES)).toBe(true);
  });

  it('hands out a copy that a caller cannot use to change the table', () => {
    // Prepare
    const price = provisionedPrice('us-east-1');

    // Act
    if (price) price.usdPerGbHour = 1;

    // Assess
    expect(provisionedPrice('us-east-1')?.usdPerGbHour).toBe(0.007);
  });
});

describe('estimatedSavingsUsd', () => {
  it('is paused hours × MinSize × memory GB × the price', () => {
    // Act / Assess: 10 h × 3 × 2 GB × $0.007; 1 h × 1 × 0.5 GB × $0.00885
    expect(
      estimatedSavingsUsd({ pausedHours: 10, minSize: 3, memoryMb: 2048, usdPerGbHour: 0.007 }),
    ).toBeCloseTo(0.42, 12);
    expect(
      estimatedSavingsUsd({ pausedHours: 1, minSize: 1, memoryMb: 512, usdPerGbHour: 0.00885 }),
    ).toBeCloseTo(0.004425, 12);
    expect(estimatedSavingsUsd({ pausedHours: 0, minSize: 3, memoryMb: 2048, usdPerGbHour: 0.007 })).toBe(0);
  });

  it('names the input that is negative or not a number', () => {
    // Act / Assess
    expect(() =>
      estimatedSavingsUsd({ pausedHours: -1, minSize: 1, memoryMb: 2048, usdPerGbHour: 0.007 }),
    ).toThrow(/pausedHours must be a finite number ≥ 0, got -1/);
    expect(() =>
      estimatedSavingsUsd({ pausedHours: 1, minSize: 1, memoryMb: Number.NaN, usdPerGbHour: 0.007 }),
    ).toThrow(/memoryMb/);
    expect(() =>
      estimatedSavingsUsd({
        pausedHours: 1,
        minSize: 1,
        memoryMb: 2048,
        usdPerGbHour: Number.POSITIVE_INFINITY,
      }),
    ).toThrow(RangeError);
  });
});
