import type { Account, MarginMode, Position, PositionSide } from '../model/account.ts';
import type { AccountId, AssetId, InstrumentId } from '../model/ids.ts';
import type { VenueTotal } from '../model/market.ts';
import { assert } from '../num/assert.ts';
import { type Amount, max, type Price, type Quantity } from '../num/fixed.ts';
import type { FundingIndex } from './funding-index.ts';
import { isHouseAccount } from './house-accounts.ts';
import type {
  CommandRecord,
  LedgerEvent,
  MarginState,
  PositionChange,
  PriceFeed,
} from './ledger-event.ts';
import type { LiquidationOrder, LiquidationPace } from './liquidation-order.ts';
import { holdingKey, homeLocation, type PendingMove } from './location.ts';
import { assertConserved, type Movement } from './movement.ts';
import type { FeedState } from './price-feed.ts';
import type { VolatilityFeed } from './volatility-feed.ts';

/**
 * The venue's books: every account, the money that came in and went out, and the commands
 * already answered. `applyRecord` changes it in place (the engine owns it; a book of 100,000
 * accounts is not copied per event), deterministically: the same records on a new ledger give the
 * same ledger, and the same state hash (state-hash.ts).
 */
export interface Ledger {
  readonly accounts: Map<AccountId, Account>;
  /** What accounts hold at places other than home (location.ts), by `holdingKey`. */
  readonly holdings: Map<string, Map<AssetId, Amount>>;
  /** Moves of collateral between places not yet settled, by the id of the command that began it. */
  readonly pendingMoves: Map<string, PendingMove>;
  /** The venue's own accounts' balances (house-accounts.ts): fees, rounding, PnL pools. */
  readonly house: Map<AccountId, Map<AssetId, Amount>>;
  /** Per asset, Σ deposited and Σ withdrawn: what the accounts must hold between them. */
  readonly deposited: Map<AssetId, Amount>;
  readonly withdrawn: Map<AssetId, Amount>;
  /** Prices as the feeds last moved them: assets' (their index) and instruments' marks. */
  readonly assetPrices: Map<AssetId, Price>;
  readonly markPrices: Map<InstrumentId, Price>;
  readonly feeds: Map<PriceFeed, FeedState>;
  /** Each underlying's volatility surface, as its feed last set it: options are priced from it. */
  readonly volatility: Map<AssetId, VolatilityFeed>;
  /** Each perpetual's cumulative funding index, from its first funding interval on. */
  readonly funding: Map<InstrumentId, FundingIndex>;
  /**
   * Funding owed to a position and not paid (below one unit, at 10^72), by `carryKey`: every
   * position of a market has settled at its index, so the carry is all a position remembers.
   */
  readonly fundingCarry: Map<string, bigint>;
  /** Instruments whose trading the venue halted: they take no fill and no new order. */
  readonly halted: Map<InstrumentId, true>;
  /** Dated instruments settled at expiry, at their settlement price: they take no more fills. */
  readonly settled: Map<InstrumentId, Price>;
  /** The margin mode an account's next position on an instrument opens in, by `settingKey`. */
  readonly marginModes: Map<string, MarginMode>;
  /**
   * Each market's open interest: the contracts held long, summed over every account (as many as
   * are held short). Kept as positions change, never recorded: a replay or a snapshot gives it
   * again from the positions (`openInterestOf`).
   */
  readonly openInterest: Map<InstrumentId, Quantity>;
  /**
   * Per asset, what the accounts hold of it (deposits: positive balances, at home or elsewhere)
   * and owe (borrows: negative ones), venue-wide: the totals a weight scaled by them or a bank's
   * deposit limit reads (Mango). Kept as balances change, never recorded (`venueTotalsOf`).
   * Isolated margin, inside its position, and the venue's own accounts are not in them.
   */
  readonly venueTotals: Map<AssetId, VenueTotal>;
  /** Each account's margin state as its last `margin_state_changed` left it; absent: healthy. */
  readonly marginStates: Map<AccountId, MarginState>;
  /** Liquidation orders outstanding, by id: one per bucket at most. */
  readonly liquidations: Map<string, LiquidationOrder>;
  /** Each account's liquidation pace, as its last step left it (kept once the step ends). */
  readonly liquidationPace: Map<AccountId, LiquidationPace>;
  /**
   * Accounts auto-deleveraged, with the log time before which they are not liquidated (the
   * rulebook's grace from their latest deleveraging, S5); kept once past.
   */
  readonly deleverageGrace: Map<AccountId, number>;
  /** Accepted commands by id: the digest of the body, and the events it produced. */
  readonly answered: Map<
    string,
    { readonly digest: string; readonly first: number; readonly count: number }
  >;
  /** Events applied so far: the next one is number `events + 1`. */
  events: number;
  /** The digest of the venue's rules the log is under (`venue_set`); absent in older logs. */
  venue?: string;
  /** Those rules themselves, where the log recorded them (`venue_set`'s `rules`). */
  venueRules?: string;
}

