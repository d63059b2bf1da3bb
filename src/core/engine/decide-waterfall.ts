import { applyEvent, type Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import { ledgerOverlay } from '../ledger/ledger-overlay.ts';
import type { LiquidationOrder, WaterfallStep } from '../ledger/liquidation-order.ts';
import { bankruptcyPrice } from '../liquidation/bankruptcy-price.ts';
import { type DeleverageCandidate, deleverageOrder } from '../liquidation/deleverage-ranking.ts';
import { liquidationValue } from '../liquidation/insurance-fund-delta.ts';
import { withoutOrders } from '../liquidation/liquidation-step.ts';
import { bucketRisk } from '../margin/bucket-risk.ts';
import { unrealisedPnl } from '../margin/contract-value.ts';
import type { PositionSide } from '../model/account.ts';
import { bucketsOf } from '../model/bucket.ts';
import type { AccountId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Backstop } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import { abs, min, type Price, type Quantity, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';
import type { DecideContext } from './decide.ts';
import { decideFill } from './decide-fill.ts';
import { viewOf } from './decide-location.ts';
import { type CommandOf, type Decision, refuse } from './decision.ts';
import { atOrAboveInitial } from './initial-margin-check.ts';
import { ledgerPrices } from './ledger-prices.ts';
import { liquidationLeft } from './liquidation-fill.ts';
import { pricesHeld } from './prices-held.ts';

/**
 * The venue's matching engine could not fill what is left of a liquidation order within its
 * limit (the book is too thin, or the fund could not cover the fill: `insurance_fund_short`):
 * the rulebook's waterfall takes the whole position the order closes, as Binance, Bybit and dYdX
 * v4 take it once the book has failed (a part taken at the bankruptcy price would leave the
 * bucket's equity over maintenance as it was, still below: no nearer safety), at the whole
 * close's bankruptcy price on the latest accepted prices, so the account keeps its share of
 * equity and the fund pays nothing:
 * 1. the backstops in the rulebook's order, each as much as its cap on the market allows while
 *    it stays at or above initial margin after (a backstop that would not is passed over whole);
 * 2. then auto-deleveraging: opposite positions, profitable ones only, in the ranking's order
 *    (deleverage-ranking.ts), each closed by as much as is left and no more (never beyond the
 *    shortfall), its account then not liquidated for the rule's grace (S5).
 * Each take is a `waterfall_step` and a fill at that price with no fee, between the liquidated
 * account and the one taking; the order is then reduced by what was taken, or ends `filled`.
 * What nothing takes stays with the account, under the order or the next step.
 *
 * Checked in this order: `order_not_found`, `waterfall_not_configured` (the rulebook has none),
 * `instrument_halted`, `price_unavailable` (a price the bucket reads is not there),
 * `bankruptcy_price_unavailable` (no positive price bankrupts the close), `waterfall_exhausted`
 * (no backstop and no opposite position could take any of it: nothing changes).
 */
export function decideLiquidationUnfilled(
  ledger: Ledger,
  command: CommandOf<'liquidation_unfilled'>,
  context: DecideContext,
): Decision {
  const { venue, nowMs } = context;
  const order = ledger.liquidations.get(command.orderId);
  if (order === undefined) return refuse('order_not_found', 'orderId');
  const waterfall = venue.rulebook.liquidation?.waterfall;
  if (waterfall === undefined) return refuse('waterfall_not_configured', 'orderId');
  if (ledger.halted.has(order.instrument)) return refuse('instrument_halted', 'orderId');
  const account = viewOf(ledger, ledger.accounts.get(order.account)!, context);
  if (!pricesHeld(ledger, account, venue, nowMs)) return refuse('price_unavailable', 'orderId');
  const prices = ledgerPrices(ledger, nowMs);
  const bucket = withoutOrders(bucketsOf(account, venue).find((b) => b.id === order.bucket)!);
  const leg = bucket.legs.findIndex(
    (l) => l.instrument === order.instrument && l.side === order.positionSide,
  );
  assert(leg >= 0, 'an outstanding liquidation order closes a position of its bucket');
  const whole = abs(bucket.legs[leg]!.size);
  const price = bankruptcyPrice(venue, bucket, { leg, size: whole }, prices);
  if (price === null || price <= 0n) return refuse('bankruptcy_price_unavailable', 'orderId');
  const instrument = venue.instruments.get(order.instrument)!;

  let book = ledgerOverlay(ledger);
  let left = whole;
  const events: LedgerEvent[] = [];
  /**
   * The take's events and the books after them, or undefined where the fill would be refused (a
   * hedge-mode backstop, a position limit).
   */
  const take = (
    step: WaterfallStep,
    counterparty: AccountId,
    size: Quantity,
    side: PositionSide | undefined,
    graceMs?: number,
  ): { readonly made: readonly LedgerEvent[]; readonly after: Ledger } | undefined => {
    const fill = decideFill(
      book,
      {
        type: 'fill',
        instrument: order.instrument,
        takerSide: order.side,
        size,
        price,
        taker: {
          account: order.account,
          feeRate: 0n,
          ...(order.positionSide === undefined ? {} : { positionSide: order.positionSide }),
        },
        maker: {
          account: counterparty,
          feeRate: 0n,
          ...(side === undefined ? {} : { positionSide: side }),
        },
      },
      context,
    );
    if ('rejection' in fill) return undefined;
    const grace = graceMs === undefined ? {} : { graceUntilMs: nowMs + graceMs };
    const made: LedgerEvent[] = [
      {
        type: 'waterfall_step',
        step,
        account: order.account,
        orderId: order.id,
        counterparty,
        size,
        price,
        ...grace,
      },
      ...fill.events,
    ];
    const after = ledgerOverlay(book);
    for (const event of made) applyEvent(after, event);
    return { made, after };
  };

  for (const backstop of waterfall.backstops) {
    if (left === 0n) break;
    if (!book.accounts.has(backstop.account)) continue;
    // A room of nothing is a fill of nothing, and a take from oneself a self-trade: refused.
    const size = backstopRoom(book, backstop, order, instrument, prices, left);
    const taken = take('backstop', backstop.account, size, undefined);
    if (taken === undefined) continue;
    const { made, after } = taken;
    if (!atOrAboveInitial(after.accounts.get(backstop.account)!, () => true, after, context)) {
      continue;
    }
    events.push(...made);
    book = after;
    left -= size;
  }
  const deleverage = waterfall.autoDeleverage;
  if (left > 0n && deleverage !== undefined) {
    const ranked = deleverageOrder(
      opposites(book, order, instrument, context, prices),
      deleverage.ranking,
    );
    for (const candidate of ranked) {
      if (left === 0n) break;
      const size = min(left, abs(candidate.size));
      const { account, positionSide } = candidate;
      const taken = take('auto_deleverage', account, size, positionSide, deleverage.graceMs);
      if (taken === undefined) continue;
      events.push(...taken.made);
      book = taken.after;
      left -= size;
    }
  }
  if (left === whole) return refuse('waterfall_exhausted', 'orderId');
  return { events: [...events, liquidationLeft(order, min(whole - left, order.size))] };
}

/**
 * How much of the order the backstop may take, on the size step: at most `left`, and no more than
 * leaves its position on the market worth at most its cap (|size| at the mark, USD).
 */
function backstopRoom(
  book: Ledger,
  backstop: Backstop,
  order: LiquidationOrder,
  instrument: Instrument,
  prices: PriceView,
  left: Quantity,
): Quantity {
  const held = book.accounts
    .get(backstop.account)!
    .positions.find((p) => p.instrument === instrument.id && p.side === undefined);
  const current = held?.size ?? 0n;
  // The backstop takes the other side of the order: it buys what the order sells.
  const sign = order.side === 'sell' ? 1n : -1n;
  const mark = prices.markPrice(instrument.id);
  const settlePrice = prices.assetPrice(instrument.settle);
  const fits = (size: Quantity) =>
    divCeil(
      liquidationValue(instrument, current + sign * size, mark, prices) * settlePrice,
      SCALE,
    ) <= backstop.maxValue;
  if (fits(left)) return left;
  // Taking first closes an opposite position (its value falls), then opens one (it rises).
  const step = instrument.sizeStep;
  const turn = current * sign < 0n ? min(abs(current), left) : 0n;
  if (!fits(turn)) return 0n;
  let low = turn / step;
  let high = left / step;
  while (high - low > 1n) {
    const middle = (low + high) / 2n;
    if (fits(middle * step)) low = middle;
    else high = middle;
  }
  return low * step;
}

/**
 * Every position on the order's instrument on the other side of it, but the account's own, with
 * what auto-deleveraging ranks it by; accounts whose prices are not all there are left out. A scan
 * of every account: auto-deleveraging is rare, and the ranking needs the whole market.
 */
function opposites(
  book: Ledger,
  order: LiquidationOrder,
  instrument: Instrument,
  context: DecideContext,
  prices: PriceView,
): DeleverageCandidate[] {
  const { venue, nowMs } = context;
  const mark = prices.markPrice(instrument.id);
  const settlePrice = prices.assetPrice(instrument.settle);
  const candidates: DeleverageCandidate[] = [];
  // A sell closes a long: it is taken by a short buying back.
  const opposite = (size: Quantity) => (order.side === 'sell' ? size < 0n : size > 0n);
  for (const holder of book.accounts.values()) {
    if (holder.id === order.account) continue;
    const held = holder.positions.filter((p) => p.instrument === instrument.id && opposite(p.size));
    if (held.length === 0) continue;
    const view = viewOf(book, holder, context);
    if (!pricesHeld(book, view, venue, nowMs)) continue;
    const buckets = bucketsOf(view, venue);
    for (const position of held) {
      const bucket = buckets.find((b) =>
        b.legs.some((l) => l.instrument === instrument.id && l.side === position.side),
      )!;
      candidates.push({
        account: holder.id,
        ...(position.side === undefined ? {} : { positionSide: position.side }),
        size: position.size,
        unrealisedPnl: unrealisedPnl(instrument, position.size, position.entryPrice, mark),
        entryValue: entryValueOf(instrument, position.size, position.entryPrice, prices),
        markValue: divFloor(
          liquidationValue(instrument, position.size, mark, prices) * settlePrice,
          SCALE,
        ),
        equity: bucketRisk(venue, withoutOrders(bucket), prices).equity,
      });
    }
  }
  return candidates;
}

/**
 * |size| at its entry price, in the settle asset (an option's premium paid): the profit's base,
 * above 0 (a position has a size, a fill a price above 0, and the value rounds up).
 */
function entryValueOf(instrument: Instrument, size: Quantity, entry: Price, prices: PriceView) {
  return instrument.kind === 'option'
    ? divCeil(abs(size) * instrument.contractSize * entry, SCALE * SCALE)
    : liquidationValue(instrument, size, entry, prices);
}
