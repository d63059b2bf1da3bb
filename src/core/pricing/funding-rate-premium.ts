import { premiumSamplesMax } from '../limits.ts';
import { type Amount, type Price, type Ratio, SCALE } from '../num/fixed.ts';
import { divFloor, divTowardZero } from '../num/rounding.ts';

/**
 * The premium index of a perpetual and its average over a funding interval, as Binance and Bybit
 * publish them, without a float:
 *
 *   Premium Index (P) = [max(0, Impact Bid − Index) − max(0, Index − Impact Ask)] / Index
 *   Average P        = (1·P₁ + 2·P₂ + … + n·Pₙ) / (1 + 2 + … + n)     (later samples weigh more)
 *
 * Sources: Binance, "Introduction to Binance Futures Funding Rates",
 * https://www.binance.com/en/support/faq/detail/360033525031 (a sample every 5 s, 5,760 in 8 h,
 * weighted 1…n; an hourly interval averaged with equal weights; Impact Margin Notional = 200 USDT
 * ÷ the initial margin rate at the maximum leverage). Bybit, "Introduction to Funding Rate",
 * https://www.bybit.com/en/help-center/article/Introduction-to-Funding-Rate (a sample a minute,
 * weights 1…480 over 8 h, 1…240 over 4 h).
 *
 * Rounding: one sample's P is a ratio of prices, kept at the 18-decimal scale toward zero (a
 * rate is paid by one trader to another, so neither direction is the venue's; toward zero keeps
 * |P| at or below the exact one). The average is not rounded here: it stays an exact fraction
 * (`PremiumAverage`) until the funding rate rounds once, at the venue's published decimals.
 */

/**
 * The prices one premium sample is taken from, all in the quote currency. A premium of the mark
 * against the index ((mark − index) / index, as Bit.com publishes it) is the sample with both
 * impact prices at the mark.
 */
export interface ImpactPrices {
  /** Average fill price of the Impact Margin Notional against the bids. */
  readonly impactBid: Price;
  /** Average fill price of the Impact Margin Notional against the asks. */
  readonly impactAsk: Price;
  /** The price index (Binance) or the reference price the venue names (Bybit: index or mark). */
  readonly index: Price;
}

/** Σ wᵢ·Pᵢ over Σ wᵢ, exact: `weightedSum` at the 18-decimal scale, `weight` a plain integer. */
export interface PremiumAverage {
  readonly weightedSum: bigint;
  readonly weight: bigint;
}

/** Later samples weigh more (1, 2, …, n), or all alike (Binance's hourly interval). */
export type PremiumWeighting = 'linear' | 'equal';

export type PremiumRejection =
  | { readonly code: 'impact_price_not_positive'; readonly field: 'impactBid' | 'impactAsk' }
  | { readonly code: 'index_price_not_positive' }
  | { readonly code: 'impact_prices_crossed' }
  | { readonly code: 'premium_samples_empty' }
  | { readonly code: 'premium_samples_above_max'; readonly count: number; readonly max: number };

/**
 * One sample, checked in this order: impact bid, impact ask, index positive; bid not above ask
 * (a crossed book is a broken feed, not a premium).
 */
export function premiumIndex(prices: ImpactPrices): Ratio | PremiumRejection {
  const { impactBid, impactAsk, index } = prices;
  if (impactBid <= 0n) return { code: 'impact_price_not_positive', field: 'impactBid' };
  if (impactAsk <= 0n) return { code: 'impact_price_not_positive', field: 'impactAsk' };
  if (index <= 0n) return { code: 'index_price_not_positive' };
  if (impactBid > impactAsk) return { code: 'impact_prices_crossed' };
  const above = impactBid > index ? impactBid - index : 0n;
  const below = index > impactAsk ? index - impactAsk : 0n;
  return divTowardZero((above - below) * SCALE, index);
}

/** The interval's average premium over its samples, oldest first. */
export function averagePremiumIndex(
  samples: readonly Ratio[],
  weighting: PremiumWeighting,
): PremiumAverage | PremiumRejection {
  if (samples.length === 0) return { code: 'premium_samples_empty' };
  if (samples.length > premiumSamplesMax) {
    return { code: 'premium_samples_above_max', count: samples.length, max: premiumSamplesMax };
  }
  let weightedSum = 0n;
  let weight = 0n;
  for (let i = 0; i < samples.length; i++) {
    const sampleWeight = weighting === 'linear' ? BigInt(i + 1) : 1n;
    weightedSum += sampleWeight * samples[i]!;
    weight += sampleWeight;
  }
  return { weightedSum, weight };
}

/** An average already published by the venue (one figure), as an exact fraction. */
export function publishedAverage(premium: Ratio): PremiumAverage {
  return { weightedSum: premium, weight: 1n };
}

/**
 * Binance's Impact Margin Notional: 200 USDT ÷ the initial margin rate at the maximum leverage
 * (20× → 5 % → 4,000 USDT). A depth to sample at, not money owed: rounded down, and exact for
 * any rate that divides it.
 */
export function impactMarginNotional(impactMargin: Amount, initialMarginRate: Ratio): Amount {
  if (initialMarginRate <= 0n) throw new RangeError('initial margin rate must be positive');
  return divFloor(impactMargin * SCALE, initialMarginRate);
}
