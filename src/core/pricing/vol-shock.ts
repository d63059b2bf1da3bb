import { assert } from '../num/assert.ts';
import { surfaceVolatility, type VolSurface } from './vol-surface.ts';

/**
 * A volatility shock moves the whole surface, not one number: every strike and expiry is shocked
 * from its own volatility, so a scenario keeps the smile and the term structure it started from.
 *
 *   shocked σ(k, T) = max(σ(k, T)·(1 + proportional) + parallel·weight(T), shockedVolatilityMin)
 *   weight(T)       = min((referenceYears/T)^power, weightMax)   with a term weighting, else 1
 *
 * - parallel: volatility points as a fraction, added everywhere (0.05 = +5 vol points).
 * - proportional: a relative move (0.1 = every volatility 10 % higher).
 * - term weighting: short expiries move more than long ones, as they do in a volatility spike
 *   (power ½ is the common "square-root-of-time" rule). The weight is capped because (T_ref/T)^p
 *   grows without bound as T → 0; an option expiring within the hour would otherwise take an
 *   arbitrarily large shock.
 * The floor keeps a down-shock larger than the level from pricing with zero or negative
 * volatility; it is low enough not to matter for any traded option.
 */
export interface VolShock {
  readonly parallel: number;
  readonly proportional: number;
  readonly term?: TermWeighting;
}

export interface TermWeighting {
  /** The expiry whose weight is 1, in years. */
  readonly referenceYears: number;
  readonly power: number;
  /** At least 1: the largest multiple of `parallel` any expiry takes. */
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
  if (shock.parallel === 0 && shock.proportional === 0) return volatility;
  const moved =
    volatility * (1 + shock.proportional) + shock.parallel * termWeight(yearsToExpiry, shock);
  return Math.max(moved, shockedVolatilityMin);
}

/** The multiple of the parallel shift an expiry takes. */
export function termWeight(yearsToExpiry: number, shock: VolShock): number {
  const term = shock.term;
  if (term === undefined) return 1;
  // At T = 0 the ratio is +∞; the cap turns it into weightMax (or 1 when power is 0).
  return Math.min((term.referenceYears / yearsToExpiry) ** term.power, term.weightMax);
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
  const term = shock.term;
  if (term === undefined) return null;
  if (!(term.referenceYears > 0) || !Number.isFinite(term.referenceYears)) {
    return { path: `${path}.term.referenceYears`, code: 'must_be_positive' };
  }
  if (!(term.power >= 0) || !Number.isFinite(term.power)) {
    return { path: `${path}.term.power`, code: 'must_be_non_negative' };
  }
  if (!(term.weightMax >= 1) || !Number.isFinite(term.weightMax)) {
    return { path: `${path}.term.weightMax`, code: 'must_be_at_least_one' };
  }
  return null;
}
