import {
  crossInitialEquity,
  crossInitialMargin,
  lowestHealth,
  lowestWarningHealth,
  roundingSlack,
} from '../fast/fast-figures.ts';
import { figureCount } from '../fast/fast-margin.ts';
import type { HolderSet } from '../fast/holder-set.ts';
import { LiveBook } from '../fast/live-book.ts';
import { errorBand, stateCall, warningCall } from '../fast/screen.ts';
import { applyEvent, type Ledger, splitFeed } from '../ledger/ledger.ts';
import { type LedgerEvent, type MarginState, marginStates } from '../ledger/ledger-event.ts';
import { ledgerOverlay } from '../ledger/ledger-overlay.ts';
import type { Account } from '../model/account.ts';
import type { PriceView } from '../model/price-view.ts';
import { anyScalesWithOpenInterest, scalesWithVenueTotals } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { DecideContext } from './decide.ts';
import { viewOf } from './decide-location.ts';
import { ledgerPrices } from './ledger-prices.ts';
import { stateChange, touchedAccounts } from './margin-state.ts';
import { pricesHeld } from './prices-held.ts';

type Context = Pick<DecideContext, 'venue' | 'nowMs' | 'locations'>;
type PriceAccepted = Extract<LedgerEvent, { readonly feed: unknown }>;

/** Whether the book serves a venue, found once per venue: it is asked at every command. */
const served = new WeakMap<Venue, boolean>();

/**
 * The engine's fast path to margin states (DESIGN.md "Two paths"): every account as its margin
 * sees it (its holdings elsewhere at their places' weights: `viewOf`) in a LiveBook, kept in step
 * with the ledger. A command's accounts are rewritten in place and re-margined; a mark tick re-margins
 * the legs on its instrument of the accounts holding it, and nothing else. The fast path calls an
 * account's state only beyond its error bound (`stateCall`); an account it cannot call, one the
 * columns do not margin, and every change of state are margined exactly, and the event carries
 * the exact figures. A change the fast path called that the exact path does not confirm is a
 * broken invariant: the two paths disagree beyond the tolerance they are held to.
 *
 * The book runs one command ahead of the ledger while it is judged (it is rewritten as the
 * command's events will leave the ledger). It checks, at the next command, that the ledger took
 * that command's record and nothing else; otherwise (the append failed, or records were applied
 * without being judged here: a replay, a venue's record) it is built again from the ledger.
 *
 * Not served, so margined exactly throughout: a venue with a collateral weight that moves with
 * time (a maintenance weight shift: the columns hold the weights at one time), or a rule scaled by
 * the venue's own open interest or totals (the columns hold them as built).
 */
export class MarginBook {
  private live: LiveBook | undefined;
  private builtFor?: Context['venue'];
  private locations?: Context['locations'];
  private ahead: { readonly command: string; readonly events: number } | undefined;
  /** By row: the state the ledger holds (0 healthy, 1 margin call, 2 liquidatable). */
  private states: number[] = [];
  /** By row: 1 where every price the account's margin reads is there (`pricesHeld`). */
  private priced: number[] = [];
  private readonly out = new Float64Array(figureCount);
  /**
   * Accounts called on the fast path, screened on a tick without a re-margin, margined exactly,
   * and the live books built.
   */
  readonly tally = { fast: 0, screened: 0, exact: 0, builds: 0 };

  static serves(venue: Venue): boolean {
    let serves = served.get(venue);
    if (serves === undefined) {
      // Its columns hold each market's open interest, and each asset's venue totals, as built; a
      // rule scaled by them reads the ledger's as they move, on the exact path.
      serves =
        ![...venue.rulebook.collateral.values()].some(
          (rule) => rule.maintenanceWeightShift !== undefined || scalesWithVenueTotals(rule),
        ) && !anyScalesWithOpenInterest(venue.rulebook);
      served.set(venue, serves);
    }
    return serves;
  }

  /**
   * The margin-state changes of a command's `events`, `after` being the ledger with them applied;
   * undefined where the book does not serve the venue, or the command is not one it margins (the
   * caller margins exactly).
   */
  changes(
    ledger: Ledger,
    after: Ledger,
    events: readonly LedgerEvent[],
    context: Context,
    command: string,
  ): LedgerEvent[] | undefined {
    const moved = events.filter((e): e is PriceAccepted => e.type === 'price_accepted');
    const others = events.filter((e) => e.type !== 'price_accepted');
    const named = touchedAccounts(after, others, context.venue);
    // A price is a command of its own (price_tick): anything else, the exact path margins, and
    // the book is built again at the next command.
    if (
      !MarginBook.serves(context.venue) ||
      moved.length > 1 ||
      (moved.length > 0 && named.size > 0)
    ) {
      this.live = undefined;
      return undefined;
    }
    const live = this.follow(ledger, context);
    const prices = ledgerPrices(after, context.nowMs);
    for (const event of events) {
      if (event.type === 'account_opened') this.add(live, after.accounts.get(event.account)!);
    }
    const tick = moved[0];
    const changes =
      tick === undefined
        ? this.named(live, after, named, context, prices)
        : this.tick(live, ledger, after, tick, context, prices);
    this.ahead = { command, events: ledger.events + events.length + changes.length };
    return changes;
  }

