import { assert } from './num/assert.ts';
import { SCALE } from './num/fixed.ts';

/**
 * Every bound, named. Inputs beyond them are refused at the boundary; loops in the core are
 * bounded by them. bigint cannot overflow, but an unbounded amount is a bug or an attack.
 */
export const accountsPerPortfolioMax = 100_000;
/** Characters of a command's id (and of any id the event log keeps). */
export const idLengthMax = 200;
/** Rulebooks one portfolio file may name, one per venue its accounts are at. */
export const rulebooksPerPortfolioMax = 64;
export const assetsMax = 1_000;
export const instrumentsMax = 20_000;
export const positionsPerAccountMax = 2_000;
export const ordersPerAccountMax = 5_000;
export const balancesPerAccountMax = assetsMax;
export const bracketsPerRuleMax = 64;
/** Tiers a rule may hold once continued by the venue's published rule (OKX's "increase by"). */
export const bracketsContinuedMax = 1_000;
export const collateralTiersMax = 32;
/** Sources one asset's index is computed from (engine/index-sources.ts). */
export const indexSourcesMax = 32;

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

assert(bracketsPerRuleMax <= bracketsContinuedMax, 'a continued table holds the listed tiers');
assert(positionsPerAccountMax <= instrumentsMax, 'an account holds at most one position each');
assert(balancesPerAccountMax <= assetsMax, 'an account holds at most one balance per asset');
assert(2n ** BigInt(bisectionStepsMax) > sizeMax, 'a size search must reach one unit');
assert(2n ** BigInt(bisectionStepsMax) > amountMax, 'an amount search must reach one unit');
assert(
  2n ** BigInt(bisectionStepsMax) > jointMoveUpMax * SCALE,
  'a move search must reach one unit',
);

/**
 * Portfolio margin: scenario grids, volatility surfaces and the float64 figures in them. The
 * readers refuse inputs beyond these, so the scenario loops are bounded by them.
 */
/** Regular scenarios of one grid: price moves × volatility shocks, plus its extreme moves. */
export const scenariosPerGridMax = 256;
export const volShocksPerGridMax = 16;
export const extremeMovesPerGridMax = 32;
/** Grids named per underlying in a portfolio rule, besides its default grid. */
export const gridsPerRuleMax = 1_000;
/** Inter-underlying offsets of a portfolio rule. */
export const offsetsPerRuleMax = 256;
/** Tiers of expiries and flat calendar spreads in one portfolio rule. */
export const expiryTiersMax = 64;
export const calendarSpreadsMax = 256;
/** The furthest expiry tier bound, in days. */
export const expiryDaysMax = 36_525;

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

/**
 * Funding (src/core/pricing/funding-rate*.ts, src/core/ledger/funding*.ts). Binance samples the
 * premium every 5 s (5,760 in 8 h): a day of such samples is the most an interval averages.
 */
export const premiumSamplesMax = 17_280;
/** The shortest and longest funding interval, in ms (venues publish 1 h to 8 h). */
export const fundingIntervalMsMin = 60_000;
export const fundingIntervalMsMax = 7 * 24 * 60 * 60 * 1000;
/** |funding rate| per interval, as a fraction: Binance caps its adjustable cap and floor at ±1. */
export const fundingRateMax = SCALE;
/** Positions in one market that one funding settlement pays (hedge mode: two per account). */
export const holdersPerMarketMax = 2_000_000;
/** Funding times one catch-up lists at once (a year of hourly intervals); the caller loops on. */
export const fundingCatchUpMax = 8_784;

assert(Number.isSafeInteger(fundingIntervalMsMax), 'an interval is an exact number of ms');
assert(fundingIntervalMsMin <= fundingIntervalMsMax, 'some interval is allowed');

/**
 * Fills (src/core/ledger/apply-fill.ts): |fee rate| on a trade's value, as a fraction. Venues
 * charge a few basis points; 10 % is far beyond any schedule and still bounds the fee.
 */
export const feeRateMax = SCALE / 10n;

assert(feeRateMax <= SCALE, "a fee is at most the trade's value");
