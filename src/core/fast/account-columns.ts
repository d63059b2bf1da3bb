import type { Account } from '../model/account.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import { toNumber } from '../num/fixed.ts';

/**
 * The rows a book holds per account: its balances, its legs (a position, or an instrument's open
 * orders without one) and the legs' open orders, in typed columns counted before they are filled.
 * Grown row by row, they would hold a book of 100,000 accounts twice over, as arrays and then as
 * their typed copies, at the moment its memory peaks.
 *
 * Rows of account a: balances [balanceStart[a], balanceEnd[a]), legs [legStart[a], legEnd[a]); of
 * leg l: open orders [legOrderStart[l], legOrderEnd[l]). A book compiled once packs them, each end
 * the next start (a view of the same memory); a live book (live-book.ts) leaves room after each
 * account's rows, so an event rewrites them where they are.
 */
export interface AccountColumns {
  /**
   * 1 for an account the columns do not margin, which the screen hands to the exact path: one in
   * portfolio mode (its requirement is the scan of its whole book), under a rulebook with a pool
   * per coin (the columns hold one unified pool), or one weighed in its pool or read at stable
   * prices (`isWeighedInPool`).
   */
  readonly exactOnly: Uint8Array;
  readonly balanceStart: Int32Array;
  readonly balanceEnd: Int32Array;
  readonly balanceAsset: Int32Array;
  readonly balanceAmount: Float64Array;
  readonly legStart: Int32Array;
  readonly legEnd: Int32Array;
  readonly legInstrument: Int32Array;
  readonly legSize: Float64Array;
  readonly legEntry: Float64Array;
  /** The position's realised but unsettled PnL, in the settle asset. */
  readonly legUnsettled: Float64Array;
  /** 1 / the account's leverage setting for the leg's instrument, 0 where none was chosen. */
  readonly legLeverageFloor: Float64Array;
  /**
   * NaN for a cross leg, else the isolated margin in the settle asset: below zero where funding
   * or a settlement took more than it held.
   */
  readonly legIsolatedMargin: Float64Array;
  readonly legOrderStart: Int32Array;
  readonly legOrderEnd: Int32Array;
  /** Signed: positive buys, negative sells. */
  readonly orderSize: Float64Array;
  readonly orderPrice: Float64Array;
}

/** Where the account's rows come from: the book's row of an asset and of an instrument. */
export interface RowsOf {
  readonly asset: (id: AssetId) => number;
  readonly instrument: (id: InstrumentId) => number;
  /** 1 for an account the columns do not margin (the exact path does). */
  readonly exactOnly: (account: Account) => 0 | 1;
}

export function compileAccounts(accounts: readonly Account[], rows: RowsOf): AccountColumns {
  let balances = 0;
  let legs = 0;
  let orders = 0;
  for (const account of accounts) {
    balances += account.balances.size;
    legs += legCount(account);
    orders += account.openOrders.length;
  }
  const balanceStart = new Int32Array(accounts.length + 1);
  const legStart = new Int32Array(accounts.length + 1);
  const legOrderStart = new Int32Array(legs + 1);
  const c: AccountColumns = {
    exactOnly: new Uint8Array(accounts.length),
    balanceStart,
    balanceEnd: balanceStart.subarray(1),
    balanceAsset: new Int32Array(balances),
    balanceAmount: new Float64Array(balances),
    legStart,
    legEnd: legStart.subarray(1),
    legInstrument: new Int32Array(legs),
    legSize: new Float64Array(legs),
    legEntry: new Float64Array(legs),
    legUnsettled: new Float64Array(legs),
    legLeverageFloor: new Float64Array(legs),
    legIsolatedMargin: new Float64Array(legs),
    legOrderStart,
    legOrderEnd: legOrderStart.subarray(1),
    orderSize: new Float64Array(orders),
    orderPrice: new Float64Array(orders),
  };
  const at = { balance: 0, leg: 0, order: 0 };
  for (let a = 0; a < accounts.length; a++) writeAccount(accounts[a]!, a, rows, c, at);
  return c;
}

/** Where an account's rows are written: its first balance, leg and open order. */
export interface Cursor {
  balance: number;
  leg: number;
  order: number;
}

