import type { Instrument } from '../model/instrument.ts';
import type { Amount, Price, Quantity } from '../num/fixed.ts';
import { abs, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';

/**
 * What a contract position is worth, in its settle asset:
 * - linear:  notional = |size| × contractSize × mark;  PnL = size × contractSize × (mark − entry)
 * - inverse: notional = |size| × contractSize / mark;  PnL = size × contractSize × (1/entry − 1/mark)
 * Notional is a basis for requirements, so it rounds up; PnL rounds down (a gain counts a little
 * less, a loss a little more).
 */
export function notional(instrument: Instrument, size: Quantity, mark: Price): Amount {
  const face = abs(size) * instrument.contractSize;
  if (instrument.settlement === 'linear') return divCeil(face * mark, SCALE * SCALE);
  return divCeil(face, mark);
}

export function unrealisedPnl(
  instrument: Instrument,
  size: Quantity,
  entryPrice: Price,
  mark: Price,
): Amount {
  if (size === 0n) return 0n;
  const face = size * instrument.contractSize;
  if (instrument.settlement === 'linear') {
    return divFloor(face * (mark - entryPrice), SCALE * SCALE);
  }
  return divFloor(face * (mark - entryPrice), entryPrice * mark);
}

/** Size in base units (contracts × contract size, or the USD face for inverse), absolute. */
export function baseSize(instrument: Instrument, size: Quantity): Quantity {
  return divCeil(abs(size) * instrument.contractSize, SCALE);
}
