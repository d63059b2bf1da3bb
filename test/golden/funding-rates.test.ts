import { describe, expect, it } from 'vitest';
import { accrueFunding, openFundingIndex } from '../../src/core/ledger/funding-index.ts';
import {
  openPositionFunding,
  settleMarketFunding,
} from '../../src/core/ledger/funding-settlement.ts';
import { mulFloor } from '../../src/core/num/rounding.ts';
import {
  type FundingRateBounds,
  givenFundingRate,
  type PremiumFundingTerms,
  premiumFundingRate,
} from '../../src/core/pricing/funding-rate.ts';
import {
  averagePremiumIndex,
  impactMarginNotional,
  publishedAverage,
} from '../../src/core/pricing/funding-rate-premium.ts';
import { d } from '../kit.ts';

/**
 * Venues' published funding-rate figures.
 *
 * Binance, "Introduction to Binance Futures Funding Rates",
 *   https://www.binance.com/en/support/faq/detail/360033525031 (the page is rendered by script; its
 *   text was read through two transcriptions of it, which quote the figures below alike), and
 *   "Important Updates on Funding Rate Formula and Mark Price Calculation of Futures Contracts"
 *   (2025-09-16),
 *   https://www.binance.com/en/support/announcement/detail/c00588a7e8504b3eb28d02a2da00530b
 * Bybit, "What is funding rate and predicted rate?",
 *   https://help.bybit.com/hc/en-us/articles/360039261114-What-is-funding-rate-and-predicted-rate-
 *   and "Introduction to Funding Rate",
 *   https://www.bybit.com/en/help-center/article/Introduction-to-Funding-Rate
 */
const hourMs = 60 * 60 * 1000;

const binance: PremiumFundingTerms = {
  referencePeriodMs: 8 * hourMs,
  interestRate: d('0.0001'),
  dampener: d('0.0005'),
  proration: 'rate',
};
/** BTCUSDT: ±0.75 × the maintenance margin rate at the maximum leverage (0.4 %): ±0.3 %. */
const btcusdtBounds: FundingRateBounds = {
  cap: mulFloor(d('0.75'), d('0.004')),
  floor: -mulFloor(d('0.75'), d('0.004')),
  rateDecimals: 8,
};
/** "The capped funding rate for others USDⓈ-M Perpetual Contracts is set at ± 2%." */
const othersBounds: FundingRateBounds = { cap: d('0.02'), floor: d('-0.02'), rateDecimals: 8 };

const binanceRate = (premium: string, intervalHours = 8, bounds = btcusdtBounds) =>
  premiumFundingRate(binance, bounds, publishedAverage(d(premium)), intervalHours * hourMs);