export function newLedger(): Ledger {
  return {
    accounts: new Map(),
    holdings: new Map(),
    pendingMoves: new Map(),
    house: new Map(),
    deposited: new Map(),
    withdrawn: new Map(),
    assetPrices: new Map(),
    markPrices: new Map(),
    feeds: new Map(),
    volatility: new Map(),
    funding: new Map(),
    fundingCarry: new Map(),
    settled: new Map(),
    halted: new Map(),
    marginModes: new Map(),
    openInterest: new Map(),
    venueTotals: new Map(),
    marginStates: new Map(),
    liquidations: new Map(),
    liquidationPace: new Map(),
    deleverageGrace: new Map(),
    answered: new Map(),
    events: 0,
  };
}

export function applyRecord(ledger: Ledger, record: CommandRecord): void {
  assert(!ledger.answered.has(record.command), 'a command is applied once');
  ledger.answered.set(record.command, {
    digest: record.digest,
    first: ledger.events + 1,
    count: record.events.length,
  });
  for (const event of record.events) applyEvent(ledger, event);
}

export function applyEvent(ledger: Ledger, event: LedgerEvent): void {
  ledger.events += 1;
  switch (event.type) {
    case 'account_opened':
      assert(!ledger.accounts.has(event.account), 'an account is opened once');
      ledger.accounts.set(event.account, {
        id: event.account,
        ...(event.poolMode === 'cross' ? {} : { poolMode: event.poolMode }),
        balances: new Map(),
        positions: [],
        openOrders: [],
      });
      return;
    case 'deposited':
      assert(event.amount > 0n, 'a deposit is positive');
      creditAt(ledger, event.account, event.location, event.asset, event.amount);
      add(ledger.deposited, event.asset, event.amount);
      return;
    case 'withdrawn':
      assert(event.amount > 0n, 'a withdrawal is positive');
      creditAt(ledger, event.account, event.location, event.asset, -event.amount);
      add(ledger.withdrawn, event.asset, event.amount);
      return;
    case 'collateral_move_started': {
      const { move, type: _type, ...pending } = event;
      assert(pending.amount > 0n, 'a move is positive');
      assert(!ledger.pendingMoves.has(move), 'a move starts once');
      creditAt(ledger, pending.account, atOrHome(pending.from), pending.asset, -pending.amount);
      ledger.pendingMoves.set(move, pending);
      return;
    }
    case 'collateral_move_settled': {
      const pending = ledger.pendingMoves.get(event.move);
      assert(pending?.account === event.account, "a move settles once, the account's own");
      ledger.pendingMoves.delete(event.move);
      creditAt(ledger, pending.account, atOrHome(pending.to), pending.asset, pending.amount);
      return;
    }
    case 'transferred':
      assert(event.amount > 0n, 'a transfer is positive');
      assert(event.from !== event.to, 'a transfer is between two accounts');
      credit(ledger, event.from, event.asset, -event.amount);
      credit(ledger, event.to, event.asset, event.amount);
      return;
    case 'price_held':
      ledger.feeds.set(event.feed, event.state);
      return;
    case 'price_accepted': {
      const last = event.state.last;
      assert(last !== undefined, 'an accepted feed has a last tick');
      ledger.feeds.set(event.feed, event.state);
      const [kind, id] = splitFeed(event.feed);
      (kind === 'mark' ? ledger.markPrices : ledger.assetPrices).set(
        id,
        event.applied ?? last.price,
      );
      return;
    }
    case 'filled':
      applyMovements(ledger, event.movements);
      for (const change of event.positions) placePosition(ledger, change);
      return;
    case 'expiry_settled':
      assert(!ledger.settled.has(event.instrument), 'an instrument settles once');
      applyMovements(ledger, event.movements);
      for (const change of event.positions) placePosition(ledger, change);
      ledger.settled.set(event.instrument, event.price);
      return;
    case 'isolated_margin_moved': {
      const account = accountOf(ledger, event.account);
      const { instrument, side, asset, amount } = event;
      const position = account.positions.find(
        (p) => p.instrument === instrument && p.side === side,
      );
      assert(position?.marginMode === 'isolated', 'margin moves into an isolated position');
      credit(ledger, event.account, asset, -amount);
      const after = { ...position, isolatedMargin: position.isolatedMargin + amount };
      placePosition(ledger, {
        account: event.account,
        instrument,
        ...(side ? { side } : {}),
        after,
      });
      return;
    }
    case 'leverage_set': {
      const account = accountOf(ledger, event.account);
      const leverage = new Map(account.leverage).set(event.instrument, event.leverage);
      ledger.accounts.set(event.account, { ...account, leverage });
      return;
    }
    case 'margin_mode_set':
      ledger.marginModes.set(settingKey(event.account, event.instrument), event.marginMode);
      return;
    case 'order_placed': {
      const account = accountOf(ledger, event.account);
      assert(!account.openOrders.some((o) => o.id === event.order.id), 'an order id is new');
      ledger.accounts.set(event.account, {
        ...account,
        openOrders: [...account.openOrders, event.order],
      });
      return;
    }
    case 'order_amended':
    case 'order_removed': {
      const account = accountOf(ledger, event.account);
      assert(
        account.openOrders.some((o) => o.id === event.orderId),
        'the order rests',
      );
      const openOrders = account.openOrders.flatMap((order) => {
        if (order.id !== event.orderId) return [order];
        return event.type === 'order_removed'
          ? []
          : [{ ...order, size: event.size, price: event.price }];
      });
      ledger.accounts.set(event.account, { ...account, openOrders });
      return;
    }
    case 'liquidation_ordered': {
      const { order } = event;
      assert(order.size > 0n, 'a liquidation order is of some size');
      assert(!ledger.liquidations.has(order.id), 'a liquidation order id is new');
      ledger.liquidations.set(order.id, order);
      ledger.liquidationPace.set(order.account, event.pace);
      return;
    }
    case 'liquidation_reduced': {
      const order = ledger.liquidations.get(event.orderId);
      assert(order?.account === event.account, 'a liquidation order is reduced on its account');
      assert(event.size > 0n && event.size < order.size, 'a reduced order has less left');
      ledger.liquidations.set(order.id, { ...order, size: event.size });
      return;
    }
    case 'liquidation_ended':
      assert(
        ledger.liquidations.get(event.orderId)?.account === event.account,
        'a liquidation order ends once, on its account',
      );
      ledger.liquidations.delete(event.orderId);
      return;
    case 'waterfall_step':
      assert(
        ledger.liquidations.get(event.orderId)?.account === event.account,
        'a waterfall step takes an outstanding order',
      );
      // The grace runs from the account's latest deleveraging, under the rule of its time.
      if (event.graceUntilMs !== undefined) {
        ledger.deleverageGrace.set(event.counterparty, event.graceUntilMs);
      }
      return;
    case 'debt_covered':
      applyMovements(ledger, event.movements);
      return;
    case 'instrument_halted':
      ledger.halted.set(event.instrument, true);
      return;
    case 'instrument_resumed':
      ledger.halted.delete(event.instrument);
      return;
    case 'venue_set':
      ledger.venue = event.digest;
      if (event.rules === undefined) delete ledger.venueRules;
      else ledger.venueRules = event.rules;
      return;
    case 'volatility_set': {
      const { sequence, timeMs, slices } = event;
      ledger.volatility.set(event.underlying, { sequence, timeMs, slices });
      return;
    }
    case 'margin_state_changed':
      if (event.state === 'healthy') ledger.marginStates.delete(event.account);
      else ledger.marginStates.set(event.account, event.state);
      return;
    case 'funding_paid': {
      const market = event.index.market;
      applyMovements(ledger, event.movements);
      for (const change of event.positions) placePosition(ledger, change);
      ledger.funding.set(market, event.index);
      // The market's carries are replaced by the event's (a carry of 0 is not listed).
      for (const key of [...ledger.fundingCarry.keys()]) {
        if (key.split('\u0000')[1] === market) ledger.fundingCarry.delete(key);
      }
      for (const { account, side, carry } of event.carries) {
        assert(carry > 0n, 'a carry listed is positive');
        ledger.fundingCarry.set(carryKey(account, market, side), carry);
      }
      return;
    }
  }
}

