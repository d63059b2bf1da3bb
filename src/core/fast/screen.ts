import { assess } from '../margin/assess.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { Price } from '../num/fixed.ts';
import { toNumber } from '../num/fixed.ts';
import {
  crossInitialEquity,
  crossInitialMargin,
  fastTolerance,
  figureCount,
  initialNearEdge,
  lowestHealth,
  lowestWarningHealth,
  magnitude,
  maintenanceNearEdge,
  marginAccount,
  roundingSlack,
} from './fast-margin.ts';
import type { RiskBook } from './risk-book.ts';
import type { MarginState } from './standing.ts';

/**
 * A tick, applied in place: the float columns and the book's exact prices move together, so a
 * confirmation on the exact path sees the same market as the screen. Re-margining after it touches
 * no allocation.
 */
export function movePrices(
  book: RiskBook,
  assetPrices: ReadonlyMap<AssetId, Price>,
  markPrices: ReadonlyMap<InstrumentId, Price>,
): void {
  for (const [asset, price] of assetPrices) {
    const index = book.assetIndex.get(asset);
    if (index === undefined) continue;
    book.price[index] = toNumber(price);
    book.market.assetPrices.set(asset, price);
  }
  for (const [instrument, price] of markPrices) {
    const index = book.instrumentIndex.get(instrument);
    if (index === undefined) continue;
    book.mark[index] = toNumber(price);
    book.market.markPrices.set(instrument, price);
  }
}

export interface Screening {
  /** Accounts with a bucket below maintenance, each confirmed on the exact path if it was close. */
  readonly liquidatable: number[];
  /** How many accounts the fast path could not call within its tolerance. */
  readonly confirmedExactly: number;
}

/**
 * Re-margins every account on the fast path and decides the clear cases; an account whose lowest
 * bucket health lies within the fast path's error bound of zero, or whose maintenance margin took
 * a step function within float error of its edge (a whole step may separate the two paths there),
 * is decided by the exact path, so a float never has the last word near the threshold.
 */
export function screenLiquidatable(book: RiskBook): Screening {
  const out = new Float64Array(figureCount);
  const liquidatable: number[] = [];
  let confirmedExactly = 0;
  // Where a bucket with no requirement is not liquidatable (dYdX), the lowest health alone cannot
  // say so: every account below zero is confirmed on the exact path.
  const confirmBelow = book.venue.rulebook.liquidationNeedsMargin === true;
  for (let a = 0; a < book.accounts.length; a += 1) {
    if (book.exactOnly[a] === 1) {
      confirmedExactly += 1;
      if (assess(book.accounts[a]!, book.venue, book.market).liquidatable) liquidatable.push(a);
      continue;
    }
    marginAccount(book, a, out);
    const call = maintenanceCall(out, confirmBelow);
    if (call === true) {
      liquidatable.push(a);
    } else if (call === undefined) {
      confirmedExactly += 1;
      if (assess(book.accounts[a]!, book.venue, book.market).liquidatable) liquidatable.push(a);
    }
  }
  return { liquidatable, confirmedExactly };
}

/** The float error of the figures in `out`, plus what rounding to units may move exact ones. */
export function errorBand(out: Float64Array): number {
  const band = out[magnitude]! * fastTolerance + out[roundingSlack]!;
  // A magnitude the float model could not size bounds nothing: every call goes to the exact path.
  return Number.isNaN(band) ? Number.POSITIVE_INFINITY : band;
}

/**
 * Whether the figures in `out` put the account below maintenance beyond doubt (true), clearly
 * not (false), or undefined where the exact path decides: a lowest health within the error band
 * of zero, a step within float error of its edge, a NaN (a figure the float model could not
 * price), or any health below zero where `confirmBelow`.
 */
export function maintenanceCall(out: Float64Array, confirmBelow: boolean): boolean | undefined {
  const band = errorBand(out);
  const health = out[lowestHealth]!;
  if (out[maintenanceNearEdge] === 1 || Number.isNaN(health)) return undefined;
  if (health < -band) return confirmBelow ? undefined : true;
  if (health <= band) return undefined;
  return false;
}

/**
 * The account's state where the figures in `out` call it beyond doubt, else undefined (the exact
 * path decides): no step of an initial figure near its edge (such a step may put a whole step
 * into the initial margin, even of an account clearly liquidatable); below maintenance only
 * clearly below (`maintenanceCall`); otherwise its cross free collateral clearly below or above
 * zero.
 */
export function stateCall(out: Float64Array, confirmBelow: boolean): MarginState | undefined {
  if (out[initialNearEdge] === 1) return undefined;
  const call = maintenanceCall(out, confirmBelow);
  if (call !== false) return call === true ? 'liquidatable' : undefined;
  const band = errorBand(out);
  const free = out[crossInitialEquity]! - out[crossInitialMargin]!;
  if (Number.isNaN(free) || Math.abs(free) <= band) return undefined;
  return free < 0 ? 'below-initial' : 'healthy';
}

/**
 * Whether the figures in `out` put a bucket at or above the rulebook's warning margin ratio beyond
 * doubt (true), clearly not (false, and where it sets none), or undefined where the exact path
 * decides. Read only once `maintenanceCall` is false: every bucket clearly above maintenance.
 */
export function warningCall(out: Float64Array): boolean | undefined {
  const warning = out[lowestWarningHealth]!;
  if (warning === Number.POSITIVE_INFINITY) return false;
  if (Number.isNaN(warning)) return undefined;
  const band = errorBand(out);
  if (warning < -band) return true;
  return warning <= band ? undefined : false;
}