  /**
   * What liquidation added to the command's events after the margin states (liquidation.ts:
   * orders, their cancels, debts covered and the states those leave), `events` being the whole
   * record: the accounts they touch rewritten and their recorded states taken, so the book stays
   * one command ahead of the ledger rather than being built again at the next command.
   */
  followLiquidation(
    ledger: Ledger,
    events: readonly LedgerEvent[],
    added: number,
    context: Context,
  ): void {
    const { live, ahead } = this;
    if (live === undefined || ahead === undefined || added === 0) return;
    const after = ledgerOverlay(ledger);
    for (const event of events) applyEvent(after, event);
    const extra = events.slice(events.length - added);
    for (const id of touchedAccounts(after, extra, context.venue)) {
      this.rewrite(live, after, after.accounts.get(id)!, context);
    }
    for (const event of extra) {
      if (event.type !== 'margin_state_changed') continue;
      this.states[live.rowOfAccount(event.account)!] = stateCode(event.state);
    }
    this.ahead = { command: ahead.command, events: ahead.events + added };
  }

  /** The accounts a command names, rewritten and each called, in the order named. */
  private named(
    live: LiveBook,
    after: Ledger,
    named: ReadonlySet<string>,
    context: Context,
    prices: PriceView,
  ): LedgerEvent[] {
    const { venue } = context;
    const confirmBelow = venue.rulebook.liquidationNeedsMargin === true;
    const changes: LedgerEvent[] = [];
    for (const id of named) {
      const row = this.rewrite(live, after, after.accounts.get(id)!, context);
      const fast = this.priced[row] === 1 && live.book.exactOnly[row] === 0;
      const call = fast ? fastCall(this.out, confirmBelow) : undefined;
      const change = this.judge(live, row, call, after, context, prices);
      if (change !== undefined) changes.push(change);
    }
    return changes;
  }

  /** The book as the ledger now is: confirmed one command on, or built again. */
  private follow(ledger: Ledger, context: Context): LiveBook {
    const { live, ahead } = this;
    this.ahead = undefined;
    if (
      live !== undefined &&
      ahead !== undefined &&
      this.builtFor === context.venue &&
      this.locations === context.locations &&
      ahead.events === ledger.events &&
      ledger.answered.has(ahead.command)
    ) {
      return live;
    }
    this.tally.builds += 1;
    const { venue } = context;
    const views = [...ledger.accounts.values()].map((a) => viewOf(ledger, a, context));
    const { assetPrices, markPrices } = ledger;
    this.live = new LiveBook(views, venue, { assetPrices, markPrices });
    this.builtFor = venue;
    this.locations = context.locations;
    this.states = views.map((a) => stateCode(ledger.marginStates.get(a.id) ?? 'healthy'));
    this.priced = views.map((a) => (pricesHeld(ledger, a, venue, context.nowMs) ? 1 : 0));
    return this.live;
  }

  private add(live: LiveBook, account: Account): void {
    const row = live.setAccount(account);
    this.states[row] = 0;
    this.priced[row] = 1;
  }

  /** The account as the command leaves it, re-margined: its figures in `out`. */
  private rewrite(live: LiveBook, after: Ledger, account: Account, context: Context): number {
    const view = viewOf(after, account, context);
    const row = live.setAccount(view, this.out);
    this.priced[row] = pricesHeld(after, view, context.venue, context.nowMs) ? 1 : 0;
    return row;
  }

  private reprice(live: LiveBook, holders: HolderSet, after: Ledger, context: Context): void {
    for (let k = 0; k < holders.size; k += 1) {
      const row = holders.rows[k]!;
      this.priced[row] = pricesHeld(after, live.book.accounts[row]!, context.venue, context.nowMs)
        ? 1
        : 0;
    }
  }

