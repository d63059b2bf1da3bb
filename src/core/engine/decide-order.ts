import { tradeFiguresRejection } from '../ledger/fill-rejection.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { LedgerEvent } from '../ledger/ledger-event.ts';
import type { LocationPolicy } from '../ledger/location.ts';
import { idLengthMax, ordersPerAccountMax } from '../limits.ts';
import { assessWith } from '../margin/assess.ts';
import { applyHypothetical, type Hypothetical, orderChange } from '../margin/hypothetical.ts';
import type { RiskReport } from '../margin/risk-report.ts';
import { type Judgement, judge } from '../margin/what-if.ts';
import type { Account, OpenOrder, Side } from '../model/account.ts';
import type { InstrumentId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Venue } from '../model/venue.ts';
import type { Price, Quantity } from '../num/fixed.ts';
import type { Rejection, RejectionCode } from './command.ts';
import { viewOf } from './decide-location.ts';
import { type CommandOf, type Decision, refuse } from './decision.ts';
import { unreliableAssets } from './index-sources.ts';
import { ledgerPrices } from './ledger-prices.ts';
import { contractPriced, pricesHeld } from './prices-held.ts';

export interface OrderContext {
  readonly venue: Venue;
  readonly nowMs: number;
  /** The places collateral is held at (ledger/location.ts): margin counts each at its weight. */
  readonly locations?: LocationPolicy;
}

/**
 * An order now resting on the venue's book, margined with the account's other orders at their
 * worst (margin/what-if.ts `judge`: the whole book of the account's orders on that side filled at
 * their limits). Checked in this order: `account_not_found`, `instrument_not_found`,
 * `instrument_settled`, `instrument_halted`, `instrument_expired`, `order_id_invalid` (empty or longer than
 * `idLengthMax`), `order_exists` (the id rests already on the account),
 * `orders_per_account_max`, the order's figures (`size_not_positive`, `size_above_max`,
 * `size_off_step`, `price_not_positive`, `price_above_max`, `price_off_tick`), `price_unavailable`,
 * then the check's own (`position_limit_exceeded`, `initial_margin_insufficient`; an order that only
 * reduces passes).
 */
export function decidePlaceOrder(
  ledger: Ledger,
  command: CommandOf<'place_order'>,
  context: OrderContext,
): Decision {
  const { venue } = context;
  const account = ledger.accounts.get(command.account);
  if (account === undefined) return refuse('account_not_found', 'account');
  const instrument = venue.instruments.get(command.instrument);
  if (instrument === undefined) return refuse('instrument_not_found', 'instrument');
  const tradable = tradableRefusal(ledger, instrument, context.nowMs);
  if (tradable !== undefined) return tradable;
  const { orderId, side, size, price } = command;
  if (orderId.length === 0 || orderId.length > idLengthMax)
    return refuse('order_exists', 'orderId');
  if (account.openOrders.some((o) => o.id === orderId)) return refuse('order_exists', 'orderId');
  if (account.openOrders.length >= ordersPerAccountMax) {
    return refuse('orders_per_account_max', 'orderId');
  }
  const figures = figuresRefusal(instrument, size, price);
  if (figures !== undefined) return figures;
  const view = viewOf(ledger, account, context);
  if (
    !pricesHeld(ledger, view, venue, context.nowMs) ||
    !contractPriced(ledger, instrument, context.nowMs)
  ) {
    return refuse('price_unavailable', 'instrument');
  }
  if (readsUnreliable(ledger, view, venue, context.nowMs, instrument)) {
    return refuse('price_unreliable', 'instrument');
  }
  if (beyondOpenInterestLimit(ledger, account, venue, instrument, side, size)) {
    return refuse('open_interest_limit', 'size');
  }
  const order: OpenOrder = { id: orderId, instrument: instrument.id, side, size, price };
  const prices = ledgerPrices(ledger, context.nowMs);
  const judgement = judge(view, venue, prices, { kind: 'resting-order', order });
  if (judgement.verdict !== 'accepted') return refuse(judgement.verdict, 'size');
  return { events: [{ type: 'order_placed', account: account.id, order }] };
}

