import type { Position } from '../model/account.ts';
import { formatFixed } from '../num/fixed.ts';
import type { Ledger } from './ledger.ts';
import { sha256 } from './sha256.ts';

/**
 * The ledger's state as one canonical text (accounts by id, balances by asset, the venue's own
 * accounts, totals and prices by asset or instrument, feeds, volatility surfaces, funding and
 * answered commands by id) and its SHA-256: the same state gives
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
      deposited: amounts(ledger.deposited),
      withdrawn: amounts(ledger.withdrawn),
      assetPrices: amounts(ledger.assetPrices),
      markPrices: amounts(ledger.markPrices),
      feeds: byKey(ledger.feeds),
      answered: byKey(ledger.answered),
      ...(ledger.venue === undefined ? {} : { venue: ledger.venue }),
      ...(ledger.venueRules === undefined ? {} : { venueRules: ledger.venueRules }),
      // Sections the ledger gained after version 1, each only where it holds something: a ledger
      // that uses none of them hashes as it did, so its stored snapshots still verify.
      ...nonEmpty({
        house: byKey(ledger.house).map(([id, balances]) => [id, amounts(balances)]),
        holdings: byKey(ledger.holdings).map(([key, balances]) => [key, amounts(balances)]),
        pendingMoves: byKey(ledger.pendingMoves).map(([move, p]) => [
          move,
          {
            account: p.account,
            asset: p.asset,
            amount: p.amount,
            from: p.from,
            to: p.to,
            settlesAtMs: p.settlesAtMs,
          },
        ]),
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
        halted: [...ledger.halted.keys()].sort(),
        marginModes: byKey(ledger.marginModes),
        marginStates: byKey(ledger.marginStates),
        liquidations: byKey(ledger.liquidations).map(([id, order]) => [
          id,
          {
            account: order.account,
            bucket: order.bucket,
            instrument: order.instrument,
            ...(order.positionSide === undefined ? {} : { positionSide: order.positionSide }),
            side: order.side,
            size: order.size,
            limitPrice: order.limitPrice,
            bankruptcyPrice: order.bankruptcyPrice,
            markSequence: order.markSequence,
            orderedAtMs: order.orderedAtMs,
            value: order.value,
          },
        ]),
        liquidationPace: byKey(ledger.liquidationPace).map(([account, pace]) => [
          account,
          { blockStartMs: pace.blockStartMs, value: pace.value, lastOrderedMs: pace.lastOrderedMs },
        ]),
        deleverageGrace: byKey(ledger.deleverageGrace),
        volatility: byKey(ledger.volatility).map(([underlying, feed]) => [
          underlying,
          {
            sequence: feed.sequence,
            timeMs: feed.timeMs,
            slices: feed.slices.map(({ expiryMs, atmVolatility, b, rho, m, sigma }) => ({
              expiryMs,
              atmVolatility,
              b,
              rho,
              m,
              sigma,
            })),
          },
        ]),
      }),
    },
    (_key, value) => (typeof value === 'bigint' ? formatFixed(value) : value),
  );
}

function nonEmpty(
  sections: Record<string, readonly unknown[]>,
): Record<string, readonly unknown[]> {
  return Object.fromEntries(Object.entries(sections).filter(([, list]) => list.length > 0));
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
