import type { Side } from '../model/account.ts';
import type { Bucket } from '../model/bucket.ts';
import type { AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { ONE } from '../num/fixed.ts';
import { mulFloor, ratioCeil } from '../num/rounding.ts';
import { type PortfolioRisk, portfolioRisk } from '../portfolio/portfolio-risk.ts';
import { collateralValue } from './collateral.ts';
import { type LegRisk, legRisk, sideFilled } from './leg-risk.ts';

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
  /** For a portfolio bucket, whose requirement is its scenario risk, not the legs' sum. */
  readonly portfolio?: PortfolioRisk;
}

export function bucketRisk(venue: Venue, bucket: Bucket, prices: PriceView): BucketRisk {
  let collateral = 0n;
  let initialCollateral = 0n;
  let maintenanceCollateral = 0n;
  const scanned = scannedSpot(venue, bucket);
  for (const [asset, balance] of bucket.balances) {
    const price = prices.assetPrice(asset);
    // Spot the portfolio scan already moves is valued in full: its haircut would count it twice.
    const rule = scanned.has(asset) ? fullValue : venue.rulebook.collateral.get(asset);
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
  const risk: BucketRisk = {
    collateralValue: collateral,
    unrealisedPnl: pnl,
    positionValue: value,
    equity: maintenanceCollateral + value,
    initialEquity: initialCollateral + value,
    initialMargin,
    maintenanceMargin,
    legs,
  };
  return bucket.mode === 'portfolio' ? withPortfolioMargin(venue, bucket, prices, risk) : risk;
}

const fullValue: CollateralRule = {
  tiers: [{ upTo: null, initialWeight: ONE, maintenanceWeight: ONE }],
  liabilityInitialWeight: ONE,
  liabilityMaintenanceWeight: ONE,
};

/** The spot balances a portfolio bucket's scan covers: those of underlyings it holds contracts on. */
function scannedSpot(venue: Venue, bucket: Bucket): Set<AssetId> {
  const scanned = new Set<AssetId>();
  if (bucket.mode !== 'portfolio' || venue.rulebook.portfolio?.scanSpot !== true) return scanned;
  if (venue.rulebook.crossPool !== 'unified') return scanned;
  for (const leg of bucket.legs) {
    if (leg.size !== 0n) scanned.add(venue.instruments.get(leg.instrument)!.underlying);
  }
  return scanned;
}

/**
 * The requirement of a portfolio bucket: its book's scenario risk, plus what its open orders
 * would add if every buy (or every sell) filled at its price, whichever is worse.
 */
function withPortfolioMargin(
  venue: Venue,
  bucket: Bucket,
  prices: PriceView,
  risk: BucketRisk,
): BucketRisk {
  const rule = venue.rulebook.portfolio;
  // Input validation refuses portfolio mode under a rulebook without a portfolio section.
  assert(rule !== undefined, 'portfolio mode needs a portfolio rule');
  const portfolio = portfolioRisk(venue, bucket, prices, rule);
  let orderMargin = 0n;
  if (bucket.legs.some((leg) => leg.orders.length > 0)) {
    let worst = portfolio.initialMargin;
    for (const side of ['buy', 'sell'] as const) {
      const filled = filledBook(venue, bucket, prices, side);
      const after = portfolioRisk(venue, filled.bucket, prices, rule).initialMargin - filled.gain;
      if (after > worst) worst = after;
    }
    orderMargin = worst - portfolio.initialMargin;
  }
  return {
    ...risk,
    initialMargin: portfolio.initialMargin + orderMargin,
    maintenanceMargin: portfolio.maintenanceMargin,
    portfolio,
  };
}

/** The bucket with one side's open orders filled, and what the fills add to equity (≤ 0, USD). */
function filledBook(
  venue: Venue,
  bucket: Bucket,
  prices: PriceView,
  side: Side,
): { bucket: Bucket; gain: Amount } {
  let gain = 0n;
  const legs = bucket.legs.map((leg) => {
    const instrument = venue.instruments.get(leg.instrument)!;
    const { size, loss } = sideFilled(instrument, leg, side, prices.markPrice(leg.instrument));
    gain += mulFloor(loss, prices.assetPrice(instrument.settle));
    return { ...leg, size, orders: [] };
  });
  return { bucket: { ...bucket, legs }, gain };
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
