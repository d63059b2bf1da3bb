import type { Ledger } from '../ledger/ledger.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Price, Ratio } from '../num/fixed.ts';
import { ONE } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';

/**
 * A perpetual's or future's mark kept within `cap` of its index (SCENARIOS.md S30): the mark a
 * venue derives from its own book (a mid, a last trade) can be walked by wash trades in an empty
 * book, the index cannot; Binance's and Bybit's marks are the index plus a basis that is itself
 * bounded. The index in the contract's quote is the underlying's price over the quote's; the band
 * is rounded inwards, so the mark applied is never beyond it. An option's mark is its own (no
 * basis to its underlying), as is any mark whose index is not there yet.
 */
export function cappedMark(
  ledger: Ledger,
  instrument: Instrument,
  price: Price,
  cap: Ratio,
): Price {
  if (instrument.kind === 'option') return price;
  const underlying = ledger.assetPrices.get(instrument.underlying);
  const quote = ledger.assetPrices.get(instrument.quote);
  if (underlying === undefined || quote === undefined || quote === 0n) return price;
  const low = divCeil(underlying * (ONE - cap), quote);
  const high = divFloor(underlying * (ONE + cap), quote);
  return price < low ? low : price > high ? high : price;
}
