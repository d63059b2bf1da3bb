import { lastHealthy } from '../margin/boundary-search.ts';
import { bucketRisk } from '../margin/bucket-risk.ts';
import { notional } from '../margin/contract-value.ts';
import type { Bucket } from '../model/bucket.ts';
import type { PriceView } from '../model/price-view.ts';
import type { LiquidationRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import { type Amount, abs, max, min, ONE, type Price, type Quantity } from '../num/fixed.ts';
import { ceilToStep, divFloor, floorToStep, mulCeil, mulFloor } from '../num/rounding.ts';
import { closedAt } from './bucket-close.ts';
import { liquidationFee, liquidationValue, settleUnit } from './insurance-fund-delta.ts';

/** How a liquidation step is sized: the venue's rules. */
export type LiquidationSizing = Pick<
  LiquidationRule,
  'buffer' | 'minNotional' | 'maxPortion' | 'feeRate'
>;

/**
 * How much of a leg one liquidation step closes, on the size step: just enough that the bucket,
 * the close filled at `price` (the order's limit: the worst it may fill at) and its liquidation
 * fee paid in full (the fund may take less: insurance-fund-delta.ts), is back at maintenance
 * margin × (1 + buffer) (Binance's and Bybit's partial liquidation), but no more than
 * the step's cap and no less than its floor, as dYdX v4 bounds a step (dydxprotocol/v4-chain
 * protocol/x/clob/keeper/liquidations.go `GetLiquidatablePositionSizeDelta`,
 * `GetMaxAndMinPositionNotionalLiquidatable`):
 *
 *   floor = min(minNotional, N),  cap = min(max(floor, N × maxPortion), remaining)
 *
 * with N the position's notional at the mark and `remaining` what the account may still have
 * liquidated in this block of time; a position within its cap, or of one size step, is closed
 * whole. Sizes come from notionals in proportion to the position's own (a cap rounds down to the
 * step, a floor up), and never more than `most` (the largest close that takes margin off:
 * liquidation-step.ts). 0 where what remains to liquidate in this block is not worth one size step.
 */
export function liquidationSize(
  venue: Venue,
  bucket: Bucket,
  leg: number,
  prices: PriceView,
  price: Price,
  sizing: LiquidationSizing,
  remaining: Amount,
  most: Quantity = abs(bucket.legs[leg]!.size),
): Quantity {
  assert(sizing.buffer >= 0n, 'a liquidation buffer is not negative');
  assert(sizing.maxPortion > 0n && sizing.maxPortion <= ONE, 'a step closes part of a position');
  const held = bucket.legs[leg]!;
  const instrument = venue.instruments.get(held.instrument)!;
  const step = instrument.sizeStep;
  const whole = abs(held.size);
  const worth = notional(instrument, whole, prices.markPrice(held.instrument));
  const floorWorth = min(sizing.minNotional, worth);
  const capWorth = min(max(floorWorth, mulFloor(worth, sizing.maxPortion)), remaining);
  if (capWorth <= 0n) return 0n;
  const sizeOf = (value: Amount) => (worth === 0n ? whole : divFloor(value * whole, worth));
  // What is left of the block buys not one size step: nothing more this block.
  if (remaining < worth && floorToStep(sizeOf(remaining), step) === 0n) return 0n;
  // At least one step, at most the whole position.
  const bounded = (size: Quantity) => max(step, min(whole, size));
  const cap = min(
    most,
    worth <= capWorth || whole <= step ? whole : bounded(floorToStep(sizeOf(capWorth), step)),
  );
  const least = min(cap, bounded(ceilToStep(sizeOf(floorWorth), step)));
  const unit = settleUnit(venue, instrument);
  const health = (steps: bigint) => {
    const size = steps * step;
    const value = liquidationValue(instrument, size, price, prices);
    const fee = liquidationFee(value, sizing.feeRate, unit);
    const after = bucketRisk(venue, closedAt(venue, bucket, { leg, size }, price, fee), prices);
    return after.equity - mulCeil(after.maintenanceMargin, ONE + sizing.buffer);
  };
  const [fewest, widest] = [divFloor(least, step), divFloor(cap, step)];
  // A whole position off the step grid is closed whole: no part of it sits between.
  if (cap % step !== 0n || health(widest) < 0n) return cap;
  if (health(fewest) >= 0n) return least;
  return lastHealthy(widest, fewest, 1n, health) * step;
}
