import { sizeMax } from '../limits.ts';
import type { Account, Side } from '../model/account.ts';
import { bucketsOf, crossBucketFor, positionKey } from '../model/bucket.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import { isMarginedAtIndex } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import { abs, max, sign } from '../num/fixed.ts';
import { divCeil, divFloor, floorToStep } from '../num/rounding.ts';
import { type BankLimitBreach, bankLimitBreach } from './bank-limits.ts';
import { lastSafe } from './boundary-search.ts';
import { positionLimit } from './brackets.ts';
import { bucketRisk } from './bucket-risk.ts';
import { notional } from './contract-value.ts';
import {
  applyHypothetical,
  bookFilled,
  filledAtLimit,
  type Hypothetical,
  restingSize,
  tradedPosition,
} from './hypothetical.ts';
import { indexOf, marginMark } from './leg-risk.ts';
import { maxLeverageAt } from './margin-terms.ts';
import { ruleFor } from './rule-for.ts';
import { lastHealthyInteger } from './secant-search.ts';

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
  const { initialEquity, initialMargin } = initialRiskAfter(
    account,
    venue,
    prices,
    change,
    bucketId,
  );
  return initialEquity - initialMargin;
}

/** The initial equity and initial margin of one bucket after a change, in USD. */
function initialRiskAfter(
  account: Account,
  venue: Venue,
  prices: PriceView,
  change: Hypothetical | null,
  bucketId: string,
): { initialEquity: Amount; initialMargin: Amount } {
  const after = change === null ? account : applyHypothetical(account, venue, change);
  const bucket = bucketsOf(after, venue).find((candidate) => candidate.id === bucketId);
  // A position closed by the change leaves no bucket: nothing is left to fund.
  if (bucket === undefined) return { initialEquity: 0n, initialMargin: 0n };
  const risk = bucketRisk(venue, bucket, prices);
  return { initialEquity: risk.initialEquity, initialMargin: risk.initialMargin };
}

/**
 * The largest order on one side that leaves its bucket at or above initial margin, filled at
 * `price` (or, `rested`, resting there as an open order), rounded down to the size step.
 * Reducing the position is always allowed (venues accept reduce-only orders whatever the margin),
 * so the answer is at least the size that closes it (resting, what the orders already resting
 * on that side leave of it: the check sees the account's whole book, as the venue does).
 * Past the close, the requirement grows with size and the search assumes health then only falls.
 */
export function maxOrderSize(
  account: Account,
  venue: Venue,
  prices: PriceView,
  instrumentId: InstrumentId,
  side: Side,
  price: Price,
  placed: 'filled' | 'rested' = 'filled',
): Quantity {
  const instrument = venue.instruments.get(instrumentId)!;
  const position = tradedPosition(account, instrumentId, side);
  const bucketId =
    position?.marginMode === 'isolated'
      ? positionKey(position)
      : crossBucketFor(venue, instrument.settle);
  const opposing =
    position !== undefined && (side === 'buy' ? position.size < 0n : position.size > 0n);
  // A resting order closes only what the orders already resting on its side leave open.
  const booked = placed === 'rested' ? restingSize(account, instrumentId, side) : 0n;
  const closing = opposing ? max(0n, abs(position.size) - booked) : 0n;
  const orderOf = (size: Quantity): Hypothetical & { kind: 'order' | 'resting-order' } =>
    placed === 'filled'
      ? { kind: 'order', instrument: instrumentId, side, size, price }
      : { kind: 'resting-order', order: { instrument: instrumentId, side, size, price } };
  // Each size's health is computed once: the searches below ask for some twice.
  const known = new Map<Quantity, Amount>();
  const healthAt = (size: Quantity): Amount => {
    const seen = known.get(size);
    if (seen !== undefined) return seen;
    // Past a full close of an isolated position, the new one opens in the same bucket's place.
    const change: Hypothetical | null = size === 0n ? null : orderOf(size);
    const health = initialHealthAfter(account, venue, prices, change, bucketId);
    known.set(size, health);
    return health;
  };
  // An order past the venue's position limit fails whatever the margin; a close never does.
  const passes = (size: Quantity): boolean =>
    healthAt(size) >= 0n &&
    (size <= closing || !exceedsPositionLimit(account, venue, prices, orderOf(size)));
  if (!passes(closing)) return closing;
  let unsafe = max(closing * 2n, instrument.sizeStep);
  let aimed = false;
  while (passes(unsafe)) {
    if (unsafe >= sizeMax) return floorToStep(sizeMax, instrument.sizeStep);
    let next = unsafe * 2n;
    // Where health falls linearly, its zero is near where the line through the close and the
    // first size meets zero: the doubling skips to the first size past it (never past the first
    // at or above sizeMax). The sizes skipped pass, health falling with size, so the search
    // below ends where the plain doubling's would.
    if (!aimed) {
      aimed = true;
      const zero = lineZero(closing, healthAt(closing), unsafe, healthAt(unsafe));
      if (zero !== undefined) while (next <= zero && next < sizeMax) next *= 2n;
    }
    unsafe = next;
  }
  // The answer is rounded down to the size step, so only multiples of it need be told apart:
  // the last multiple past the close that passes (the close itself where none does). Health and
  // the position limit each hold up to one size and fail past it, so that multiple is the smaller
  // of their two boundaries: health's found by the secant (a few exact probes where health is
  // linear in size), the limit's, where it binds, by bisection on the limit alone, which costs no
  // bucket's risk. Bisection over `passes` to one unit would find the same in some sixty probes.
  const step = instrument.sizeStep;
  const low = divFloor(closing, step);
  const high = divCeil(unsafe, step);
  const healthOf = (multiple: bigint): Amount => healthAt(multiple * step);
  const highHealth = healthOf(high);
  const healthy =
    highHealth < 0n
      ? lastHealthyInteger(low, high, healthOf, healthAt(closing), highHealth)
      : high - 1n;
  const within = (multiple: bigint): boolean =>
    multiple === low ||
    multiple * step <= closing ||
    !exceedsPositionLimit(account, venue, prices, orderOf(multiple * step));
  const multiple = within(healthy) ? healthy : lastSafe(low, healthy, 1n, within);
  return max(closing, multiple * step);
}

