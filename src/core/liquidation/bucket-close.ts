import { jointMoveUpMax } from '../limits.ts';
import { lastHealthy } from '../margin/boundary-search.ts';
import { bucketRisk } from '../margin/bucket-risk.ts';
import { type PositionFill, positionFill } from '../margin/position-fill.ts';
import type { Bucket } from '../model/bucket.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import { type Amount, abs, max, type Price, type Quantity } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';

/** Contracts of one of a bucket's legs to close: `size` > 0, at most the leg's. */
export interface Closing {
  readonly leg: number;
  readonly size: Quantity;
}

/**
 * The bucket after the close at `price`: the leg reduced, its realised PnL (`closeCash`) in the
 * settle asset, less `fee` (a liquidation fee, in the settle asset) where one is charged.
 */
export function closedAt(
  venue: Venue,
  bucket: Bucket,
  closing: Closing,
  price: Price,
  fee: Amount = 0n,
): Bucket {
  const leg = bucket.legs[closing.leg];
  assert(leg !== undefined, "a close names one of the bucket's legs");
  assert(closing.size > 0n && closing.size <= abs(leg.size), 'a close is of part of the position');
  const instrument = venue.instruments.get(leg.instrument)!;
  const fill = positionFill(instrument, leg, leg.size > 0n ? -closing.size : closing.size, price);
  const balances = new Map(bucket.balances);
  const cash = closeCash(fill) - fee;
  balances.set(instrument.settle, (balances.get(instrument.settle) ?? 0n) + cash);
  const legs = bucket.legs.map((held, index) =>
    index === closing.leg ? { ...held, size: fill.size, entryPrice: fill.entryPrice } : held,
  );
  return { ...bucket, balances, legs };
}

/** What a close pays the account in its settle asset: its realised PnL, an option's premium. */
export function closeCash(fill: Pick<PositionFill, 'realisedPnl' | 'premium'>): Amount {
  return fill.realisedPnl + fill.premium;
}

/**
 * What closing at the mark takes off the bucket's maintenance margin, `maintenanceMargin` (0 where
 * it adds to it).
 */
export function releasedMaintenance(
  venue: Venue,
  bucket: Bucket,
  closing: Closing,
  prices: PriceView,
  maintenanceMargin: Amount,
): Amount {
  const mark = prices.markPrice(bucket.legs[closing.leg]!.instrument);
  const after = bucketRisk(venue, closedAt(venue, bucket, closing, mark), prices);
  return max(0n, maintenanceMargin - after.maintenanceMargin);
}

/**
 * The worst price on the instrument's tick grid for the account at which the close still leaves
 * the bucket an equity of `target` or more: a sell's lowest such tick (its equity after rises
 * with the price), a buy's highest. Found by the exact search over ticks (linear in the price for
 * a linear contract, so the secant closes in a probe or two), so the rounding is the account's
 * way: a sell's price up, a buy's down. 0 where a sell at any price reaches it; null where no
 * price on the grid does, or, for a buy, every price up to `jointMoveUpMax` × the mark does (an
 * inverse short's loss in coin is bounded).
 */
export function worstPriceKeeping(
  venue: Venue,
  bucket: Bucket,
  closing: Closing,
  prices: PriceView,
  target: Amount,
): Price | null {
  const leg = bucket.legs[closing.leg]!;
  const instrument = venue.instruments.get(leg.instrument)!;
  const tick = instrument.tickSize;
  const mark = prices.markPrice(leg.instrument);
  const health = (ticks: bigint) =>
    // An inverse contract sold at 0 would lose an infinity of coin.
    ticks === 0n && instrument.settlement === 'inverse'
      ? -1n
      : bucketRisk(venue, closedAt(venue, bucket, closing, ticks * tick), prices).equity - target;
  const selling = leg.size > 0n;
  const ceiling = divCeil(mark * jointMoveUpMax, tick);
  // From the mark toward the account's better prices until the close reaches the target...
  let healthy = max(1n, selling ? divCeil(mark, tick) : divFloor(mark, tick));
  while (health(healthy) < 0n) {
    healthy = selling ? healthy * 2n : divFloor(healthy, 2n);
    if (healthy > ceiling || healthy < 1n) return null;
  }
  // ...then toward its worse ones until it does not: the last healthy tick between is the price.
  if (selling) return health(0n) >= 0n ? 0n : lastHealthy(healthy, 0n, 1n, health) * tick;
  let unhealthy = healthy * 2n;
  while (health(unhealthy) >= 0n) {
    if (unhealthy > ceiling) return null;
    unhealthy *= 2n;
  }
  return lastHealthy(healthy, unhealthy, 1n, health) * tick;
}
