import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../num/assert.ts';
import { blackPrice, blackScholesPrice, inversePrice, type OptionRight } from './black.ts';
import {
  blackGreeks,
  blackScholesGreeks,
  greekCount,
  greekDelta,
  greekGamma,
  greekTheta,
  greekValue,
  greekVega,
  inverseGreeks,
} from './greeks.ts';
import { normalCdf } from './normal.ts';

/**
 * Reference greeks from mpmath 1.3.0 at 50 significant digits, by differentiating the
 * high-precision price numerically (`mpmath.diff`), not from the closed forms under test; each
 * rounded to the nearest double and printed with Python's shortest round-trip repr. Order:
 * [value, delta, gamma, vega, theta]. The script:
 *
 *   from mpmath import mp, mpf, ncdf, exp, log, sqrt, diff
 *   mp.dps = 50
 *   def black(right, F, K, T, v, r):
 *       F, K, T, v, r = map(mpf, (F, K, T, v, r))
 *       s = v * sqrt(T); d1 = log(F / K) / s + s / 2; d2 = d1 - s; D = exp(-r * T)
 *       if right == 'call': return D * (F * ncdf(d1) - K * ncdf(d2))
 *       return D * (K * ncdf(-d2) - F * ncdf(-d1))
 *   def bs(right, S, K, T, v, r, q):
 *       return black(right, mpf(S) * exp((mpf(r) - mpf(q)) * mpf(T)), K, T, v, r)
 *   def greeks(f, x, T, v):  # f(x, T, v); x is the spot or the forward
 *       x, T, v = mpf(x), mpf(T), mpf(v)
 *       return [f(x, T, v), diff(lambda y: f(y, T, v), x), diff(lambda y: f(y, T, v), x, 2),
 *               diff(lambda y: f(x, T, y), v), -diff(lambda y: f(x, y, v), T)]
 *   # inverse: C(F) = black(F) / (λ·F), λ = P/F; delta = F·C'(F), gamma = d(delta)/dF
 *   def inverse(right, F, K, T, v, r, P):
 *       lam = mpf(P) / mpf(F)
 *       c = lambda F_, T_, v_: black(right, F_, K, T_, v_, r) / (lam * F_)
 *       F, T, v = mpf(F), mpf(T), mpf(v)
 *       delta = lambda x: x * diff(lambda y: c(y, T, v), x)
 *       return [c(F, T, v), delta(F), diff(delta, F), diff(lambda x: c(F, T, x), v),
 *               -diff(lambda x: c(F, x, v), T)]
 *   print([repr(float(g)) for g in greeks(lambda S, T, v: bs('call', S, 65, T, v, 0.08, 0),
 *                                           60, 0.25, 0.3)])   # and so on for each case
 *
 * Inputs such as 1 / 52 were passed to Python as the same double (1/52 in Python is that double).
 */
type Greeks = readonly [number, number, number, number, number];

/** [right, spot, strike, years, volatility, rate, dividendYield] */
type SpotInputs = readonly [OptionRight, number, number, number, number, number, number];
/** [right, forward, strike, years, volatility, rate] */
type ForwardInputs = readonly [OptionRight, number, number, number, number, number];
/** [right, forward, strike, years, volatility, rate, underlyingPrice] */
type InverseInputs = SpotInputs;

