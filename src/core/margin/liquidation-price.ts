import { bisectionStepsMax } from '../limits.ts';
import type { Bucket, Leg } from '../model/bucket.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import { isMarginedAtEntry, isMarginedAtIndex, type MarginRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Ratio } from '../num/fixed.ts';
import { abs, SCALE } from '../num/fixed.ts';
import { ceilToStep, divCeil, divFloor, floorToStep, mulCeil } from '../num/rounding.ts';
import { bucketRisk, isLiquidatable } from './bucket-risk.ts';
import { baseSize, notional } from './contract-value.ts';
import { indexOf, legMaintenanceHealth, marginMark, requirement } from './leg-risk.ts';
import { marginTerms } from './margin-terms.ts';
import { ruleFor } from './rule-for.ts';

/** A stretch of notional over which the maintenance terms are fixed. */
interface Piece {
  readonly floor: Amount;
  readonly cap: Amount | null;
  readonly rate: bigint;
  readonly deduction: Amount;
}

/**
 * The mark at which the bucket holding this leg falls to maintenance, everything else held where it
 * is: `rest` is the bucket's maintenance health without this leg, in the leg's settle asset.
 *
 *   linear:  rest + f(P − E) − |f|·P·r + d = 0   ⇒  P = (fE − rest − d) / (f − |f|r)
 *   inverse: rest + f(1/E − 1/P) − |f|·r/P + d = 0  ⇒  P = (f + |f|r)E / ((rest + d)E + f)
 *
 * with f the signed base size (face for inverse), r and d the maintenance rate and amount of the
 * bracket the notional is in at P. Solved per bracket; the answer is the one whose notional lands in
 * its own bracket, so the price follows the brackets as notional crosses them (Binance's formula,
 * generalised). Rounded to the tick toward the mark: a long's up, a short's down, so the warning
 * never comes late. null: no price of this instrument liquidates the bucket (a long whose cushion
 * outlasts a fall to zero); 0: every price does (a linear short in debt even at a price of 0).
 * The exact root; what a report shows is `bucketLiquidationPrice`.
 *
 * A rule margined at the index (`MarginPrice`) measures the requirement at `indexPrice`, which is
 * held where it is while the mark moves: the requirement is then a constant M of the mark, so one
 * piece with r = 0 and d = −M, and the same formulas give P = E + (M − rest) / f (linear) and
 * P = fE / ((rest − M)E + f) (inverse). A rule margined at the entry (Bybit's USDT contracts) is
 * the same constant M, measured at the entry: its liquidation price is Bybit's `E − (IM − MM)/f`.
 *
 * `feeRate`, a closing fee valued on the notional (OKX, Gate, KuCoin), adds to every piece's rate,
 * which gives Gate's `(E − margin/f) / (1 − MMR − fee)`. A fee valued at the bankruptcy price does
 * not move with the leg's own mark: the caller takes it out of `rest`.
 */
export function liquidationPrice(
  instrument: Instrument,
  rule: MarginRule,
  leg: Leg,
  mark: Price,
  rest: Amount,
  indexPrice?: Price,
  feeRate: Ratio = 0n,
): Price | null {
  if (leg.size === 0n) return null;
  const face = leg.size * instrument.contractSize;
  const absFace = abs(face);
  for (const piece of piecesOf(instrument, rule, leg, mark, indexPrice, feeRate)) {
    const root = solve(instrument.settlement, face, absFace, leg.entryPrice, rest, piece);
    // A linear short's health falls as the price rises; where it is not positive even at a price
    // of 0 (the piece that holds the smallest notionals), every price liquidates the bucket.
    if (root === null && face < 0n && instrument.settlement === 'linear' && piece.floor === 0n) {
      return 0n;
    }
    if (root === null) continue;
    if (!notionalInPiece(instrument.settlement, absFace, root, piece)) continue;
    const [numerator, denominator] = root;
    return face > 0n
      ? ceilToStep(divCeil(numerator, denominator), instrument.tickSize)
      : floorToStep(divFloor(numerator, denominator), instrument.tickSize);
  }
  return null;
}

/**
 * The liquidation price a risk report shows: `liquidationPrice`'s root held to the bucket's own
 * evaluation, which rounds the leg's PnL down and its requirement up. A root exactly on a tick is
 * otherwise a price at which the bucket is already liquidatable (by some 10^-14 USD), and a root a
 * hair past a tick one at which it still stands a tick beyond. So: the tick at which the bucket,
 * as `bucketRisk` evaluates it, stands (equity ≥ maintenance), the next tick away from the mark
 * being one at which it is liquidatable. `restValue` is the bucket's maintenance health without
 * this leg, in USD. null: the bucket stands at every tick (no price liquidates it) or, for a long,
 * at none (every price does; the report tells them apart by whether the bucket is liquidatable at
 * the mark). A short that no positive price saves is given the first tick, where it falls.
 */
