import type { Account } from '../model/account.ts';
import { type BucketMode, bucketsOf, crossBucketId } from '../model/bucket.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount } from '../num/fixed.ts';
import { max } from '../num/fixed.ts';
import { bucketRisk, freeCollateral, isLiquidatable } from './bucket-risk.ts';

/** A bucket's figures, as an account's totals are summed from them. */
export interface BucketFigures {
  readonly id: string;
  readonly marginMode: BucketMode;
  readonly equity: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  readonly freeCollateral: Amount;
  readonly liquidatable: boolean;
}

/** An account's margin figures: what its risk report heads with. */
export interface MarginFigures {
  /** Cross equity plus each isolated bucket's equity above zero: an isolated loss stops at its margin. */
  readonly equity: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  /** The cross pools': what the account may still commit or withdraw (per-asset pools above 0). */
  readonly freeCollateral: Amount;
  /** Any bucket below maintenance. */
  readonly liquidatable: boolean;
}

/** The account's totals from its buckets' figures (assess.ts heads its report with them). */
export function accountTotals(buckets: Iterable<BucketFigures>): MarginFigures {
  let equity = 0n;
  let initialMargin = 0n;
  let maintenanceMargin = 0n;
  let crossFree = 0n;
  let liquidatable = false;
  for (const bucket of buckets) {
    equity += bucket.marginMode === 'isolated' ? max(0n, bucket.equity) : bucket.equity;
    initialMargin += bucket.initialMargin;
    maintenanceMargin += bucket.maintenanceMargin;
    // One unified pool's free collateral is signed; separate pools cannot fund each other.
    if (bucket.marginMode !== 'isolated') {
      crossFree +=
        bucket.id === crossBucketId ? bucket.freeCollateral : max(0n, bucket.freeCollateral);
    }
    liquidatable ||= bucket.liquidatable;
  }
  return { equity, initialMargin, maintenanceMargin, freeCollateral: crossFree, liquidatable };
}

/**
 * The account's margin figures alone, exact: each bucket's risk (bucket-risk.ts), summed as the
 * report sums it, without the report's liquidation prices, collateral lines and joint moves. What
 * the engine reads to know an account's margin state after every event.
 */
export function marginFigures(
  account: Account,
  venue: Venue,
  prices: PriceView,
): MarginFigures & { readonly buckets: readonly BucketFigures[] } {
  const buckets = bucketsOf(account, venue).map((bucket): BucketFigures => {
    const risk = bucketRisk(venue, bucket, prices);
    return {
      id: bucket.id,
      marginMode: bucket.mode,
      equity: risk.equity,
      initialMargin: risk.initialMargin,
      maintenanceMargin: risk.maintenanceMargin,
      freeCollateral: freeCollateral(risk),
      liquidatable: isLiquidatable(risk, venue.rulebook),
    };
  });
  return { ...accountTotals(buckets), buckets };
}
