import type { Account } from '../model/account.ts';
import { type Bucket, bucketsOf, type Leg } from '../model/bucket.ts';
import type { Market } from '../model/market.ts';
import { marketView, type PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Price, Ratio } from '../num/fixed.ts';
import { SCALE } from '../num/fixed.ts';
import { divFloor, mulFloor, ratioFloor } from '../num/rounding.ts';
import { positionGreeks } from '../portfolio/option-greeks.ts';
import { apportionedLiquidationPrices } from './apportioned-liquidation-price.ts';
import {
  type BucketRisk,
  bucketRisk,
  debtToSettle,
  freeCollateral,
  isLiquidatable,
  isPooled,
  marginRatio,
} from './bucket-risk.ts';
import { bankruptcyPrice } from './closing-fee.ts';
import { collateralLines } from './collateral-lines.ts';
import { jointMoves } from './joint-move.ts';
import { liquidationEndHealth } from './liquidation-end.ts';
import { bucketLiquidationPrice } from './liquidation-price.ts';
import { accountTotals } from './margin-figures.ts';
import { pooledLiquidationPrice } from './pooled-liquidation-price.ts';
import { profitWeightOf, weightedProfit } from './profit-weight.ts';
import type { BucketReport, PositionReport, RiskReport } from './risk-report.ts';
import { ruleKeyFor } from './rule-for.ts';

export interface AssessOptions {
  /** Search each underlying's joint move to liquidation (costlier than the rest of the report). */
  readonly jointMoves?: boolean;
}

/** The whole risk report of one account: pure, exact, in one pass over its buckets. */
export function assess(
  account: Account,
  venue: Venue,
  market: Market,
  options: AssessOptions = {},
): RiskReport {
  return assessWith(account, venue, marketView(market), options);
}

export function assessWith(
  account: Account,
  venue: Venue,
  prices: PriceView,
  options: AssessOptions = {},
): RiskReport {
  const buckets: BucketReport[] = [];
  const positions: PositionReport[] = [];
  for (const bucket of bucketsOf(account, venue)) {
    const risk = bucketRisk(venue, bucket, prices);
    buckets.push(bucketReport(venue, bucket, risk, prices, options));
    positions.push(...positionReports(venue, bucket, risk, prices));
  }
  return {
    account: account.id,
    rulebook: venue.rulebook.id,
    ...accountTotals(buckets),
    buckets,
    positions,
  };
}

function bucketReport(
  venue: Venue,
  bucket: Bucket,
  risk: BucketRisk,
  prices: PriceView,
  options: AssessOptions,
): BucketReport {
  return {
    id: bucket.id,
    marginMode: bucket.mode,
    collateralValue: risk.collateralValue,
    collateral: collateralLines(venue, bucket, prices),
    unrealisedPnl: risk.unrealisedPnl,
    positionValue: risk.positionValue,
    equity: risk.equity,
    initialEquity: risk.initialEquity,
    initialMargin: risk.initialMargin,
    maintenanceMargin: risk.maintenanceMargin,
    freeCollateral: freeCollateral(risk),
    marginRatio: marginRatio(risk),
    liquidatable: isLiquidatable(risk, venue.rulebook),
    debt: debtToSettle(risk),
    ...(venue.rulebook.liquidationEndHealth === true
      ? { liquidationEndHealth: liquidationEndHealth(venue, bucket, prices) }
      : {}),
    jointMoves: options.jointMoves === true ? jointMoves(venue, bucket, risk, prices) : [],
    ...(risk.portfolio === undefined ? {} : { portfolio: risk.portfolio }),
  };
}

/**
 * A hedge-mode leg whose instrument's other side is in the bucket too: one mark moves both, so
 * its liquidation price is the whole bucket's, not the leg's own with the rest held still.
 */
function hasOtherSide(bucket: Bucket, leg: Bucket['legs'][number]): boolean {
  return bucket.legs.some((other) => other !== leg && other.instrument === leg.instrument);
}

