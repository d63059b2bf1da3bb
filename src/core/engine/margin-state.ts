import { applyEvent, type Ledger, splitFeed } from '../ledger/ledger.ts';
import type { LedgerEvent, MarginState } from '../ledger/ledger-event.ts';
import { ledgerOverlay } from '../ledger/ledger-overlay.ts';
import { splitHoldingKey } from '../ledger/location.ts';
import { type BucketFigures, marginFigures } from '../margin/margin-figures.ts';
import { ruleFor } from '../margin/rule-for.ts';
import type { Account } from '../model/account.ts';
import type { AccountId, AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import { scalesWithOpenInterest, scalesWithVenueTotals } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { ONE, type Ratio } from '../num/fixed.ts';
import type { DecideContext } from './decide.ts';
import { viewOf } from './decide-location.ts';
import { ledgerPrices } from './ledger-prices.ts';
import type { MarginBook } from './margin-book.ts';
import { pricesHeld } from './prices-held.ts';

/**
 * A command's events followed by the margin-state changes they cause: each account the events
 * touch is margined on the books as they will be after them (a ledger overlay: nothing changes
 * until the events are durable), and where its state differs from the one the ledger holds, a
 * `margin_state_changed` event records the new one with its exact figures (margin-figures.ts: the
 * report's, not its liquidation prices). So the log says when each account became healthy, a
 * margin call or liquidatable, and why; a replay reads it back, never recomputes it.
 *
 * With a `book`, on the fast path (margin-book.ts), the exact path deciding every account near a
 * threshold and every change; without one, every account on the exact path. The events are the
 * same either way (trading-properties.test.ts holds the two to it).
 *
 * An account whose margin reads a price the ledger does not have keeps its state (no check is made
 * on a price that is not there). A new account is healthy: it gets an event only once it is not.
 */
export function withMarginStates(
  ledger: Ledger,
  events: readonly LedgerEvent[],
  context: Pick<DecideContext, 'venue' | 'nowMs' | 'locations'>,
  book?: MarginBook,
  command = '',
): readonly LedgerEvent[] {
  const after = ledgerOverlay(ledger);
  for (const event of events) applyEvent(after, event);
  const changes =
    book?.changes(ledger, after, events, context, command) ??
    exactChanges(ledger, after, events, context);
  return changes.length === 0 ? events : [...events, ...changes];
}

/** Every account the events touch margined on the exact path, one by one. */
function exactChanges(
  ledger: Ledger,
  after: Ledger,
  events: readonly LedgerEvent[],
  context: Pick<DecideContext, 'venue' | 'nowMs' | 'locations'>,
): LedgerEvent[] {
  const { venue, nowMs } = context;
  const prices = ledgerPrices(after, nowMs);
  const changes: LedgerEvent[] = [];
  for (const id of touchedAccounts(after, events, venue)) {
    const account = viewOf(after, after.accounts.get(id)!, context);
    if (!pricesHeld(after, account, venue, nowMs)) continue;
    const change = stateChange(account, venue, prices, ledger.marginStates.get(id) ?? 'healthy');
    if (change !== undefined) changes.push(change);
  }
  return changes;
}

/** The account's `margin_state_changed` event, where its state is not `current`; exact. */
export function stateChange(
  account: Account,
  venue: Venue,
  prices: PriceView,
  current: MarginState,
): LedgerEvent | undefined {
  const report = marginFigures(account, venue, prices);
  const state = marginStateOf(report, venue.rulebook.liquidationWarning);
  if (state === current) return undefined;
  const { equity, initialMargin, maintenanceMargin } = report;
  return {
    type: 'margin_state_changed',
    account: account.id,
    state,
    equity,
    initialMargin,
    maintenanceMargin,
  };
}

/**
 * Below maintenance in any bucket; then, where the rulebook warns at a margin ratio
 * (`warningAt`), any bucket with a requirement at or above it (maintenance × 1 ≥ equity ×
 * `warningAt`, exactly: no ratio is rounded); then below initial in any pool; else healthy. Each
 * pool on its own: where the venue keeps one per settle asset (Deribit), the account's free
 * collateral counts each at no less than zero, so one pool short hides behind the others' surplus.
 */
export function marginStateOf(
  report: {
    readonly liquidatable: boolean;
    readonly buckets: readonly Pick<
      BucketFigures,
      'marginMode' | 'freeCollateral' | 'equity' | 'maintenanceMargin'
    >[];
  },
  warningAt?: Ratio,
): MarginState {
  if (report.liquidatable) return 'liquidatable';
  const warned =
    warningAt !== undefined &&
    report.buckets.some(
      (b) => b.maintenanceMargin > 0n && b.maintenanceMargin * ONE >= b.equity * warningAt,
    );
  if (warned) return 'liquidation_warning';
  const short = report.buckets.some((b) => b.marginMode !== 'isolated' && b.freeCollateral < 0n);
  return short ? 'margin_call' : 'healthy';
}

/**
 * The accounts whose margin the events may have moved, in the order the events name them (a
 * price's, in the order they were opened): those
 * money moved in or out of, both sides of a fill, every holder paid funding or settled at expiry,
 * and on a price every account holding what it prices (a mark: a position or an open order on
 * the instrument; an index: a balance of the asset, or a position or order settled in it or
 * written on it; a volatility surface: a position or an order on an option written on it).
 * `among`: only those accounts, in its order (liquidation.ts looks at the few below maintenance).
 */
export function touchedAccounts(
  ledger: Ledger,
  events: readonly LedgerEvent[],
  venue: Venue,
  among?: ReadonlySet<AccountId>,
): Set<AccountId> {
  const touched = new Set<AccountId>();
  const add = (id: AccountId) => {
    if (among === undefined ? ledger.accounts.has(id) : among.has(id)) touched.add(id);
  };
  const holders = () =>
    among === undefined
      ? ledger.accounts.values()
      : [...among].map((id) => ledger.accounts.get(id)!);
  for (const event of events) {
    switch (event.type) {
      case 'deposited':
      case 'withdrawn':
      case 'collateral_move_started':
      case 'collateral_move_settled':
      case 'isolated_margin_moved':
      case 'leverage_set':
      case 'order_placed':
      case 'order_amended':
      case 'order_removed':
      case 'liquidation_reduced':
      case 'liquidation_ended':
        add(event.account);
        break;
      case 'liquidation_ordered':
        add(event.order.account);
        break;
      case 'transferred':
        add(event.from);
        add(event.to);
        break;
      case 'filled':
      case 'expiry_settled':
        for (const { account } of event.positions) add(account);
        for (const { account } of event.movements) add(account);
        // Where initial margin scales with the market's open interest (dYdX's OIMF), a change
        // of it moves every holder's, in the order the accounts were opened.
        if (scalesWithOpenInterest(ruleFor(venue, venue.instruments.get(event.instrument)!))) {
          for (const account of holders()) {
            if (pricedBy(account, `mark:${event.instrument}`, venue)) touched.add(account.id);
          }
        }
        break;
      case 'funding_paid':
        for (const { account } of event.positions) add(account);
        for (const { account } of event.movements) add(account);
        break;
      case 'debt_covered':
        add(event.account);
        break;
      case 'price_accepted': {
        // An asset held at another place, or in flight between two, is priced by its index too.
        const elsewhere = new Set<AccountId>();
        const [kind, asset] = splitFeed(event.feed);
        if (kind === 'index') {
          for (const [key, held] of ledger.holdings) {
            if (held.has(asset)) elsewhere.add(splitHoldingKey(key)[0]);
          }
          for (const move of ledger.pendingMoves.values()) {
            if (move.asset === asset) elsewhere.add(move.account);
          }
        }
        // In the order the accounts were opened, as the fast path (margin-book.ts) lists them.
        for (const account of holders()) {
          if (elsewhere.has(account.id) || pricedBy(account, event.feed, venue)) {
            touched.add(account.id);
          }
        }
        break;
      }
      case 'volatility_set':
        for (const account of holders()) {
          if (writesOptionOn(account, event.underlying, venue)) touched.add(account.id);
        }
        break;
      case 'account_opened':
      case 'venue_set':
      case 'instrument_halted':
      case 'instrument_resumed':
      case 'margin_mode_set':
      case 'price_held':
      case 'margin_state_changed':
        break;
    }
  }
  // Where an asset's weights scale with the venue's totals of it (Mango), money moving in it
  // moves every holder's weight: each is margined again, in the order the accounts were opened.
  const scaled = [...scaledAssetsMoved(events, venue)];
  if (scaled.length > 0) {
    const elsewhere = new Set<AccountId>();
    for (const [key, held] of ledger.holdings) {
      if (scaled.some((asset) => held.has(asset))) elsewhere.add(splitHoldingKey(key)[0]);
    }
    for (const account of holders()) {
      if (elsewhere.has(account.id) || scaled.some((a) => account.balances.has(a))) {
        touched.add(account.id);
      }
    }
  }
  return touched;
}

function pricedBy(account: Account, feed: `${'mark' | 'index'}:${string}`, venue: Venue): boolean {
  const [kind, id] = splitFeed(feed);
  if (kind === 'index' && account.balances.has(id)) return true;
  // An open order is margined at its worst against the mark: it is priced as a position is.
  const prices = (contract: { readonly instrument: string }) => {
    if (kind === 'mark') return contract.instrument === id;
    const instrument = venue.instruments.get(contract.instrument)!;
    return instrument.settle === id || instrument.underlying === id;
  };
  return account.positions.some(prices) || account.openOrders.some(prices);
}

function writesOptionOn(account: Account, underlying: string, venue: Venue): boolean {
  const on = (contract: { readonly instrument: string }) => {
    const instrument = venue.instruments.get(contract.instrument)!;
    return instrument.kind === 'option' && instrument.underlying === underlying;
  };
  return account.positions.some(on) || account.openOrders.some(on);
}

/** The assets the events move money in whose weights scale with the venue's totals. */
function scaledAssetsMoved(events: readonly LedgerEvent[], venue: Venue): Set<AssetId> {
  const moved = new Set<AssetId>();
  const scales = (asset: AssetId) => {
    const rule = venue.rulebook.collateral.get(asset);
    if (rule !== undefined && scalesWithVenueTotals(rule)) moved.add(asset);
  };
  if (!scalesAnyAsset(venue)) return moved;
  for (const event of events) {
    if ('movements' in event) for (const { asset } of event.movements) scales(asset);
    if ('asset' in event && typeof event.asset === 'string') scales(event.asset);
  }
  return moved;
}

/** Whether any asset's weights scale with the venue's totals, found once per venue. */
const scaling = new WeakMap<Venue, boolean>();

function scalesAnyAsset(venue: Venue): boolean {
  let scales = scaling.get(venue);
  if (scales === undefined) {
    scales = [...venue.rulebook.collateral.values()].some(scalesWithVenueTotals);
    scaling.set(venue, scales);
  }
  return scales;
}
