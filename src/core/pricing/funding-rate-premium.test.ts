import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { premiumSamplesMax } from '../limits.ts';
import { fixed as d, max, min, SCALE } from '../num/fixed.ts';
import { averagePremiumIndex, premiumIndex } from './funding-rate-premium.ts';

const prices = (impactBid: string, impactAsk: string, index: string) => ({
  impactBid: d(impactBid),
  impactAsk: d(impactAsk),
  index: d(index),
});

describe('premiumIndex', () => {
  it('is zero while the index lies between the impact bid and ask', () => {
    expect(premiumIndex(prices('49990', '50010', '50000'))).toBe(0n);
  });

  it('is (impact bid − index) / index when the book trades above the index', () => {
    expect(premiumIndex(prices('50025', '50030', '50000'))).toBe(d('0.0005'));
  });

  it('is −(index − impact ask) / index when it trades below', () => {
    expect(premiumIndex(prices('49970', '49980', '50000'))).toBe(d('-0.0004'));
  });

  it('rounds a ratio that does not end toward zero, on both sides', () => {
    // 1 / 30,000 = 0.0000333…: kept at 18 decimals, the last digit cut.
    expect(premiumIndex(prices('30001', '30002', '30000'))).toBe(d('0.000033333333333333'));
    expect(premiumIndex(prices('29998', '29999', '30000'))).toBe(d('-0.000033333333333333'));
  });

  it('rejects, in order, a non-positive impact bid, impact ask, index, then a crossed book', () => {
    expect(premiumIndex(prices('0', '0', '0'))).toEqual({
      code: 'impact_price_not_positive',
      field: 'impactBid',
    });
    expect(premiumIndex(prices('1', '0', '0'))).toEqual({
      code: 'impact_price_not_positive',
      field: 'impactAsk',
    });
    expect(premiumIndex(prices('1', '1', '0'))).toEqual({ code: 'index_price_not_positive' });
    expect(premiumIndex(prices('2', '1', '1'))).toEqual({ code: 'impact_prices_crossed' });
  });

  it('has the sign of the book against the index, and is at most the ask-bid distance', () => {
    const price = fc.bigInt(1n, 10n ** 6n * SCALE);
    fc.assert(
      fc.property(price, price, price, (a, b, index) => {
        const [impactBid, impactAsk] = a <= b ? [a, b] : [b, a];
        const premium = premiumIndex({ impactBid, impactAsk, index });
        if (typeof premium !== 'bigint') throw new Error(premium.code);
        if (impactBid > index) expect(premium >= 0n).toBe(true);
        if (impactAsk < index) expect(premium <= 0n).toBe(true);
        if (impactBid <= index && index <= impactAsk) expect(premium).toBe(0n);
        // |P| · index ≤ the distance outside the book, exactly (toward zero never overshoots).
        const outside = impactBid > index ? impactBid - index : index - impactAsk;
        if (premium !== 0n) expect((premium < 0n ? -premium : premium) * index <= outside * SCALE);
      }),
    );
  });
});

describe('averagePremiumIndex', () => {
  const sample = fc.bigInt(-(10n ** 16n), 10n ** 16n);

  it('averages a constant series to itself, exactly, with either weighting', () => {
    fc.assert(
      fc.property(sample, fc.integer({ min: 1, max: 600 }), (premium, count) => {
        for (const weighting of ['linear', 'equal'] as const) {
          const average = averagePremiumIndex(Array(count).fill(premium), weighting);
          if ('code' in average) throw new Error(average.code);
          expect(average.weightedSum).toBe(premium * average.weight);
        }
      }),
    );
  });

  it('weighs sample i by i (linear) or by 1 (equal): Σ weights = n(n+1)/2 or n', () => {
    const average = averagePremiumIndex([d('0.001'), d('0.002'), d('0.004')], 'linear');
    expect(average).toEqual({ weightedSum: d('0.001') + d('0.004') + d('0.012'), weight: 6n });
    const equal = averagePremiumIndex([d('0.001'), d('0.002'), d('0.004')], 'equal');
    expect(equal).toEqual({ weightedSum: d('0.007'), weight: 3n });
  });

  it('lies between the smallest and largest sample', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 200 }), (samples) => {
        const average = averagePremiumIndex(samples, 'linear');
        if ('code' in average) throw new Error(average.code);
        const low = samples.reduce(min);
        const high = samples.reduce(max);
        expect(low * average.weight <= average.weightedSum).toBe(true);
        expect(average.weightedSum <= high * average.weight).toBe(true);
      }),
    );
  });

  it('rejects no samples, and more than the bound', () => {
    expect(averagePremiumIndex([], 'linear')).toEqual({ code: 'premium_samples_empty' });
    expect(averagePremiumIndex(Array(premiumSamplesMax + 1).fill(0n), 'equal')).toEqual({
      code: 'premium_samples_above_max',
      count: premiumSamplesMax + 1,
      max: premiumSamplesMax,
    });
  });
});
