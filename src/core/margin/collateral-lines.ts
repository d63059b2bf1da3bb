import type { Bucket } from '../model/bucket.ts';
import type { AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Price } from '../num/fixed.ts';
import { mulFloor } from '../num/rounding.ts';
import { collateralRuleOf } from './bucket-risk.ts';
import { collateralValue } from './collateral.ts';
import { assetStablePrice } from './stable-price.ts';

/**
 * How the rulebook counts a balance: by its collateral rule (`weighted`, a haircut by tier), in
 * full because the portfolio scan already moves it (`scanned`), or not at all (`none`: the
 * rulebook lists no rule for the asset, so a holding counts for nothing and a debt at face value).
 */
export type CollateralCount = 'weighted' | 'scanned' | 'none';

/** One balance of a bucket and what it lends to the bucket's equity, for each kind of check. */
export interface CollateralLine {
  readonly asset: AssetId;
  /** In the asset; negative: a liability. */
  readonly balance: Amount;
  readonly price: Price;
  /** balance × price, USD, rounded down: the `collateralValue` of the bucket sums these. */
  readonly value: Amount;
  /** What it counts for in initial equity, USD (collateral.ts: weighted by tier, rounded down). */
  readonly initialValue: Amount;
  /** What it counts for in equity, USD. */
  readonly maintenanceValue: Amount;
  readonly counted: CollateralCount;
}

/**
 * The bucket's balances one by one, by asset, weighted as bucket-risk.ts weighs them. Where the pool has
 * rules of its own (pool-equity.ts: spot orders, weighted profit, contract health in the settle
 * asset) the pool's equity is not this sum plus the positions: these lines are each balance on
 * its own, before the pool's adjustments.
 */
export function collateralLines(venue: Venue, bucket: Bucket, prices: PriceView): CollateralLine[] {
  const ruleOf = collateralRuleOf(venue, bucket, prices.asOfMs);
  const lines: CollateralLine[] = [];
  for (const [asset, balance] of bucket.balances) {
    if (balance === 0n) continue;
    const price = prices.assetPrice(asset);
    const { rule, scanned } = ruleOf(asset);
    const total = prices.venueTotals?.get(asset);
    lines.push({
      asset,
      balance,
      price,
      value: mulFloor(balance, price),
      initialValue: collateralValue(
        rule,
        balance,
        price,
        'initial',
        total,
        assetStablePrice(venue, prices, asset, 'initial'),
      ),
      maintenanceValue: collateralValue(rule, balance, price, 'maintenance', total),
      counted: scanned ? 'scanned' : rule === undefined ? 'none' : 'weighted',
    });
  }
  // By asset, so the report does not depend on the order the balances were given in.
  return lines.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
}
