import type { FillParty, SideFill } from '../ledger/fill.ts';
import { insuranceFund } from '../ledger/house-accounts.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import type { LiquidationOrder } from '../ledger/liquidation-order.ts';
import type { Movement } from '../ledger/movement.ts';
import { amountMax } from '../limits.ts';
import { bankruptcyPrice } from '../liquidation/bankruptcy-price.ts';
import { closeCash } from '../liquidation/bucket-close.ts';
import {
  insuranceFundDelta,
  liquidationValue,
  settleUnit,
} from '../liquidation/insurance-fund-delta.ts';
import { withoutOrders } from '../liquidation/liquidation-step.ts';
import { positionFill } from '../margin/position-fill.ts';
import type { Account, Side } from '../model/account.ts';
import { bucketsOf } from '../model/bucket.ts';
import type { AssetId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import { type Amount, max, type Price, type Quantity, SCALE } from '../num/fixed.ts';
import { divCeil } from '../num/rounding.ts';
import type { Rejection } from './command.ts';
import type { DecideContext } from './decide.ts';
import { viewOf } from './decide-location.ts';
import { ledgerPrices } from './ledger-prices.ts';
import { pricesHeld } from './prices-held.ts';

/**
 * A fill's side that names a liquidation order of its account: the order, or why the fill is
 * refused (`order_not_found`: not on this instrument, side and position; `order_size_exceeded`:
 * more than is left of it; `liquidation_limit_exceeded`: at a price worse than its limit).
 * Undefined where the side names no liquidation order of its account.
 */
export function liquidationOrderFilled(
  ledger: Ledger,
  party: Pick<FillParty, 'account' | 'orderId' | 'positionSide'>,
  fill: { readonly instrument: string; readonly size: Quantity; readonly price: Price },
  side: Side,
  role: 'taker' | 'maker',
): LiquidationOrder | Rejection | undefined {
  const order = party.orderId === undefined ? undefined : ledger.liquidations.get(party.orderId);
  if (order?.account !== party.account) return undefined;
  if (
    order.instrument !== fill.instrument ||
    order.side !== side ||
    order.positionSide !== party.positionSide
  ) {
    return { code: 'order_not_found', field: `${role}.orderId` };
  }
  if (fill.size > order.size) return { code: 'order_size_exceeded', field: 'size' };
  const worse = side === 'sell' ? fill.price < order.limitPrice : fill.price > order.limitPrice;
  return worse ? { code: 'liquidation_limit_exceeded', field: 'price' } : order;
}

/** What is left of a liquidation order after a fill of `size` of it. */
export function liquidationLeft(order: LiquidationOrder, size: Quantity): LedgerEvent {
  const { account, id: orderId } = order;
  return size === order.size
    ? { type: 'liquidation_ended', account, orderId, reason: 'filled' }
    : { type: 'liquidation_reduced', account, orderId, size: order.size - size };
}

/**
 * The insurance fund's part of a liquidation fill (insurance-fund-delta.ts): the liquidation fee
 * from the account to the fund where the fill was better than the bankruptcy price, what the fund
 * covers where worse. The bankruptcy price is the fill's own, on the latest accepted prices and
 * the book as it was before the fill: the order's was decided on an earlier snapshot. The fee or
 * cover is paid into the position's isolated margin while it stays open (so the loss stops at
 * that margin: S20), else into the cross balance (a closed isolated position's margin, negative
 * by the loss, was released there by the fill). Refused `price_unavailable` where a price the
 * bucket reads is not there; where the rulebook has a waterfall, `insurance_fund_short` where the
 * cover would take the fund below its floor (the order is then the waterfall's:
 * decide-waterfall.ts), so the fund never covers what it does not hold.
 */
export function insuranceFundPart(
  ledger: Ledger,
  context: Pick<DecideContext, 'venue' | 'nowMs' | 'locations'>,
  account: Account,
  order: LiquidationOrder,
  instrument: Instrument,
  fill: { readonly size: Quantity; readonly price: Price },
  filled: SideFill,
):
  | { readonly side: SideFill; readonly movements: readonly Movement[] }
  | 'price_unavailable'
  | 'insurance_fund_short' {
  const { venue, nowMs } = context;
  const view = viewOf(ledger, account, context);
  if (!pricesHeld(ledger, view, venue, nowMs)) return 'price_unavailable';
  const prices = ledgerPrices(ledger, nowMs);
  const bucket = withoutOrders(bucketsOf(view, venue).find((b) => b.id === order.bucket)!);
  const leg = bucket.legs.findIndex(
    (l) => l.instrument === order.instrument && l.side === order.positionSide,
  );
  assert(leg >= 0, 'a liquidation order closes a position of its bucket');
  const bankrupt = bankruptcyPrice(venue, bucket, { leg, size: fill.size }, prices);
  const traded = order.side === 'buy' ? fill.size : -fill.size;
  const cashAt = (price: Price) =>
    closeCash(positionFill(instrument, bucket.legs[leg]!, traded, price));
  const above = bankrupt === null ? null : cashAt(fill.price) - cashAt(bankrupt);
  const value = liquidationValue(instrument, fill.size, fill.price, prices);
  const unit = settleUnit(venue, instrument);
  const delta = insuranceFundDelta(above, value, ruleOf(venue).feeRate, unit);
  if (delta === 0n) return { side: filled, movements: [] };
  const asset = instrument.settle;
  if (delta < 0n && !fundCovers(ledger, venue, asset, -delta, prices))
    return 'insurance_fund_short';
  const isolated = filled.after?.marginMode === 'isolated';
  const reason = delta > 0n ? 'liquidation-fee' : 'insurance-cover';
  const movements: Movement[] = [
    {
      account: account.id,
      asset,
      amount: -delta,
      reason,
      ...(isolated ? { bucket: instrument.id } : {}),
    },
    { account: insuranceFund, asset, amount: delta, reason },
  ];
  const side =
    isolated && filled.after !== undefined
      ? {
          ...filled,
          after: { ...filled.after, isolatedMargin: filled.after.isolatedMargin - delta },
        }
      : filled;
  return { side, movements };
}

/**
 * Whether the fund can pay `cover` of `asset` and keep its floor (fundRoom); without a waterfall it
 * always covers, and its balance may go below zero: the loss it could not cover, shown as it is.
 */
function fundCovers(
  ledger: Ledger,
  venue: Venue,
  asset: AssetId,
  cover: Amount,
  prices: PriceView,
): boolean {
  return cover <= fundRoom(ledger, venue, asset, prices);
}

/**
 * What the insurance fund may pay of `asset`: under a waterfall, what it holds above its
 * `fundFloor` (USD, as that much of the asset rounded up), none where the asset has no price;
 * without one, any amount.
 */
export function fundRoom(ledger: Ledger, venue: Venue, asset: AssetId, prices: PriceView): Amount {
  const waterfall = ruleOf(venue).waterfall;
  if (waterfall === undefined) return amountMax;
  const price = prices.assetPrice(asset);
  const floor = price === 0n ? 0n : divCeil(waterfall.fundFloor * SCALE, price);
  const balance = ledger.house.get(insuranceFund)?.get(asset) ?? 0n;
  return max(0n, balance - floor);
}

function ruleOf(venue: Venue) {
  const rule = venue.rulebook.liquidation;
  assert(rule !== undefined, 'a venue with liquidation orders liquidates');
  return rule;
}
