import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../num/assert.ts';
import {
  expiriesPerSurfaceMax,
  type SviSlice,
  sliceIssue,
  surfaceIssue,
  surfaceVolatility,
  sviTotalVariance,
  sviVarianceMin,
  type VolSurface,
} from './vol-surface.ts';

/** A crypto-like surface: steep short end, put skew, three expiries. */
const week: SviSlice = {
  yearsToExpiry: 7 / 365,
  atmVolatility: 0.65,
  b: 0.02,
  rho: -0.3,
  m: 0.01,
  sigma: 0.05,
};
const month: SviSlice = {
  yearsToExpiry: 30 / 365,
  atmVolatility: 0.58,
  b: 0.05,
  rho: -0.25,
  m: 0.02,
  sigma: 0.1,
};
const quarter: SviSlice = {
  yearsToExpiry: 0.25,
  atmVolatility: 0.55,
  b: 0.1,
  rho: -0.2,
  m: 0.03,
  sigma: 0.2,
};
const surface: VolSurface = { slices: [week, month, quarter] };

function relativeError(value: number, reference: number): number {
  return Math.abs(value - reference) / Math.abs(reference);
}

/** Raw SVI with `a` written out, as Gatheral states it. */
function rawSvi(slice: SviSlice, k: number): number {
  const { atmVolatility, b, rho, m, sigma } = slice;
  const a =
    atmVolatility ** 2 * slice.yearsToExpiry - b * (-rho * m + Math.sqrt(m * m + sigma * sigma));
  return a + b * (rho * (k - m) + Math.sqrt((k - m) ** 2 + sigma * sigma));
}

const logMoneyness = fc.double({ min: -2, max: 2, noNaN: true });

describe('SVI slice', () => {
  it('reproduces the input ATM volatility at k = 0 on every expiry', () => {
    expect(surfaceIssue(surface)).toBeNull();
    for (const slice of surface.slices) {
      const atm = surfaceVolatility(surface, 0, slice.yearsToExpiry);
      expect(relativeError(atm, slice.atmVolatility)).toBeLessThanOrEqual(2e-16);
    }
  });

  it('is raw SVI with a = σ_ATM²·T − b·(√(m² + σ²) − ρ·m)', () => {
    fc.assert(
      fc.property(logMoneyness, fc.constantFrom(week, month, quarter), (k, slice) => {
        expect(relativeError(sviTotalVariance(slice, k), rawSvi(slice, k))).toBeLessThan(1e-13);
      }),
    );
  });

  it('has its lowest variance a + bσ√(1 − ρ²) at k = m − ρσ/√(1 − ρ²)', () => {
    for (const slice of surface.slices) {
      const { rho, m, sigma } = slice;
      const vertex = m - (rho * sigma) / Math.sqrt(1 - rho * rho);
      expect(relativeError(sviTotalVariance(slice, vertex), sviVarianceMin(slice))).toBeLessThan(
        1e-12,
      );
      expect(sviTotalVariance(slice, vertex + 0.01)).toBeGreaterThan(sviVarianceMin(slice));
      expect(sviTotalVariance(slice, vertex - 0.01)).toBeGreaterThan(sviVarianceMin(slice));
    }
  });

  it('has a put skew for ρ < 0 and no smile for b = 0', () => {
    expect(surfaceVolatility(surface, -0.3, 0.25)).toBeGreaterThan(
      surfaceVolatility(surface, 0.3, 0.25),
    );
    const flat: VolSurface = { slices: [{ ...quarter, b: 0 }] };
    fc.assert(
      fc.property(logMoneyness, (k) => {
        expect(relativeError(surfaceVolatility(flat, k, 0.25), 0.55)).toBeLessThan(1e-15);
      }),
    );
  });
});

