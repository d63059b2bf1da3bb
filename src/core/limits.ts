import { assert } from './num/assert.ts';
import { SCALE } from './num/fixed.ts';

/**
 * Every bound, named. Inputs beyond them are refused at the boundary; loops in the core are
 * bounded by them. bigint cannot overflow, but an unbounded amount is a bug or an attack.
 */
export const accountsPerPortfolioMax = 100_000;
export const assetsMax = 1_000;
export const instrumentsMax = 20_000;
export const positionsPerAccountMax = 2_000;
export const ordersPerAccountMax = 5_000;
export const balancesPerAccountMax = assetsMax;
export const bracketsPerRuleMax = 64;
export const collateralTiersMax = 32;

/** Magnitudes, in whole units (the fixed-point scale is applied on top). */
export const amountUnitsMax = 10n ** 15n;
export const priceUnitsMax = 10n ** 12n;
export const sizeUnitsMax = 10n ** 15n;
export const leverageMax = 10_000n;

/** Bisection steps for what-if searches: enough to halve any size or amount down to one unit. */
export const bisectionStepsMax = 160;
/** A joint move is searched up to this many times the current price. */
export const jointMoveUpMax = 100n;

export const amountMax = amountUnitsMax * SCALE;
export const priceMax = priceUnitsMax * SCALE;
export const sizeMax = sizeUnitsMax * SCALE;

assert(positionsPerAccountMax <= instrumentsMax, 'an account holds at most one position each');
assert(balancesPerAccountMax <= assetsMax, 'an account holds at most one balance per asset');
assert(2n ** BigInt(bisectionStepsMax) > sizeMax, 'a size search must reach one unit');
assert(2n ** BigInt(bisectionStepsMax) > amountMax, 'an amount search must reach one unit');
assert(
  2n ** BigInt(bisectionStepsMax) > jointMoveUpMax * SCALE,
  'a move search must reach one unit',
);
