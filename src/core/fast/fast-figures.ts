/**
 * The figures `marginAccount` writes to its output row, by offset, all in USD, and the tolerance
 * they are held to against the exact path.
 */
export const crossEquity = 0;
export const crossInitialEquity = 1;
export const crossInitialMargin = 2;
export const crossMaintenanceMargin = 3;
/** Cross equity + Σ isolated equity above zero. */
export const accountEquity = 4;
export const accountInitialMargin = 5;
export const accountMaintenanceMargin = 6;
/** The lowest maintenance health (equity − MM) over the account's buckets. */
export const lowestHealth = 7;
/**
 * The size against which float64 error is measured: Σ |collateral| and every other term whose
 * rounding enters a figure: each leg's notional, |size × entry| (its PnL is the difference of two
 * such products, which may be huge and cancel), an option's value, each order's fill.
 */
export const magnitude = 8;
/**
 * 1 when a step function feeding a maintenance figure (a bracket edge, a stepped premium's step)
 * was evaluated within the float error of its edge: the exact path may sit one whole step away, a
 * gap no band on `magnitude` covers, so the screen confirms the account exactly. Kinks (max, min,
 * collateral tiers, a leverage floor) are continuous and need no flag: their error is their
 * inputs', which the band covers.
 */
export const maintenanceNearEdge = 9;
/** The same for a step function feeding an initial figure (open orders' fills included). */
export const initialNearEdge = 10;
/**
 * How far (USD) rounding to assets' units may move the exact figures from these: a unit of the
 * asset per balance and per leg value, three of the settle asset per requirement (a liquidity
 * tier rounds three times). Float64 cannot place a figure against a unit of 1e-6 once it is large,
 * so the screen adds this to its band rather than trusting the rounded floats (fast-units.ts).
 */
export const roundingSlack = 11;
/**
 * The worst bucket's standing, for ranking a book: the lowest equity / maintenance margin over
 * the account's buckets that have a requirement; −∞ for a bucket below zero equity with none (where
 * that liquidates it), +∞ where no bucket is at risk.
 */
export const worstStanding = 12;
/** That bucket's maintenance margin (USD): of two equal standings the larger goes first. */
export const worstMaintenance = 13;
/**
 * Where the rulebook warns at a margin ratio r (`liquidationWarning`), the lowest r × equity − MM
 * over the account's buckets (≤ 0 with a requirement: warned); +∞ where it sets no ratio. r < 1,
 * so its float error is within the health's; a bucket with none is never warned, and the screen
 * reads this only once every health is clearly positive, where r × equity − 0 is too.
 */
export const lowestWarningHealth = 14;
export const figureCount = 15;

/**
 * Relative error bound of the fast path against the exact one, as a fraction of `magnitude`; and
 * the relative distance from a step function's edge within which the step is not trusted.
 */
export const fastTolerance = 1e-9;