const spotCases: readonly (readonly [SpotInputs, Greeks])[] = [
  [
    ['call', 60, 65, 0.25, 0.3, 0.08, 0],
    [
      2.1333684449162, 0.37248279796197287, 0.042042755753785174, 11.351544053521996,
      -8.428174386737371,
    ],
  ],
  [
    ['put', 100, 95, 0.5, 0.2, 0.1, 0.05],
    [
      2.464787646755821, -0.2641815996360724, 0.02283957429626999, 22.83957429626999,
      -3.000528096398054,
    ],
  ],
  [
    ['call', 55, 60, 0.75, 0.3, 0.1, 0],
    [
      5.392778824120155, 0.5333413896834848, 0.027821160476940842, 18.935777349617858,
      -6.181255230770723,
    ],
  ],
  [
    ['put', 430, 405, 0.0833, 0.2, 0.07, 0.05],
    [
      1.7560201839357101, -0.1361032605533939, 0.008784688077380687, 27.060651832958104,
      -31.1923670565191,
    ],
  ],
  [
    ['call', 55, 60, 0.75, 0.3, 0.105, 0.0355],
    [
      4.73332694878814, 0.48516407119166194, 0.027184931627735616, 18.502744089127553,
      -5.058089150332883,
    ],
  ],
];

const forwardCases: readonly (readonly [ForwardInputs, Greeks])[] = [
  [
    ['call', 19, 19, 0.75, 0.28, 0.1],
    [
      1.7010507252362672, 0.5086362359336519, 0.07974503467912113, 6.045471079024174,
      -0.9583828622275524,
    ],
  ],
  [
    ['put', 19, 19, 0.75, 0.28, 0.1],
    [
      1.7010507252362672, -0.419107250394901, 0.07974503467912113, 6.045471079024174,
      -0.9583828622275524,
    ],
  ],
  [
    ['call', 105, 100, 0.5, 0.36, 0.1],
    [
      12.432844508202189, 0.5946286597299956, 0.01349363711052063, 26.77812284582819,
      -8.396839773677929,
    ],
  ],
  [
    ['put', 105, 100, 0.5, 0.36, 0.1],
    [
      7.676697385698619, -0.3566007647707184, 0.01349363711052063, 26.77812284582819,
      -8.872454485928285,
    ],
  ],
  [
    ['call', 3000, 4500, 1 / 52, 0.9, 0],
    [
      0.07070779089498834, 0.0007204781518035754, 6.651700366086481e-6, 1.036130249332702,
      -24.245447834385224,
    ],
  ],
  [
    ['put', 3000, 1500, 2, 1.2, 0.04],
    [
      638.747849461419, -0.09635712281934064, 3.2829376454534375e-5, 709.1145314179424,
      -187.18444544692596,
    ],
  ],
];

const inverseCases: readonly (readonly [InverseInputs, Greeks])[] = [
  [
    ['call', 60500, 65000, 30 / 365, 0.6, 0, 60000],
    [
      0.04030819478822432, 0.3330723181566699, 3.108716769872168e-5, 0.10917596534446018,
      -0.39849227350727967,
    ],
  ],
  [
    ['put', 60500, 55000, 7 / 365, 0.75, 0, 60000],
    [
      0.009700300723699798, -0.1772130428459177, 4.293823251898309e-5, 0.034816130490139555,
      -0.6807796944054073,
    ],
  ],
  [
    ['call', 3000, 2500, 0.5, 0.8, 0.05, 2950],
    [
      0.2952481288288795, 0.4262748211037788, 5.205792418266742e-5, 0.23297943746071242,
      -0.17162114352712596,
    ],
  ],
];

/** The brief asks for 1e-10; closed forms and reference agree to a few units of 1e-15. */
const referenceTolerance = 1e-12;
const names = ['value', 'delta', 'gamma', 'vega', 'theta'] as const;

function expectGreeks(out: Float64Array, reference: Greeks): void {
  for (let i = 0; i < greekCount; i += 1) {
    const error = Math.abs(out[i]! - reference[i]!) / Math.abs(reference[i]!);
    expect(error, names[i]).toBeLessThanOrEqual(referenceTolerance);
  }
}

const out = new Float64Array(greekCount);

describe('reference greeks (mpmath, 50 digits)', () => {
  it.each(spotCases)('Black-Scholes %j', ([o, s, k, t, v, r, q], ref) => {
    blackScholesGreeks(o, s, k, t, v, r, q, out);
    expectGreeks(out, ref);
  });

  it.each(forwardCases)('Black-76 %j', ([o, f, k, t, v, r], ref) => {
    blackGreeks(o, f, k, t, v, r, out);
    expectGreeks(out, ref);
  });

  it.each(inverseCases)('inverse %j', ([o, f, k, t, v, r, p], ref) => {
    inverseGreeks(o, f, k, t, v, r, p, out);
    expectGreeks(out, ref);
  });
});

