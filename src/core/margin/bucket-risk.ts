import type { Side } from '../model/account.ts';
import type { Bucket } from '../model/bucket.ts';
import type { AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { CollateralRule, Rulebook } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { ONE, SCALE } from '../num/fixed.ts';
import { divFloor, mulCeil, mulFloor, ratioCeil } from '../num/rounding.ts';
import { type PortfolioRisk, portfolioRisk } from '../portfolio/portfolio-risk.ts';
import { closingFee } from './closing-fee.ts';
import { collateralValue } from './collateral.ts';
import { hasVariableWeights } from './collateral-weight.ts';
import { type LegRisk, legRisk, sideFilled } from './leg-risk.ts';
import { collateralRuleAt } from './maintenance-weight-shift.ts';
import { poolEquity } from './pool-equity.ts';
import { assetStablePrice } from './stable-price.ts';

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
  // Spot the portfolio scan already moves is valued in full: its haircut would count it twice.
  const ruleOf = (asset: AssetId) =>
    scanned.has(asset)
      ? fullValue
      : collateralRuleAt(venue.rulebook.collateral.get(asset), prices.asOfMs);
  for (const [asset, balance] of bucket.balances) {
    const price = prices.assetPrice(asset);
    const rule = ruleOf(asset);
    collateral += mulFloor(balance, price);
    const total = prices.venueTotals?.get(asset);
    const stable = assetStablePrice(venue, prices, asset, 'initial');
    initialCollateral += collateralValue(rule, balance, price, 'initial', total, stable);
    maintenanceCollateral += collateralValue(rule, balance, price, 'maintenance', total);
  }
  let pnl = 0n;
  let value = 0n;
  let initialValue = 0n;
  let initialMargin = 0n;
  let maintenanceMargin = 0n;
  const legs: LegRisk[] = [];
  for (const leg of bucket.legs) {
    const risk = legRisk(venue, leg, prices);
    legs.push(risk);
    pnl += risk.unrealisedPnlValue;
    value += risk.equityValue;
    initialValue += risk.initialEquityValue;
    initialMargin += risk.initialMargin + risk.openOrderMargin;
    maintenanceMargin += risk.maintenanceMargin;
  }
  let equity = maintenanceCollateral + value;
  let initialEquity = initialCollateral + initialValue;
  if (hasPoolRules(venue, bucket)) {
    equity = poolEquity(venue, bucket, prices, legs, 'maintenance', ruleOf);
    initialEquity = poolEquity(venue, bucket, prices, legs, 'initial', ruleOf);
    if (venue.rulebook.contractHealthInSettleAsset === true) {
      // A health: its requirements are already in it.
      equity += maintenanceMargin;
      initialEquity += initialMargin;
    }
  }
  const feeRule = venue.rulebook.closingFee;
  const charged =
    feeRule?.valuedAt === 'bankruptcy' && feeRule.inMaintenance && bucket.mode !== 'portfolio'
      ? withBankruptcyFees(venue, bucket, prices, legs, equity)
      : legs;
  for (let l = 0; l < legs.length; l += 1) {
    maintenanceMargin += charged[l]!.maintenanceMargin - legs[l]!.maintenanceMargin;
  }
  const risk: BucketRisk = {
    collateralValue: collateral,
    unrealisedPnl: pnl,
    positionValue: value,
    equity,
    initialEquity,
    initialMargin,
    maintenanceMargin,
    legs: charged,
  };
  return bucket.mode === 'portfolio' ? withPortfolioMargin(venue, bucket, prices, risk) : risk;
}

/**
 * Each future's closing fee valued at its bankruptcy price (the price at which the bucket's equity
 * is zero, the other positions at their marks), added to its maintenance margin: the venue counts
 * it in the liquidation condition (Bybit's "Estimated Fee to Close Position", Phemex). A position's
 * own mark does not move its bankruptcy price, only the others' do.
 */
function withBankruptcyFees(
  venue: Venue,
  bucket: Bucket,
  prices: PriceView,
  legs: readonly LegRisk[],
  equity: Amount,
): LegRisk[] {
  return legs.map((risk, index) => {
    const leg = bucket.legs[index]!;
    const instrument = venue.instruments.get(leg.instrument)!;
    const settlePrice = prices.assetPrice(instrument.settle);
    const rest = divFloor((equity - risk.equityValue) * SCALE, settlePrice);
    const position = { size: leg.size, entry: leg.entryPrice, notional: 0n };
    const fee = closingFee(venue.rulebook.closingFee, 'maintenance', instrument, position, rest);
    if (fee === 0n) return risk;
    const feeValue = mulCeil(fee, settlePrice);
    return {
      ...risk,
      maintenanceMargin: risk.maintenanceMargin + feeValue,
      closingFee: risk.closingFee + feeValue,
    };
  });
}

/**
 * Whether the bucket needs the pool's weighing (pool-equity.ts) rather than a plain sum: resting
 * spot orders, weighted PnL, contracts' health in their settle asset, or weights that follow the
 * venue's totals or the holding's size.
 */
export function hasPoolRules(venue: Venue, bucket: Bucket): boolean {
  const rulebook = venue.rulebook;
  if (bucket.spotOrders !== undefined && bucket.spotOrders.length > 0) return true;
  if (rulebook.contractHealthInSettleAsset === true) return true;
  if (rulebook.unrealisedProfit !== undefined && bucket.legs.length > 0) return true;
  for (const asset of bucket.balances.keys()) {
    if (hasVariableWeights(rulebook.collateral.get(asset))) return true;
  }
  return false;
}

/**
 * Whether a contract's health is not its own to add up: the pool weighs it with balances (its
 * settle asset's weight) or resting spot orders depend on the balances it moves. Searches over one
 * contract's price then recompute the whole bucket.
 */
export function isPooled(venue: Venue, bucket: Bucket): boolean {
  if (bucket.spotOrders !== undefined && bucket.spotOrders.length > 0) return true;
  return venue.rulebook.contractHealthInSettleAsset === true;
}

const fullValue: CollateralRule = {
  tiers: [{ upTo: null, initialWeight: ONE, maintenanceWeight: ONE }],
  liabilityInitialWeight: ONE,
  liabilityMaintenanceWeight: ONE,
};

/**
 * The collateral rule `bucketRisk` weighs each of the bucket's balances by, and whether the
 * portfolio scan moves the asset (then valued in full). For reports; the hot path keeps its loop.
 */
export function collateralRuleOf(
  venue: Venue,
  bucket: Bucket,
  asOfMs: number,
): (asset: AssetId) => { rule: CollateralRule | undefined; scanned: boolean } {
  const scanned = scannedSpot(venue, bucket);
  return (asset) =>
    scanned.has(asset)
      ? { rule: fullValue, scanned: true }
      : { rule: collateralRuleAt(venue.rulebook.collateral.get(asset), asOfMs), scanned: false };
}

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

export function isLiquidatable(risk: BucketRisk, rulebook: Rulebook): boolean {
  if (rulebook.liquidationNeedsMargin === true && risk.maintenanceMargin === 0n) return false;
  return risk.equity < risk.maintenanceMargin;
}

/**
 * What a bucket with no maintenance requirement owes (USD, ≥ 0): its negative equity, a debt to
 * settle rather than a position to liquidate (a realised loss, or collateral that went to zero
 * under a borrowing).
 */
export function debtToSettle(risk: BucketRisk): Amount {
  return risk.maintenanceMargin === 0n && risk.equity < 0n ? -risk.equity : 0n;
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
