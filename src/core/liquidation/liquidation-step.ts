import { bucketRisk, isLiquidatable } from '../margin/bucket-risk.ts';
import { notional } from '../margin/contract-value.ts';
import type { PositionSide, Side } from '../model/account.ts';
import type { Bucket } from '../model/bucket.ts';
import type { InstrumentId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { LiquidationRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { type Amount, abs, max, min, type Price, type Quantity, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor, floorToStep } from '../num/rounding.ts';
import { bankruptcyPrice } from './bankruptcy-price.ts';
import { releasedMaintenance } from './bucket-close.ts';
import { fillablePrice } from './fillable-price.ts';
import { liquidationSize } from './liquidation-size.ts';

/** One liquidation order: what to close, how much, at worst at what price. */
export interface LiquidationStep {
  readonly instrument: InstrumentId;
  /** Hedge mode: which of the instrument's two positions is closed. */
  readonly positionSide?: PositionSide;
  /** The order's side: a sell closes a long. */
  readonly side: Side;
  readonly size: Quantity;
  /**
   * The worst price the order may fill at: on the close's worse side of the mark, no farther from
   * it than the bankruptcy price.
   */
  readonly limitPrice: Price;
  /**
   * The close at which the account keeps its share of equity (bankruptcy-price.ts): a fill worse
   * than it is the insurance fund's loss, a better one pays the liquidation fee. Null: no price
   * bankrupts the close.
   */
  readonly bankruptcyPrice: Price | null;
  /** What it closes, valued at the mark in the valuation currency (USD), rounded up. */
  readonly value: Amount;
}

/** The bucket as the engine liquidates it: its open orders cancelled, its flat legs gone. */
export function withoutOrders(bucket: Bucket): Bucket {
  const legs = bucket.legs.filter((leg) => leg.size !== 0n).map((leg) => ({ ...leg, orders: [] }));
  return { ...bucket, legs, spotOrders: [] };
}

/**
 * The next step of a bucket's liquidation, its open orders cancelled first (`withoutOrders`), or
 * undefined where the bucket is not liquidatable (SCENARIOS.md INV-HEALTHY), no close of one of
 * its positions takes maintenance margin off it, or nothing remains to liquidate in this block.
 *
 * The position closed is the one whose close at the mark takes the most maintenance margin off per
 * unit of notional: the most risk off for the least trading. The close weighed is the whole
 * position, or where that adds margin the largest halving of it that takes some off
 * (`releasingClose`), and the step closes no more than it: in portfolio mode the maintenance margin
 * is the scenario loss, which closing one leg of a hedge lowers only up to the point where the rest
 * is unhedged the other way. Ties go to the smaller instrument id. The order's limit is dYdX v4's
 * fillable price (fillable-price.ts) but never past the bankruptcy price, as the liquidation issue
 * asks (dYdX's may go past it): an order that could fill worse than bankruptcy would spend the
 * insurance fund before the book had been tried at a price that costs it nothing; where the
 * bankruptcy price is past the mark on the close's better side, the limit is the mark. Its size is
 * just enough at that limit (liquidation-size.ts), within the step's floor and cap and `remaining`,
 * what the account may still have liquidated in this block (valued at the mark in the valuation
 * currency, USD).
 */
export function liquidationStep(
  venue: Venue,
  bucket: Bucket,
  prices: PriceView,
  rule: LiquidationRule,
  remaining: Amount,
): LiquidationStep | undefined {
  const bare = withoutOrders(bucket);
  const risk = bucketRisk(venue, bare, prices);
  if (!isLiquidatable(risk, venue.rulebook)) return undefined;
  let chosen: { leg: number; released: Amount; worth: Amount; size: Quantity } | undefined;
  bare.legs.forEach((leg, index) => {
    const instrument = venue.instruments.get(leg.instrument)!;
    const probe = releasingClose(venue, bare, index, prices, risk.maintenanceMargin);
    if (probe === undefined) return;
    const { released, size } = probe;
    // In USD, as the released margin is: an inverse contract's notional is in its coin.
    const worth =
      notional(instrument, size, prices.markPrice(leg.instrument)) *
      prices.assetPrice(instrument.settle);
    // released / worth against the best so far, cross-multiplied.
    const better =
      chosen === undefined ||
      released * chosen.worth > chosen.released * worth ||
      (released * chosen.worth === chosen.released * worth &&
        leg.instrument < bare.legs[chosen.leg]!.instrument);
    if (better) chosen = { leg: index, released, worth, size };
  });
  if (chosen === undefined) return undefined;
  const index = chosen.leg;
  const leg = bare.legs[index]!;
  const selling = leg.size > 0n;
  const mark = prices.markPrice(leg.instrument);
  const instrument = venue.instruments.get(leg.instrument)!;
  const settlePrice = prices.assetPrice(instrument.settle);
  // What remains in the block, in the settle asset the step's notional is in.
  const left = settlePrice === 0n ? remaining : divFloor(remaining * SCALE, settlePrice);
  const most = chosen.size;
  const sized = (limit: Price) =>
    liquidationSize(venue, bare, index, prices, limit, rule, left, most);
  const bankruptAt = (size: Quantity) => bankruptcyPrice(venue, bare, { leg: index, size }, prices);
  // The limit moved toward the mark as far as the bankruptcy price, never past the mark: where
  // even the mark bankrupts the close (collateral weighed less than the PnL it is paid in), the
  // mark is the limit that costs the fund least and still fills.
  const held = (limit: Price, bankrupt: Price | null) =>
    bankrupt === null
      ? limit
      : selling
        ? max(limit, min(bankrupt, mark))
        : min(limit, max(bankrupt, mark));
  let limitPrice = fillablePrice(venue, bare, index, prices, rule);
  let size = sized(limitPrice);
  if (size === 0n) return undefined;
  let bankrupt = bankruptAt(size);
  if (held(limitPrice, bankrupt) !== limitPrice) {
    // A better limit needs no more closed; the smaller close's own bankruptcy price may differ
    // (a bracket, a rounding), so the limit is held to that one too: a better limit again.
    limitPrice = held(limitPrice, bankrupt);
    size = sized(limitPrice);
    bankrupt = bankruptAt(size);
    limitPrice = held(limitPrice, bankrupt);
  }
  return {
    instrument: leg.instrument,
    ...(leg.side === undefined ? {} : { positionSide: leg.side }),
    side: selling ? 'sell' : 'buy',
    size,
    limitPrice,
    bankruptcyPrice: bankrupt,
    value: divCeil(notional(instrument, size, mark) * settlePrice, SCALE),
  };
}

/** Halvings of a position tried, after its whole, for a close that takes margin off. */
const probesMax = 8;

/**
 * The largest close of the leg at the mark that takes maintenance margin off the bucket, and what
 * it takes: the whole position, or where that adds margin (a hedge's leg whose whole close
 * leaves the rest unhedged, a portfolio's scenario loss past its flat point), half of it, a
 * quarter, down to one size step, at most `probesMax` halvings. Undefined where none does.
 */
function releasingClose(
  venue: Venue,
  bucket: Bucket,
  leg: number,
  prices: PriceView,
  maintenanceMargin: Amount,
): { readonly size: Quantity; readonly released: Amount } | undefined {
  const held = bucket.legs[leg]!;
  const step = venue.instruments.get(held.instrument)!.sizeStep;
  let size = abs(held.size);
  for (let probe = 0; probe <= probesMax && size > 0n; probe++) {
    const released = releasedMaintenance(venue, bucket, { leg, size }, prices, maintenanceMargin);
    if (released > 0n) return { size, released };
    size = floorToStep(size / 2n, step);
  }
  return undefined;
}
