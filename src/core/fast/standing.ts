import {
  freeCollateral as bucketFreeCollateral,
  bucketRisk,
  isLiquidatable,
} from '../margin/bucket-risk.ts';
import { standsWorse } from '../margin/liquidation-queue.ts';
import type { Account } from '../model/account.ts';
import { bucketsOf, crossBucketId } from '../model/bucket.ts';
import type { AccountId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount } from '../num/fixed.ts';
import { max } from '../num/fixed.ts';

/**
 * Where an account stands against the venue's two thresholds: below maintenance in some bucket
 * (`liquidatable`), else below initial in a cross pool (its free collateral is negative: it may
 * open nothing and withdraw nothing in it; a unified account has one pool), else `healthy`.
 */
export type MarginState = 'liquidatable' | 'below-initial' | 'healthy';

/** An account's standing on the exact path: the figures a book summary decides by. */
export interface Standing {
  readonly account: AccountId;
  readonly state: MarginState;
  readonly equity: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  readonly freeCollateral: Amount;
  /** Its worst bucket (equity / maintenance margin lowest), or null where none is at risk. */
  readonly worst: WorstBucket | null;
}

export interface WorstBucket {
  readonly bucket: string;
  readonly equity: Amount;
  readonly maintenanceMargin: Amount;
}

/**
 * The account's standing, exactly: the same buckets, risk and sums as `assessWith`
 * (margin/assess.ts) without the per-position searches (liquidation and bankruptcy prices, joint
 * moves) a standing does not need. test/book-summary.test.ts holds the two to the same figures.
 */
export function exactStanding(account: Account, venue: Venue, prices: PriceView): Standing {
  let equity = 0n;
  let initialMargin = 0n;
  let maintenanceMargin = 0n;
  let free = 0n;
  // A pool per coin cannot fund another: one short of initial margin opens nothing in its coin,
  // and its shortfall is not hidden behind the others' free collateral.
  let poolShort = false;
  let liquidatable = false;
  let worst: WorstBucket | null = null;
  const needsMargin = venue.rulebook.liquidationNeedsMargin === true;
  for (const bucket of bucketsOf(account, venue)) {
    const risk = bucketRisk(venue, bucket, prices);
    equity += bucket.mode === 'isolated' ? max(0n, risk.equity) : risk.equity;
    initialMargin += risk.initialMargin;
    maintenanceMargin += risk.maintenanceMargin;
    const bucketFree = bucketFreeCollateral(risk);
    if (bucket.mode !== 'isolated') {
      free += bucket.id === crossBucketId ? bucketFree : max(0n, bucketFree);
      poolShort ||= bucketFree < 0n;
    }
    liquidatable ||= isLiquidatable(risk, venue.rulebook);
    const atRisk = risk.maintenanceMargin > 0n || (risk.equity < 0n && !needsMargin);
    const standing = {
      bucket: bucket.id,
      equity: risk.equity,
      maintenanceMargin: risk.maintenanceMargin,
    };
    if (atRisk && (worst === null || standsWorse(standing, worst) < 0)) worst = standing;
  }
  const state: MarginState = liquidatable
    ? 'liquidatable'
    : poolShort
      ? 'below-initial'
      : 'healthy';
  return {
    account: account.id,
    state,
    equity,
    initialMargin,
    maintenanceMargin,
    freeCollateral: free,
    worst,
  };
}

/**
 * Negative when `a` stands worse than `b`: its worst bucket's equity / maintenance margin lower
 * (cross-multiplied, never divided; a bucket below zero with no requirement first), then the larger
 * requirement, then the account id; an account with no bucket at risk last. The liquidation
 * queue's order (margin/liquidation-queue.ts), over every account rather than the liquidatable.
 */
export function compareStandings(a: Standing, b: Standing): number {
  if (a.worst === null || b.worst === null) {
    if (a.worst !== b.worst) return a.worst === null ? 1 : -1;
  } else {
    const byBucket = standsWorse(a.worst, b.worst);
    if (byBucket !== 0) return byBucket;
  }
  return a.account < b.account ? -1 : a.account > b.account ? 1 : 0;
}