function accountOf(ledger: Ledger, id: AccountId): Account {
  const account = ledger.accounts.get(id);
  assert(account !== undefined, `account ${id} exists`);
  return account;
}

/** An account's setting on one instrument (its margin mode), as `marginModes` keys it. */
export function settingKey(account: AccountId, instrument: InstrumentId): string {
  return `${account}\u0000${instrument}`;
}

/** The key of a position's funding carry: account, instrument, and hedge mode's side. */
export function carryKey(
  account: AccountId,
  instrument: InstrumentId,
  side: PositionSide | undefined,
): string {
  return `${account}\u0000${instrument}\u0000${side ?? ''}`;
}

/**
 * An event's movements on the books: a trader's cross balance, or a house account's. A movement
 * of an isolated bucket is already in the position the event leaves (`placePosition`): `decide`
 * has checked that the two agree (apply-fill.ts asserts it of every fill).
 */
/**
 * A market's event moves money between accounts and creates none: per asset, its realised PnL,
 * funding, fees and roundings sum to zero (decide checks it as it makes the event; applying checks
 * it again, so a log from anywhere is held to it on replay).
 */
function applyMovements(ledger: Ledger, movements: readonly Movement[]): void {
  assertConserved(movements);
  for (const { account, asset, amount, bucket } of movements) {
    if (bucket !== undefined) continue;
    if (isHouseAccount(account)) creditHouse(ledger, account, asset, amount);
    else credit(ledger, account, asset, amount);
  }
}