/**
 * Published greeks: Haug (2007), "The Complete Guide to Option Pricing Formulas", 2nd ed.,
 * chapter 2's numerical examples, printed to 4 decimals. Theta there is per year, as here.
 */
describe('published greeks (Haug 2007, 4 decimals)', () => {
  it('futures option delta F=105 K=100 T=0.5 r=0.10 σ=0.36: call 0.5946, put −0.3566', () => {
    blackGreeks('call', 105, 100, 0.5, 0.36, 0.1, out);
    expect(Math.abs(out[greekDelta]! - 0.5946)).toBeLessThanOrEqual(5e-5);
    blackGreeks('put', 105, 100, 0.5, 0.36, 0.1, out);
    expect(Math.abs(out[greekDelta]! + 0.3566)).toBeLessThanOrEqual(5e-5);
  });

  it('gamma S=55 K=60 T=0.75 r=b=0.10 σ=0.30: 0.0278', () => {
    blackScholesGreeks('call', 55, 60, 0.75, 0.3, 0.1, 0, out);
    expect(Math.abs(out[greekGamma]! - 0.0278)).toBeLessThanOrEqual(5e-5);
  });

  it('vega S=55 K=60 T=0.75 r=b=0.10 σ=0.30: 18.9358', () => {
    blackScholesGreeks('call', 55, 60, 0.75, 0.3, 0.1, 0, out);
    expect(Math.abs(out[greekVega]! - 18.9358)).toBeLessThanOrEqual(5e-5);
  });

  it('put theta S=430 K=405 T=0.0833 r=0.07 b=0.02 σ=0.20: −31.1924 a year', () => {
    blackScholesGreeks('put', 430, 405, 0.0833, 0.2, 0.07, 0.07 - 0.02, out);
    expect(Math.abs(out[greekTheta]! + 31.1924)).toBeLessThanOrEqual(5e-5);
  });
});

const right = fc.constantFrom<OptionRight>('call', 'put');
const price = fc.double({ min: 1, max: 1e5, noNaN: true });
const years = fc.double({ min: 0.02, max: 5, noNaN: true });
const volatility = fc.double({ min: 0.05, max: 2, noNaN: true });
const rate = fc.double({ min: -0.02, max: 0.15, noNaN: true });
const moneyness = fc.double({ min: 0.5, max: 2, noNaN: true });

/** Central differences: O(h²) truncation plus roundoff of order ε·value/h. */
function centralSlope(f: (x: number) => number, x: number, h: number): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

function centralCurvature(f: (x: number) => number, x: number, h: number): number {
  return (f(x + h) - 2 * f(x) + f(x - h)) / (h * h);
}

/**
 * Each greek against finite differences of a price function, with tolerances relative to the
 * greek's natural size: 1 for delta, D·n(0)/(F·s) for gamma, F·√T for vega, F·(σ/√T + |r|)
 * for theta.
 */
function expectMatchesDifferences(
  value: (x: number, t: number, v: number) => number,
  x: number,
  t: number,
  v: number,
  r: number,
  scale: number,
): void {
  const s = v * Math.sqrt(t);
  // The price varies on a scale of x·min(s, 1); steps follow it.
  const width = x * Math.min(s, 1);
  const delta = centralSlope((y) => value(y, t, v), x, 1e-5 * width);
  const gamma = centralCurvature((y) => value(y, t, v), x, 2e-4 * width);
  const vega = centralSlope((y) => value(x, t, y), v, 1e-5 * v);
  const theta = -centralSlope((y) => value(x, y, v), t, 1e-5 * t);
  expect(Math.abs(out[greekDelta]! - delta), 'delta').toBeLessThanOrEqual(1e-7 * scale);
  expect(Math.abs(out[greekGamma]! - gamma), 'gamma').toBeLessThanOrEqual((1e-5 * scale) / (x * s));
  expect(Math.abs(out[greekVega]! - vega), 'vega').toBeLessThanOrEqual(1e-7 * x * Math.sqrt(t));
  const thetaSize = x * (v / Math.sqrt(t) + Math.abs(r) + 1);
  expect(Math.abs(out[greekTheta]! - theta), 'theta').toBeLessThanOrEqual(1e-7 * thetaSize);
}

