import { formatFixed } from '../num/fixed.ts';
import type { Ledger } from './ledger.ts';
import { sha256 } from './sha256.ts';

/**
 * The ledger's state as one canonical text (accounts by id, balances by asset, totals and prices
 * by asset or instrument, feeds and answered commands by id) and its SHA-256: the same state gives
 * the same hash on any machine, so a replay, a snapshot plus its tail, and a restart can each be
 * checked against the one stored.
 * Positions and orders keep their order: the ledger keeps them in the order events made them.
 */
export function stateHash(ledger: Ledger): string {
  return sha256(canonicalState(ledger));
}

export function canonicalState(ledger: Ledger): string {
  const byKey = <V>(map: ReadonlyMap<string, V>): [string, V][] =>
    [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const amounts = (map: ReadonlyMap<string, bigint>) =>
    byKey(map).map(([key, value]) => [key, formatFixed(value)]);
  return JSON.stringify(
    {
      events: ledger.events,
      accounts: byKey(ledger.accounts).map(([id, account]) => ({
        id,
        poolMode: account.poolMode ?? 'cross',
        balances: amounts(account.balances),
        positions: account.positions,
        openOrders: account.openOrders,
        leverage: amounts(account.leverage ?? new Map()),
      })),
      deposited: amounts(ledger.deposited),
      withdrawn: amounts(ledger.withdrawn),
      assetPrices: amounts(ledger.assetPrices),
      markPrices: amounts(ledger.markPrices),
      feeds: byKey(ledger.feeds),
      answered: byKey(ledger.answered),
    },
    (_key, value) => (typeof value === 'bigint' ? formatFixed(value) : value),
  );
}