/** Where the line through two healthy points, health falling, meets zero; undefined if not falling. */
function lineZero(from: Quantity, fromHealth: Amount, to: Quantity, toHealth: Amount) {
  if (fromHealth <= toHealth) return undefined;
  return to + divFloor(toHealth * (to - from), fromHealth - toHealth);
}

/**
 * How the position an order leaves is past the venue's position limit, measured as the brackets
 * are (its notional at the price the rule margins at: the mark, the index, or its entry after the
 * fill; or its size in contracts): past a bounded last bracket, or past the last bracket that
 * allows the account's chosen leverage ("Choosing 90x leverage leads to a maximum position value
 * of 100,000 USDT", Gate's Risk Limit page; Binance's and Bybit's the same). Null: within it. The
 * position is the one the whole book may leave: the order, and every order the account has resting
 * on its side of the instrument, filled at its limit (a venue counts position and open orders).
 */
export function positionLimitBreach(
  account: Account,
  venue: Venue,
  prices: PriceView,
  change: Hypothetical & { kind: 'order' | 'resting-order' },
): PositionLimitBreach | null {
  const order = filledAtLimit(change);
  const instrument = venue.instruments.get(order.instrument)!;
  const rule = ruleFor(venue, instrument);
  if (rule.kind !== 'brackets') return null;
  const limit = positionLimit(rule.brackets);
  const chosen = account.leverage?.get(order.instrument);
  if (limit === null && chosen === undefined) return null;
  const after = bookFilled(account, venue, change);
  const position = tradedPosition(after, order.instrument, order.side);
  if (position === undefined || position.size === 0n) return null;
  const leg = { ...position, leverage: undefined, orders: [] };
  const at = marginMark(rule, leg, prices.markPrice(order.instrument));
  const index = indexOf(instrument, rule, prices);
  const value = notional(instrument, position.size, isMarginedAtIndex(rule) ? index! : at, index);
  const contracts = abs(position.size);
  const measure = rule.tierBy === 'contracts' ? 'contracts' : 'notional';
  const measured = measure === 'contracts' ? contracts : value;
  const restingOrders = restingSize(account, order.instrument, order.side);
  if (limit !== null && measured > limit) {
    return { kind: 'position_limit', measure, value: measured, limit, restingOrders };
  }
  const allowed = maxLeverageAt(rule, value, contracts)!;
  if (chosen === undefined || allowed >= chosen) return null;
  const leverage = chosen;
  return {
    kind: 'leverage',
    measure,
    value: measured,
    leverage,
    maxLeverage: allowed,
    restingOrders,
  };
}

/** Whether the position an order leaves is past the venue's position limit (above). */
export function exceedsPositionLimit(
  account: Account,
  venue: Venue,
  prices: PriceView,
  order: Hypothetical & { kind: 'order' | 'resting-order' },
): boolean {
  return positionLimitBreach(account, venue, prices, order) !== null;
}

/**
 * Past the position limit: `position_limit`, the measure beyond the last bracket's cap;
 * `leverage`, the measure beyond the last bracket that allows the chosen leverage. The measure
 * counts, filled, the `restingOrders` contracts the account already had resting on the order's
 * side of the instrument.
 */
