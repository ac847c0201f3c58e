/**
 * What an hour of pausing is worth, at least. Kept free of imports on purpose: the workflow bundles this into a
 * Lambda to put a figure on each paused interval a resume ends.
 *
 * A running App Runner service that serves no traffic still pays for the memory of its provisioned instances
 * (auto scaling MinSize of them); a paused one pays no instance charge at all. So an hour paused saved at least
 * MinSize × memory GB × the region's provisioned GB-hour price. Traffic would have added active vCPU and
 * memory on top: that part is not estimated, which is why every figure here is a lower bound.
 */

/** Where the list prices below come from, and when they were read. */
export const PRICE_TABLE_RETRIEVED = '2026-12-01';
// Read in the page's Japanese edition (https://aws.amazon.com/jp/apprunner/pricing/), whose footnote lists the
// regions of each price; the English page shows the same figures.
const PRICING_PAGE = `AWS App Runner pricing page (aws.amazon.com/apprunner/pricing), retrieved ${PRICE_TABLE_RETRIEVED}`;
const PRICE_LIST =
  'AWS Price List offer AWSAppRunner, usage type APS1-AppRunner-Provisioned-GB-hours (effective 2024-01-01), ' +
  `retrieved ${PRICE_TABLE_RETRIEVED}`;

/**
 * App Runner provisioned-memory list prices in USD per GB-hour, by region. Only regions with a sourced price
 * are listed; a region missing here has no estimate (callers say so, and `--price-per-gb-hour` fills in).
 * App Runner also runs in ap-south-1, ap-southeast-2, eu-central-1, eu-west-2 and eu-west-3, whose prices
 * could not be sourced when this table was made.
 */
export const PROVISIONED_PRICES: Readonly<Record<string, { usdPerGbHour: number; source: string }>> =
  Object.freeze({
    // The pricing page: "$0.007/GB-hour applies in US East (N. Virginia), US East (Ohio), US West (Oregon) and
    // Europe (Ireland); Asia Pacific (Tokyo) is $0.009/GB-hour."
    'us-east-1': { usdPerGbHour: 0.007, source: PRICING_PAGE },
    'us-east-2': { usdPerGbHour: 0.007, source: PRICING_PAGE },
    'us-west-2': { usdPerGbHour: 0.007, source: PRICING_PAGE },
    'eu-west-1': { usdPerGbHour: 0.007, source: PRICING_PAGE },
    'ap-northeast-1': { usdPerGbHour: 0.009, source: PRICING_PAGE },
    'ap-southeast-1': { usdPerGbHour: 0.00885, source: PRICE_LIST },
  });

/**
 * The provisioned-memory list price of a region, with where it comes from; undefined for a region the table
 * does not know (never a guess from a neighbouring region).
 */
export function provisionedPrice(region: string): { usdPerGbHour: number; source: string } | undefined {
  const price = PROVISIONED_PRICES[region];
  return price ? { usdPerGbHour: price.usdPerGbHour, source: price.source } : undefined;
}

/**
 * The least that `pausedHours` of pausing saved: paused hours × MinSize × memory GB (MiB / 1024, as App Runner
 * counts "2 GB" = 2048) × the provisioned GB-hour price. Not rounded: callers round for display.
 * @throws RangeError naming the input that is negative or not a finite number
 */
export function estimatedSavingsUsd(input: {
  pausedHours: number;
  minSize: number;
  memoryMb: number;
  usdPerGbHour: number;
}): number {
  for (const field of ['pausedHours', 'minSize', 'memoryMb', 'usdPerGbHour'] as const) {
    const value = input[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`estimatedSavingsUsd: ${field} must be a finite number ≥ 0, got ${String(value)}`);
    }
  }
  return input.pausedHours * input.minSize * (input.memoryMb / 1024) * input.usdPerGbHour;
}