function positionReports(
  venue: Venue,
  bucket: Bucket,
  risk: BucketRisk,
  prices: PriceView,
): PositionReport[] {
  const health = risk.equity - risk.maintenanceMargin;
  const liquidatable = isLiquidatable(risk, venue.rulebook);
  const reports: PositionReport[] = [];
  const apportioned =
    venue.rulebook.crossLiquidationPrice === 'apportioned' && bucket.mode === 'cross'
      ? apportionedLiquidationPrices(venue, bucket, risk, prices)
      : undefined;
  const bankruptcyFees = venue.rulebook.closingFee?.valuedAt === 'bankruptcy';
  bucket.legs.forEach((leg, index) => {
    if (leg.size === 0n) return;
    const legRisk = risk.legs[index]!;
    const instrument = venue.instruments.get(leg.instrument)!;
    const mark = prices.markPrice(leg.instrument);
    const counted = weightedProfit(venue.rulebook, instrument, legRisk.equityValue, 'maintenance');
    const restValue = health - (counted - legRisk.maintenanceMargin);
    // An option's premium is not the price that liquidates it, and a portfolio bucket's
    // requirement is not a sum over legs: there the underlying's joint move is the answer.
    const future = instrument.kind !== 'option';
    // A fee valued at the bankruptcy price does not move with the leg's own mark.
    const fixedFee = bankruptcyFees ? legRisk.closingFee : 0n;
    // Others' fees at their bankruptcy prices follow this leg's PnL: the whole bucket decides.
    const whole = bankruptcyFees && bucket.legs.length > 1 ? bucket : undefined;
    const price =
      !future || bucket.mode === 'portfolio'
        ? null
        : isPooled(venue, bucket) || !isSolvedAlone(venue, leg) || hasOtherSide(bucket, leg)
          ? pooledLiquidationPrice(venue, bucket, leg, prices)
          : bucketLiquidationPrice(venue, leg, prices, restValue, fixedFee, whole);
    const settlePrice = prices.assetPrice(instrument.settle);
    // Settled in an asset at zero, the leg moves no value: no price takes the bucket to zero.
    const bankruptcy =
      future && settlePrice > 0n
        ? bankruptcyPrice(
            instrument,
            leg.size,
            leg.entryPrice,
            divFloor((risk.equity - legRisk.equityValue) * SCALE, settlePrice),
          )
        : null;
    reports.push({
      instrument: leg.instrument,
      ...(leg.side === undefined ? {} : { side: leg.side }),
      bucket: bucket.id,
      marginMode: bucket.mode,
      size: leg.size,
      entryPrice: leg.entryPrice,
      markPrice: mark,
      underlying: instrument.underlying,
      settle: instrument.settle,
      priceCurrency:
        instrument.kind === 'option' && instrument.settlement === 'inverse'
          ? instrument.settle
          : instrument.quote,
      tickSize: instrument.tickSize,
      sizeStep: instrument.sizeStep,
      marginRule: ruleKeyFor(venue, instrument),
      leverage: leg.leverage ?? null,
      leverageUsed:
        future && legRisk.initialMargin > 0n
          ? ratioFloor(mulFloor(legRisk.notional, settlePrice), legRisk.initialMargin)
          : null,
      notional: legRisk.notional,
      unrealisedPnl: legRisk.unrealisedPnl,
      unrealisedPnlValue: legRisk.unrealisedPnlValue,
      equityValue: legRisk.equityValue,
      initialMargin: legRisk.initialMargin,
      maintenanceMargin: legRisk.maintenanceMargin,
      openOrderMargin: legRisk.openOrderMargin,
      closingFee: legRisk.closingFee,
      liquidationPrice: price,
      liquidatedAtEveryPrice:
        price === null && future && bucket.mode !== 'portfolio' && liquidatable,
      bankruptcyPrice: bankruptcy,
      ...(apportioned === undefined || !future
        ? {}
        : { apportionedLiquidationPrice: apportioned.get(index) ?? null }),
      liquidationDistance: price === null ? null : distance(price, mark, leg.size > 0n),
      ...(instrument.kind === 'option'
        ? { greeks: positionGreeks(instrument, leg.size, prices) }
        : {}),
    });
  });
  return reports;
}

/** How far the mark may move against the position; 0 once it is past the liquidation price. */
function distance(price: Price, mark: Price, long: boolean): Ratio {
  const room = long ? mark - price : price - mark;
  return room <= 0n ? 0n : ratioFloor(room, mark);
}

/**
 * Whether `liquidationPrice`'s closed form holds for the leg: its health is size × (mark − entry)
 * less its requirement. An unsettled PnL or a weight on its profit (a kink at zero) is searched
 * over the whole bucket instead (pooled-liquidation-price.ts), as are open orders that count in
 * maintenance.
 */
function isSolvedAlone(venue: Venue, leg: Leg): boolean {
  if (leg.unsettledPnl !== undefined && leg.unsettledPnl !== 0n) return false;
  // Orders counted in maintenance put the worse side's kinks in the leg's health.
  if (venue.rulebook.openOrdersInMaintenance === true && leg.orders.length > 0) return false;
  const instrument = venue.instruments.get(leg.instrument)!;
  return profitWeightOf(venue.rulebook, instrument) === undefined;
}
