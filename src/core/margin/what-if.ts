import { sizeMax } from '../limits.ts';
import type { Account, Side } from '../model/account.ts';
import { bucketsOf, crossBucketFor } from '../model/bucket.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import { isMarginedAtIndex } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Price, Quantity } from '../num/fixed.ts';
import { abs, max, sign } from '../num/fixed.ts';
import { floorToStep } from '../num/rounding.ts';
import { lastSafe } from './boundary-search.ts';
import { positionLimit } from './brackets.ts';
import { bucketRisk, freeCollateral } from './bucket-risk.ts';
import { notional } from './contract-value.ts';
import { applyHypothetical, type Hypothetical } from './hypothetical.ts';
import { indexOf, marginMark } from './leg-risk.ts';
import { maxLeverageAt } from './margin-terms.ts';
import { ruleFor } from './rule-for.ts';

/**
 * Initial health (initial equity − initial margin, open orders at their worst) of the bucket that
 * `bucketId` names, after a hypothetical change. A what-if passes when it is ≥ 0.
 */
export function initialHealthAfter(
  account: Account,
  venue: Venue,
  prices: PriceView,
  change: Hypothetical | null,
  bucketId: string,
): Amount {
  const after = change === null ? account : applyHypothetical(account, venue, change);
  const bucket = bucketsOf(after, venue).find((candidate) => candidate.id === bucketId);
  // A position closed by the change leaves no bucket: nothing is left to fund.
  if (bucket === undefined) return 0n;
  return freeCollateral(bucketRisk(venue, bucket, prices));
}

/**
 * The largest order on one side that leaves its bucket at or above initial margin, filled at
 * `price`, rounded down to the size step. Reducing the position is always allowed (venues accept
 * reduce-only orders whatever the margin), so the answer is at least the size that closes it.
 * Past the close, the requirement grows with size and the search assumes health then only falls.
 */
export function maxOrderSize(
  account: Account,
  venue: Venue,
  prices: PriceView,
  instrumentId: InstrumentId,
  side: Side,
  price: Price,
): Quantity {
  const instrument = venue.instruments.get(instrumentId)!;
  const position = account.positions.find((p) => p.instrument === instrumentId);
  const bucketId =
    position?.marginMode === 'isolated' ? instrumentId : crossBucketFor(venue, instrument.settle);
  const opposing =
    position !== undefined && (side === 'buy' ? position.size < 0n : position.size > 0n);
  const closing = opposing ? abs(position.size) : 0n;
  const orderOf = (size: Quantity) =>
    ({ kind: 'order', instrument: instrumentId, side, size, price }) as const;
  const healthAt = (size: Quantity): Amount => {
    if (size === 0n) return initialHealthAfter(account, venue, prices, null, bucketId);
    const order: Hypothetical = orderOf(size);
    // Past a full close of an isolated position, the new one opens in the same bucket's place.
    return initialHealthAfter(account, venue, prices, order, bucketId);
  };
  // An order past the venue's position limit fails whatever the margin; a close never does.
  const passes = (size: Quantity): boolean =>
    healthAt(size) >= 0n &&
    (size <= closing || !exceedsPositionLimit(account, venue, prices, orderOf(size)));
  if (!passes(closing)) return closing;
  let unsafe = max(closing * 2n, instrument.sizeStep);
  while (passes(unsafe)) {
    if (unsafe >= sizeMax) return floorToStep(sizeMax, instrument.sizeStep);
    unsafe *= 2n;
  }
  const size = lastSafe(closing, unsafe, 1n, passes);
  return max(closing, floorToStep(size, instrument.sizeStep));
}

/**
 * Whether the position an order leaves is past the venue's position limit, measured as the
 * brackets are (its notional at the price the rule margins at: the mark, the index, or its entry
 * after the fill; or its size in contracts): past a bounded last bracket, or past the last
 * bracket that allows the account's chosen leverage ("Choosing 90x leverage leads to a maximum
 * position value of 100,000 USDT", Gate's Risk Limit page; Binance's and Bybit's the same).
 */
