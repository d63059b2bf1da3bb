import { assess } from '../margin/assess.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { Price } from '../num/fixed.ts';
import { toNumber } from '../num/fixed.ts';
import {
  fastTolerance,
  figureCount,
  lowestHealth,
  magnitude,
  maintenanceNearEdge,
  marginAccount,
  roundingSlack,
} from './fast-margin.ts';
import type { RiskBook } from './risk-book.ts';

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
    // Float error, plus what rounding to assets' units may move the exact figures.
    const band = out[magnitude]! * fastTolerance + out[roundingSlack]!;
    const health = out[lowestHealth]!;
    // A NaN health (a figure the float model could not price) is never decided in float.
    const nearEdge = out[maintenanceNearEdge] === 1 || Number.isNaN(health);
    if (health < -band && !nearEdge && !confirmBelow) {
      liquidatable.push(a);
    } else if (health <= band || nearEdge) {
      confirmedExactly += 1;
      if (assess(book.accounts[a]!, book.venue, book.market).liquidatable) liquidatable.push(a);
    }
  }
  return { liquidatable, confirmedExactly };
}
