import type { Instrument } from '../model/instrument.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity } from '../num/fixed.ts';
import { abs, min, SCALE, sign } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';
import { unrealisedPnl } from './contract-value.ts';

/**
 * What one fill does to one position: the arithmetic the what-if (hypothetical.ts) and the ledger
 * (ledger/apply-fill.ts) share, so a position moves the same way in both books.
 *
 * - The part of the trade against the position closes it and realises its PnL at the fill price
 *   against the entry, in the settle asset: linear size × contractSize × (price − entry), inverse
 *   size × contractSize × (1/entry − 1/price) in the coin (Bybit's and BitMEX's formulas).
 * - The part beyond zero opens the other way at the fill price: a flip is a close then an open.
 * - Adding moves the entry to the size-weighted average (Bybit's "total contract value / total
 *   quantity"), harmonic for inverse contracts (the coin values add up: "total quantity / total
 *   contract value in BTC").
 * - An option's trade pays or receives its premium in full (its value then sits in the position,
 *   `equityValue`); its entry, the average premium, averages arithmetically.
 *
 * Rounding, always against the trader: realised PnL and premium down (a gain a little less, a loss
 * or a premium paid a little more), a long's entry up and a short's down (its future PnL less).
 */
export interface PositionFill {
  /** Signed contracts after the fill. */
  readonly size: Quantity;
  /** The entry after the fill; the fill price once the position is flat or has flipped. */
  readonly entryPrice: Price;
  /** The part of the traded size that reduced the position, signed as traded (0: none). */
  readonly closing: Quantity;
  /** The part that added to the position or opened it the other way, signed as traded. */
  readonly opening: Quantity;
  /** A future's realised PnL on `closing`, in the settle asset; 0 for an option. */
  readonly realisedPnl: Amount;
  /** An option's premium received (negative: paid) on the whole trade; 0 for a future. */
  readonly premium: Amount;
}

/** The position before a fill: flat is size 0 (its entry then does not count). */
export interface PositionHeld {
  readonly size: Quantity;
  readonly entryPrice: Price;
}

export function positionFill(
  instrument: Instrument,
  before: PositionHeld,
  traded: Quantity,
  price: Price,
): PositionFill {
  // Zero is allowed here: the what-if fills a worthless option at its mark of 0 and searches from
  // a size of 0; the ledger refuses both before it gets here.
  assert(price >= 0n, 'a fill price is not negative');
  assert(before.size === 0n || before.entryPrice > 0n, 'a held position has a positive entry');
  const size = before.size + traded;
  const reducing = sign(before.size) !== 0n && sign(before.size) !== sign(traded);
  const closing = reducing ? sign(traded) * min(abs(traded), abs(before.size)) : 0n;
  const opening = traded - closing;
  const isOption = instrument.kind === 'option';
  // The closed part is the position's: its size is −closing, realised at the fill price.
  const realisedPnl =
    isOption || closing === 0n ? 0n : unrealisedPnl(instrument, -closing, before.entryPrice, price);
  const premium = isOption
    ? divFloor(-traded * instrument.contractSize * price, SCALE * SCALE)
    : 0n;
  const entryPrice = size === 0n ? price : nextEntry(instrument, before, traded, size, price);
  return { size, entryPrice, closing, opening, realisedPnl, premium };
}

/**
 * Entry after a fill: unchanged while reducing, the fill price after a flip or from flat, and the
 * size-weighted average (harmonic for inverse futures) while adding. Rounded against the trader:
 * a long's entry up, a short's down.
 */
function nextEntry(
  instrument: Instrument,
  before: PositionHeld,
  traded: Quantity,
  size: Quantity,
  price: Price,
): Price {
  if (sign(before.size) === sign(size) && abs(size) < abs(before.size)) return before.entryPrice;
  if (sign(before.size) !== sign(size)) return price;
  const round = size > 0n ? divCeil : divFloor;
  // Premiums average arithmetically, as linear contracts' prices do.
  if (instrument.settlement === 'linear' || instrument.kind === 'option') {
    return round(before.size * before.entryPrice + traded * price, size);
  }
  // 1/E' = (s/E + q/p) / (s + q)  ⇒  E' = (s + q)·E·p / (s·p + q·E)
  return round(size * before.entryPrice * price, before.size * price + traded * before.entryPrice);
}
