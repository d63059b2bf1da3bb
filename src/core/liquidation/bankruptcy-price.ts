import { bucketRisk } from '../margin/bucket-risk.ts';
import type { Bucket } from '../model/bucket.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Price } from '../num/fixed.ts';
import { divFloor } from '../num/rounding.ts';
import { type Closing, releasedMaintenance, worstPriceKeeping } from './bucket-close.ts';

/**
 * The bankruptcy price of a close, as dYdX v4 defines it (dydxprotocol/v4-chain
 * protocol/x/clob/keeper/liquidations.go `GetBankruptcyPriceInQuoteQuantums`): the price at which
 * closing leaves the bucket the share of its equity that the rest of its maintenance margin is
 * of the whole,
 *
 *   equity after = TNC − ⌊TNC × |ΔMM| / MM⌋
 *
 * with TNC the bucket's equity, MM its maintenance margin and ΔMM what the close (at the mark)
 * takes off it. So a cross account's collateral is apportioned to each position by its share of
 * maintenance margin, equity over MM is the same after a close at this price as before, and a
 * close at it costs the insurance fund nothing; one worse costs the fund the difference. A close
 * that raises MM (a hedge's leg) is given no share: the price leaves the equity as it is.
 *
 * On the tick grid, the account's way (`worstPriceKeeping`). 0 where a sell at any price leaves
 * the account its share (dYdX's figure is then negative; a price is not); null where no price
 * bankrupts a buy.
 */
export function bankruptcyPrice(
  venue: Venue,
  bucket: Bucket,
  closing: Closing,
  prices: PriceView,
): Price | null {
  const { equity, maintenanceMargin } = bucketRisk(venue, bucket, prices);
  const released = releasedMaintenance(venue, bucket, closing, prices, maintenanceMargin);
  const share = maintenanceMargin === 0n ? 0n : divFloor(equity * released, maintenanceMargin);
  return worstPriceKeeping(venue, bucket, closing, prices, equity - share);
}
