import { hash } from 'node:crypto';
import type { FundingIndex } from '../../core/ledger/funding-index.ts';
import { type Ledger, newLedger, openInterestOf, venueTotalsOf } from '../../core/ledger/ledger.ts';
import type { MarginState, PriceFeed } from '../../core/ledger/ledger-event.ts';
import type { LiquidationOrder, LiquidationPace } from '../../core/ledger/liquidation-order.ts';
import type { PendingMove } from '../../core/ledger/location.ts';
import type { FeedState } from '../../core/ledger/price-feed.ts';
import { canonicalState } from '../../core/ledger/state-hash.ts';
import type { VolatilityFeed } from '../../core/ledger/volatility-feed.ts';
import type { Account, MarginMode, PositionSide, Side } from '../../core/model/account.ts';
import { parseFixed } from '../../core/num/fixed.ts';
import { InputError } from '../import/reader.ts';
import type { Snapshot, SnapshotToWrite } from './event-store.ts';

/**
 * The ledger as a snapshot holds it: its canonical text (state-hash.ts), which is also what its
 * hash is taken over, so a snapshot read back is checked by hashing it again. Start-up reads the
 * latest snapshot, checks that its state gives the hash stored beside it, and replays the events
 * after it: the same ledger as a replay from the first event (tested), in less time.
 */
export function snapshotOf(ledger: Ledger): SnapshotToWrite {
  const state = canonicalState(ledger);
  return { sequence: ledger.events, state, stateHash: hash('sha256', state) };
}

/**
 * state-hash.ts `stateHash` with the runtime's SHA-256 (the same digest: sha256.test.ts; many times
 * faster than the core's own, which a pure core needs): what the shell hashes a ledger with.
 */
export function ledgerHash(ledger: Ledger): string {
  return hash('sha256', canonicalState(ledger));
}

export function ledgerOf(snapshot: Snapshot): Ledger {
  const fail = (why: string) =>
    new InputError([`event log: snapshot at event ${snapshot.sequence}: ${why}`]);
  let state: CanonicalState;
  try {
    state = JSON.parse(snapshot.state) as CanonicalState;
  } catch {
    throw fail('its state is not JSON');
  }
  const ledger = newLedger();
  const amount = (text: string): bigint => {
    const value = parseFixed(text);
    if (value === null) throw fail(`"${text}" is not a decimal`);
    return value;
  };
  const amounts = (pairs: readonly [string, string][]) =>
    new Map(pairs.map(([key, text]) => [key, amount(text)]));
  try {
    ledger.events = state.events;
    if (state.venue !== undefined) ledger.venue = state.venue;
    if (state.venueRules !== undefined) ledger.venueRules = state.venueRules;
    for (const a of state.accounts) {
      const account: Account = {
        id: a.id,
        ...(a.poolMode === 'cross' ? {} : { poolMode: a.poolMode }),
        balances: amounts(a.balances),
        positions: a.positions.map((p) => ({
          instrument: p.instrument,
          size: amount(p.size),
          ...(p.side === undefined ? {} : { side: p.side }),
          entryPrice: amount(p.entryPrice),
          marginMode: p.marginMode,
          isolatedMargin: amount(p.isolatedMargin),
          ...(p.unsettledPnl === undefined ? {} : { unsettledPnl: amount(p.unsettledPnl) }),
        })),
        openOrders: a.openOrders.map((o) => ({
          ...(o.id === undefined ? {} : { id: o.id }),
          instrument: o.instrument,
          side: o.side,
          size: amount(o.size),
          price: amount(o.price),
        })),
        ...(a.leverage.length === 0 ? {} : { leverage: amounts(a.leverage) }),
      };
      ledger.accounts.set(a.id, account);
    }
    for (const [id, balances] of state.house ?? []) ledger.house.set(id, amounts(balances));
    for (const [key, balances] of state.holdings ?? []) ledger.holdings.set(key, amounts(balances));
    for (const [move, p] of state.pendingMoves ?? []) {
      ledger.pendingMoves.set(move, { ...p, amount: amount(p.amount) });
    }
    for (const [market, index] of state.funding ?? []) {
      ledger.funding.set(market, { ...index, cumulative: amount(index.cumulative) });
    }
    for (const [key, carry] of state.fundingCarry ?? [])
      ledger.fundingCarry.set(key, amount(carry));
    for (const [id, price] of amounts(state.settled ?? [])) ledger.settled.set(id, price);
    for (const id of state.halted ?? []) ledger.halted.set(id, true);
    for (const [key, mode] of state.marginModes ?? []) ledger.marginModes.set(key, mode);
    for (const [id, marginState] of state.marginStates ?? [])
      ledger.marginStates.set(id, marginState);
    for (const [id, order] of state.liquidations ?? []) {
      ledger.liquidations.set(id, {
        ...order,
        id,
        size: amount(order.size),
        limitPrice: amount(order.limitPrice),
        bankruptcyPrice: order.bankruptcyPrice === null ? null : amount(order.bankruptcyPrice),
        value: amount(order.value),
      });
    }
    for (const [account, pace] of state.liquidationPace ?? []) {
      ledger.liquidationPace.set(account, { ...pace, value: amount(pace.value) });
    }
    for (const [account, untilMs] of state.deleverageGrace ?? []) {
      ledger.deleverageGrace.set(account, untilMs);
    }
    for (const [asset, value] of amounts(state.deposited)) ledger.deposited.set(asset, value);
    for (const [asset, value] of amounts(state.withdrawn)) ledger.withdrawn.set(asset, value);
    for (const [asset, value] of amounts(state.assetPrices)) ledger.assetPrices.set(asset, value);
    for (const [id, value] of amounts(state.markPrices)) ledger.markPrices.set(id, value);
    for (const [feed, feedState] of state.feeds) {
      const tick = (t: { sequence: number; timeMs: number; price: string }) => ({
        ...t,
        price: amount(t.price),
      });
      const read: FeedState = {
        ...(feedState.last === undefined ? {} : { last: tick(feedState.last) }),
        held: feedState.held.map(tick),
        sequence: feedState.sequence,
        ...(feedState.unreliableSinceMs === undefined
          ? {}
          : { unreliableSinceMs: feedState.unreliableSinceMs }),
      };
      ledger.feeds.set(feed, read);
    }
    // Not stored: the positions and balances give them.
    for (const [id, open] of openInterestOf(ledger.accounts.values())) {
      ledger.openInterest.set(id, open);
    }
    for (const [asset, total] of venueTotalsOf(
      ledger.accounts.values(),
      ledger.holdings.values(),
    )) {
      ledger.venueTotals.set(asset, total);
    }
    for (const [underlying, feed] of state.volatility ?? []) {
      ledger.volatility.set(underlying, feed);
    }
    for (const [id, answered] of state.answered) ledger.answered.set(id, answered);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fail(`its state does not read (${(error as Error).message})`);
  }
  // The state must be the one its hash was taken over: the text read, and the ledger it gives.
  if (ledgerHash(ledger) !== snapshot.stateHash) {
    throw fail('its state does not give the state hash stored with it');
  }
  return ledger;
}

