import type {
  Account,
  MarginMode,
  OpenOrder,
  Position,
  PositionSide,
  Side,
} from '../model/account.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import { max, min } from '../num/fixed.ts';
import { fillAccount } from './account-fill.ts';

/** A change the trader is considering; applied to a copy of the account, never to the ledger. */
export type Hypothetical =
  | {
      readonly kind: 'order';
      readonly instrument: InstrumentId;
      readonly side: Side;
      readonly size: Quantity;
      readonly price: Price;
      /** For a new position; an existing one keeps its mode. */
      readonly marginMode?: MarginMode;
      /** A new leverage setting for the instrument (the account's); absent: the setting stands. */
      readonly leverage?: Ratio;
    }
  /** A limit order that does not cross the mark: it joins the account's open orders. */
  | { readonly kind: 'resting-order'; readonly order: OpenOrder }
  /** Deposit (positive) or withdrawal (negative) of a cross balance. */
  | { readonly kind: 'transfer'; readonly asset: AssetId; readonly amount: Amount }
  /** Move collateral from the cross pool into an isolated position (positive) or back (negative). */
  | {
      readonly kind: 'isolated-margin';
      readonly instrument: InstrumentId;
      readonly amount: Amount;
    };

export function applyHypothetical(account: Account, venue: Venue, change: Hypothetical): Account {
  switch (change.kind) {
    case 'transfer':
      return { ...account, balances: credit(account.balances, change.asset, change.amount) };
    case 'isolated-margin': {
      const instrument = venue.instruments.get(change.instrument)!;
      // In hedge mode the instrument's first position (the change names no side).
      const target = account.positions.find((p) => p.instrument === change.instrument);
      const positions = account.positions.map((position) => {
        if (position !== target) return position;
        assert(
          position.marginMode === 'isolated',
          'isolated margin moves only to isolated positions',
        );
        return { ...position, isolatedMargin: position.isolatedMargin + change.amount };
      });
      const balances = credit(account.balances, instrument.settle, -change.amount);
      return { ...account, positions, balances };
    }
    case 'order':
      return fill(account, venue, change);
    case 'resting-order':
      return { ...account, openOrders: [...account.openOrders, change.order] };
  }
}

/** An order as the trader writes it: no limit is a market order. */
export interface OrderTicket {
  readonly instrument: InstrumentId;
  readonly side: Side;
  readonly size: Quantity;
  readonly limit?: Price;
}

/** What an order does on arrival: it fills (at `price`) or rests on the book (at its limit). */
export type Placement = { readonly kind: 'filled' | 'rested'; readonly price: Price };

/**
 * Where an order lands against the mark. A limit better than the mark (a buy below it, a sell
 * above it) does not cross: it rests, and is margined as open orders are, at their worst. A
 * marketable one fills, at no better than the mark: at the worse of its limit and the mark for the
 * trader, which is its limit (a fill better than the mark would book an instant profit no venue
 * pays). No limit: a market order, filled at the mark.
 */
export function placement(ticket: OrderTicket, mark: Price): Placement {
  assert(ticket.size > 0n, 'an order has a size');
  assert(mark >= 0n, 'a mark is not negative');
  if (ticket.limit === undefined) return { kind: 'filled', price: mark };
  const rests = ticket.side === 'buy' ? ticket.limit < mark : ticket.limit > mark;
  const price = ticket.side === 'buy' ? max(ticket.limit, mark) : min(ticket.limit, mark);
  assert(rests || price === ticket.limit, 'a marketable limit fills at its limit');
  return rests ? { kind: 'rested', price: ticket.limit } : { kind: 'filled', price };
}

/** The change an order makes: a fill, or a new open order. */
export function orderChange(
  ticket: OrderTicket,
  mark: Price,
): Hypothetical & { kind: 'order' | 'resting-order' } {
  const { instrument, side, size } = ticket;
  const { kind, price } = placement(ticket, mark);
  return kind === 'filled'
    ? { kind: 'order', instrument, side, size, price }
    : { kind: 'resting-order', order: { instrument, side, size, price } };
}