export function bucketLiquidationPrice(
  venue: Venue,
  leg: Leg,
  prices: PriceView,
  restValue: Amount,
  fixedFeeValue: Amount = 0n,
  bucket?: Bucket,
): Price | null {
  const instrument = venue.instruments.get(leg.instrument)!;
  const settlePrice = prices.assetPrice(instrument.settle);
  // Settled in an asset worth nothing, the leg moves no value in the bucket: no price liquidates.
  if (settlePrice === 0n) return null;
  const rest = divFloor((restValue - fixedFeeValue) * SCALE, settlePrice);
  const mark = prices.markPrice(leg.instrument);
  const rule = ruleFor(venue, instrument);
  const index = indexOf(instrument, rule, prices);
  const root = liquidationPrice(instrument, rule, leg, mark, rest, index, notionalFeeRate(venue));
  const long = leg.size > 0n;
  const tick = instrument.tickSize;
  const start = searchStart(root, long, mark, tick);
  // The leg's health as legRisk rounds it, at the mark moved to `at`, the rest held.
  // With `bucket`, the whole bucket is evaluated: the others' closing fees at their bankruptcy
  // prices move with this leg's PnL, which `restValue` holds still.
  const stands = (at: Price) => {
    const moved: PriceView = {
      ...prices,
      markPrice: (id) => (id === leg.instrument ? at : prices.markPrice(id)),
    };
    if (bucket !== undefined) {
      return !isLiquidatable(bucketRisk(venue, bucket, moved), venue.rulebook);
    }
    return restValue - fixedFeeValue + legMaintenanceHealth(venue, leg, moved) >= 0n;
  };
  // Toward the mark is where the leg's health rises: up for a long, down for a short.
  const toward = long ? tick : -tick;
  if (!stands(start)) return standingToward(start, toward, stands);
  // Standing at `start`: find a tick away from the mark where the bucket falls. Without a root, a
  // short is first looked at as far as the gallop goes, where it most likely stands too.
  const farthest = start - toward * 2n ** BigInt(bisectionStepsMax - 1);
  if (root === null && !long && stands(farthest)) return null;
  let jump = -toward;
  for (let step = 0; step < bisectionStepsMax; step += 1) {
    const away = start + jump;
    if (away <= 0n) {
      if (start !== tick && !stands(tick)) return boundary(tick, start, toward, stands);
      // Standing at every tick, falling only at a mark below the first: that tick is the price.
      return mark < tick && !stands(mark) ? tick : null;
    }
    if (!stands(away)) return boundary(away, start, toward, stands);
    jump *= 2n;
  }
  return null;
}

/**
 * Where the search for the bucket's own tick starts: the closed form's root, or, below one tick
 * (a short's root rounded down to 0: no price of 0 can be valued, an inverse contract's PnL
 * divides by it), the first tick. Without a root (a long whose cushion outlasts a fall to zero, an
 * inverse short whose bounded loss it covers) the bucket is still asked: the closed form is
 * solved in the settle asset on a rest floored to it, and the bucket, which rounds each leg in
 * USD, can fall where the closed form stands. A long then starts at the first tick, a short at
 * its mark.
 */
function searchStart(root: Price | null, long: boolean, mark: Price, tick: Price): Price {
  if (root !== null) return root > 0n ? root : tick;
  if (long) return tick;
  const markTick = floorToStep(mark, tick);
  return markTick > 0n ? markTick : tick;
}

/**
 * The tick next to where the bucket falls, toward the mark from `falls` (which falls): galloping
 * toward the mark until it stands, then halving. The roundings are a few units of the settle asset
 * and of USD, which one tick of any traded instrument outweighs, so this is one step or two.
 *
 * Or it stands at no tick that way: a short down to the first tick (every price on the tick grid
 * liquidates it, given as that tick, as a root at or below 0 is), a long over the gallop's 2^160
 * ticks, past the mark and `priceMax` (null: every price). Health rises toward the mark (the
 * leg's requirement moves by r < 1 of what its PnL does), so none beyond stands either. The
 * closed form's root can yet be a price: it is solved in the settle asset, and the bucket is
 * evaluated in USD, where at a settle price of 10^-18 USD a PnL of less than one whole coin rounds
 * down to nothing while a requirement rounds up to 10^-18 USD.
 */
