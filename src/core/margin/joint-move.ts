import { jointMoveUpMax } from '../limits.ts';
import type { Bucket } from '../model/bucket.ts';
import type { AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { max, ONE, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';
import { lastHealthy } from './boundary-search.ts';
import { type BucketRisk, bucketRisk, isPooled } from './bucket-risk.ts';
import { collateralValue } from './collateral.ts';
import { legMaintenanceHealth } from './leg-risk.ts';
import { collateralRuleAt } from './maintenance-weight-shift.ts';
import { movedView } from './moved-view.ts';

/**
 * How far every price on one underlying (its asset price and the marks of all its contracts) may
 * move together, down and up, before the bucket falls to maintenance. null: no move within the
 * searched range (down to −99.99 %, or to where a price would fall below one unit; up to
 * jointMoveUpMax×) liquidates it; 0: it is liquidatable now.
 */
export interface JointMove {
  readonly underlying: AssetId;
  /** As a signed fraction of the current price: −0.25 is a 25 % fall. */
  readonly down: Ratio | null;
  readonly up: Ratio | null;
}

/** Moves tried in order, so the nearest liquidation is found even when health is not monotone. */
const downGrid = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.99,
];
const upGrid = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500];
const resolution = SCALE / 10n ** 9n;

export function jointMoves(
  venue: Venue,
  bucket: Bucket,
  risk: BucketRisk,
  prices: PriceView,
): JointMove[] {
  return underlyingsOf(venue, bucket).map((underlying) => {
    const health = healthUnderMove(venue, bucket, risk, prices, underlying);
    if (health(ONE) < 0n) return { underlying, down: 0n, up: 0n };
    const floor = lowestFactor(venue, bucket, prices, underlying);
    return {
      underlying,
      down: nearestMove(health, [
        ...downGrid.map((percent) => ONE - percentToRatio(percent)).filter((f) => f > floor),
        ...(floor < ONE ? [floor] : []),
      ]),
      up: nearestMove(health, [
        ...upGrid.map((percent) => ONE + percentToRatio(percent)),
        jointMoveUpMax * ONE,
      ]),
    };
  });
}

function underlyingsOf(venue: Venue, bucket: Bucket): AssetId[] {
  const assets = new Set<AssetId>();
  for (const leg of bucket.legs) {
    if (leg.size !== 0n) assets.add(venue.instruments.get(leg.instrument)!.underlying);
  }
  for (const [asset, balance] of bucket.balances) {
    if (balance !== 0n) assets.add(asset);
  }
  return [...assets].sort();
}

/** Maintenance health (equity − MM) with the underlying's prices multiplied by `factor`. */
function healthUnderMove(
  venue: Venue,
  bucket: Bucket,
  risk: BucketRisk,
  prices: PriceView,
  underlying: AssetId,
): (factor: Ratio) => Amount {
  const bankruptcyFees = venue.rulebook.closingFee?.valuedAt === 'bankruptcy';
  if (bucket.mode === 'portfolio' || isPooled(venue, bucket) || bankruptcyFees) {
    // The requirement is the whole book's scenario risk, or the pool weighs contracts and orders
    // with its balances (pool-equity.ts), or each closing fee is valued at a bankruptcy price the
    // others' PnL moves: it moves as a whole, not leg by leg.
    return (factor) => {
      const moved = bucketRisk(venue, bucket, movedView(venue, prices, underlying, factor));
      return moved.equity - moved.maintenanceMargin;
    };
  }
  const touchedLegs = bucket.legs.filter((leg) => {
    const instrument = venue.instruments.get(leg.instrument)!;
    return instrument.underlying === underlying || instrument.settle === underlying;
  });
  const balance = bucket.balances.get(underlying) ?? 0n;
  const rule = collateralRuleAt(venue.rulebook.collateral.get(underlying), prices.asOfMs);
  // An underlying need not be held, nor even priced as an asset: then only its marks move.
  const collateralAt = (view: PriceView): Amount =>
    balance === 0n
      ? 0n
      : collateralValue(
          rule,
          balance,
          view.assetPrice(underlying),
          'maintenance',
          view.venueTotals?.get(underlying),
        );
  let rest = risk.equity - risk.maintenanceMargin - collateralAt(prices);
  for (const leg of touchedLegs) rest -= legMaintenanceHealth(venue, leg, prices);
  return (factor) => {
    const moved = movedView(venue, prices, underlying, factor);
    let health = rest + collateralAt(moved);
    for (const leg of touchedLegs) health += legMaintenanceHealth(venue, leg, moved);
    return health;
  };
}

/**
 * The lowest factor the search may move the underlying's prices by: every positive one stays at
 * least one unit (10^-18), the smallest price a file can hold, where an inverse contract's value
 * (a division by its mark) is still defined. Below it a move is not a price; ONE when even the
 * smallest fall would leave one there, and then no move down is searched (null, none).
 */
function lowestFactor(venue: Venue, bucket: Bucket, prices: PriceView, underlying: AssetId): Ratio {
  const moved: bigint[] = [];
  const held = bucket.balances.get(underlying) ?? 0n;
  if (held !== 0n) moved.push(prices.assetPrice(underlying));
  for (const leg of bucket.legs) {
    const instrument = venue.instruments.get(leg.instrument)!;
    if (instrument.underlying === underlying && instrument.kind !== 'option') {
      moved.push(prices.markPrice(leg.instrument));
    }
  }
  let floor = 0n;
  for (const price of moved) {
    // mulFloor(price, factor) ≥ 1 exactly when price × factor ≥ SCALE.
    if (price > 0n) floor = max(floor, divCeil(SCALE, price));
  }
  return floor > ONE ? ONE : floor;
}

function nearestMove(health: (factor: Ratio) => Amount, grid: readonly Ratio[]): Ratio | null {
  let safe = ONE;
  for (const factor of grid) {
    if (health(factor) < 0n) return lastHealthy(safe, factor, resolution, health) - ONE;
    safe = factor;
  }
  return null;
}

function percentToRatio(percent: number): Ratio {
  // Grid points are fixed literals with at most two decimals: exact in hundredths of a percent.
  return divFloor(BigInt(Math.round(percent * 100)) * SCALE, 10_000n);
}
