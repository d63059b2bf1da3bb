import type { SpotOrder } from '../model/account.ts';
import type { Bucket } from '../model/bucket.ts';
import type { AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount } from '../num/fixed.ts';
import { min, SCALE } from '../num/fixed.ts';
import { divFloor, mulCeil, mulFloor } from '../num/rounding.ts';
import { collateralValue } from './collateral.ts';
import type { LegRisk } from './leg-risk.ts';
import { weightedProfit } from './profit-weight.ts';
import type { RequirementKind } from './requirement-kind.ts';
import { assetPriceFor, assetStablePrice } from './stable-price.ts';

/**
 * A pool's equity of one kind (USD): its balances weighted, its resting spot orders at the worse
 * of their outcomes, and its contracts' values with positive PnL weighted (profit-weight.ts).
 *
 * Under `contractHealthInSettleAsset` (Mango) each contract's health instead, its value less its
 * requirement of the kind (initial with its open orders), a gain weighted, is added to its settle
 * asset's balance before that asset's weight applies: the figure is then a health (equity less
 * requirement), and bucket-risk.ts adds the requirement back.
 */
export function poolEquity(
  venue: Venue,
  bucket: Bucket,
  prices: PriceView,
  legs: readonly LegRisk[],
  kind: RequirementKind,
  ruleOf: (asset: AssetId) => CollateralRule | undefined,
): Amount {
  const rulebook = venue.rulebook;
  const inSettle = rulebook.contractHealthInSettleAsset === true;
  const balances = new Map(bucket.balances);
  let equity = 0n;
  bucket.legs.forEach((leg, index) => {
    const risk = legs[index]!;
    const instrument = venue.instruments.get(leg.instrument)!;
    const value = kind === 'initial' ? risk.initialEquityValue : risk.equityValue;
    if (!inSettle) {
      equity += weightedProfit(rulebook, instrument, value, kind);
      return;
    }
    const requirement =
      kind === 'initial' ? risk.initialMargin + risk.openOrderMargin : risk.maintenanceMargin;
    const health = weightedProfit(rulebook, instrument, value - requirement, kind);
    // Into coins of the settle asset, rounded down (a debt rounds to the larger one).
    const coins = divFloor(health * SCALE, prices.assetPrice(instrument.settle));
    balances.set(instrument.settle, (balances.get(instrument.settle) ?? 0n) + coins);
  });
  const value = (asset: AssetId, balance: Amount) =>
    collateralValue(
      ruleOf(asset),
      balance,
      prices.assetPrice(asset),
      kind,
      prices.venueTotals?.get(asset),
      assetStablePrice(venue, prices, asset, kind),
    );
  const orders = bucket.spotOrders ?? [];
  if (orders.length === 0) {
    for (const [asset, balance] of balances) equity += value(asset, balance);
    return equity;
  }
  return equity + withSpotOrders(venue, prices, balances, orders, value, kind);
}

/** What one market's resting orders lock, and what all of it would become on either side. */
interface Reservation {
  readonly base: AssetId;
  readonly quote: AssetId;
  /** Locked by the sells (base) and by the buys (quote). */
  readonly lockedBase: Amount;
  readonly lockedQuote: Amount;
  /** Every buy filled and no sell: the base the market leaves; every sell and no buy: the quote. */
  readonly asBase: Amount;
  readonly asQuote: Amount;
}

/**
 * Balances with resting spot orders (Mango's `compute_serum3_reservations` and
 * `Serum3Info::health_contribution`): the funds an order locks count at the worse of every buy on
 * its market filling and every sell filling. Per market, what its locked funds add is weighed at
 * the top of the asset's balance, as if every other market's orders had already turned that way
 * too, so markets sharing an asset never count the same room twice: with one market this is
 * exactly the worse of the two outcomes, with several it is no more than the worst.
 */
function withSpotOrders(
  venue: Venue,
  prices: PriceView,
  balances: Map<AssetId, Amount>,
  orders: readonly SpotOrder[],
  value: (asset: AssetId, balance: Amount) => Amount,
  kind: RequirementKind,
): Amount {
  const reservations = reservationsOf(venue, prices, orders, kind);
  const free = new Map(balances);
  const top = new Map<AssetId, Amount>();
  const add = (into: Map<AssetId, Amount>, asset: AssetId, amount: Amount) =>
    into.set(asset, (into.get(asset) ?? 0n) + amount);
  for (const r of reservations) {
    add(free, r.base, -r.lockedBase);
    add(free, r.quote, -r.lockedQuote);
  }
  for (const [asset, balance] of free) top.set(asset, balance);
  for (const r of reservations) {
    add(top, r.base, r.asBase);
    add(top, r.quote, r.asQuote);
  }
  let equity = 0n;
  for (const [asset, balance] of free) equity += value(asset, balance);
  for (const r of reservations) {
    const topBase = top.get(r.base)!;
    const topQuote = top.get(r.quote)!;
    const asBase = value(r.base, topBase) - value(r.base, topBase - r.asBase);
    const asQuote = value(r.quote, topQuote) - value(r.quote, topQuote - r.asQuote);
    equity += min(asBase, asQuote);
  }
  return equity;
}

/**
 * Each market's reservation, in the order its first order appears. A buy locks size × price of
 * quote and would bring size base, a sell the reverse; a fill better than the market's own price
 * ratio (the assets' prices) is not credited, as the venue cannot know it will fill there. The
 * ratio is the one the check reads (stable-price.ts): what is given up at its asset price, what
 * it becomes at its liability price (Mango's `all_reserved_as_base`, `all_reserved_as_quote`).
 */
function reservationsOf(
  venue: Venue,
  prices: PriceView,
  orders: readonly SpotOrder[],
  kind: RequirementKind,
) {
  const priceOf = (asset: AssetId, owed: boolean) =>
    assetPriceFor(prices.assetPrice(asset), assetStablePrice(venue, prices, asset, kind), owed);
  const byMarket = new Map<
    string,
    { lockedBase: Amount; lockedQuote: Amount; toBase: Amount; toQuote: Amount }
  >();
  for (const order of orders) {
    const market = venue.spotMarkets?.get(order.market);
    assert(market !== undefined, `unknown spot market ${order.market}`);
    let entry = byMarket.get(order.market);
    if (entry === undefined) {
      entry = { lockedBase: 0n, lockedQuote: 0n, toBase: 0n, toQuote: 0n };
      byMarket.set(order.market, entry);
    }
    if (order.side === 'buy') {
      const locked = mulCeil(order.size, order.price);
      entry.lockedQuote += locked;
      // The base the locked quote buys at the assets' prices, if that is less than the order's.
      const given = mulFloor(locked, priceOf(market.quote, false));
      entry.toBase += min(order.size, divFloor(given * SCALE, priceOf(market.base, true)));
    } else {
      entry.lockedBase += order.size;
      const atOrder = mulFloor(order.size, order.price);
      const given = mulFloor(order.size, priceOf(market.base, false));
      entry.toQuote += min(atOrder, divFloor(given * SCALE, priceOf(market.quote, true)));
    }
  }
  const reservations: Reservation[] = [];
  for (const [id, entry] of byMarket) {
    const market = venue.spotMarkets!.get(id)!;
    reservations.push({
      base: market.base,
      quote: market.quote,
      lockedBase: entry.lockedBase,
      lockedQuote: entry.lockedQuote,
      asBase: entry.lockedBase + entry.toBase,
      asQuote: entry.lockedQuote + entry.toQuote,
    });
  }
  return reservations;
}