describe('greeks against finite differences', () => {
  it('Black-76: delta, gamma in the forward; vega; theta with the forward held', () => {
    fc.assert(
      fc.property(right, price, moneyness, years, volatility, rate, (o, f, m, t, v, r) => {
        const k = f * m;
        blackGreeks(o, f, k, t, v, r, out);
        expect(out[greekValue]).toBe(blackPrice(o, f, k, t, v, r));
        expectMatchesDifferences((x, y, z) => blackPrice(o, x, k, y, z, r), f, t, v, r, 1);
      }),
    );
  });

  it('Black-Scholes: delta, gamma in the spot; theta with the spot held', () => {
    fc.assert(
      fc.property(right, price, moneyness, years, volatility, rate, rate, (o, s, m, t, v, r, q) => {
        const k = s * m;
        blackScholesGreeks(o, s, k, t, v, r, q, out);
        expect(out[greekValue]).toBe(blackScholesPrice(o, s, k, t, v, r, q));
        const value = (x: number, y: number, z: number) => blackScholesPrice(o, x, k, y, z, r, q);
        expectMatchesDifferences(value, s, t, v, r, 1);
      }),
    );
  });

  it('inverse: delta = F·∂C/∂F, gamma = ∂delta/∂F, in coin, the underlying price moving with F', () => {
    const basis = fc.double({ min: 0.9, max: 1.1, noNaN: true });
    fc.assert(
      fc.property(
        right,
        price,
        moneyness,
        years,
        volatility,
        rate,
        basis,
        (o, f, m, t, v, r, b) => {
          const k = f * m;
          const underlying = f * b;
          inverseGreeks(o, f, k, t, v, r, underlying, out);
          expect(out[greekValue]).toBe(inversePrice(o, f, k, t, v, r, underlying));
          // C(x) with the underlying price in proportion to the forward, as under a price shock.
          const coin = (x: number) => inversePrice(o, x, k, t, v, r, x * b);
          const width = f * Math.min(v * Math.sqrt(t), 1);
          const slope = centralSlope(coin, f, 1e-5 * width);
          const curvature = centralCurvature(coin, f, 2e-4 * width);
          expect(Math.abs(out[greekDelta]! - f * slope)).toBeLessThanOrEqual(1e-7);
          const gamma = slope + f * curvature;
          const gammaSize = 1 / (f * v * Math.sqrt(t));
          expect(Math.abs(out[greekGamma]! - gamma)).toBeLessThanOrEqual(1e-5 * gammaSize);
          const vega = centralSlope((y) => inversePrice(o, f, k, t, y, r, underlying), v, 1e-5 * v);
          expect(Math.abs(out[greekVega]! - vega)).toBeLessThanOrEqual(1e-7 * Math.sqrt(t));
          const theta = -centralSlope(
            (y) => inversePrice(o, f, k, y, v, r, underlying),
            t,
            1e-5 * t,
          );
          const thetaSize = v / Math.sqrt(t) + Math.abs(r) + 1;
          expect(Math.abs(out[greekTheta]! - theta)).toBeLessThanOrEqual(1e-7 * thetaSize);
        },
      ),
    );
  });
});