  /**
   * One price moved: each holder re-margined where it moved (the legs on a mark's instrument, or
   * the whole account on an asset's price), in the order the accounts were opened (the holder
   * set's), which is the order of the changes.
   */
  private tick(
    live: LiveBook,
    ledger: Ledger,
    after: Ledger,
    event: PriceAccepted,
    context: Context,
    prices: PriceView,
  ): LedgerEvent[] {
    const { venue } = context;
    const [kind, id] = splitFeed(event.feed);
    const price = event.applied ?? event.state.last!.price;
    const mark = kind === 'mark';
    const i = mark ? live.instrumentRow(id)! : -1;
    const previous = mark ? live.markOf(i) : Number.NaN;
    if (mark) live.setMark(id, price);
    else live.setAssetPrice(id, price);
    const moved = mark ? live.markOf(i) : Number.NaN;
    const holders = mark ? live.markHolders(id) : live.assetHolders(id);
    if (holders === undefined) return [];
    // A feed's first price: its holders may now have every price they read.
    if (!(mark ? ledger.markPrices : ledger.assetPrices).has(id)) {
      this.reprice(live, holders, after, context);
    }
    const { out, priced, states } = this;
    const exactOnly = live.book.exactOnly;
    const confirmBelow = venue.rulebook.liquidationNeedsMargin === true;
    const { rows, slope, anchor, low, high } = holders;
    const { budget, spent } = live;
    const changes: LedgerEvent[] = [];
    for (let k = 0; k < holders.size; k += 1) {
      const row = rows[k]!;
      // Screened: the most this mark's moves since the anchor can have moved the account's margin
      // is still short of what would change its state (NaN bounds: never).
      if (moved >= low[k]! && moved <= high[k]!) {
        const s = slope[k]!;
        const reach =
          spent[row]! - s * Math.abs(previous - anchor[k]!) + s * Math.abs(moved - anchor[k]!);
        if (reach < budget[row]!) {
          spent[row] = reach;
          this.tally.screened += 1;
          continue;
        }
      }
      if (priced[row] === 0) continue;
      let call: MarginState | undefined;
      if (exactOnly[row] === 0) {
        if (i < 0) live.remargin(row, out);
        else live.remarginOn(row, i, out);
        call = fastCall(out, confirmBelow);
        if (call !== undefined && stateCode(call) === states[row]) {
          this.tally.fast += 1;
          live.anchor(row, confirmBelow ? 0 : room(out, call));
          continue;
        }
      }
      const change = this.judge(live, row, call, after, context, prices);
      if (change !== undefined) changes.push(change);
      live.anchor(row, call !== undefined && !confirmBelow ? room(out, call) : 0);
    }
    return changes;
  }

  /**
   * The account's change of state, if any: none where the fast path calls the state it holds;
   * else the exact path's, which must be the fast path's call where it made one.
   */
  private judge(
    live: LiveBook,
    row: number,
    call: MarginState | undefined,
    after: Ledger,
    context: Context,
    prices: PriceView,
  ): LedgerEvent | undefined {
    const { venue, nowMs } = context;
    // Checked again: an option's surface runs out as the log's time passes its last expiry.
    if (this.priced[row] === 0 || !pricesHeld(after, live.book.accounts[row]!, venue, nowMs)) {
      return undefined;
    }
    const current = marginStates[this.states[row]!]!;
    if (call === current) {
      this.tally.fast += 1;
      return undefined;
    }
    this.tally.exact += 1;
    const change = stateChange(live.book.accounts[row]!, venue, prices, current);
    const state = change?.type === 'margin_state_changed' ? change.state : current;
    assert(
      call === undefined || call === state,
      `the fast path called ${live.book.accounts[row]!.id} ${call}, the exact path ${state}`,
    );
    this.states[row] = stateCode(state);
    return change;
  }
}

/**
 * How far the account's margin can move with its state unchanged, from the figures in `out` that
 * called it `state` (USD): the distance of each threshold the state depends on, less the fast
 * path's error band and once more its rounding slack (a requirement's unit may round the other
 * way at another price), halved for the float error of the screen's own sums. 0 where none is
 * left. The warning's distance, r × equity − MM, moves no faster than the health does (r < 1).
 */
function room(out: Float64Array, state: MarginState): number {
  const free = out[crossInitialEquity]! - out[crossInitialMargin]!;
  const health = out[lowestHealth]!;
  const warning = out[lowestWarningHealth]!;
  const distance =
    state === 'liquidatable'
      ? -health
      : state === 'liquidation_warning'
        ? Math.min(-warning, health)
        : state === 'margin_call'
          ? Math.min(-free, health, warning)
          : Math.min(free, health, warning);
  const left = distance - errorBand(out) - out[roundingSlack]!;
  return left > 0 ? left / 2 : 0;
}

function stateCode(state: MarginState): number {
  return marginStates.indexOf(state);
}

/** The state the figures in `out` call beyond doubt, else undefined (the exact path decides). */
function fastCall(out: Float64Array, confirmBelow: boolean): MarginState | undefined {
  const call = stateCall(out, confirmBelow);
  if (call === undefined || call === 'liquidatable') return call;
  const warned = warningCall(out);
  if (warned === undefined) return undefined;
  if (warned) return 'liquidation_warning';
  return call === 'below-initial' ? 'margin_call' : call;
}