/** canonicalState's shape, amounts as decimal strings. */
interface CanonicalState {
  readonly events: number;
  readonly venue?: string;
  readonly venueRules?: string;
  readonly accounts: readonly {
    readonly id: string;
    readonly poolMode: 'cross' | 'portfolio';
    readonly balances: readonly [string, string][];
    readonly positions: readonly {
      readonly instrument: string;
      readonly size: string;
      readonly side?: PositionSide;
      readonly entryPrice: string;
      readonly marginMode: MarginMode;
      readonly isolatedMargin: string;
      readonly unsettledPnl?: string;
    }[];
    readonly openOrders: readonly {
      readonly id?: string;
      readonly instrument: string;
      readonly side: Side;
      readonly size: string;
      readonly price: string;
    }[];
    readonly leverage: readonly [string, string][];
  }[];
  readonly deposited: readonly [string, string][];
  readonly withdrawn: readonly [string, string][];
  readonly assetPrices: readonly [string, string][];
  readonly markPrices: readonly [string, string][];
  readonly feeds: readonly [
    PriceFeed,
    {
      readonly last?: { sequence: number; timeMs: number; price: string };
      readonly held: readonly { sequence: number; timeMs: number; price: string }[];
      readonly sequence: number;
      readonly unreliableSinceMs?: number;
    },
  ][];
  readonly house?: readonly [string, [string, string][]][];
  readonly holdings?: readonly [string, [string, string][]][];
  readonly pendingMoves?: readonly [
    string,
    Omit<PendingMove, 'amount'> & { readonly amount: string },
  ][];
  readonly funding?: readonly [
    string,
    Omit<FundingIndex, 'cumulative'> & { readonly cumulative: string },
  ][];
  readonly fundingCarry?: readonly [string, string][];
  readonly settled?: readonly [string, string][];
  readonly halted?: readonly string[];
  readonly marginModes?: readonly [string, MarginMode][];
  readonly marginStates?: readonly [string, MarginState][];
  readonly liquidations?: readonly [
    string,
    Omit<LiquidationOrder, 'id' | 'size' | 'limitPrice' | 'bankruptcyPrice' | 'value'> & {
      readonly size: string;
      readonly limitPrice: string;
      readonly bankruptcyPrice: string | null;
      readonly value: string;
    },
  ][];
  readonly liquidationPace?: readonly [
    string,
    Omit<LiquidationPace, 'value'> & { readonly value: string },
  ][];
  readonly deleverageGrace?: readonly [string, number][];
  readonly volatility?: readonly [string, VolatilityFeed][];
  readonly answered: readonly [string, { digest: string; first: number; count: number }][];
}