describe('greeks between call and put', () => {
  it('follow put–call parity: Δc − Δp = D, Γ and vega equal, θc − θp = r·D·(F − K)', () => {
    const call = new Float64Array(greekCount);
    const put = new Float64Array(greekCount);
    fc.assert(
      fc.property(price, moneyness, years, volatility, rate, (f, m, t, v, r) => {
        const k = f * m;
        const discount = Math.exp(-r * t);
        blackGreeks('call', f, k, t, v, r, call);
        blackGreeks('put', f, k, t, v, r, put);
        expect(Math.abs(call[greekDelta]! - put[greekDelta]! - discount)).toBeLessThan(1e-15 * 4);
        expect(call[greekGamma]).toBe(put[greekGamma]);
        expect(call[greekVega]).toBe(put[greekVega]);
        const carry = r * discount * (f - k);
        const size = f * (v / Math.sqrt(t) + Math.abs(r)) + Math.abs(carry);
        expect(Math.abs(call[greekTheta]! - put[greekTheta]! - carry)).toBeLessThan(1e-13 * size);
      }),
    );
  });

  it('an inverse call’s premium-adjusted delta is (K/F)·N(d₂) with r = 0 and P = F', () => {
    fc.assert(
      fc.property(price, moneyness, years, volatility, (f, m, t, v) => {
        const k = f * m;
        const s = v * Math.sqrt(t);
        const d2 = Math.log(f / k) / s - 0.5 * s;
        inverseGreeks('call', f, k, t, v, 0, f, out);
        expect(Math.abs(out[greekDelta]! - (k / f) * normalCdf(d2))).toBeLessThanOrEqual(1e-14);
      }),
    );
  });

  it('an inverse option’s delta is the linear delta less the coin premium when P = S', () => {
    const linear = new Float64Array(greekCount);
    fc.assert(
      fc.property(right, price, moneyness, years, volatility, rate, (o, f, m, t, v, r) => {
        const k = f * m;
        blackGreeks(o, f, k, t, v, r, linear);
        inverseGreeks(o, f, k, t, v, r, f, out);
        const deribit = linear[greekDelta]! - out[greekValue]!;
        expect(Math.abs(out[greekDelta]! - deribit)).toBeLessThanOrEqual(1e-15 * 4);
      }),
    );
  });
});

describe('limits at zero total deviation', () => {
  it('at expiry: the discounted step as delta, no gamma or vega, carry as theta', () => {
    blackGreeks('call', 110, 100, 0, 0.5, 0.05, out);
    expect([...out]).toEqual([10, 1, 0, 0, 0.5]);
    blackGreeks('put', 110, 100, 0, 0.5, 0.05, out);
    expect([...out]).toEqual([0, 0, 0, 0, 0]);
    blackGreeks('call', 100, 100, 0, 0.5, 0.05, out);
    expect([...out]).toEqual([0, 0.5, 0, 0, 0]);
    blackGreeks('put', 100, 100, 0, 0.5, 0.05, out);
    expect([...out]).toEqual([0, -0.5, 0, 0, 0]);
  });

  it('at zero volatility before expiry: vega only at the strike, all finite', () => {
    const discount = Math.exp(-0.05);
    blackGreeks('call', 100, 100, 1, 0, 0.05, out);
    expect(out[greekVega]).toBeCloseTo(discount * 100 * 0.3989422804014327, 12);
    blackGreeks('call', 120, 100, 1, 0, 0.05, out);
    expect(out[greekDelta]).toBe(discount);
    expect(out[greekVega]).toBe(0);
    expect(out[greekTheta]).toBeCloseTo(0.05 * discount * 20, 12);
    inverseGreeks('put', 80, 100, 0, 0.7, 0, 80, out);
    expect([...out].every(Number.isFinite)).toBe(true);
    expect(out[greekValue]).toBe(0.25);
  });

  it('refuses an output buffer without room for every greek', () => {
    expect(() => blackGreeks('call', 100, 100, 1, 0.5, 0, new Float64Array(4))).toThrow(
      InvariantError,
    );
  });
});