describe('across expiries', () => {
  it('interpolates total variance linearly in T at a fixed k', () => {
    const between = fc.double({ min: week.yearsToExpiry, max: quarter.yearsToExpiry, noNaN: true });
    fc.assert(
      fc.property(logMoneyness, between, (k, t) => {
        const [near, far] = t <= month.yearsToExpiry ? [week, month] : [month, quarter];
        const weight = (t - near.yearsToExpiry) / (far.yearsToExpiry - near.yearsToExpiry);
        const w =
          sviTotalVariance(near, k) +
          weight * (sviTotalVariance(far, k) - sviTotalVariance(near, k));
        const volatility = surfaceVolatility(surface, k, t);
        expect(relativeError(volatility * volatility * t, w)).toBeLessThan(1e-12);
      }),
    );
  });

  it('extrapolates the volatility flat before the first and after the last expiry', () => {
    fc.assert(
      fc.property(logMoneyness, fc.double({ min: 0, max: 1, noNaN: true }), (k, fraction) => {
        const early = week.yearsToExpiry * fraction;
        const late = quarter.yearsToExpiry * (1 + 10 * fraction);
        const first = Math.sqrt(sviTotalVariance(week, k) / week.yearsToExpiry);
        const last = Math.sqrt(sviTotalVariance(quarter, k) / quarter.yearsToExpiry);
        expect(surfaceVolatility(surface, k, early)).toBe(first);
        expect(surfaceVolatility(surface, k, late)).toBe(last);
      }),
    );
    expect(surfaceVolatility(surface, 0, 0)).toBeCloseTo(week.atmVolatility, 15);
  });

  it('is continuous at each expiry', () => {
    for (const slice of surface.slices) {
      const t = slice.yearsToExpiry;
      for (const k of [-0.5, 0, 0.4]) {
        const at = surfaceVolatility(surface, k, t);
        expect(Math.abs(surfaceVolatility(surface, k, t * (1 + 1e-12)) - at)).toBeLessThan(1e-10);
        expect(Math.abs(surfaceVolatility(surface, k, t * (1 - 1e-12)) - at)).toBeLessThan(1e-10);
      }
    }
  });

  it('gives finite, non-negative volatilities on any valid surface', () => {
    const slice = fc.record({
      atmVolatility: fc.double({ min: 0.05, max: 3, noNaN: true }),
      b: fc.double({ min: 0, max: 0.5, noNaN: true }),
      rho: fc.double({ min: -0.99, max: 0.99, noNaN: true }),
      m: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
      sigma: fc.double({ min: 0.01, max: 1, noNaN: true }),
    });
    const input = fc.array(slice, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(input, logMoneyness, fc.double({ min: 0, max: 3, noNaN: true }), (raw, k, t) => {
        const candidate: VolSurface = {
          slices: raw.map((fields, index) => ({ ...fields, yearsToExpiry: (index + 1) * 0.1 })),
        };
        if (surfaceIssue(candidate) !== null) return;
        const volatility = surfaceVolatility(candidate, k, t);
        expect(Number.isFinite(volatility)).toBe(true);
        expect(volatility).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('refuses a negative time', () => {
    expect(() => surfaceVolatility(surface, 0, -1)).toThrow(InvariantError);
  });
});

describe('validation names the bad field', () => {
  const cases: readonly (readonly [string, Partial<SviSlice>, string, string])[] = [
    [
      'a non-positive ATM volatility',
      { atmVolatility: 0 },
      'slices[1].atmVolatility',
      'must_be_positive',
    ],
    ['a negative b', { b: -0.01 }, 'slices[1].b', 'must_be_non_negative'],
    ['ρ = 1', { rho: 1 }, 'slices[1].rho', 'must_be_between_minus_one_and_one'],
    ['ρ = −1.2', { rho: -1.2 }, 'slices[1].rho', 'must_be_between_minus_one_and_one'],
    ['σ = 0', { sigma: 0 }, 'slices[1].sigma', 'must_be_positive'],
    ['a NaN m', { m: Number.NaN }, 'slices[1].m', 'not_finite'],
    ['an infinite b', { b: Number.POSITIVE_INFINITY }, 'slices[1].b', 'not_finite'],
    ['a zero expiry', { yearsToExpiry: 0 }, 'slices[1].yearsToExpiry', 'must_be_positive'],
    [
      'an expiry out of order',
      { yearsToExpiry: 1 / 365 },
      'slices[1].yearsToExpiry',
      'expiries_not_increasing',
    ],
    // a = 0.58²·30/365 − 0.5·√(0.25 + 0.0001) < −0.2, far below −b·σ·√(1 − ρ²).
    [
      'a smile below zero variance',
      { b: 0.5, rho: 0, m: 0.5, sigma: 0.01 },
      'slices[1]',
      'negative_variance',
    ],
  ];

  it.each(cases)('%s', (_name, change, path, code) => {
    const bad: VolSurface = { slices: [week, { ...month, ...change }, quarter] };
    expect(surfaceIssue(bad)).toEqual({ path, code });
  });

  it('an empty surface and one with too many expiries', () => {
    expect(surfaceIssue({ slices: [] })).toEqual({ path: 'slices', code: 'no_expiries' });
    const many = Array.from({ length: expiriesPerSurfaceMax + 1 }, (_, index) => ({
      ...quarter,
      b: 0,
      yearsToExpiry: (index + 1) / 365,
    }));
    expect(surfaceIssue({ slices: many })).toEqual({ path: 'slices', code: 'too_many_expiries' });
    expect(surfaceIssue({ slices: many.slice(0, expiriesPerSurfaceMax) })).toBeNull();
  });

  it('a slice alone, under the caller’s path', () => {
    expect(sliceIssue({ ...week, sigma: -1 }, 'surfaces.BTC.slices[0]')).toEqual({
      path: 'surfaces.BTC.slices[0].sigma',
      code: 'must_be_positive',
    });
    expect(sliceIssue(week, 'x')).toBeNull();
  });
});