/**
 * The position an event leaves, in place of the account's one on that instrument and side (a new
 * one goes last); a closed one goes.
 * Its funding carry goes with a position that closed or flipped (the venue keeps the part below one
 * unit, as it keeps every rounding).
 */
function placePosition(ledger: Ledger, change: PositionChange): void {
  const account = ledger.accounts.get(change.account);
  assert(account !== undefined, `account ${change.account} exists`);
  const { instrument, side, after } = change;
  const before = account.positions.find((p) => p.instrument === instrument && p.side === side);
  const positions =
    before === undefined
      ? [...account.positions, ...(after === undefined ? [] : [after])]
      : account.positions.flatMap((p) => (p !== before ? [p] : after === undefined ? [] : [after]));
  const flipped =
    before !== undefined && after !== undefined && before.size > 0n !== after.size > 0n;
  if (after === undefined || flipped) {
    ledger.fundingCarry.delete(carryKey(change.account, instrument, side));
  }
  ledger.accounts.set(change.account, { ...account, positions });
  const longer = long(after) - long(before);
  if (longer !== 0n) {
    const open = (ledger.openInterest.get(instrument) ?? 0n) + longer;
    assert(open >= 0n, 'open interest is never below zero');
    if (open === 0n) ledger.openInterest.delete(instrument);
    else ledger.openInterest.set(instrument, open);
  }
}

const long = (position: Position | undefined): Quantity =>
  position !== undefined && position.size > 0n ? position.size : 0n;

/** Each market's open interest from the accounts' positions, as `Ledger.openInterest` keeps it. */
export function openInterestOf(accounts: Iterable<Account>): Map<InstrumentId, Quantity> {
  const open = new Map<InstrumentId, Quantity>();
  for (const account of accounts) {
    for (const { instrument, size } of account.positions) {
      if (size > 0n) open.set(instrument, (open.get(instrument) ?? 0n) + size);
    }
  }
  return open;
}