describe('Binance: Introduction to Binance Futures Funding Rates', () => {
  it('IMN = 200 USDT / IMR: 20× (5 %) → 4,000 USDT, 125× (0.8 %) → 25,000 USDT', () => {
    expect(impactMarginNotional(d('200'), d('0.05'))).toBe(d('4000'));
    expect(impactMarginNotional(d('200'), d('0.008'))).toBe(d('25000'));
  });

  it('2020-08-28 08:00 UTC: P = 0.0429 % → F = P + clamp(0.01 % − P) = 0.0100 %', () => {
    expect(binanceRate('0.000429')).toBe(d('0.0001'));
  });

  it('"premium index between -0.04% to 0.06%, the funding rate will equal 0.01%"', () => {
    expect(binanceRate('-0.0004')).toBe(d('0.0001'));
    expect(binanceRate('0')).toBe(d('0.0001'));
    expect(binanceRate('0.0006')).toBe(d('0.0001'));
    // Just outside the band the premium shows through, 0.05 % off the interest rate.
    expect(binanceRate('0.00061')).toBe(d('0.00011'));
    expect(binanceRate('-0.00041')).toBe(d('0.00009'));
  });

  it('the cap: BTCUSDT at ±0.3 % (0.75 × 0.4 %), the others at ±2 %', () => {
    expect(btcusdtBounds.cap).toBe(d('0.003'));
    expect(binanceRate('0.01')).toBe(d('0.003'));
    expect(binanceRate('-0.01')).toBe(d('-0.003'));
    expect(binanceRate('0.05', 8, othersBounds)).toBe(d('0.02'));
    expect(binanceRate('0.015', 8, othersBounds)).toBe(d('0.0145'));
  });

  it('since 2025-09-18 F = [P + clamp(I − P)] / (8/N): 4-hourly pays half, 1-hourly 1/8', () => {
    expect(binanceRate('0.000429', 4)).toBe(d('0.00005'));
    expect(binanceRate('0.000429', 1)).toBe(d('0.0000125'));
    expect(binanceRate('0.002', 4, othersBounds)).toBe(d('0.00075'));
  });

  it('before 2025-09-18 a 4-hourly contract paid the 8-hour formula unchanged', () => {
    const before: PremiumFundingTerms = { ...binance, proration: 'none' };
    const average = publishedAverage(d('0.000429'));
    expect(premiumFundingRate(before, btcusdtBounds, average, 4 * hourMs)).toBe(d('0.0001'));
  });

  it('the average weighs the 5,760 samples of 8 hours 1, 2, …, 5,760', () => {
    const samples = Array.from({ length: 5760 }, (_, i) => (i < 2880 ? 0n : d('0.001')));
    const average = averagePremiumIndex(samples, 'linear');
    if ('code' in average) throw new Error(average.code);
    expect(average.weight).toBe(16_591_680n); // 1 + 2 + … + 5,760
    // Only the later half carries a premium: Σ 2,881…5,760 = 12,443,040 of the weight (≈ 3/4).
    expect(average.weightedSum).toBe(d('0.001') * 12_443_040n);
    const rate = premiumFundingRate(binance, othersBounds, average, 8 * hourMs);
    // P = 0.001 × 12,443,040 / 16,591,680 = 0.000749956…: F = P − 0.05 %, to 8 decimals.
    expect(rate).toBe(d('0.00024995'));
  });
});

describe('Bybit: What is funding rate and predicted rate', () => {
  /** "Interest Quote Index = 0.06%, Interest Base Index = 0.03%", three fundings a day. */
  const bybit: PremiumFundingTerms = {
    referencePeriodMs: 24 * hourMs,
    interestRate: d('0.0006') - d('0.0003'),
    dampener: d('0.0005'),
    proration: 'interest',
  };
  const bounds: FundingRateBounds = { cap: d('0.0075'), floor: d('-0.0075'), rateDecimals: 8 };
  const bybitRate = (premium: string, intervalHours = 8) =>
    premiumFundingRate(bybit, bounds, publishedAverage(d(premium)), intervalHours * hourMs);

  it('"The Interest Rate = (0.06%-0.03%)/3 = 0.01%": with P in the band, F = I', () => {
    expect(bybitRate('0.0003')).toBe(d('0.0001'));
  });

  it('"if (I − P) is within +/−0.05%, then F = P + (I − P) = I"; beyond it, F = P ∓ 0.05 %', () => {
    expect(bybitRate('-0.0004')).toBe(d('0.0001'));
    expect(bybitRate('0.0006')).toBe(d('0.0001'));
    expect(bybitRate('0.0008')).toBe(d('0.0003'));
    expect(bybitRate('-0.0008')).toBe(d('-0.0003'));
  });

  it('the N-hour interest: 4-hourly and hourly prorate I, the dampener stays 0.05 %', () => {
    expect(bybitRate('0', 4)).toBe(d('0.00005'));
    expect(bybitRate('0', 1)).toBe(d('0.0000125'));
    // Outside the band, the premium is not divided: only the interest was.
    expect(bybitRate('0.0008', 4)).toBe(d('0.0003'));
  });

  it('the coefficients 1, 2, …, 480 over 8 hours and 1, 2, …, 240 over 4 hours', () => {
    const eight = averagePremiumIndex(Array(480).fill(d('0.0002')), 'linear');
    const four = averagePremiumIndex(Array(240).fill(d('0.0002')), 'linear');
    if ('code' in eight || 'code' in four) throw new Error('rejected');
    expect(eight.weight).toBe(115_440n);
    expect(four.weight).toBe(28_920n);
    expect(eight.weightedSum).toBe(d('0.0002') * 115_440n);
  });
});

