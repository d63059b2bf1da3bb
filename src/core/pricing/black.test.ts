import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../num/assert.ts';
import {
  blackPrice,
  blackScholesPrice,
  forwardFromSpot,
  inversePrice,
  type OptionRight,
} from './black.ts';

/**
 * Published values: E. G. Haug, "The Complete Guide to Option Pricing Formulas", 2nd ed.
 * (McGraw-Hill, 2007), chapter 1's numerical examples, printed to 4 decimals; we hold them to half
 * a unit in the 4th decimal.
 */
const published: readonly {
  readonly name: string;
  readonly price: () => number;
  readonly value: number;
}[] = [
  {
    name: 'Black-Scholes call S=60 K=65 T=0.25 r=0.08 σ=0.30',
    price: () => blackScholesPrice('call', 60, 65, 0.25, 0.3, 0.08, 0),
    value: 2.1334,
  },
  {
    name: 'Merton put S=100 K=95 T=0.5 r=0.10 q=0.05 σ=0.20',
    price: () => blackScholesPrice('put', 100, 95, 0.5, 0.2, 0.1, 0.05),
    value: 2.4648,
  },
  {
    name: 'Black-76 call F=19 K=19 T=0.75 r=0.10 σ=0.28',
    price: () => blackPrice('call', 19, 19, 0.75, 0.28, 0.1),
    value: 1.7011,
  },
  {
    name: 'Black-76 put F=19 K=19 T=0.75 r=0.10 σ=0.28',
    price: () => blackPrice('put', 19, 19, 0.75, 0.28, 0.1),
    value: 1.7011,
  },
];

/**
 * The same and more cases to 17 digits, from mpmath 1.3.0 at 50 significant digits: Black-76 as
 * e^{−rT}(F·ncdf(d₁) − K·ncdf(d₂)) (puts likewise) with every input the exact double written
 * here, Black-Scholes as Black-76 on F = S·e^{(r−q)T} computed in mpmath; rounded to the
 * nearest double and printed with Python's shortest round-trip repr. The script is reproduced
 * in greeks.test.ts, whose reference greeks come from the same run.
 */
const highPrecision: readonly {
  readonly right: OptionRight;
  readonly spot: number;
  readonly strike: number;
  readonly years: number;
  readonly volatility: number;
  readonly rate: number;
  readonly dividendYield: number;
  readonly value: number;
}[] = [
  bs('call', 60, 65, 0.25, 0.3, 0.08, 0, 2.1333684449162),
  bs('put', 100, 95, 0.5, 0.2, 0.1, 0.05, 2.464787646755821),
  bs('call', 55, 60, 0.75, 0.3, 0.1, 0, 5.392778824120155),
  bs('put', 430, 405, 0.0833, 0.2, 0.07, 0.05, 1.7560201839357101),
  bs('call', 55, 60, 0.75, 0.3, 0.105, 0.0355, 4.73332694878814),
];

const highPrecisionForward: readonly (readonly [
  OptionRight,
  number,
  number,
  number,
  number,
  number,
  number,
])[] = [
  ['call', 19, 19, 0.75, 0.28, 0.1, 1.7010507252362672],
  ['put', 19, 19, 0.75, 0.28, 0.1, 1.7010507252362672],
  ['call', 105, 100, 0.5, 0.36, 0.1, 12.432844508202189],
  ['put', 105, 100, 0.5, 0.36, 0.1, 7.676697385698619],
  ['call', 3000, 4500, 1 / 52, 0.9, 0, 0.07070779089498834],
  ['put', 3000, 1500, 2, 1.2, 0.04, 638.747849461419],
];

function bs(
  right: OptionRight,
  spot: number,
  strike: number,
  years: number,
  volatility: number,
  rate: number,
  dividendYield: number,
  value: number,
) {
  return { right, spot, strike, years, volatility, rate, dividendYield, value };
}

/** The brief asks for 1e-10; the formulas reach a few units of 1e-15. */
const referenceTolerance = 1e-12;

function relativeError(value: number, reference: number): number {
  return Math.abs(value - reference) / Math.abs(reference);
}

