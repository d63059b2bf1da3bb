import { assert } from '../../core/num/assert.ts';
import { expiriesPerSurfaceMax } from '../../core/pricing/vol-surface.ts';

/**
 * Bounds on the portfolio-margin inputs the readers accept: scenario grids, volatility surfaces
 * and the float64 figures in them. They belong in src/core/limits.ts (the core's loops are bounded
 * by them); they sit here until the core takes them over. Relationships are asserted on load.
 */

/** Regular scenarios of one grid: price moves × volatility shocks, plus its extreme moves. */
export const scenariosPerGridMax = 256;
export const volShocksPerGridMax = 16;
export const extremeMovesPerGridMax = 32;
/** Grids named per underlying in a portfolio rule, besides its default grid. */
export const gridsPerRuleMax = 1_000;
/** Inter-underlying offsets of a portfolio rule. */
export const offsetsPerRuleMax = 256;

/** A price move is a fraction of the price: above −1 (the price stays positive), at most this. */
export const priceMoveMax = 10;
/** Time a grid looks ahead, in days (SPAN: one trading day). */
export const lookaheadDaysMax = 30;
/** IM / MM of a portfolio rule. */
export const initialToMaintenanceMax = 10;

/** A volatility (ATM level or parallel shock), as a fraction per √year: 10 is 1,000 %. */
export const volatilityMax = 10;
/** The largest proportional volatility shock (10 = eleven times the volatility). */
export const proportionalShockMax = 10;
/** SVI's b, |m| and σ, in total variance and log-moneyness: far beyond any fitted smile. */
export const sviParameterMax = 10;
/** A term weighting's reference expiry, in years, and its exponent. */
export const referenceYearsMax = 10;
export const termPowerMax = 4;
export const termWeightMax = 1_000;

assert(volShocksPerGridMax <= scenariosPerGridMax, 'one price move fits every shock');
assert(extremeMovesPerGridMax <= scenariosPerGridMax, 'the extreme moves fit in a grid');
assert(expiriesPerSurfaceMax > 0, 'a surface holds an expiry');
