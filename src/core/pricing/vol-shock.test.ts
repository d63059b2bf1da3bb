import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  shockedSurfaceVolatility,
  shockedVolatility,
  shockedVolatilityMin,
  shockIssue,
  termWeight,
  unshocked,
  type VolShock,
} from './vol-shock.ts';
import { type SviSlice, surfaceVolatility, type VolSurface } from './vol-surface.ts';

const week: SviSlice = {
  yearsToExpiry: 7 / 365,
  atmVolatility: 0.65,
  b: 0.02,
  rho: -0.3,
  m: 0.01,
  sigma: 0.05,
};
const quarter: SviSlice = {
  yearsToExpiry: 0.25,
  atmVolatility: 0.55,
  b: 0.1,
  rho: -0.2,
  m: 0.03,
  sigma: 0.2,
};
const year: SviSlice = {
  yearsToExpiry: 1,
  atmVolatility: 0.5,
  b: 0.2,
  rho: -0.15,
  m: 0.05,
  sigma: 0.3,
};
const surface: VolSurface = { slices: [week, quarter, year] };

const logMoneyness = fc.double({ min: -1, max: 1, noNaN: true });
const years = fc.double({ min: 1 / 365, max: 2, noNaN: true });

describe('shocks move the whole surface', () => {
  it('a parallel shift adds the same vol points at every strike and expiry', () => {
    const shock: VolShock = { parallel: 0.05, proportional: 0 };
    fc.assert(
      fc.property(logMoneyness, years, (k, t) => {
        const moved = shockedSurfaceVolatility(surface, k, t, shock);
        expect(moved - surfaceVolatility(surface, k, t)).toBeCloseTo(0.05, 14);
      }),
    );
  });

  it('a proportional shift scales every volatility', () => {
    const shock: VolShock = { parallel: 0, proportional: -0.2 };
    fc.assert(
      fc.property(logMoneyness, years, (k, t) => {
        const ratio =
          shockedSurfaceVolatility(surface, k, t, shock) / surfaceVolatility(surface, k, t);
        expect(ratio).toBeCloseTo(0.8, 14);
      }),
    );
  });

  it('moves each expiry’s ATM level, not one number', () => {
    const shock: VolShock = { parallel: 0.1, proportional: 0 };
    for (const slice of surface.slices) {
      const atm = shockedSurfaceVolatility(surface, 0, slice.yearsToExpiry, shock);
      expect(atm).toBeCloseTo(slice.atmVolatility + 0.1, 14);
    }
  });

  it('a term-weighted shift moves short expiries more: parallel·(T_ref/T)^power, capped', () => {
    const shock: VolShock = {
      parallel: 0.04,
      proportional: 0,
      term: { referenceYears: 30 / 365, power: 0.5, weightMax: 4 },
    };
    expect(termWeight(30 / 365, shock)).toBe(1);
    expect(termWeight(120 / 365, shock)).toBeCloseTo(0.5, 15);
    expect(termWeight(7.5 / 365, shock)).toBeCloseTo(2, 15);
    expect(termWeight(1 / 365, shock)).toBe(4);
    expect(termWeight(0, shock)).toBe(4);
    expect(shockedVolatility(0.6, 120 / 365, shock)).toBeCloseTo(0.62, 15);
    expect(shockedVolatility(0.6, 7.5 / 365, shock)).toBeCloseTo(0.68, 15);
    const flat = { ...shock, term: { referenceYears: 1, power: 0, weightMax: 4 } };
    expect(termWeight(0, flat)).toBe(1);
  });

  it('applies the proportional shift before the parallel one', () => {
    expect(shockedVolatility(0.5, 1, { parallel: 0.05, proportional: 0.1 })).toBeCloseTo(0.6, 15);
  });

  it('floors a down-shock larger than the level at one vol point', () => {
    expect(shockedVolatility(0.3, 1, { parallel: -0.5, proportional: 0 })).toBe(
      shockedVolatilityMin,
    );
    fc.assert(
      fc.property(
        logMoneyness,
        years,
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: -0.99, max: 3, noNaN: true }),
        (k, t, parallel, proportional) => {
          const moved = shockedSurfaceVolatility(surface, k, t, { parallel, proportional });
          expect(moved).toBeGreaterThanOrEqual(shockedVolatilityMin);
        },
      ),
    );
  });

  it('leaves the surface alone when unshocked', () => {
    fc.assert(
      fc.property(logMoneyness, years, (k, t) => {
        expect(shockedSurfaceVolatility(surface, k, t, unshocked)).toBe(
          surfaceVolatility(surface, k, t),
        );
      }),
    );
  });
});

