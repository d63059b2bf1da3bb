import type { Bucket } from '../model/bucket.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Price } from '../num/fixed.ts';
import { SCALE } from '../num/fixed.ts';
import { divFloor, mulCeil } from '../num/rounding.ts';
import type { BucketRisk } from './bucket-risk.ts';
import { indexOf } from './leg-risk.ts';
import { liquidationPrice, notionalFeeRate } from './liquidation-price.ts';
import { ruleFor } from './rule-for.ts';

/**
 * KuCoin's cross liquidation price ("Liquidation Price in Cross Margin Mode", help center
 * 35084431335065): the pool's equity is apportioned to each position by its mark value,
 * AMR = total margin / Σ |mark value|, and each position is solved as an isolated one holding its
 * share, opened at the mark:
 *
 *   linear: LP = (MV − |MV| × AMR) / (1 − side × MMR − side × taker fee rate) / (size × multiplier)
 *
 * which is `liquidationPrice` with the entry at the mark and the share as the cushion. Mark values
 * are taken in USD, so one pool of several settle assets apportions across them; a share rounds
 * down (it is collateral). KuCoin calls it "only a reference": the pool falls when its risk rate
 * reaches 100 %, which is xmargin's `liquidationPrice`. By leg index; futures with a size only.
 */
export function apportionedLiquidationPrices(
  venue: Venue,
  bucket: Bucket,
  risk: BucketRisk,
  prices: PriceView,
): Map<number, Price | null> {
  const values = new Map<number, Amount>();
  let total = 0n;
  bucket.legs.forEach((leg, index) => {
    const instrument = venue.instruments.get(leg.instrument)!;
    if (leg.size === 0n || instrument.kind === 'option') return;
    const value = mulCeil(risk.legs[index]!.notional, prices.assetPrice(instrument.settle));
    values.set(index, value);
    total += value;
  });
  const answers = new Map<number, Price | null>();
  if (total === 0n) return answers;
  const feeRate = notionalFeeRate(venue);
  for (const [index, value] of values) {
    const leg = bucket.legs[index]!;
    const instrument = venue.instruments.get(leg.instrument)!;
    const settlePrice = prices.assetPrice(instrument.settle);
    const share = divFloor(risk.equity * value, total);
    const cushion = divFloor(share * SCALE, settlePrice);
    const mark = prices.markPrice(leg.instrument);
    const rule = ruleFor(venue, instrument);
    const opened = { ...leg, entryPrice: mark };
    const underlyingIndex = indexOf(instrument, rule, prices);
    const root = liquidationPrice(
      instrument,
      rule,
      opened,
      mark,
      cushion,
      underlyingIndex,
      feeRate,
    );
    // A short that every price liquidates: the first tick, as bucketLiquidationPrice says it.
    answers.set(index, root === 0n ? instrument.tickSize : root);
  }
  return answers;
}
