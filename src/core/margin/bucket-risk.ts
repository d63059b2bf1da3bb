import type { Venue } from '../model/venue.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { mulFloor, ratioCeil } from '../num/rounding.ts';
import type { Bucket } from './bucket.ts';
import { collateralValue } from './collateral.ts';
import { type LegRisk, legRisk } from './leg-risk.ts';
import type { PriceView } from './price-view.ts';

/**
 * Risk is a value you add up: each balance and leg contributes, the bucket decides once.
 * All amounts in the valuation currency (USD).
 *
 *   equity         = Σ collateral (maintenance weights) + Σ position value
 *   initialEquity  = Σ collateral (initial weights)     + Σ position value
 * where a future's value is its unrealised PnL and an option's its market value.
 *   liquidatable  ⇔ equity < maintenanceMargin;  an order passes ⇔ initialEquity ≥ initialMargin
 */
export interface BucketRisk {
  readonly collateralValue: Amount;
  readonly unrealisedPnl: Amount;
  /** Futures' unrealised PnL plus options' market value (contract-value.ts `equityValue`). */
  readonly positionValue: Amount;
  readonly equity: Amount;
  readonly initialEquity: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  readonly legs: readonly LegRisk[];
}

export function bucketRisk(venue: Venue, bucket: Bucket, prices: PriceView): BucketRisk {
  let collateral = 0n;
  let initialCollateral = 0n;
  let maintenanceCollateral = 0n;
  for (const [asset, balance] of bucket.balances) {
    const price = prices.assetPrice(asset);
    const rule = venue.rulebook.collateral.get(asset);
    collateral += mulFloor(balance, price);
    initialCollateral += collateralValue(rule, balance, price, 'initial');
    maintenanceCollateral += collateralValue(rule, balance, price, 'maintenance');
  }
  let pnl = 0n;
  let value = 0n;
  let initialMargin = 0n;
  let maintenanceMargin = 0n;
  const legs: LegRisk[] = [];
  for (const leg of bucket.legs) {
    const risk = legRisk(venue, leg, prices);
    legs.push(risk);
    pnl += risk.unrealisedPnlValue;
    value += risk.equityValue;
    initialMargin += risk.initialMargin + risk.openOrderMargin;
    maintenanceMargin += risk.maintenanceMargin;
  }
  return {
    collateralValue: collateral,
    unrealisedPnl: pnl,
    positionValue: value,
    equity: maintenanceCollateral + value,
    initialEquity: initialCollateral + value,
    initialMargin,
    maintenanceMargin,
    legs,
  };
}

export function isLiquidatable(risk: BucketRisk): boolean {
  return risk.equity < risk.maintenanceMargin;
}

/** What the bucket may still commit: initial equity above initial margin (negative: a shortfall). */
export function freeCollateral(risk: BucketRisk): Amount {
  return risk.initialEquity - risk.initialMargin;
}

/** Maintenance margin over equity, rounded up; null when equity is not positive (no ratio). */
export function marginRatio(risk: BucketRisk): Ratio | null {
  if (risk.equity <= 0n) return null;
  return ratioCeil(risk.maintenanceMargin, risk.equity);
}
