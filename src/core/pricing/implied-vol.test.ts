import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../num/assert.ts';
import { blackPrice, inversePrice, type OptionRight } from './black.ts';
import { blackGreeks, greekCount, greekVega } from './greeks.ts';
import {
  impliedVolatility,
  impliedVolatilityMax,
  inverseImpliedVolatility,
} from './implied-vol.ts';

const right = fc.constantFrom<OptionRight>('call', 'put');
const forward = fc.double({ min: 1e-2, max: 1e6, noNaN: true });
/** ln(K/F): strikes from e^{−3}·F to e^{3}·F. */
const logMoneyness = fc.double({ min: -3, max: 3, noNaN: true });
const years = fc.double({ min: 1 / 365, max: 5, noNaN: true });
const volatility = fc.double({ min: 0.02, max: 4, noNaN: true });
const rate = fc.double({ min: -0.02, max: 0.15, noNaN: true });

const greeks = new Float64Array(greekCount);

describe('implied volatility', () => {
  it('prices back to the price it came from (price → volatility → price)', () => {
    fc.assert(
      fc.property(right, forward, logMoneyness, years, volatility, rate, (o, f, x, t, v, r) => {
        const k = f * Math.exp(x);
        const price = blackPrice(o, f, k, t, v, r);
        const implied = impliedVolatility(o, price, f, k, t, r);
        expect(typeof implied).toBe('number');
        const repriced = blackPrice(o, f, k, t, implied as number, r);
        expect(Math.abs(repriced - price)).toBeLessThanOrEqual(1e-13 * (f + k));
      }),
    );
  });

  it('recovers the volatility wherever the price carries it', () => {
    fc.assert(
      fc.property(right, forward, logMoneyness, years, volatility, rate, (o, f, x, t, v, r) => {
        const k = f * Math.exp(x);
        // Use the out-of-the-money right: an in-the-money price hides its time value in rounding.
        const otm: OptionRight = x > 0 ? 'call' : 'put';
        const price = blackPrice(otm, f, k, t, v, r);
        blackGreeks(otm, f, k, t, v, r, greeks);
        // Below this, a relative price change of 1e-13 moves the volatility by more than 1e-9.
        if (greeks[greekVega]! < 1e-4 * price) return;
        // Near the underflow of doubles a price carries too few digits to hold a volatility.
        if (price < 1e-290) return;
        const implied = impliedVolatility(otm, price, f, k, t, r);
        expect(typeof implied).toBe('number');
        expect(Math.abs((implied as number) - v)).toBeLessThanOrEqual(1e-9 * v);
        const sameFromOther = impliedVolatility(o, blackPrice(o, f, k, t, v, r), f, k, t, r);
        expect(typeof sameFromOther).toBe('number');
      }),
    );
  });

  it('solves at the money, deep out of the money and near expiry', () => {
    const cases: readonly (readonly [OptionRight, number, number, number, number])[] = [
      ['call', 100, 100, 1, 0.2],
      ['put', 100, 100, 1 / 365, 0.05],
      ['call', 100, 1000, 1, 0.1], // value about 1.7e-117
      ['put', 60_000, 20_000, 7 / 365, 0.9],
      ['call', 60_000, 61_000, 1 / (365 * 24), 1.2],
      ['call', 100, 100, 1, 5],
    ];
    for (const [o, f, k, t, v] of cases) {
      const implied = impliedVolatility(o, blackPrice(o, f, k, t, v, 0), f, k, t, 0);
      expect(typeof implied).toBe('number');
      expect(Math.abs((implied as number) - v)).toBeLessThanOrEqual(1e-9 * v);
    }
  });

  it('gives 0 for a price with no time value', () => {
    expect(impliedVolatility('call', 10, 110, 100, 1, 0)).toBe(0);
    expect(impliedVolatility('put', 0, 110, 100, 1, 0)).toBe(0);
  });

  it('names why there is no volatility', () => {
    const discount = Math.exp(-0.05);
    expect(impliedVolatility('call', 9.99 * discount, 110, 100, 1, 0.05)).toBe('below_intrinsic');
    expect(impliedVolatility('put', -1e-9, 110, 100, 1, 0.05)).toBe('below_intrinsic');
    expect(impliedVolatility('call', 110 * discount, 110, 100, 1, 0.05)).toBe('above_upper_bound');
    expect(impliedVolatility('put', 100 * discount, 110, 100, 1, 0.05)).toBe('above_upper_bound');
    expect(impliedVolatility('call', 5, 100, 100, 0, 0)).toBe('expired');
    const extreme = blackPrice('call', 100, 100, 1 / 365, impliedVolatilityMax * 1.5, 0);
    expect(impliedVolatility('call', extreme, 100, 100, 1 / 365, 0)).toBe('volatility_above_max');
  });

  it('refuses inputs that are bugs upstream', () => {
    expect(() => impliedVolatility('call', Number.NaN, 100, 100, 1, 0)).toThrow(InvariantError);
    expect(() => impliedVolatility('call', 1, 0, 100, 1, 0)).toThrow(InvariantError);
    expect(() => impliedVolatility('call', 1, 100, 100, -1, 0)).toThrow(InvariantError);
  });
});

describe('implied volatility of inverse options', () => {
  it('round-trips a coin price', () => {
    const basis = fc.double({ min: 0.9, max: 1.1, noNaN: true });
    fc.assert(
      fc.property(right, forward, logMoneyness, years, volatility, basis, (o, f, x, t, v, b) => {
        const k = f * Math.exp(x);
        const coin = inversePrice(o, f, k, t, v, 0, f * b);
        const implied = inverseImpliedVolatility(o, coin, f, k, t, 0, f * b);
        if (typeof implied !== 'number') return;
        const repriced = inversePrice(o, f, k, t, implied, 0, f * b);
        expect(Math.abs(repriced - coin)).toBeLessThanOrEqual((1e-13 * (f + k)) / (f * b));
      }),
    );
  });

  it('reads Deribit’s convention: a 0.05 BTC call at index 60,000 is a 3,000 USD call', () => {
    const fromCoin = inverseImpliedVolatility('call', 0.05, 60_500, 65_000, 30 / 365, 0, 60_000);
    const fromUsd = impliedVolatility('call', 3_000, 60_500, 65_000, 30 / 365, 0);
    expect(fromCoin).toBe(fromUsd);
    expect(typeof fromCoin).toBe('number');
  });
});
