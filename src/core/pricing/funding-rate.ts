import {
  fundingIntervalMsMax,
  fundingIntervalMsMin,
  fundingRateMax,
  premiumSamplesMax,
} from '../limits.ts';
import { assert } from '../num/assert.ts';
import { DECIMALS, type Ratio } from '../num/fixed.ts';
import { divTowardZero } from '../num/rounding.ts';
import {
  averagePremiumIndex,
  type ImpactPrices,
  type PremiumAverage,
  type PremiumRejection,
  type PremiumWeighting,
  premiumIndex,
} from './funding-rate-premium.ts';

/**
 * The funding rate of one interval, exact, as venues publish it:
 *
 *   Binance  F = [P + clamp(I − P, −0.05 %, +0.05 %)] / (8 / N)          (since 2025-09-18)
 *   Bybit    F = P + clamp(I_N − P, −0.05 %, +0.05 %),  I_N = (Q − B) / (24 / N)
 *   both     capped: F = clamp(F, floor, cap)         (Binance: ±0.75 × MMR, or ±2 %)
 *
 * with P the interval's average premium (funding-rate-premium.ts), I the interest rate (Binance:
 * 0.01 % per 8 h) and N the interval in hours. Or a rate the venue gives directly, quoted for a
 * period and prorated to the interval (dYdX quotes an hourly rate, Deribit an 8-hourly one).
 *
 * Sources: Binance, "Introduction to Binance Futures Funding Rates",
 * https://www.binance.com/en/support/faq/detail/360033525031, and its announcement "Important
 * Updates on Funding Rate Formula and Mark Price Calculation of Futures Contracts" (2025-09-16:
 * the "/ (8/N)"; before it, `proration: 'none'`); Bybit, "Introduction to Funding Rate",
 * https://www.bybit.com/en/help-center/article/Introduction-to-Funding-Rate, and "What is funding
 * rate and predicted rate", https://help.bybit.com/hc/en-us/articles/360039261114.
 *
 * Every step is an exact fraction over one common denominator, compared by cross-multiplying; the
 * one rounding is the last: to the venue's published decimals (`rateDecimals`, 8 at Binance),
 * toward zero. A rate moves money from one trader to another, so neither direction favours the
 * venue; toward zero keeps the rate inside the cap and treats longs and shorts alike. The venue's
 * favour is taken where the payments round (src/core/ledger/funding-settlement.ts).
 */

/** How a rate formula quoted for `referencePeriodMs` becomes one interval's rate. */
export type FundingProration =
  /** The whole formula's result × interval / reference period (Binance since 2025-09-18). */
  | 'rate'
  /** Only the interest × interval / reference period; premium and dampener as they are (Bybit). */
  | 'interest'
  /** No proration: every interval pays the reference period's rate (Binance before 2025-09-18). */
  | 'none';

/** The premium-and-interest formula of a venue. */
export interface PremiumFundingTerms {
  /** The period `interestRate` is quoted for: 8 h at Binance, 24 h for Bybit's daily indices. */
  readonly referencePeriodMs: number;
  /** Binance: 0.0001 per 8 h. Bybit: quote minus base interest index, per day. */
  readonly interestRate: Ratio;
  /** The clamp on I − P: 0.0005 at both. */
  readonly dampener: Ratio;
  readonly proration: FundingProration;
}

/** What every rate goes through last: the contract's cap and floor, the published decimals. */
export interface FundingRateBounds {
  readonly cap: Ratio;
  readonly floor: Ratio;
  /** Decimals the venue publishes a rate with (Binance and Bybit: 8). */
  readonly rateDecimals: number;
}