export function exceedsPositionLimit(
  account: Account,
  venue: Venue,
  prices: PriceView,
  order: Hypothetical & { kind: 'order' },
): boolean {
  const instrument = venue.instruments.get(order.instrument)!;
  const rule = ruleFor(venue, instrument);
  if (rule.kind !== 'brackets') return false;
  const limit = positionLimit(rule.brackets);
  const chosen = account.leverage?.get(order.instrument);
  if (limit === null && chosen === undefined) return false;
  const after = applyHypothetical(account, venue, order);
  const position = after.positions.find((p) => p.instrument === order.instrument);
  if (position === undefined || position.size === 0n) return false;
  const leg = { ...position, leverage: undefined, orders: [] };
  const at = marginMark(rule, leg, prices.markPrice(order.instrument));
  const index = indexOf(instrument, rule, prices);
  const value = notional(instrument, position.size, isMarginedAtIndex(rule) ? index! : at, index);
  const contracts = abs(position.size);
  const measure = rule.tierBy === 'contracts' ? contracts : value;
  if (limit !== null && measure > limit) return true;
  return chosen !== undefined && maxLeverageAt(rule, value, contracts)! < chosen;
}

/**
 * The most of one asset that can leave the cross pool with it still at or above initial margin,
 * without borrowing (at most the balance held).
 */
export function maxWithdrawal(
  account: Account,
  venue: Venue,
  prices: PriceView,
  asset: AssetId,
): Amount {
  const balance = account.balances.get(asset) ?? 0n;
  if (balance <= 0n) return 0n;
  const healthAt = (amount: Amount): Amount =>
    initialHealthAfter(
      account,
      venue,
      prices,
      { kind: 'transfer', asset, amount: -amount },
      crossBucketFor(venue, asset),
    );
  if (healthAt(0n) < 0n) return 0n;
  if (healthAt(balance) >= 0n) return balance;
  return lastSafe(0n, balance, 1n, (amount) => healthAt(amount) >= 0n);
}

/** Rejection codes of a what-if check, in the order they are tested. */
export type Verdict =
  | 'accepted'
  | 'insufficient_balance'
  | 'position_limit_exceeded'
  | 'initial_margin_insufficient';

/**
 * Would the venue accept the change? A withdrawal needs the balance to be there; an order that only
 * reduces a position always passes; an order that leaves a position past the venue's position
 * limit (a bounded last bracket) fails; anything else must leave its bucket at or above initial
 * margin.
 */
export function verdict(
  account: Account,
  venue: Venue,
  prices: PriceView,
  change: Hypothetical,
): Verdict {
  if (change.kind === 'transfer' && change.amount < 0n) {
    if ((account.balances.get(change.asset) ?? 0n) + change.amount < 0n)
      return 'insufficient_balance';
  }
  let bucketId: string;
  if (change.kind === 'order') {
    const position = account.positions.find((p) => p.instrument === change.instrument);
    const traded = change.side === 'buy' ? change.size : -change.size;
    const reducing =
      position !== undefined &&
      sign(position.size) === -sign(traded) &&
      abs(traded) <= abs(position.size);
    if (reducing) return 'accepted';
    if (exceedsPositionLimit(account, venue, prices, change)) return 'position_limit_exceeded';
    bucketId =
      position?.marginMode === 'isolated'
        ? change.instrument
        : crossBucketFor(venue, venue.instruments.get(change.instrument)!.settle);
  } else if (change.kind === 'transfer') {
    bucketId = crossBucketFor(venue, change.asset);
  } else {
    bucketId = crossBucketFor(venue, venue.instruments.get(change.instrument)!.settle);
  }
  const health = initialHealthAfter(account, venue, prices, change, bucketId);
  return health >= 0n ? 'accepted' : 'initial_margin_insufficient';
}