const right = fc.constantFrom<OptionRight>('call', 'put');
const price = fc.double({ min: 1e-2, max: 1e6, noNaN: true });
const years = fc.double({ min: 1 / (365 * 24), max: 10, noNaN: true });
const volatility = fc.double({ min: 0.01, max: 5, noNaN: true });
const rate = fc.double({ min: -0.05, max: 0.2, noNaN: true });
/** Strike as a multiple of the forward: from deep in to deep out of the money. */
const moneyness = fc.double({ min: 0.05, max: 20, noNaN: true });

/** Float64 slack for a comparison between values of size `scale`. */
function slack(scale: number): number {
  return 1e-13 * scale;
}

describe('published values (Haug 2007, 4 decimals)', () => {
  it.each(published)('$name', ({ price: value, value: reference }) => {
    expect(Math.abs(value() - reference)).toBeLessThanOrEqual(5e-5);
  });
});

describe('high-precision values (mpmath, 50 digits)', () => {
  it.each(highPrecision)('Black-Scholes $right S=$spot K=$strike T=$years', (example) => {
    const { spot, strike, years: t, volatility: v, rate: r, dividendYield: q } = example;
    const value = blackScholesPrice(example.right, spot, strike, t, v, r, q);
    expect(relativeError(value, example.value)).toBeLessThanOrEqual(referenceTolerance);
  });

  it.each(highPrecisionForward)(
    'Black-76 %s F=%d K=%d T=%d σ=%d r=%d',
    (r, f, k, t, v, rt, ref) => {
      expect(relativeError(blackPrice(r, f, k, t, v, rt), ref)).toBeLessThanOrEqual(
        referenceTolerance,
      );
    },
  );
});

describe('Black-76 and Black-Scholes', () => {
  it('Black-Scholes is Black-76 on the forward S·e^{(r−q)T}', () => {
    fc.assert(
      fc.property(right, price, moneyness, years, volatility, rate, rate, (r, s, m, t, v, i, q) => {
        const forward = forwardFromSpot(s, t, i, q);
        const spotValue = blackScholesPrice(r, s, s * m, t, v, i, q);
        expect(spotValue).toBe(blackPrice(r, forward, s * m, t, v, i));
      }),
    );
  });

  it('satisfies put–call parity: call − put = e^{−rT}(F − K)', () => {
    fc.assert(
      fc.property(price, moneyness, years, volatility, rate, (f, m, t, v, r) => {
        const k = f * m;
        const call = blackPrice('call', f, k, t, v, r);
        const put = blackPrice('put', f, k, t, v, r);
        const discount = Math.exp(-r * t);
        expect(Math.abs(call - put - discount * (f - k))).toBeLessThanOrEqual(slack(f + k));
      }),
    );
  });

  it('stays within the no-arbitrage bounds', () => {
    fc.assert(
      fc.property(price, moneyness, years, volatility, rate, (f, m, t, v, r) => {
        const k = f * m;
        const discount = Math.exp(-r * t);
        const call = blackPrice('call', f, k, t, v, r);
        const put = blackPrice('put', f, k, t, v, r);
        const tolerance = slack(f + k);
        expect(call).toBeGreaterThanOrEqual(Math.max(0, discount * (f - k)) - tolerance);
        expect(call).toBeLessThanOrEqual(discount * f + tolerance);
        expect(put).toBeGreaterThanOrEqual(Math.max(0, discount * (k - f)) - tolerance);
        expect(put).toBeLessThanOrEqual(discount * k + tolerance);
      }),
    );
  });

  it('a call rises and a put falls with the spot', () => {
    const up = fc.double({ min: 1e-6, max: 1, noNaN: true });
    fc.assert(
      fc.property(price, moneyness, years, volatility, rate, up, (s, m, t, v, r, u) => {
        const k = s * m;
        const higher = s * (1 + u);
        const tolerance = slack(s + k);
        const callBefore = blackScholesPrice('call', s, k, t, v, r, 0);
        const putBefore = blackScholesPrice('put', s, k, t, v, r, 0);
        expect(blackScholesPrice('call', higher, k, t, v, r, 0)).toBeGreaterThanOrEqual(
          callBefore - tolerance,
        );
        expect(blackScholesPrice('put', higher, k, t, v, r, 0)).toBeLessThanOrEqual(
          putBefore + tolerance,
        );
      }),
    );
  });

  it('both rise with volatility', () => {
    const up = fc.double({ min: 1e-6, max: 2, noNaN: true });
    fc.assert(
      fc.property(right, price, moneyness, years, volatility, rate, up, (o, f, m, t, v, r, u) => {
        const k = f * m;
        const before = blackPrice(o, f, k, t, v, r);
        expect(blackPrice(o, f, k, t, v + u, r)).toBeGreaterThanOrEqual(before - slack(f + k));
      }),
    );
  });
});

