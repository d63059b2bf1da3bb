import type { Side } from '../model/account.ts';
import type { Instrument } from '../model/instrument.ts';
import { assert } from '../num/assert.ts';
import { type Amount, abs, max, min, ONE, type Price, type Quantity, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor, floorToStep } from '../num/rounding.ts';

/**
 * A market's book as the simulator and the demo fill liquidation orders against it, in place of
 * a venue's matching engine (the liquidation issue's liquidity model): `depth` is what the book
 * takes, in the instrument's quote, for each 1 % the price gives way, so a sell of notional N fills
 * at the mark less N / depth %, linear in the size (a book of even depth, walked to the end).
 */
export interface LiquidityModel {
  /** Quote notional absorbed per 1 % of price impact: above 0. */
  readonly depth: Amount;
}

/**
 * What the book fills of an order to `side` `size` contracts at no worse than `limit`: the
 * whole order where its impact price is within the limit, else the most on the size step that
 * is; at the impact price on the tick grid, rounded against the order (a sell's down, a buy's
 * up) but never past its limit. Undefined where not one size step fills (the book is too thin at
 * this limit: the backstop's case).
 */
export function liquidityFill(
  instrument: Instrument,
  order: { readonly side: Side; readonly size: Quantity; readonly limitPrice: Price },
  mark: Price,
  model: LiquidityModel,
): { readonly size: Quantity; readonly price: Price } | undefined {
  assert(model.depth > 0n, 'a book has some depth');
  const selling = order.side === 'sell';
  // The impact's share of the mark, ×ONE, of a size: its quote notional / depth / 100.
  const impactOf = (size: Quantity) =>
    divCeil(quoteNotional(instrument, size, mark) * ONE, model.depth * 100n);
  // The most impact the limit allows, ×ONE.
  const room = divFloor(abs(mark - order.limitPrice) * ONE, mark);
  const worse = selling ? order.limitPrice > mark : order.limitPrice < mark;
  if (worse) return undefined;
  let size = order.size;
  if (impactOf(size) > room) {
    // Impact is linear in the size: the share of the order that the room allows, on the step.
    size = floorToStep(divFloor(order.size * room, impactOf(order.size)), instrument.sizeStep);
    while (size > 0n && impactOf(size) > room) size -= instrument.sizeStep;
    if (size <= 0n) return undefined;
  }
  const moved = divCeil(mark * impactOf(size), ONE);
  const tick = instrument.tickSize;
  const price = selling
    ? max(order.limitPrice, floorToStep(max(mark - moved, 0n), tick))
    : min(order.limitPrice, divCeil(mark + moved, tick) * tick);
  if (price <= 0n) return undefined;
  return { size, price };
}

/** An order's size as quote notional at `mark`: a linear contract's value, an inverse one's face. */
function quoteNotional(instrument: Instrument, size: Quantity, mark: Price): Amount {
  const face = abs(size) * instrument.contractSize;
  return instrument.settlement === 'inverse'
    ? divCeil(face, SCALE)
    : divCeil(face * mark, SCALE * SCALE);
}