function standingToward(falls: Price, toward: Price, stands: (at: Price) => boolean): Price | null {
  let low = falls;
  let jump = toward;
  for (let step = 0; step < bisectionStepsMax; step += 1) {
    // A short's search ends at one tick: no price of 0 can be valued.
    const last = falls + jump <= 0n;
    const high = last ? abs(toward) : falls + jump;
    if (high !== low && stands(high)) return boundary(low, high, toward, stands);
    if (last) return high;
    low = high;
    jump *= 2n;
  }
  return null;
}

/** The tick next to where the bucket falls, from `falls` (which falls) to `standsAt` (which stands). */
function boundary(
  falls: Price,
  standsAt: Price,
  toward: Price,
  stands: (at: Price) => boolean,
): Price {
  let low = falls;
  let high = standsAt;
  // low falls, high stands; halve the ticks between them until they are one apart.
  for (let step = 0; step < bisectionStepsMax && high - low !== toward; step += 1) {
    const mid = low + divFloor(high - low, 2n * toward) * toward;
    if (stands(mid)) high = mid;
    else low = mid;
  }
  // Both gallops stop within 2^160 ticks, which as many halvings close.
  assert(high - low === toward, 'the halving closes to one tick within bisectionStepsMax');
  return high;
}

function piecesOf(
  instrument: Instrument,
  rule: MarginRule,
  leg: Leg,
  mark: Price,
  indexPrice: Price | undefined,
  feeRate: Ratio,
): Piece[] {
  const atIndex = isMarginedAtIndex(rule);
  if (atIndex || isMarginedAtEntry(rule)) {
    // Measured at the index or the entry, neither of which moves with the mark: a constant
    // requirement, its fee on that notional too.
    const { size, leverage } = leg;
    const at = marginMark(rule, leg, mark);
    const constant = requirement(instrument, rule, 'maintenance', size, at, leverage, indexPrice);
    const base = notional(instrument, size, atIndex ? indexPrice! : at, indexPrice);
    return [{ floor: 0n, cap: null, rate: 0n, deduction: -(constant + mulCeil(base, feeRate)) }];
  }
  if (rule.kind === 'brackets' && rule.tierBy !== 'contracts') {
    // The last bracket reaches past a position limit: the mark may carry a position beyond it.
    return rule.brackets.map((bracket, index) => ({
      floor: bracket.floor,
      cap: index === rule.brackets.length - 1 ? null : bracket.cap,
      rate: bracket.maintenanceRate + feeRate,
      deduction: bracket.maintenanceAmount,
    }));
  }
  // Other rules depend on size, not price: one piece over every notional.
  const exposure = {
    notional: notional(instrument, leg.size, mark),
    size: baseSize(instrument, leg.size),
    contracts: abs(leg.size),
    leverage: leg.leverage,
  };
  const terms = marginTerms(rule, 'maintenance', exposure);
  return [{ floor: 0n, cap: null, rate: terms.rate + feeRate, deduction: terms.deduction }];
}

/** The closing fee's rate on the requirement notional, where the liquidation condition counts it. */
export function notionalFeeRate(venue: Venue): Ratio {
  const fee = venue.rulebook.closingFee;
  return fee?.valuedAt === 'notional' && fee.inMaintenance ? fee.takerRate : 0n;
}

/** The root as an exact fraction (numerator / denominator, denominator > 0) at price scale. */
function solve(
  settlement: Instrument['settlement'],
  face: bigint,
  absFace: bigint,
  entry: Price,
  rest: Amount,
  piece: Piece,
): [bigint, bigint] | null {
  const cushion = rest + piece.deduction;
  let numerator: bigint;
  let denominator: bigint;
  if (settlement === 'linear') {
    numerator = (face * entry - cushion * SCALE * SCALE) * SCALE;
    denominator = face * SCALE - absFace * piece.rate;
  } else {
    numerator = (face * SCALE + absFace * piece.rate) * entry;
    denominator = SCALE * (cushion * entry + face);
  }
  if (denominator === 0n) return null;
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  if (numerator <= 0n) return null;
  return [numerator, denominator];
}

/** Whether the notional at the root lies in the piece (ends included: the requirement is continuous). */
function notionalInPiece(
  settlement: Instrument['settlement'],
  absFace: bigint,
  [numerator, denominator]: [bigint, bigint],
  piece: Piece,
): boolean {
  // linear: notional = |f|·P / SCALE²;  inverse: notional = |f| / P; with P = numerator / denominator,
  // cross-multiplied so nothing is rounded.
  const scaledNotional = settlement === 'linear' ? absFace * numerator : absFace * denominator;
  const unit = settlement === 'linear' ? denominator * SCALE * SCALE : numerator;
  if (scaledNotional < piece.floor * unit) return false;
  return piece.cap === null || scaledNotional <= piece.cap * unit;
}
