import type { FillParty } from '../ledger/fill.ts';
import type { LiquidationOrder } from '../ledger/liquidation-order.ts';
import type { Price, Quantity } from '../num/fixed.ts';
import type { CommandOf } from './decision.ts';

/**
 * What the venue's matching engine sends back when it fills `size` of a liquidation order at
 * `price` (engine/liquidation-fill.ts): a fill whose taker is the liquidated account naming the
 * order, with no fee of its own (the liquidation fee is the insurance fund's), against `maker`.
 */
export function liquidationFillOf(
  order: LiquidationOrder,
  size: Quantity,
  price: Price,
  maker: FillParty,
  external?: 'maker',
): CommandOf<'fill'> {
  return {
    type: 'fill',
    instrument: order.instrument,
    takerSide: order.side,
    size,
    price,
    taker: {
      account: order.account,
      orderId: order.id,
      feeRate: 0n,
      ...(order.positionSide === undefined ? {} : { positionSide: order.positionSide }),
    },
    maker,
    ...(external === undefined ? {} : { external }),
  };
}
