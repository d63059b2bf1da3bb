import { describe, expect, it } from 'vitest';
import { initialNearEdge } from './fast-figures.ts';
import { tierRequirement } from './fast-liquidity-tier.ts';
import type { RiskBook } from './risk-book.ts';

/**
 * The liquidity tier's flags exactly at the width of their bands, on a hand-made book of the
 * columns tierRequirement reads: an open interest whose distance to a cap is exactly 1e-9 of it
 * (1e9 × 1e-9 is exactly 1 in float64), and an increase exactly 1e-9 of the headroom above a whole
 * ppm. On the band the exact path may sit on the other side, so the figure is flagged. The base
 * IMF is 5 % (headroom 950,000 ppm), no unit, no leverage setting; the notional is 1,000.
 */
function tierBook(lower: number, upper: number): RiskBook {
  return {
    bracketStart: Int32Array.from([0]),
    settleAsset: Int32Array.from([0]),
    unit: Float64Array.from([0]),
    bracketInitialRate: Float64Array.from([0.05]),
    premiumFactor: Float64Array.from([0.6]),
    openInterestLowerCap: Float64Array.from([lower]),
    openInterestUpperCap: Float64Array.from([upper]),
  } as unknown as RiskBook;
}

function initialAt(lower: number, upper: number, openInterest: number) {
  const out = new Float64Array(16);
  const got = tierRequirement(tierBook(lower, upper), 0, 1_000, openInterest, 0, true, out, 10);
  return { got, flagged: out[initialNearEdge] === 1 };
}

describe('the liquidity tier exactly on the width of its bands', () => {
  it('an open interest exactly 1e-9 of itself above the lower cap: flagged', () => {
    // 1e9 − (1e9 − 1) = 1 = 1e9 × 1e-9; the increase 950,000 / 1.9e6 = 0.5 ppm is no edge.
    const got = initialAt(1e9 - 1, 1e9 - 1 + 1.9e6, 1e9);
    expect(got.got).toBeCloseTo(50, 9);
    expect(got.flagged).toBe(true);
  });

  it('an open interest exactly 1e-9 of itself below the upper cap: flagged', () => {
    // The increase is 950,000 × (1 − 1 / 1.9e6) = 949,999.5 ppm, floored: 5 % + 94.9999 %.
    const got = initialAt(1e9 + 1 - 1.9e6, 1e9 + 1, 1e9);
    expect(got.got).toBeCloseTo(999.999, 9);
    expect(got.flagged).toBe(true);
  });

  it('an increase exactly 1e-9 of the headroom above a whole ppm (0): flagged', () => {
    // 950,000 × 1099.511627776 / 2^40 is exactly 950,000 × 1e-9 in float64.
    const got = initialAt(0, 2 ** 40, 1099.511627776);
    expect(got.got).toBeCloseTo(50, 9);
    expect(got.flagged).toBe(true);
  });

  it('an increase of 0.5 ppm, far from both caps: the base rate, not flagged', () => {
    const got = initialAt(0, 1.9e12, 1e6);
    expect(got.got).toBeCloseTo(50, 9);
    expect(got.flagged).toBe(false);
  });
});