/** How many rows of each kind the account takes. */
export function rowCounts(account: Account): Cursor {
  return {
    balance: account.balances.size,
    leg: legCount(account),
    order: account.openOrders.length,
  };
}

/** Writes account `a`'s rows from `at` on, leaving `at` past them. */
export function writeAccount(
  account: Account,
  a: number,
  rows: RowsOf,
  c: AccountColumns,
  at: Cursor,
): void {
  c.exactOnly[a] = rows.exactOnly(account);
  c.balanceStart[a] = at.balance;
  for (const [id, amount] of account.balances) {
    c.balanceAsset[at.balance] = rows.asset(id);
    c.balanceAmount[at.balance] = toNumber(amount);
    at.balance++;
  }
  c.balanceEnd[a] = at.balance;
  c.legStart[a] = at.leg;
  compileLegs(account, rows.instrument, c, at);
  c.legEnd[a] = at.leg;
}

/**
 * One leg per position, then one per instrument that has open orders but no one-way position,
 * keyed as the exact path keys them (positionKey): a hedge-mode long and short are two legs, and
 * open orders join their instrument's one-way leg. Written straight into the columns, no map or
 * object per leg (this runs for every account of a book); the reader has refused two positions
 * under one key.
 */
function compileLegs(
  account: Account,
  instrument: (id: InstrumentId) => number,
  c: AccountColumns,
  at: Cursor,
): void {
  const { positions, openOrders } = account;
  for (const p of positions) {
    const l = startLeg(account, p.instrument, instrument, c, at);
    c.legSize[l] = toNumber(p.size);
    c.legEntry[l] = toNumber(p.entryPrice);
    c.legUnsettled[l] = p.unsettledPnl === undefined ? 0 : toNumber(p.unsettledPnl);
    c.legIsolatedMargin[l] = p.marginMode === 'isolated' ? toNumber(p.isolatedMargin) : Number.NaN;
    if (p.side === undefined) compileOrders(openOrders, p.instrument, c, at);
    c.legOrderEnd[l] = at.order;
  }
  for (let o = 0; o < openOrders.length; o++) {
    const id = openOrders[o]!.instrument;
    if (hasOneWayLeg(account, id) || !isFirstOrderOn(openOrders, o)) continue;
    const l = startLeg(account, id, instrument, c, at);
    c.legIsolatedMargin[l] = Number.NaN;
    compileOrders(openOrders, id, c, at);
    c.legOrderEnd[l] = at.order;
  }
}

/** The leg's row, its size, entry and unsettled PnL 0 (a row rewritten may hold another's). */
function startLeg(
  account: Account,
  id: InstrumentId,
  instrument: (id: InstrumentId) => number,
  c: AccountColumns,
  at: Cursor,
): number {
  const l = at.leg++;
  // The setting is the account's, so a leg of open orders alone is held to it as well.
  const leverage = account.leverage?.get(id);
  c.legInstrument[l] = instrument(id);
  c.legSize[l] = 0;
  c.legEntry[l] = 0;
  c.legUnsettled[l] = 0;
  c.legLeverageFloor[l] = leverage === undefined ? 0 : 1 / toNumber(leverage);
  c.legOrderStart[l] = at.order;
  return l;
}

function compileOrders(
  orders: Account['openOrders'],
  id: InstrumentId,
  c: AccountColumns,
  at: Cursor,
): void {
  for (const order of orders) {
    if (order.instrument !== id) continue;
    const size = toNumber(order.size);
    c.orderSize[at.order] = order.side === 'buy' ? size : -size;
    c.orderPrice[at.order] = toNumber(order.price);
    at.order++;
  }
}

function legCount(account: Account): number {
  const orders = account.openOrders;
  let count = account.positions.length;
  for (let o = 0; o < orders.length; o++) {
    if (!hasOneWayLeg(account, orders[o]!.instrument) && isFirstOrderOn(orders, o)) count++;
  }
  return count;
}

function hasOneWayLeg(account: Account, id: InstrumentId): boolean {
  for (const p of account.positions) if (p.side === undefined && p.instrument === id) return true;
  return false;
}

function isFirstOrderOn(orders: Account['openOrders'], o: number): boolean {
  const id = orders[o]!.instrument;
  for (let earlier = 0; earlier < o; earlier++)
    if (orders[earlier]!.instrument === id) return false;
  return true;
}
