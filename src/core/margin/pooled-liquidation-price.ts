import { bisectionStepsMax, jointMoveUpMax } from '../limits.ts';
import type { Bucket, Leg } from '../model/bucket.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Price } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';
import { lastSafe } from './boundary-search.ts';
import { bucketRisk, isLiquidatable } from './bucket-risk.ts';

/**
 * A contract's liquidation price in a pool that weighs it with its balances (`isPooled`): the
 * whole bucket recomputed at each probe, by bisection over ticks, since its health is not the
 * contract's own to solve for. The tick at which the bucket still stands, the next one away from
 * the mark being one at which it is liquidatable (as `bucketLiquidationPrice` reports). null: it
 * stands at every tick down to one (a long) or up to jointMoveUpMax × the mark (a short), or at
 * none.
 */
export function pooledLiquidationPrice(
  venue: Venue,
  bucket: Bucket,
  leg: Leg,
  prices: PriceView,
): Price | null {
  const instrument = venue.instruments.get(leg.instrument)!;
  const tick = instrument.tickSize;
  const mark = prices.markPrice(leg.instrument);
  const standsAt = (at: Price) => {
    const moved: PriceView = {
      ...prices,
      riskArrays: new Map(),
      markPrice: (id) => (id === leg.instrument ? at : prices.markPrice(id)),
    };
    return !isLiquidatable(bucketRisk(venue, bucket, moved), venue.rulebook);
  };
  const stands = (ticks: bigint) => standsAt(ticks * tick);
  const long = leg.size > 0n;
  // A mark below the first tick is off the grid the search walks: where the bucket falls at such
  // a mark and stands at the first tick (a long), or the other way round (a short), the first
  // tick is where it changes, the price given, as `bucketLiquidationPrice` gives it.
  const offGrid = () => mark < tick && standsAt(mark) !== long;
  // The far end: one tick for a long, the search's ceiling for a short.
  const ceiling = divCeil(mark * jointMoveUpMax, tick);
  const far = long ? 1n : ceiling;
  if (stands(far)) return long && offGrid() ? tick : null;
  // Health rises toward the mark's side; if the bucket falls at the mark, find where it stands.
  let near = long ? divCeil(mark, tick) : divFloor(mark, tick);
  if (near < 1n) near = 1n;
  let standing = stands(near);
  for (let step = 0; !standing && step < bisectionStepsMax; step += 1) {
    const next = long ? near * 2n : divFloor(near, 2n);
    if (next < 1n || next > ceiling) break;
    near = next;
    standing = stands(near);
  }
  if (!standing) return !long && offGrid() ? tick : null;
  return lastSafe(near, far, 1n, stands) * tick;
}
