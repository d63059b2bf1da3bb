import { jointMoveUpMax } from '../limits.ts';
import { bucketRisk } from '../margin/bucket-risk.ts';
import type { Bucket } from '../model/bucket.ts';
import type { PriceView } from '../model/price-view.ts';
import type { LiquidationRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import { abs, max, ONE, type Price } from '../num/fixed.ts';
import { divCeil, divFloor, mulFloor } from '../num/rounding.ts';
import { type Closing, closedAt, worstPriceKeeping } from './bucket-close.ts';

/** How far from the mark a liquidation order's limit may go (dYdX's `FillablePriceConfig`). */
export type FillablePriceConfig = Pick<
  LiquidationRule,
  'bankruptcyAdjustment' | 'spreadToMaintenance'
>;

/**
 * The limit price of a liquidation order, as dYdX v4 defines it (dydxprotocol/v4-chain
 * protocol/x/clob/keeper/liquidations.go `GetFillablePrice`): the price at which closing the whole
 * position costs the account, against a close at the mark,
 *
 *   spread = ABR × spreadToMaintenance × the position's MM,  ABR = clamp(BA × (1 − TNC / MM), 0, 1)
 *
 * (TNC and MM the bucket's): at the mark while the bucket is at maintenance, the whole spread once
 * its equity is gone, between the mark and the bankruptcy price in between. The position's MM is
 * what closing it whole at the mark takes off the bucket's, so a portfolio bucket's leg has one
 * too. The spread rounds down and the price the account's way (a sell's up, a buy's down), as
 * dYdX rounds its subticks; the same price whatever part of the position is closed. A buy that no
 * price up to `jointMoveUpMax` × the mark costs the spread (an inverse short: its loss in coin is
 * bounded) is limited there.
 */
export function fillablePrice(
  venue: Venue,
  bucket: Bucket,
  leg: number,
  prices: PriceView,
  config: FillablePriceConfig,
): Price {
  assert(config.bankruptcyAdjustment >= ONE, 'the bankruptcy adjustment is at least 1');
  assert(config.spreadToMaintenance > 0n, 'the spread to maintenance is above 0');
  const whole: Closing = { leg, size: abs(bucket.legs[leg]!.size) };
  const { equity, maintenanceMargin } = bucketRisk(venue, bucket, prices);
  const mark = prices.markPrice(bucket.legs[leg]!.instrument);
  // One close at the mark gives both what it takes off MM and the equity it leaves.
  const atMark = bucketRisk(venue, closedAt(venue, bucket, whole, mark), prices);
  const released = max(0n, maintenanceMargin - atMark.maintenanceMargin);
  const widest = mulFloor(released, config.spreadToMaintenance);
  // ABR × MM × ONE, kept whole: the adjustment is exact until the spread is rounded.
  const adjusted = config.bankruptcyAdjustment * (maintenanceMargin - equity);
  const spread =
    adjusted <= 0n
      ? 0n
      : adjusted >= maintenanceMargin * ONE
        ? widest
        : divFloor(widest * adjusted, maintenanceMargin * ONE);
  const tick = venue.instruments.get(bucket.legs[leg]!.instrument)!.tickSize;
  // Null only for a buy no price up to the search's ceiling costs the spread (an inverse short's
  // loss in coin is bounded): the ceiling is then its limit.
  return (
    worstPriceKeeping(venue, bucket, whole, prices, atMark.equity - spread) ??
    divCeil(mark * jointMoveUpMax, tick) * tick
  );
}
