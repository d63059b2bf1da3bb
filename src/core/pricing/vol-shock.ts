import { assert } from '../num/assert.ts';
import { surfaceVolatility, type VolSurface } from './vol-surface.ts';

/**
 * A volatility shock moves the whole surface, not one number: every strike and expiry is shocked
 * from its own volatility, so a scenario keeps the smile and the term structure it started from.
 *
 *   shocked σ(k, T) = max(σ(k, T)·(1 + proportional·w(T)) + parallel·w(T), floor)
 *   w(T)            = min((referenceYears/T)^power, weightMax)   with a term weighting, else 1
 *
 * - parallel: volatility points as a fraction, added everywhere (0.05 = +5 vol points).
 * - proportional: a relative move (0.1 = every volatility 10 % higher).
 * - term weighting: short expiries move more than long ones, as they do in a volatility spike
 *   (power ½ is the common "square-root-of-time" rule; Deribit's vega power is 0.3 under 30 days
 *   and 0.13 beyond, so a weighting may take a `longPower` for expiries past the reference). The
 *   weight is capped because (T_ref/T)^p grows without bound as T → 0; an option expiring within
 *   the hour would otherwise take an arbitrarily large shock.
 * - floor: the least volatility the shock leaves, shockedVolatilityMin unless the shock names its
 *   own (Deribit's min_volatility_for_shock_up, 0.5). The default keeps a down-shock larger than
 *   the level from pricing with zero or negative volatility, and is low enough not to matter for
 *   any traded option.
 */
export interface VolShock {
  readonly parallel: number;
  readonly proportional: number;
  readonly term?: TermWeighting;
  readonly floor?: number;
}

export interface TermWeighting {
  /** The expiry whose weight is 1, in years. */
  readonly referenceYears: number;
  readonly power: number;
  /** The power for expiries at or beyond `referenceYears`; `power` where absent. */
  readonly longPower?: number;
  /** At least 1: the largest multiple of the shock any expiry takes. */
  readonly weightMax: number;
}

/** One volatility point: the lowest volatility a shock can leave. */
export const shockedVolatilityMin = 0.01;

export const unshocked: VolShock = { parallel: 0, proportional: 0 };

/** A volatility after the shock, for an option with yearsToExpiry left. */
export function shockedVolatility(
  volatility: number,
  yearsToExpiry: number,
  shock: VolShock,
): number {
  assert(volatility >= 0, 'volatility must be non-negative');
  assert(yearsToExpiry >= 0, 'yearsToExpiry must be non-negative');
  if (shock.parallel === 0 && shock.proportional === 0 && shock.floor === undefined) {
    return volatility;
  }
  const weight = termWeight(yearsToExpiry, shock);
  const moved = volatility * (1 + shock.proportional * weight) + shock.parallel * weight;
  return Math.max(moved, shock.floor ?? shockedVolatilityMin);
}

/** The multiple of the shock an expiry takes. */
export function termWeight(yearsToExpiry: number, shock: VolShock): number {
  const term = shock.term;
  if (term === undefined) return 1;
  const power = yearsToExpiry >= term.referenceYears ? (term.longPower ?? term.power) : term.power;
  // At T = 0 the ratio is +∞; the cap turns it into weightMax (or 1 when power is 0).
  return Math.min((term.referenceYears / yearsToExpiry) ** power, term.weightMax);
}

/** The shocked surface's volatility at log-moneyness k = ln(K/F) and yearsToExpiry. */
export function shockedSurfaceVolatility(
  surface: VolSurface,
  logMoneyness: number,
  yearsToExpiry: number,
  shock: VolShock,
): number {
  const volatility = surfaceVolatility(surface, logMoneyness, yearsToExpiry);
  return shockedVolatility(volatility, yearsToExpiry, shock);
}

/** Why a shock cannot be used: the path of the first bad field, and a snake_case code. */
export interface ShockIssue {
  readonly path: string;
  readonly code:
    | 'not_finite'
    | 'must_be_above_minus_one'
    | 'must_be_positive'
    | 'must_be_non_negative'
    | 'must_be_at_least_one';
}

/** The first bad field of a shock, its path prefixed by `path`, or null. */
export function shockIssue(shock: VolShock, path: string): ShockIssue | null {
  if (!Number.isFinite(shock.parallel)) return { path: `${path}.parallel`, code: 'not_finite' };
  if (!Number.isFinite(shock.proportional)) {
    return { path: `${path}.proportional`, code: 'not_finite' };
  }
  // A move of −100 % or more would leave no volatility to shape.
  if (!(shock.proportional > -1)) {
    return { path: `${path}.proportional`, code: 'must_be_above_minus_one' };
  }
  if (shock.floor !== undefined && (!(shock.floor > 0) || !Number.isFinite(shock.floor))) {
    return { path: `${path}.floor`, code: 'must_be_positive' };
  }
  const term = shock.term;
  if (term === undefined) return null;
  if (!(term.referenceYears > 0) || !Number.isFinite(term.referenceYears)) {
    return { path: `${path}.term.referenceYears`, code: 'must_be_positive' };
  }
  if (!(term.power >= 0) || !Number.isFinite(term.power)) {
    return { path: `${path}.term.power`, code: 'must_be_non_negative' };
  }
  const longPower = term.longPower;
  if (longPower !== undefined && (!(longPower >= 0) || !Number.isFinite(longPower))) {
    return { path: `${path}.term.longPower`, code: 'must_be_non_negative' };
  }
  if (!(term.weightMax >= 1) || !Number.isFinite(term.weightMax)) {
    return { path: `${path}.term.weightMax`, code: 'must_be_at_least_one' };
  }
  return null;
}