describe('a rate given by the venue', () => {
  const bounds: FundingRateBounds = { cap: d('0.02'), floor: d('-0.02'), rateDecimals: 8 };

  it('an 8-hour rate paid hourly is an eighth of it; an hourly rate over 8 h, 8 times', () => {
    expect(givenFundingRate(bounds, d('0.0001'), 8 * hourMs, hourMs)).toBe(d('0.0000125'));
    expect(givenFundingRate(bounds, d('0.0000125'), hourMs, 8 * hourMs)).toBe(d('0.0001'));
  });

  it('is still capped, and rounded toward zero at the published decimals', () => {
    expect(givenFundingRate(bounds, d('0.5'), 8 * hourMs, 8 * hourMs)).toBe(d('0.02'));
    expect(givenFundingRate(bounds, d('0.00000001'), 8 * hourMs, hourMs)).toBe(0n);
    expect(givenFundingRate(bounds, d('-0.00000009'), 8 * hourMs, 4 * hourMs)).toBe(
      d('-0.00000004'),
    );
  });
});

/**
 * The payment formulas both venues print, "Funding Amount = Nominal Value of Positions × Funding
 * Rate" with Nominal Value = Mark Price × Size (Binance FAQ above) and Bybit's "Funding Fee =
 * Position Value × Funding Rate", Position Value = Quantity × Mark Price for USDT contracts and
 * Quantity / Mark Price for inverse ones,
 * https://www.bybit.com/en/help-center/article/Funding-fee-calculation.
 * The figures are hand calculations on those formulas, not printed examples: the stored copies
 * of the pages did not include their worked figures.
 */
describe('the payment, on the published formulas', () => {
  const settle = (settlement: 'linear' | 'inverse', size: string, rate: string, mark: string) => {
    const index = openFundingIndex('M', settlement, 8 * hourMs, 0);
    const holders = [
      { account: 'long', funding: openPositionFunding(d(size), index) },
      { account: 'short', funding: openPositionFunding(-d(size), index) },
    ];
    const accrued = accrueFunding(
      index,
      { fundingMs: 8 * hourMs, rate: d(rate), price: d(mark) },
      8 * hourMs,
    );
    if ('code' in accrued) throw new Error(accrued.code);
    const contractSize = settlement === 'linear' ? d('1') : d('100');
    return settleMarketFunding(holders, accrued.index, { contractSize, unit: d('0.00000001') });
  };

  it('USDT: 2 BTC at a mark of 40,000, 0.01 %: the long pays 8 USDT, the short gets 8', () => {
    const settled = settle('linear', '2', '0.0001', '40000');
    expect(settled.payments.map((payment) => payment.amount)).toEqual([d('-8'), d('8')]);
    expect(settled.rounding).toBe(0n);
  });

  it('inverse: 1,000 contracts of 100 USD at 40,000 and −0.0375 %: the short pays', () => {
    // 100,000 USD / 40,000 = 2.5 BTC of position value; × 0.0375 % = 0.0009375 BTC.
    const settled = settle('inverse', '1000', '-0.000375', '40000');
    expect(settled.payments.map((payment) => payment.amount)).toEqual([
      d('0.0009375'),
      d('-0.0009375'),
    ]);
  });

  it('on a unit the amount does not fit, the payer pays a unit more than the receiver gets', () => {
    // 1 contract of 100 USD at a mark of 30,000 and 0.01 %: 0.000000333… BTC, 33⅓ satoshi.
    const settled = settle('inverse', '1', '0.0001', '30000');
    expect(settled.payments.map((payment) => payment.amount)).toEqual([
      d('-0.00000034'),
      d('0.00000033'),
    ]);
    expect(settled.rounding).toBe(d('0.00000001'));
  });
});