/** A resting order filled at its limit: the worst it can do to the account. */
export function filledAtLimit(
  change: Hypothetical & { kind: 'order' | 'resting-order' },
): Hypothetical & { kind: 'order' } {
  if (change.kind === 'order') return change;
  const { instrument, side, size, price } = change.order;
  return { kind: 'order', instrument, side, size, price };
}

/** The contracts the account already has resting on one side of an instrument. */
export function restingSize(account: Account, instrument: InstrumentId, side: Side): Quantity {
  let size = 0n;
  for (const order of account.openOrders) {
    if (order.instrument === instrument && order.side === side) size += order.size;
  }
  return size;
}

/**
 * The account after an order with every order of its side on its instrument filled at its limit,
 * the account's resting ones and the new one alike: the position the whole book may leave, which
 * the venue's position limit is measured on (Binance's "position + open orders" at the chosen
 * leverage). A venue margins an account's resting orders together, never one order alone.
 */
export function bookFilled(
  account: Account,
  venue: Venue,
  change: Hypothetical & { kind: 'order' | 'resting-order' },
): Account {
  const order = filledAtLimit(change);
  let after = applyHypothetical(account, venue, order);
  for (const resting of account.openOrders) {
    if (resting.instrument !== order.instrument || resting.side !== order.side) continue;
    after = applyHypothetical(after, venue, { kind: 'order', ...resting });
  }
  // The orders filled leave the book; the other side's stay.
  const openOrders = after.openOrders.filter(
    (resting) => resting.instrument !== order.instrument || resting.side !== order.side,
  );
  return { ...after, openOrders };
}

function credit(
  balances: ReadonlyMap<AssetId, Amount>,
  asset: AssetId,
  amount: Amount,
): ReadonlyMap<AssetId, Amount> {
  const next = new Map(balances);
  next.set(asset, (next.get(asset) ?? 0n) + amount);
  return next;
}

/**
 * Fills the order at its price (account-fill.ts, the arithmetic the ledger shares): the part that
 * reduces the position realises its PnL into the bucket's collateral, the part that adds to it (or
 * opens the other way) moves the entry price.
 */
function fill(account: Account, venue: Venue, order: Hypothetical & { kind: 'order' }): Account {
  const instrument = venue.instruments.get(order.instrument)!;
  const traded = order.side === 'buy' ? order.size : -order.size;
  const positionSide = hedgeSideOf(account, order.instrument, order.side);
  const filled = fillAccount(account, {
    instrument,
    traded,
    price: order.price,
    marginMode: order.marginMode ?? 'cross',
    ...(positionSide === undefined ? {} : { positionSide }),
  });
  const settings = order.leverage === undefined ? {} : { leverage: withLeverage(account, order) };
  return { ...filled.account, ...settings };
}

/**
 * The position an order on `instrument` trades. In hedge mode (the instrument's positions carry a
 * side) an order opens or adds to its own side, a buy the long and a sell the short, as a hedge-mode
 * venue's opening orders do; in one-way mode, the instrument's one position.
 */
export function tradedPosition(
  account: Account,
  instrument: InstrumentId,
  side: Side,
): Position | undefined {
  const wanted = hedgeSideOf(account, instrument, side);
  return account.positions.find(
    (position) => position.instrument === instrument && position.side === wanted,
  );
}

/** The hedge-mode side an order trades, or undefined where the instrument is in one-way mode. */
function hedgeSideOf(
  account: Account,
  instrument: InstrumentId,
  side: Side,
): PositionSide | undefined {
  const hedged = account.positions.some((p) => p.instrument === instrument && p.side !== undefined);
  if (!hedged) return undefined;
  return side === 'buy' ? 'long' : 'short';
}

/** The account's leverage settings with the order's for its instrument. */
function withLeverage(
  account: Account,
  order: Hypothetical & { kind: 'order' },
): ReadonlyMap<InstrumentId, Ratio> {
  const leverage = new Map(account.leverage);
  if (order.leverage !== undefined) leverage.set(order.instrument, order.leverage);
  return leverage;
}
