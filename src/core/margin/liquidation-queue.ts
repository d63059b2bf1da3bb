import type { Amount } from '../num/fixed.ts';
import type { BucketReport, RiskReport } from './risk-report.ts';

/** An account waiting to be liquidated, and the bucket that puts it first. */
export interface QueuedAccount {
  readonly account: string;
  readonly bucket: string;
  readonly equity: Amount;
  readonly maintenanceMargin: Amount;
}

/**
 * The liquidatable accounts in the order a venue takes them: the most underwater first, by equity
 * over maintenance margin (dYdX's net collateral over its requirement) of each account's worst
 * bucket; then the larger requirement first (dYdX takes larger liquidations first); then by
 * account id, so the order is deterministic (dYdX breaks its last ties by order hash). Ratios are
 * compared by cross-multiplying, never divided.
 */
export function liquidationQueue(reports: readonly RiskReport[]): QueuedAccount[] {
  const queued: QueuedAccount[] = [];
  for (const report of reports) {
    let worst: BucketReport | undefined;
    for (const bucket of report.buckets) {
      if (!bucket.liquidatable) continue;
      if (worst === undefined || moreUnderwater(bucket, worst) < 0) worst = bucket;
    }
    if (worst === undefined) continue;
    queued.push({
      account: report.account,
      bucket: worst.id,
      equity: worst.equity,
      maintenanceMargin: worst.maintenanceMargin,
    });
  }
  return queued.sort(
    (a, b) => standsWorse(a, b) || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0),
  );
}

interface Standing {
  readonly equity: Amount;
  readonly maintenanceMargin: Amount;
}

/**
 * Negative when bucket `a` goes before `b` in the queue: further below maintenance, then the
 * larger requirement (the order before the account id; fast/standing.ts ranks a book by it).
 */
export function standsWorse(a: Standing, b: Standing): number {
  return moreUnderwater(a, b) || compare(b.maintenanceMargin, a.maintenanceMargin);
}

/** Negative when `a` is further below maintenance than `b`: equity / MM, lower first. */
function moreUnderwater(a: Standing, b: Standing): number {
  // With no requirement (liquidatable only at negative equity), the ratio is −∞.
  const aUnbounded = a.maintenanceMargin === 0n;
  const bUnbounded = b.maintenanceMargin === 0n;
  if (aUnbounded || bUnbounded) {
    if (aUnbounded && bUnbounded) return compare(a.equity, b.equity);
    return aUnbounded ? -1 : 1;
  }
  return compare(a.equity * b.maintenanceMargin, b.equity * a.maintenanceMargin);
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