/** A fraction `numerator / denominator` of the 18-decimal scale; denominator positive. */
interface ScaledFraction {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** The rate of an interval of `intervalMs` from the interval's average premium. */
export function premiumFundingRate(
  terms: PremiumFundingTerms,
  bounds: FundingRateBounds,
  average: PremiumAverage,
  intervalMs: number,
): Ratio {
  assertInterval(intervalMs);
  assertInterval(terms.referencePeriodMs);
  assert(terms.dampener >= 0n, 'the dampener is a width');
  assert(average.weight > 0n, 'an average has weight');
  const interval = BigInt(intervalMs);
  const reference = BigInt(terms.referencePeriodMs);
  // Over the common denominator W (× R when the interest alone is prorated).
  const prorateInterest = terms.proration === 'interest';
  const denominator = prorateInterest ? average.weight * reference : average.weight;
  const premium = prorateInterest ? average.weightedSum * reference : average.weightedSum;
  const interest = prorateInterest
    ? terms.interestRate * interval * average.weight
    : terms.interestRate * average.weight;
  const band = terms.dampener * denominator;
  const rate = premium + clampBetween(interest - premium, -band, band);
  const prorated: ScaledFraction =
    terms.proration === 'rate'
      ? { numerator: rate * interval, denominator: denominator * reference }
      : { numerator: rate, denominator };
  return boundedRate(bounds, prorated);
}

/**
 * The whole path from one interval's impact samples, oldest first: each sample's premium, their
 * average, the rate. A sample the feed got wrong rejects the interval and says which one.
 */
export function impactFundingRate(
  terms: PremiumFundingTerms,
  bounds: FundingRateBounds,
  samples: readonly ImpactPrices[],
  weighting: PremiumWeighting,
  intervalMs: number,
): Ratio | (PremiumRejection & { readonly sample?: number }) {
  // Bounded before the loop: a feed that floods an interval is refused, not walked.
  if (samples.length > premiumSamplesMax) {
    return { code: 'premium_samples_above_max', count: samples.length, max: premiumSamplesMax };
  }
  const premiums: Ratio[] = [];
  for (let i = 0; i < samples.length; i++) {
    const premium = premiumIndex(samples[i]!);
    if (typeof premium !== 'bigint') return { ...premium, sample: i };
    premiums.push(premium);
  }
  const average = averagePremiumIndex(premiums, weighting);
  if ('code' in average) return average;
  return premiumFundingRate(terms, bounds, average, intervalMs);
}

/** A rate the venue gives for `quotedPeriodMs`, prorated to an interval of `intervalMs`. */
export function givenFundingRate(
  bounds: FundingRateBounds,
  rate: Ratio,
  quotedPeriodMs: number,
  intervalMs: number,
): Ratio {
  assertInterval(intervalMs);
  assertInterval(quotedPeriodMs);
  return boundedRate(bounds, {
    numerator: rate * BigInt(intervalMs),
    denominator: BigInt(quotedPeriodMs),
  });
}

/** Capped, then rounded toward zero to the published decimals: the one rounding of a rate. */
function boundedRate(bounds: FundingRateBounds, rate: ScaledFraction): Ratio {
  // A zero rate is always allowed: rounding toward zero then never leaves [floor, cap].
  assert(bounds.floor <= 0n, 'the floor is not above zero');
  assert(bounds.cap >= 0n, 'the cap is not below zero');
  assert(-fundingRateMax <= bounds.floor, 'the floor is within the rate bound');
  assert(bounds.cap <= fundingRateMax, 'the cap is within the rate bound');
  assert(Number.isInteger(bounds.rateDecimals), 'decimals are whole');
  assert(bounds.rateDecimals >= 0 && bounds.rateDecimals <= DECIMALS, 'decimals fit the scale');
  const capped = clampBetween(
    rate.numerator,
    bounds.floor * rate.denominator,
    bounds.cap * rate.denominator,
  );
  const step = 10n ** BigInt(DECIMALS - bounds.rateDecimals);
  const published = divTowardZero(capped, rate.denominator * step) * step;
  assert(published <= bounds.cap, 'the rate is within its cap');
  assert(published >= bounds.floor, 'the rate is within its floor');
  return published;
}

function clampBetween(value: bigint, low: bigint, high: bigint): bigint {
  return value < low ? low : value > high ? high : value;
}

function assertInterval(ms: number): void {
  assert(Number.isSafeInteger(ms), 'an interval is a whole number of ms');
  assert(ms >= fundingIntervalMsMin, 'an interval is at least the shortest allowed');
  assert(ms <= fundingIntervalMsMax, 'an interval is at most the longest allowed');
}
