import { assert } from '../num/assert.ts';

/**
 * A volatility surface as input: per expiry an at-the-money volatility and an SVI smile in
 * log-moneyness k = ln(K/F), F the forward of that expiry.
 *
 * Raw SVI (Gatheral, 2004) gives the total implied variance w = σ_implied²·T of one expiry:
 *   w(k) = a + b·(ρ·(k − m) + √((k − m)² + σ²)).
 * Here the level `a` is not an input: the ATM volatility is, so a quoted ATM level is reproduced
 * exactly and a smile can be kept while the level moves. Setting w(0) = atmVolatility²·T gives
 *   a = atmVolatility²·T − b·(√(m² + σ²) − ρ·m),
 *   w(k) = atmVolatility²·T + b·(ρ·k + √((k − m)² + σ²) − √(m² + σ²)).
 * b, ρ, m and σ keep their raw-SVI meaning in total variance: b the slope of the wings (b·(1 ± ρ)
 * to the right and left), ρ the skew, m the shift, σ the curvature at the vertex.
 *
 * Between expiries the total variance at a fixed k is interpolated linearly in T. Outside them the
 * volatility is extrapolated flat: before the first expiry σ(k, T) = σ(k, T₁) (total variance
 * growing linearly from 0, the same line the interpolation would draw from the origin), after the
 * last σ(k, T) = σ(k, Tₙ). Butterfly and calendar arbitrage are not checked; a negative total
 * variance is (it would price an option with an imaginary volatility).
 */
export interface SviSlice {
  readonly yearsToExpiry: number;
  /** The implied volatility at k = 0 (strike at the forward), a fraction per √year. */
  readonly atmVolatility: number;
  readonly b: number;
  readonly rho: number;
  readonly m: number;
  readonly sigma: number;
}

export interface VolSurface {
  /** Expiries in strictly increasing yearsToExpiry, at most `expiriesPerSurfaceMax`. */
  readonly slices: readonly SviSlice[];
}

/** Listed expiries of one underlying are a few dozen at most; this bounds every scan. */
export const expiriesPerSurfaceMax = 128;

/** The total implied variance w(k) of one expiry. */
export function sviTotalVariance(slice: SviSlice, logMoneyness: number): number {
  const { atmVolatility, b, rho, m, sigma } = slice;
  const shifted = logMoneyness - m;
  const smile =
    rho * logMoneyness +
    Math.sqrt(shifted * shifted + sigma * sigma) -
    Math.sqrt(m * m + sigma * sigma);
  return atmVolatility * atmVolatility * slice.yearsToExpiry + b * smile;
}

/**
 * The lowest total variance of a slice over all k: a + b·σ·√(1 − ρ²), attained at
 * k = m − ρσ/√(1 − ρ²). Negative means the smile dips below zero variance somewhere.
 */
export function sviVarianceMin(slice: SviSlice): number {
  const { atmVolatility, b, rho, m, sigma } = slice;
  const a =
    atmVolatility * atmVolatility * slice.yearsToExpiry - b * (Math.hypot(m, sigma) - rho * m);
  return a + b * sigma * Math.sqrt(1 - rho * rho);
}

/**
 * The implied volatility at log-moneyness k = ln(K/F) and yearsToExpiry T, with F the forward of
 * that T. T = 0 gives the limit of the flat extrapolation (the first slice's volatility at k).
 * The surface must have passed `surfaceIssue`.
 */
export function surfaceVolatility(
  surface: VolSurface,
  logMoneyness: number,
  yearsToExpiry: number,
): number {
  assert(yearsToExpiry >= 0, 'yearsToExpiry must be non-negative');
  const slices = surface.slices;
  const count = slices.length;
  assert(count > 0, 'a surface has an expiry');
  assert(count <= expiriesPerSurfaceMax, 'a surface has at most expiriesPerSurfaceMax expiries');
  const first = slices[0]!;
  if (yearsToExpiry <= first.yearsToExpiry) {
    return Math.sqrt(sviTotalVariance(first, logMoneyness) / first.yearsToExpiry);
  }
  const last = slices[count - 1]!;
  if (yearsToExpiry >= last.yearsToExpiry) {
    return Math.sqrt(sviTotalVariance(last, logMoneyness) / last.yearsToExpiry);
  }
  let after = 1;
  while (after < count - 1 && slices[after]!.yearsToExpiry < yearsToExpiry) after += 1;
  const near = slices[after - 1]!;
  const far = slices[after]!;
  const weight = (yearsToExpiry - near.yearsToExpiry) / (far.yearsToExpiry - near.yearsToExpiry);
  const nearVariance = sviTotalVariance(near, logMoneyness);
  const farVariance = sviTotalVariance(far, logMoneyness);
  return Math.sqrt((nearVariance + weight * (farVariance - nearVariance)) / yearsToExpiry);
}

/** Why a surface cannot be used: the path of the first bad field, and a snake_case code. */
export interface SurfaceIssue {
  readonly path: string;
  readonly code: SurfaceIssueCode;
}

export type SurfaceIssueCode =
  | 'no_expiries'
  | 'too_many_expiries'
  | 'not_finite'
  | 'must_be_positive'
  | 'must_be_non_negative'
  | 'must_be_between_minus_one_and_one'
  | 'expiries_not_increasing'
  | 'negative_variance';

/**
 * The first reason the surface cannot be used, or null. Checked in a fixed order: the surface's
 * shape, then each slice in order, field by field, then the slice's variance as a whole.
 */
export function surfaceIssue(surface: VolSurface): SurfaceIssue | null {
  const slices = surface.slices;
  if (slices.length === 0) return { path: 'slices', code: 'no_expiries' };
  if (slices.length > expiriesPerSurfaceMax) return { path: 'slices', code: 'too_many_expiries' };
  for (let index = 0; index < slices.length; index += 1) {
    const slice = slices[index]!;
    const issue = sliceIssue(slice, `slices[${index}]`);
    if (issue !== null) return issue;
    const before = slices[index - 1];
    if (before !== undefined && !(slice.yearsToExpiry > before.yearsToExpiry)) {
      return { path: `slices[${index}].yearsToExpiry`, code: 'expiries_not_increasing' };
    }
  }
  return null;
}

/** The first bad field of one slice, its path prefixed by `path`, or null. */
export function sliceIssue(slice: SviSlice, path: string): SurfaceIssue | null {
  const fields = ['yearsToExpiry', 'atmVolatility', 'b', 'rho', 'm', 'sigma'] as const;
  for (const field of fields) {
    if (!Number.isFinite(slice[field])) return { path: `${path}.${field}`, code: 'not_finite' };
  }
  if (!(slice.yearsToExpiry > 0)) {
    return { path: `${path}.yearsToExpiry`, code: 'must_be_positive' };
  }
  if (!(slice.atmVolatility > 0)) {
    return { path: `${path}.atmVolatility`, code: 'must_be_positive' };
  }
  if (!(slice.b >= 0)) return { path: `${path}.b`, code: 'must_be_non_negative' };
  if (!(Math.abs(slice.rho) < 1)) {
    return { path: `${path}.rho`, code: 'must_be_between_minus_one_and_one' };
  }
  if (!(slice.sigma > 0)) return { path: `${path}.sigma`, code: 'must_be_positive' };
  if (sviVarianceMin(slice) < 0) return { path, code: 'negative_variance' };
  return null;
}