describe('limits without NaN', () => {
  it('at expiry the value is the intrinsic value', () => {
    expect(blackPrice('call', 110, 100, 0, 0.5, 0.05)).toBe(10);
    expect(blackPrice('put', 110, 100, 0, 0.5, 0.05)).toBe(0);
    expect(blackPrice('put', 90, 100, 0, 0.5, 0.05)).toBe(10);
    expect(blackPrice('call', 100, 100, 0, 0.5, 0.05)).toBe(0);
    expect(blackScholesPrice('call', 110, 100, 0, 0.5, 0.05, 0.02)).toBe(10);
  });

  it('at zero volatility the value is the discounted intrinsic value on the forward', () => {
    const discount = Math.exp(-0.05 * 2);
    expect(blackPrice('call', 110, 100, 2, 0, 0.05)).toBe(discount * 10);
    expect(blackPrice('put', 110, 100, 2, 0, 0.05)).toBe(0);
    expect(blackPrice('call', 100, 100, 2, 0, 0.05)).toBe(0);
    expect(blackPrice('put', 100, 100, 2, 0, 0.05)).toBe(0);
  });

  it('tends continuously to those limits', () => {
    fc.assert(
      fc.property(right, price, moneyness, rate, (o, f, m, r) => {
        const k = f * m;
        const limit = blackPrice(o, f, k, 1, 0, r);
        const near = blackPrice(o, f, k, 1, 1e-12, r);
        expect(Number.isFinite(near)).toBe(true);
        expect(Math.abs(near - limit)).toBeLessThanOrEqual(1e-11 * (f + k));
        const tiny = blackPrice(o, f, k, 1, Number.MIN_VALUE, r);
        expect(Math.abs(tiny - limit)).toBeLessThanOrEqual(slack(f + k));
      }),
    );
  });

  it('refuses inputs that are bugs upstream', () => {
    expect(() => blackPrice('call', -1, 100, 1, 0.5, 0)).toThrow(InvariantError);
    expect(() => blackPrice('call', 100, 0, 1, 0.5, 0)).toThrow(InvariantError);
    expect(() => blackPrice('call', 100, 100, -1, 0.5, 0)).toThrow(InvariantError);
    expect(() => blackPrice('call', 100, 100, 1, Number.NaN, 0)).toThrow(InvariantError);
    expect(() => blackPrice('call', 100, 100, 1, 0.5, Number.POSITIVE_INFINITY)).toThrow(
      InvariantError,
    );
    expect(() => inversePrice('call', 100, 100, 1, 0.5, 0, 0)).toThrow(InvariantError);
  });
});

describe('inverse (coin-settled) options', () => {
  it('are worth the linear value divided by the underlying price', () => {
    const underlying = fc.double({ min: 0.5, max: 2, noNaN: true });
    fc.assert(
      fc.property(
        right,
        price,
        moneyness,
        years,
        volatility,
        rate,
        underlying,
        (o, f, m, t, v, r, u) => {
          const k = f * m;
          const coin = inversePrice(o, f, k, t, v, r, f * u);
          expect(coin).toBe(blackPrice(o, f, k, t, v, r) / (f * u));
        },
      ),
    );
  });

  it('pay max(S − K, 0)/S coins for a call and max(K − S, 0)/S for a put at expiry', () => {
    expect(inversePrice('call', 125_000, 100_000, 0, 0.6, 0, 125_000)).toBe(0.2);
    expect(inversePrice('put', 80_000, 100_000, 0, 0.6, 0, 80_000)).toBe(0.25);
    expect(inversePrice('call', 80_000, 100_000, 0, 0.6, 0, 80_000)).toBe(0);
  });

  it('a call is worth at most one coin, whatever the price', () => {
    fc.assert(
      fc.property(price, moneyness, years, volatility, (f, m, t, v) => {
        expect(inversePrice('call', f, f * m, t, v, 0, f)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
