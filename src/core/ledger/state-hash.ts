import type { Position } from '../model/account.ts';
import { formatFixed } from '../num/fixed.ts';
import type { Ledger } from './ledger.ts';
import { sha256 } from './sha256.ts';

/**
 * The ledger's state as one canonical text (accounts by id, balances by asset, the venue's own
 * accounts, totals and prices by asset or instrument, feeds, funding and answered commands by id) and its SHA-256: the same state gives
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
        positions: account.positions.map(canonicalPosition),
        openOrders: account.openOrders.map(({ id, instrument, side, size, price }) => ({
          ...(id === undefined ? {} : { id }),
          instrument,
          side,
          size,
          price,
        })),
        leverage: amounts(account.leverage ?? new Map()),
      })),
      house: byKey(ledger.house).map(([id, balances]) => [id, amounts(balances)]),
      deposited: amounts(ledger.deposited),
      withdrawn: amounts(ledger.withdrawn),
      assetPrices: amounts(ledger.assetPrices),
      markPrices: amounts(ledger.markPrices),
      feeds: byKey(ledger.feeds),
      funding: byKey(ledger.funding).map(([market, index]) => [
        market,
        {
          market: index.market,
          settlement: index.settlement,
          intervalMs: index.intervalMs,
          lastFundingMs: index.lastFundingMs,
          cumulative: index.cumulative,
        },
      ]),
      fundingCarry: byKey(ledger.fundingCarry),
      settled: amounts(ledger.settled),
      marginModes: byKey(ledger.marginModes),
      marginStates: byKey(ledger.marginStates),
      answered: byKey(ledger.answered),
    },
    (_key, value) => (typeof value === 'bigint' ? formatFixed(value) : value),
  );
}

/** A position's fields in one order, whichever order the object that holds them was built in. */
function canonicalPosition(position: Position): Record<string, unknown> {
  const { instrument, size, side, entryPrice, marginMode, isolatedMargin, unsettledPnl } = position;
  return {
    instrument,
    size,
    ...(side === undefined ? {} : { side }),
    entryPrice,
    marginMode,
    isolatedMargin,
    ...(unsettledPnl === undefined ? {} : { unsettledPnl }),
  };
}
