import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { premiumSamplesMax } from '../limits.ts';
import { fixed as d, SCALE, toNumber } from '../num/fixed.ts';
import {
  type FundingProration,
  type FundingRateBounds,
  givenFundingRate,
  impactFundingRate,
  type PremiumFundingTerms,
  premiumFundingRate,
} from './funding-rate.ts';
import { publishedAverage } from './funding-rate-premium.ts';

const hourMs = 3_600_000;
const terms = (proration: FundingProration): PremiumFundingTerms => ({
  referencePeriodMs: 8 * hourMs,
  interestRate: d('0.0001'),
  dampener: d('0.0005'),
  proration,
});
const bounds: FundingRateBounds = { cap: d('0.003'), floor: d('-0.003'), rateDecimals: 8 };
const step = 10n ** 10n; // 8 decimals at the 18-decimal scale

const premium = fc.bigInt(-(10n ** 16n), 10n ** 16n); // ±1 %
const weight = fc.bigInt(1n, 10n ** 8n);
const interval = fc.constantFrom(hourMs, 2 * hourMs, 4 * hourMs, 8 * hourMs, 5_400_000);
const proration = fc.constantFrom<FundingProration>('rate', 'interest', 'none');

/** The same formula in floats: a check of the exact path, never the figure that is paid. */
function floatRate(p: number, kind: FundingProration, intervalMs: number): number {
  const share = intervalMs / (8 * hourMs);
  const interest = kind === 'interest' ? 0.0001 * share : 0.0001;
  const rate = p + Math.min(0.0005, Math.max(-0.0005, interest - p));
  const prorated = kind === 'rate' ? rate * share : rate;
  return Math.min(0.003, Math.max(-0.003, prorated));
}

describe('premiumFundingRate', () => {
  it('stays within the cap and floor, on the published decimals', () => {
    fc.assert(
      fc.property(premium, weight, interval, proration, (sum, w, ms, kind) => {
        const rate = premiumFundingRate(terms(kind), bounds, { weightedSum: sum, weight: w }, ms);
        expect(rate <= bounds.cap && rate >= bounds.floor).toBe(true);
        expect(rate % step).toBe(0n);
      }),
    );
  });

  it('agrees with the float formula to within one published step', () => {
    fc.assert(
      fc.property(premium, interval, proration, (p, ms, kind) => {
        const rate = premiumFundingRate(terms(kind), bounds, publishedAverage(p), ms);
        expect(Math.abs(toNumber(rate) - floatRate(toNumber(p), kind, ms))).toBeLessThan(1.01e-8);
      }),
    );
  });

  it('rises with the premium (never falls)', () => {
    fc.assert(
      fc.property(premium, premium, interval, proration, (a, b, ms, kind) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const at = (p: bigint) => premiumFundingRate(terms(kind), bounds, publishedAverage(p), ms);
        expect(at(low) <= at(high)).toBe(true);
      }),
    );
  });

  it('treats longs and shorts alike: with no interest, −P gives −F exactly', () => {
    const noInterest = { ...terms('rate'), interestRate: 0n };
    fc.assert(
      fc.property(premium, interval, (p, ms) => {
        const up = premiumFundingRate(noInterest, bounds, publishedAverage(p), ms);
        const down = premiumFundingRate(noInterest, bounds, publishedAverage(-p), ms);
        expect(down).toBe(-up);
      }),
    );
  });

  it('is the interest, prorated as the venue says, while |I − P| is within the dampener', () => {
    const average = publishedAverage(d('0.0002'));
    expect(premiumFundingRate(terms('rate'), bounds, average, 2 * hourMs)).toBe(d('0.000025'));
    expect(premiumFundingRate(terms('interest'), bounds, average, 2 * hourMs)).toBe(d('0.000025'));
    expect(premiumFundingRate(terms('none'), bounds, average, 2 * hourMs)).toBe(d('0.0001'));
    // Outside the dampener the three part: the whole rate divided, or only the interest, or none.
    const wide = publishedAverage(d('0.001'));
    expect(premiumFundingRate(terms('rate'), bounds, wide, 2 * hourMs)).toBe(d('0.000125'));
    expect(premiumFundingRate(terms('interest'), bounds, wide, 2 * hourMs)).toBe(d('0.0005'));
    expect(premiumFundingRate(terms('none'), bounds, wide, 2 * hourMs)).toBe(d('0.0005'));
  });

  it('rounds toward zero only at the end: an average that does not end is exact until then', () => {
    // P = 0.003 / 3 = 0.001 → F = P − 0.05 % = 0.0005, from a fraction over 3.
    const third = { weightedSum: d('0.003'), weight: 3n };
    expect(premiumFundingRate(terms('rate'), bounds, third, 8 * hourMs)).toBe(d('0.0005'));
    // With no interest: P = 0.0007/3 lies in the dampener (F = 0); P = 0.0025/3 = 0.000833… does
    // not: F = 0.000333… → 0.00033333 toward zero, and its mirror −0.00033333.
    const noInterest = { ...terms('none'), interestRate: 0n };
    const small = { weightedSum: d('0.0007'), weight: 3n };
    expect(premiumFundingRate(noInterest, bounds, small, 8 * hourMs)).toBe(d('0'));
    const big = { weightedSum: d('0.0025'), weight: 3n };
    expect(premiumFundingRate(noInterest, bounds, big, 8 * hourMs)).toBe(d('0.00033333'));
    const negative = { weightedSum: -d('0.0025'), weight: 3n };
    expect(premiumFundingRate(noInterest, bounds, negative, 8 * hourMs)).toBe(d('-0.00033333'));
  });
});