/**
 * An order's new size and price. Checked: `account_not_found`, `order_not_found`, the figures,
 * `price_unavailable`, then the margin check on the account with the order as amended; an
 * amendment that only shrinks the order at its price is always taken (it can only lower margin).
 */
export function decideAmendOrder(
  ledger: Ledger,
  command: CommandOf<'amend_order'>,
  context: OrderContext,
): Decision {
  const { venue } = context;
  const account = ledger.accounts.get(command.account);
  if (account === undefined) return refuse('account_not_found', 'account');
  const order = account.openOrders.find((o) => o.id === command.orderId);
  if (order === undefined) return refuse('order_not_found', 'orderId');
  const instrument = venue.instruments.get(order.instrument)!;
  const { size, price } = command;
  const figures = figuresRefusal(instrument, size, price);
  if (figures !== undefined) return figures;
  const event: LedgerEvent = {
    type: 'order_amended',
    account: account.id,
    orderId: order.id!,
    size,
    price,
  };
  if (price === order.price && size <= order.size) return { events: [event] };
  const view = viewOf(ledger, account, context);
  if (
    !pricesHeld(ledger, view, venue, context.nowMs) ||
    !contractPriced(ledger, instrument, context.nowMs)
  ) {
    return refuse('price_unavailable', 'instrument');
  }
  if (readsUnreliable(ledger, view, venue, context.nowMs, instrument)) {
    return refuse('price_unreliable', 'instrument');
  }
  if (beyondOpenInterestLimit(ledger, account, venue, instrument, order.side, size)) {
    return refuse('open_interest_limit', 'size');
  }
  const without: Account = {
    ...account,
    openOrders: account.openOrders.filter((o) => o !== order),
  };
  const amended: OpenOrder = { ...order, size, price };
  const judgement = judgeOn(ledger, without, { kind: 'resting-order', order: amended }, context);
  if (judgement.verdict !== 'accepted') return refuse(judgement.verdict, 'size');
  return { events: [event] };
}

/** An order off the book. Checked: `account_not_found`, `order_not_found`. */
export function decideCancelOrder(ledger: Ledger, command: CommandOf<'cancel_order'>): Decision {
  const account = ledger.accounts.get(command.account);
  if (account === undefined) return refuse('account_not_found', 'account');
  if (!account.openOrders.some((o) => o.id === command.orderId)) {
    return refuse('order_not_found', 'orderId');
  }
  return { events: [{ type: 'order_removed', account: account.id, orderId: command.orderId }] };
}

/** A pre-trade check: the order the trader is about to send, against the books as they are. */
export interface OrderCheck {
  readonly account: string;
  readonly instrument: InstrumentId;
  readonly side: Side;
  readonly size: Quantity;
  /** Absent: a market order, filled at the mark. */
  readonly price?: Price;
}

export type CheckAnswer =
  | { readonly kind: 'refused'; readonly rejection: Rejection }
  | {
      readonly kind: 'checked';
      /** Whether the order would be taken: a limit better than the mark rests, else it fills. */
      readonly placement: 'filled' | 'rested';
      readonly judgement: Judgement;
      /** The account's report after it, as the what-if prints it. */
      readonly after: RiskReport;
    };

/**
 * The pre-trade check (issue 9): would the order be taken, why, and the account's report after
 * it; nothing changes and nothing is logged. The same checks as `place_order` (but `order_exists`),
 * then where the order lands against the mark (margin/hypothetical.ts `placement`: a marketable
 * one fills at no better than the mark, one better than the mark rests) and the verdict.
 */
