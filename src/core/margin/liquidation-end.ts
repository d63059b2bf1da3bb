import type { Bucket } from '../model/bucket.ts';
import type { PriceView } from '../model/price-view.ts';
import type { CollateralRule, Rulebook } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount } from '../num/fixed.ts';
import { bucketRisk, freeCollateral } from './bucket-risk.ts';

/**
 * Mango's liquidation-end health (blockworks-foundation/mango-v4 programs/mango-v4/src/health/
 * cache.rs `HealthType::LiquidationEnd`: "init weights without scaling, oracle prices"), in USD:
 * once maintenance health has gone below zero the liquidator may go on until this is ≥ 0, so it
 * says how far liquidation goes, not when it starts. It is the initial health of the bucket with
 * the rulebook's stable prices and venue-total weight scaling left out: every token at its initial
 * weights, every perp at its initial base weights and overall asset weight, the open orders' worse
 * side included, all at the oracle. Ordered init ≤ liquidation end ≤ maint, as Mango states.
 */
export function liquidationEndHealth(venue: Venue, bucket: Bucket, prices: PriceView): Amount {
  return freeCollateral(bucketRisk(liquidationEndVenue(venue), bucket, prices));
}

const unscaled = new WeakMap<Venue, Venue>();

function liquidationEndVenue(venue: Venue): Venue {
  const known = unscaled.get(venue);
  if (known !== undefined) return known;
  const { initialAtStablePrice: _stable, ...rest } = venue.rulebook;
  const collateral = new Map<string, CollateralRule>();
  for (const [asset, rule] of venue.rulebook.collateral) {
    const { depositWeightScaleStart: _deposits, borrowWeightScaleStart: _borrows, ...plain } = rule;
    collateral.set(asset, plain);
  }
  const rulebook: Rulebook = { ...rest, collateral };
  const atOracle: Venue = { ...venue, rulebook };
  unscaled.set(venue, atOracle);
  return atOracle;
}