describe('shock validation names the bad field', () => {
  const term = { referenceYears: 30 / 365, power: 0.5, weightMax: 4 };
  const cases: readonly (readonly [string, VolShock, string, string])[] = [
    ['NaN parallel', { parallel: Number.NaN, proportional: 0 }, 'grid[2].parallel', 'not_finite'],
    [
      'infinite proportional',
      { parallel: 0, proportional: Number.POSITIVE_INFINITY },
      'grid[2].proportional',
      'not_finite',
    ],
    [
      'a −100 % move',
      { parallel: 0, proportional: -1 },
      'grid[2].proportional',
      'must_be_above_minus_one',
    ],
    [
      'a zero reference',
      { parallel: 0, proportional: 0, term: { ...term, referenceYears: 0 } },
      'grid[2].term.referenceYears',
      'must_be_positive',
    ],
    [
      'a negative power',
      { parallel: 0, proportional: 0, term: { ...term, power: -1 } },
      'grid[2].term.power',
      'must_be_non_negative',
    ],
    [
      'a cap below 1',
      { parallel: 0, proportional: 0, term: { ...term, weightMax: 0.5 } },
      'grid[2].term.weightMax',
      'must_be_at_least_one',
    ],
  ];

  it.each(cases)('%s', (_name, shock, path, code) => {
    expect(shockIssue(shock, 'grid[2]')).toEqual({ path, code });
  });

  it('accepts a valid shock', () => {
    expect(shockIssue({ parallel: -0.1, proportional: 0.5, term }, 'grid[0]')).toBeNull();
    expect(shockIssue(unshocked, 'grid[0]')).toBeNull();
  });
});

describe("Deribit's relative shock with a vega power and a floor", () => {
  // Deribit (docs/portfolio-margin-sources.md, "Vol-shock formula"): volUp =
  // max(σ·(1 + 0.5·(30/days)^power), 0.5) with power 0.3 under 30 days, 0.13 beyond.
  const up: VolShock = {
    parallel: 0,
    proportional: 0.5,
    floor: 0.5,
    term: { referenceYears: 30 / 365.25, power: 0.3, longPower: 0.13, weightMax: 10 },
  };

  it('scales the relative move by (30/days)^0.3 under 30 days and ^0.13 beyond', () => {
    expect(shockedVolatility(0.6, 15 / 365.25, up)).toBeCloseTo(0.6 * (1 + 0.5 * 2 ** 0.3), 14);
    expect(shockedVolatility(0.6, 60 / 365.25, up)).toBeCloseTo(0.6 * (1 + 0.5 * 0.5 ** 0.13), 14);
    expect(shockedVolatility(0.6, 30 / 365.25, up)).toBeCloseTo(0.9, 14);
  });

  it('never shocks up below its floor', () => {
    expect(shockedVolatility(0.2, 60 / 365.25, up)).toBe(0.5);
  });

  it('names a bad floor or long power', () => {
    expect(shockIssue({ ...up, floor: 0 }, 'g')).toEqual({
      path: 'g.floor',
      code: 'must_be_positive',
    });
    expect(shockIssue({ ...up, term: { ...up.term!, longPower: -1 } }, 'g')).toEqual({
      path: 'g.term.longPower',
      code: 'must_be_non_negative',
    });
  });
});