function creditHouse(ledger: Ledger, id: AccountId, asset: AssetId, amount: Amount): void {
  // A new map, as `credit` makes: a map once in the ledger is never changed (an overlay shares it).
  const balances = new Map(ledger.house.get(id));
  const balance = (balances.get(asset) ?? 0n) + amount;
  if (balance === 0n) balances.delete(asset);
  else balances.set(asset, balance);
  if (balances.size === 0) ledger.house.delete(id);
  else ledger.house.set(id, balances);
}

/**
 * A move names both its places, home among them as `homeLocation`; a deposit or withdrawal names
 * a place only when it is not home. Elsewhere than home, a balance is the account's holding there
 * (location.ts); at home, the account's own balances.
 */
function atOrHome(location: string): string | undefined {
  return location === homeLocation ? undefined : location;
}

function creditAt(
  ledger: Ledger,
  id: AccountId,
  location: string | undefined,
  asset: AssetId,
  amount: Amount,
): void {
  if (location === undefined) {
    // The insurance fund, seeded by the venue (decide.ts), is a house account.
    if (isHouseAccount(id)) creditHouse(ledger, id, asset, amount);
    else credit(ledger, id, asset, amount);
    return;
  }
  const key = holdingKey(id, location);
  // A new map, as `credit` makes: a map once in the ledger is never changed (an overlay shares it).
  const held = new Map(ledger.holdings.get(key));
  const balance = (held.get(asset) ?? 0n) + amount;
  assert(balance >= 0n, 'a holding elsewhere is never negative');
  addToTotals(ledger, asset, amount, 0n);
  if (balance === 0n) held.delete(asset);
  else held.set(asset, balance);
  if (held.size === 0) ledger.holdings.delete(key);
  else ledger.holdings.set(key, held);
}

/** A new balance map for the account (an account's maps are never changed once shared). */
function credit(ledger: Ledger, id: AccountId, asset: AssetId, amount: Amount): void {
  const account = ledger.accounts.get(id);
  assert(account !== undefined, `account ${id} exists`);
  const balances = new Map(account.balances);
  const before = balances.get(asset) ?? 0n;
  const balance = before + amount;
  if (balance === 0n) balances.delete(asset);
  else balances.set(asset, balance);
  ledger.accounts.set(id, { ...account, balances });
  addToTotals(
    ledger,
    asset,
    max(0n, balance) - max(0n, before),
    max(0n, -balance) - max(0n, -before),
  );
}

function addToTotals(ledger: Ledger, asset: AssetId, deposits: Amount, borrows: Amount): void {
  if (deposits === 0n && borrows === 0n) return;
  const total = ledger.venueTotals.get(asset) ?? { deposits: 0n, borrows: 0n };
  const next = { deposits: total.deposits + deposits, borrows: total.borrows + borrows };
  assert(next.deposits >= 0n && next.borrows >= 0n, 'venue totals are never below zero');
  if (next.deposits === 0n && next.borrows === 0n) ledger.venueTotals.delete(asset);
  else ledger.venueTotals.set(asset, next);
}

/** Per asset, the accounts' deposits and borrows, as `Ledger.venueTotals` keeps them. */
export function venueTotalsOf(
  accounts: Iterable<Account>,
  holdings: Iterable<ReadonlyMap<AssetId, Amount>>,
): Map<AssetId, VenueTotal> {
  const totals = new Map<AssetId, { deposits: bigint; borrows: bigint }>();
  const add = (asset: AssetId, balance: Amount) => {
    const total = totals.get(asset) ?? { deposits: 0n, borrows: 0n };
    if (balance > 0n) total.deposits += balance;
    else total.borrows -= balance;
    totals.set(asset, total);
  };
  for (const account of accounts) for (const [asset, b] of account.balances) add(asset, b);
  for (const held of holdings) for (const [asset, b] of held) add(asset, b);
  for (const [asset, t] of totals) if (t.deposits === 0n && t.borrows === 0n) totals.delete(asset);
  return totals;
}

function add(totals: Map<AssetId, Amount>, asset: AssetId, amount: Amount): void {
  totals.set(asset, (totals.get(asset) ?? 0n) + amount);
}

/** `mark:BTCUSDT` → ['mark', 'BTCUSDT']. */
export function splitFeed(feed: PriceFeed): ['mark' | 'index', string] {
  const colon = feed.indexOf(':');
  return [feed.slice(0, colon) as 'mark' | 'index', feed.slice(colon + 1)];
}