export type PositionLimitBreach =
  | {
      readonly kind: 'position_limit';
      readonly measure: 'notional' | 'contracts';
      readonly value: bigint;
      readonly limit: bigint;
      readonly restingOrders: Quantity;
    }
  | {
      readonly kind: 'leverage';
      readonly measure: 'notional' | 'contracts';
      readonly value: bigint;
      readonly leverage: Ratio;
      readonly maxLeverage: Ratio;
      readonly restingOrders: Quantity;
    };

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
  const untouched = healthAt(0n);
  if (untouched < 0n) return 0n;
  const emptied = healthAt(balance);
  if (emptied >= 0n) return balance;
  // Health falls as more leaves, piecewise linearly: the secant lands on its root in a few exact
  // probes, where bisection takes some sixty, and bounds the same last safe amount.
  return lastHealthyInteger(0n, balance, healthAt, untouched, emptied);
}

/** Rejection codes of a what-if check, in the order they are tested. */
export type Verdict =
  | 'accepted'
  | 'insufficient_balance'
  | 'bank_limit_exceeded'
  | 'position_limit_exceeded'
  | 'initial_margin_insufficient';

/**
 * A verdict with its reason: what was checked and the figures that decided it. Amounts of the
 * margin check are the bucket's, in USD, after the change: initial equity (collateral at initial
 * weights plus position value) against initial margin (open orders at their worst).
 */
export type Judgement =
  | { readonly verdict: 'accepted'; readonly check: 'reduces_only' }
  | {
      readonly verdict: 'accepted' | 'initial_margin_insufficient';
      readonly check: 'initial_margin';
      readonly bucket: string;
      readonly initialEquity: Amount;
      readonly initialMargin: Amount;
    }
  | {
      readonly verdict: 'insufficient_balance';
      readonly check: 'balance';
      readonly asset: AssetId;
      readonly balance: Amount;
      readonly withdrawal: Amount;
    }
  | {
      readonly verdict: 'position_limit_exceeded';
      readonly check: 'position_limit';
      readonly instrument: InstrumentId;
      readonly breach: PositionLimitBreach;
    }
  | {
      readonly verdict: 'bank_limit_exceeded';
      readonly check: 'bank_limit';
      readonly breach: BankLimitBreach;
    };

/**
 * Would the venue accept the change? A withdrawal needs the balance to be there, unless the asset
 * may be borrowed; a deposit or a borrowing must pass the venue's bank limits (Mango); an order that only
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
  return judge(account, venue, prices, change).verdict;
}

/** `verdict`, with the check that decided it and its figures. */
export function judge(
  account: Account,
  venue: Venue,
  prices: PriceView,
  change: Hypothetical,
): Judgement {
  if (change.kind === 'transfer') {
    const balance = account.balances.get(change.asset) ?? 0n;
    const after = balance + change.amount;
    // A withdrawal past the balance borrows, where the asset may be borrowed at all.
    const borrowable = venue.rulebook.collateral.get(change.asset)?.liabilityInitialWeight;
    if (change.amount < 0n && after < 0n && borrowable === undefined) {
      const withdrawal = -change.amount;
      return {
        verdict: 'insufficient_balance',
        check: 'balance',
        asset: change.asset,
        balance,
        withdrawal,
      };
    }
    const breach = bankLimitBreach(venue, prices, change.asset, balance, after);
    if (breach !== null) return { verdict: 'bank_limit_exceeded', check: 'bank_limit', breach };
  }
  let bucketId: string;
  if (change.kind === 'order' || change.kind === 'resting-order') {
    const { instrument, side, size } = change.kind === 'order' ? change : change.order;
    const position = tradedPosition(account, instrument, side);
    const traded = side === 'buy' ? size : -size;
    // A resting order reduces only with the orders already resting on its side: together they
    // may fill, and past the position they open the other way.
    const booked = change.kind === 'resting-order' ? restingSize(account, instrument, side) : 0n;
    const reducing =
      position !== undefined &&
      sign(position.size) === -sign(traded) &&
      abs(traded) + booked <= abs(position.size);
    if (reducing) return { verdict: 'accepted', check: 'reduces_only' };
    const breach = positionLimitBreach(account, venue, prices, change);
    if (breach !== null) {
      return { verdict: 'position_limit_exceeded', check: 'position_limit', instrument, breach };
    }
    bucketId =
      position?.marginMode === 'isolated'
        ? positionKey(position)
        : crossBucketFor(venue, venue.instruments.get(instrument)!.settle);
  } else if (change.kind === 'transfer') {
    bucketId = crossBucketFor(venue, change.asset);
  } else {
    bucketId = crossBucketFor(venue, venue.instruments.get(change.instrument)!.settle);
  }
  const risk = initialRiskAfter(account, venue, prices, change, bucketId);
  return {
    verdict: risk.initialEquity >= risk.initialMargin ? 'accepted' : 'initial_margin_insufficient',
    check: 'initial_margin',
    bucket: bucketId,
    ...risk,
  };
}
