import type { AssetId } from '../model/ids.ts';
import type { Market } from '../model/market.ts';
import { marketView, type PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';

/**
 * The view after a tick that moved the prices of `moved` assets (or their surfaces): it keeps the
 * risk arrays of every instrument whose underlying and settle asset did not move, so a tick on one
 * underlying reprices that underlying's instruments only (DESIGN.md: recompute only what the tick
 * touched).
 */
export function viewAfterTick(
  previous: PriceView,
  market: Market,
  venue: Venue,
  moved: ReadonlySet<AssetId>,
): PriceView {
  const next = marketView(market);
  for (const [id, array] of previous.riskArrays) {
    const instrument = venue.instruments.get(id);
    if (instrument === undefined) continue;
    if (moved.has(instrument.underlying) || moved.has(instrument.settle)) continue;
    next.riskArrays.set(id, array);
  }
  return next;
}