export function checkOrder(ledger: Ledger, check: OrderCheck, context: OrderContext): CheckAnswer {
  const { venue } = context;
  const refused = (code: RejectionCode, field: string): CheckAnswer => ({
    kind: 'refused',
    rejection: { code, field },
  });
  const account = ledger.accounts.get(check.account);
  if (account === undefined) return refused('account_not_found', 'account');
  const instrument = venue.instruments.get(check.instrument);
  if (instrument === undefined) return refused('instrument_not_found', 'instrument');
  const tradable = tradableRefusal(ledger, instrument, context.nowMs);
  if (tradable !== undefined) return { kind: 'refused', rejection: tradable.rejection };
  const mark = ledger.markPrices.get(instrument.id);
  const figures = figuresRefusal(instrument, check.size, check.price ?? mark ?? 1n);
  if (figures !== undefined) return { kind: 'refused', rejection: figures.rejection };
  // The account as margin sees it and the prices, made once: a pre-trade check is a hot path.
  const view = viewOf(ledger, account, context);
  if (
    mark === undefined ||
    !pricesHeld(ledger, view, venue, context.nowMs) ||
    !contractPriced(ledger, instrument, context.nowMs)
  ) {
    return refused('price_unavailable', 'instrument');
  }
  if (readsUnreliable(ledger, view, venue, context.nowMs, instrument)) {
    return refused('price_unreliable', 'instrument');
  }
  const { side, size, price } = check;
  if (beyondOpenInterestLimit(ledger, account, venue, instrument, side, size)) {
    return refused('open_interest_limit', 'size');
  }
  const change = orderChange(
    { instrument: instrument.id, side, size, ...(price === undefined ? {} : { limit: price }) },
    mark,
  );
  const prices = ledgerPrices(ledger, context.nowMs);
  const judgement = judge(view, venue, prices, change);
  const after = assessWith(applyHypothetical(view, venue, change), venue, prices);
  const placement = change.kind === 'order' ? 'filled' : 'rested';
  return { kind: 'checked', placement, judgement, after };
}

function judgeOn(
  ledger: Ledger,
  account: Account,
  change: Hypothetical,
  context: OrderContext,
): Judgement {
  const view = viewOf(ledger, account, context);
  return judge(view, context.venue, ledgerPrices(ledger, context.nowMs), change);
}

function tradableRefusal(
  ledger: Ledger,
  instrument: Instrument,
  nowMs: number,
): { readonly rejection: Rejection } | undefined {
  if (ledger.settled.has(instrument.id)) return refuse('instrument_settled', 'instrument');
  if (ledger.halted.has(instrument.id)) return refuse('instrument_halted', 'instrument');
  if (instrument.expiryMs !== undefined && nowMs >= instrument.expiryMs) {
    return refuse('instrument_expired', 'instrument');
  }
  return undefined;
}

/** An order's size and price against the instrument's steps and the limits, as a fill's are. */
function figuresRefusal(
  instrument: Instrument,
  size: Quantity,
  price: Price,
): { readonly rejection: Rejection } | undefined {
  const rejected = tradeFiguresRejection(instrument, size, price);
  return rejected === undefined ? undefined : refuse(rejected.code, rejected.field);
}

/**
 * Whether the account's margin, or the instrument an order is on, reads an index its sources
 * leave unreliable (index-sources.ts): no new risk is taken on a price nobody can vouch for (S13,
 * S14).
 */
function readsUnreliable(
  ledger: Ledger,
  account: Account,
  venue: Venue,
  nowMs: number,
  instrument: Instrument,
): boolean {
  const read = [instrument.settle, instrument.underlying];
  return unreliableAssets(ledger, account, venue, nowMs, read).size > 0;
}

/**
 * Whether the order could take its market's open interest beyond the rulebook's limit
 * (`openInterestLimits`, S16): filled, it adds at most what it does not close of the account's
 * own position (in hedge mode all of it, its side not being known), and it is refused where that
 * would pass the limit. An order that only closes is never refused for it.
 */
function beyondOpenInterestLimit(
  ledger: Ledger,
  account: Account,
  venue: Venue,
  instrument: Instrument,
  side: Side,
  size: Quantity,
): boolean {
  const limit = venue.rulebook.openInterestLimits?.get(instrument.id);
  if (limit === undefined) return false;
  const held = account.positions.filter((p) => p.instrument === instrument.id);
  const position = held.every((p) => p.side === undefined) ? (held[0]?.size ?? 0n) : 0n;
  const closes = side === 'buy' ? -position : position;
  const opens = closes > 0n ? size - closes : size;
  return opens > 0n && (ledger.openInterest.get(instrument.id) ?? 0n) + opens > limit;
}
