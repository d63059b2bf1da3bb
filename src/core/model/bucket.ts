import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import type { Account, OpenOrder, Position, PositionSide, SpotOrder } from './account.ts';
import type { AssetId, InstrumentId } from './ids.ts';
import type { Venue } from './venue.ts';

/** One instrument's exposure inside a bucket: its position (size may be 0) and its open orders. */
export interface Leg {
  readonly instrument: InstrumentId;
  readonly size: Quantity;
  readonly entryPrice: Price;
  /** The account's leverage setting for the instrument (Account.leverage). */
  readonly leverage: Ratio | undefined;
  readonly orders: readonly OpenOrder[];
  /** The position's realised but unsettled PnL, in the settle asset (Position.unsettledPnl). */
  readonly unsettledPnl?: Amount;
  /** Hedge mode: the side of the instrument's position this leg is (Position.side). */
  readonly side?: PositionSide;
}

/**
 * How a bucket is margined: position by position over pooled collateral ('cross'), one position
 * on its own margin ('isolated'), or the pooled book as a whole over a scenario grid ('portfolio').
 */
export type BucketMode = 'cross' | 'isolated' | 'portfolio';

/**
 * A pool of collateral and the legs it margins. The pool holds the account's balances and every
 * non-isolated leg, margined in cross or portfolio mode as the account chooses; each isolated
 * position is a bucket of its own holding its ring-fenced margin, so its loss stops at that margin.
 */
export interface Bucket {
  /**
   * "cross" (or "cross:ASSET" per coin), or the instrument id of an isolated position ("ID:long",
   * "ID:short" for a hedge-mode one).
   */
  readonly id: string;
  readonly mode: BucketMode;
  readonly balances: ReadonlyMap<AssetId, Amount>;
  readonly legs: readonly Leg[];
  /** The account's resting spot orders: only a unified cross (or portfolio) pool holds them. */
  readonly spotOrders?: readonly SpotOrder[];
}

export const crossBucketId = 'cross';

/** The cross bucket an asset's balance, or a contract settling in it, belongs to. */
export function crossBucketFor(venue: Venue, asset: AssetId): string {
  return venue.rulebook.crossPool === 'unified' ? crossBucketId : `${crossBucketId}:${asset}`;
}

/**
 * A position's key among the account's: its instrument, and in hedge mode its side as well, so
 * a long and a short on one instrument are two legs. Also the id of its bucket when isolated.
 */
export function positionKey(position: Pick<Position, 'instrument' | 'side'>): string {
  return position.side === undefined
    ? position.instrument
    : `${position.instrument}:${position.side}`;
}

export function bucketsOf(account: Account, venue: Venue): Bucket[] {
  // Keyed by positionKey; open orders join the one-way leg of their instrument (`instrument`).
  const isolated = new Map<string, { balances: Map<AssetId, Amount>; leg: Leg }>();
  const crossLegs = new Map<string, Leg>();
  for (const position of account.positions) {
    const leg: Leg = {
      instrument: position.instrument,
      size: position.size,
      entryPrice: position.entryPrice,
      leverage: account.leverage?.get(position.instrument),
      orders: [],
      ...(position.unsettledPnl ? { unsettledPnl: position.unsettledPnl } : {}),
      ...(position.side === undefined ? {} : { side: position.side }),
    };
    if (position.marginMode === 'isolated') {
      const settle = venue.instruments.get(position.instrument)!.settle;
      isolated.set(positionKey(position), {
        balances: new Map([[settle, position.isolatedMargin]]),
        leg,
      });
    } else {
      crossLegs.set(positionKey(position), leg);
    }
  }
  for (const order of account.openOrders) {
    const holder = isolated.get(order.instrument);
    if (holder !== undefined) {
      holder.leg = withOrder(holder.leg, order);
      continue;
    }
    const leg = crossLegs.get(order.instrument) ?? emptyLeg(account, order.instrument);
    crossLegs.set(order.instrument, withOrder(leg, order));
  }
  const buckets = crossBuckets(account, venue, [...crossLegs.values()]);
  for (const [key, { balances, leg }] of isolated) {
    buckets.push({ id: key, mode: 'isolated', balances, legs: [leg] });
  }
  return buckets;
}

/** A leg that holds only open orders: no position yet, but the account's leverage setting. */
function emptyLeg(account: Account, instrument: InstrumentId): Leg {
  const leverage = account.leverage?.get(instrument);
  return { instrument, size: 0n, entryPrice: 0n, leverage, orders: [] };
}

function withOrder(leg: Leg, order: OpenOrder): Leg {
  return { ...leg, orders: [...leg.orders, order] };
}

function crossBuckets(account: Account, venue: Venue, legs: Leg[]): Bucket[] {
  const poolMode: BucketMode = account.poolMode === 'portfolio' ? 'portfolio' : 'cross';
  if (venue.rulebook.crossPool === 'unified') {
    const spot = account.spotOrders?.length ? { spotOrders: account.spotOrders } : {};
    return [{ id: crossBucketId, mode: poolMode, balances: account.balances, legs, ...spot }];
  }
  const pools = new Map<AssetId, { balances: Map<AssetId, Amount>; legs: Leg[] }>();
  const pool = (asset: AssetId) => {
    let found = pools.get(asset);
    if (found === undefined) {
      found = { balances: new Map(), legs: [] };
      pools.set(asset, found);
    }
    return found;
  };
  for (const [asset, balance] of account.balances) pool(asset).balances.set(asset, balance);
  for (const leg of legs) pool(venue.instruments.get(leg.instrument)!.settle).legs.push(leg);
  return [...pools]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([asset, { balances, legs: poolLegs }]) => ({
      id: crossBucketFor(venue, asset),
      mode: poolMode,
      balances,
      legs: poolLegs,
    }));
}