describe('givenFundingRate', () => {
  it('prorates by interval / quoted period, exactly when it ends on the published decimals', () => {
    fc.assert(
      fc.property(fc.bigInt(-30_000n, 30_000n), (units) => {
        const rate = units * step * 8n;
        expect(givenFundingRate(bounds, rate, 8 * hourMs, hourMs)).toBe(units * step);
      }),
    );
  });

  it('never exceeds the given rate in size, and keeps its sign', () => {
    fc.assert(
      fc.property(fc.bigInt(-SCALE / 100n, SCALE / 100n), interval, (rate, ms) => {
        const paid = givenFundingRate(
          { ...bounds, cap: SCALE, floor: -SCALE },
          rate,
          8 * hourMs,
          ms,
        );
        const magnitude = (x: bigint) => (x < 0n ? -x : x);
        expect(magnitude(paid) * BigInt(8 * hourMs) <= magnitude(rate) * BigInt(ms)).toBe(true);
        expect(paid === 0n || paid < 0n === rate < 0n).toBe(true);
      }),
    );
  });
});

describe('impactFundingRate', () => {
  const impact = (impactBid: string, impactAsk: string, index: string) => ({
    impactBid: d(impactBid),
    impactAsk: d(impactAsk),
    index: d(index),
  });

  it('goes from the samples to the rate: two samples above the index, weighted 1 and 2', () => {
    // P₁ = 0.2 %, P₂ = 0.08 %: P = (0.002 + 2 × 0.0008) / 3 = 0.0012 → F = 0.0012 − 0.0005.
    const samples = [impact('50100', '50110', '50000'), impact('50040', '50050', '50000')];
    const rate = impactFundingRate(terms('rate'), bounds, samples, 'linear', 8 * hourMs);
    expect(rate).toBe(d('0.0007'));
    expect(impactFundingRate(terms('rate'), bounds, samples, 'equal', 8 * hourMs)).toBe(
      d('0.0009'),
    );
  });

  it('takes a mark-against-index premium as a sample with both impact prices at the mark', () => {
    const samples = [impact('49950', '49950', '50000')];
    expect(impactFundingRate(terms('none'), bounds, samples, 'equal', 8 * hourMs)).toBe(
      d('-0.0005'),
    );
  });

  it('names the sample the feed got wrong, and refuses an interval flooded with samples', () => {
    const samples = [impact('50000', '50010', '50000'), impact('50020', '50010', '50000')];
    expect(impactFundingRate(terms('rate'), bounds, samples, 'linear', 8 * hourMs)).toEqual({
      code: 'impact_prices_crossed',
      sample: 1,
    });
    expect(impactFundingRate(terms('rate'), bounds, [], 'linear', 8 * hourMs)).toEqual({
      code: 'premium_samples_empty',
    });
    const flood = Array(premiumSamplesMax + 1).fill(impact('1', '1', '1'));
    expect(impactFundingRate(terms('rate'), bounds, flood, 'linear', 8 * hourMs)).toMatchObject({
      code: 'premium_samples_above_max',
    });
  });
});
