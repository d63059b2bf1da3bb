import { assert } from '../num/assert.ts';
import {
  accountEquity,
  accountInitialMargin,
  accountMaintenanceMargin,
  crossEquity,
  crossInitialEquity,
  crossInitialMargin,
  crossMaintenanceMargin,
  initialNearEdge,
  lowestHealth,
  lowestWarningHealth,
  magnitude,
  maintenanceNearEdge,
  roundingSlack,
  worstMaintenance,
  worstStanding,
} from './fast-figures.ts';
import { bracketOf, notionalOf, requirementIn, tierMeasureOf } from './fast-requirement.ts';
import { downToUnit, towardZeroToUnit } from './fast-units.ts';
import type { RiskBook } from './risk-book.ts';

/**
 * The fast path: one account's margin figures from a RiskBook in float64, with no allocation.
 * The same definitions as the exact path (src/core/margin), written once more over columns; the
 * shared suite in two-paths.test.ts holds the two to one spec within `fastTolerance`. Figures
 * are written to `out` at the offsets of fast-figures.ts, which callers read it by.
 *
 * In three steps, so a live book (live-book.ts) can keep what a tick does not move: the account's
 * collateral (`marginCollateral`), each leg's own figures (`marginLeg`), and the account's figures
 * summed from those (`sumAccount`). A mark tick re-margins the legs on its instrument and sums.
 */
export * from './fast-figures.ts';

// A leg's figures, by offset in its row of `legStride` (USD).
/** Its PnL as equity counts it (a profit at its weight); of an isolated leg, its bucket's equity. */
export const legValue = 0;
/** Its PnL as initial equity counts it (cross legs). */
export const legInitialValue = 1;
/** Its initial margin, its open orders' worst case included. */
export const legInitialMargin = 2;
export const legMaintenanceMargin = 3;
/** Its part of `magnitude` and of `roundingSlack`. */
export const legScale = 4;
export const legSlack = 5;
/** 1 where a maintenance step sat near its edge, + 2 where an initial one did. */
export const legEdges = 6;
export const legStride = 7;

/** The collateral's figures, by offset in its row of `collateralStride` (USD). */
export const collateralEquity = 0;
export const collateralInitialEquity = 1;
export const collateralScale = 2;
export const collateralSlack = 3;
export const collateralStride = 4;

let legScratch = new Float64Array(legStride * 16);
const collateralScratch = new Float64Array(collateralStride);

export function marginAccount(book: RiskBook, account: number, out: Float64Array): void {
  assert(
    book.exactOnly[account] === 0,
    'the fast path margins a unified cross pool and isolated buckets only',
  );
  const first = book.legStart[account]!;
  const count = book.legEnd[account]! - first;
  if (legScratch.length < count * legStride) legScratch = new Float64Array(count * legStride * 2);
  const scratch = legScratch;
  const shift = -first * legStride;
  marginCollateral(book, account, collateralScratch, 0);
  for (let l = first; l < first + count; l += 1) {
    marginLeg(book, l, out, scratch, l * legStride + shift);
  }
  sumAccount(book, account, collateralScratch, 0, scratch, shift, out);
}

/** The account's balances at their weights into `into` from offset `at` (`collateral*`). */
export function marginCollateral(
  book: RiskBook,
  account: number,
  into: Float64Array,
  at: number,
): void {
  let equity = 0;
  let initialEquity = 0;
  let scale = 0;
  let slack = 0;
  for (let b = book.balanceStart[account]!; b < book.balanceEnd[account]!; b += 1) {
    const asset = book.balanceAsset[b]!;
    const unit = book.unit[asset]!;
    const value = downToUnit(book.balanceAmount[b]!, unit) * book.price[asset]!;
    slack += unit * book.price[asset]!;
    equity += collateral(book, asset, value, false);
    initialEquity += collateral(book, asset, value, true);
    scale += Math.abs(value);
  }
  into[at + collateralEquity] = equity;
  into[at + collateralInitialEquity] = initialEquity;
  into[at + collateralScale] = scale;
  into[at + collateralSlack] = slack;
}

/**
 * Leg `l`'s own figures into `legs` from offset `at` (`leg*`). `out` is scratch here: the
 * requirement's helpers mark a step's edge and add to the magnitude there.
 */
export function marginLeg(
  book: RiskBook,
  l: number,
  out: Float64Array,
  legs: Float64Array,
  at: number,
): void {
  out[magnitude] = 0;
  out[maintenanceNearEdge] = 0;
  out[initialNearEdge] = 0;
  // The optional rules are tested once here, so the common case calls none of their code and
  // the function stays small enough for the compiler to inline what it does call.
  const fees = book.closingFeeRate !== 0;
  const weighs = book.weighsProfit === 1;
  const i = book.legInstrument[l]!;
  const settle = book.settleAsset[i]!;
  const settlePrice = book.price[settle]!;
  const mark = book.mark[i]!;
  const size = book.legSize[l]!;
  const floor = book.legLeverageFloor[l]!;
  const entry = book.legEntry[l]!;
  const unit = book.unit[settle]!;
  const unsettled = book.legUnsettled[l]!;
  const pnl = valueInUnits(book, i, size, entry, mark, unsettled, unit) * settlePrice;
  const hasOrders = book.legOrderEnd[l]! > book.legOrderStart[l]!;
  // Each side filled is a requirement more, for maintenance too where orders count there.
  const sides = hasOrders ? (book.ordersInMaintenance === 1 ? 4 : 2) : 0;
  // A unit per rounding: the value's one (two under `netNotionalValue`), three per requirement.
  const slack = (1 + book.netNotionalValue + 3 * (2 + sides)) * unit * settlePrice;
  // A rule margined at the entry measures the position there (its open orders alone at the mark).
  const measuredAt = book.marginAtEntry[i] === 1 && size !== 0 ? entry : mark;
  const notional = notionalOf(book, i, size, measuredAt);
  const b = bracketOf(book, i, tierMeasureOf(book, i, size, notional), out, true);
  const imBase = requirementIn(book, i, b, size, notional, mark, floor, true, out);
  const mmBase = requirementIn(book, i, b, size, notional, mark, floor, false, out);
  const im =
    (fees ? imBase + initialClosingFee(book, i, size, entry, notional, imBase) : imBase) *
    settlePrice;
  let mm = (fees ? mmBase + notionalClosingFee(book, i, size, notional) : mmBase) * settlePrice;
  const orderMargin = hasOrders
    ? openOrderMargin(book, l, i, size, measuredAt, mark, floor, pnl, im, settlePrice, out, true)
    : 0;
  if (hasOrders && book.ordersInMaintenance === 1) {
    mm += openOrderMargin(
      book,
      l,
      i,
      size,
      measuredAt,
      mark,
      floor,
      pnl,
      mm,
      settlePrice,
      out,
      false,
    );
  }
  let scale = (notional + grossOf(book, i, size, entry, mark) + Math.abs(unsettled)) * settlePrice;
  const isolated = book.legIsolatedMargin[l]!;
  const counted = weighs ? weightedProfit(book, i, pnl, false) : pnl;
  if (Number.isNaN(isolated)) {
    legs[at + legValue] = counted;
    legs[at + legInitialValue] = weighs ? weightedProfit(book, i, pnl, true) : pnl;
  } else {
    const margin = downToUnit(isolated, unit) * settlePrice;
    const cushion = collateral(book, settle, margin, false);
    if (fees) mm += bankruptcyClosingFee(book, i, size, entry, cushion / settlePrice) * settlePrice;
    legs[at + legValue] = cushion + counted;
    legs[at + legInitialValue] = 0;
    scale += margin;
  }
  legs[at + legInitialMargin] = im + orderMargin;
  legs[at + legMaintenanceMargin] = mm;
  legs[at + legScale] = out[magnitude]! + scale;
  legs[at + legSlack] = slack;
  legs[at + legEdges] = out[maintenanceNearEdge]! + 2 * out[initialNearEdge]!;
}

/**
 * The account's figures into `out`: its collateral's (row `c` of `collateral`) and its legs'
 * (leg l's row at l × legStride + `shift` of `legs`), summed in the order of its rows, so a sum
 * from kept rows is the sum a whole re-margin gives, to the bit.
 */
export function sumAccount(
  book: RiskBook,
  account: number,
  collateral: Float64Array,
  c: number,
  legs: Float64Array,
  shift: number,
  out: Float64Array,
): void {
  let equity = collateral[c + collateralEquity]!;
  let initialEquity = collateral[c + collateralInitialEquity]!;
  let scale = collateral[c + collateralScale]!;
  let slack = collateral[c + collateralSlack]!;
  let edges = 0;
  let initialMargin = 0;
  let maintenanceMargin = 0;
  let isolatedEquity = 0;
  let isolatedInitial = 0;
  let isolatedMaintenance = 0;
  let lowest = Number.POSITIVE_INFINITY;
  let warning = Number.POSITIVE_INFINITY;
  const ratio = book.warningRatio;
  const warns = !Number.isNaN(ratio);
  out[worstStanding] = Number.POSITIVE_INFINITY;
  out[worstMaintenance] = 0;
  const needsMargin = book.venue.rulebook.liquidationNeedsMargin === true;
  for (let l = book.legStart[account]!; l < book.legEnd[account]!; l += 1) {
    const o = l * legStride + shift;
    scale += legs[o + legScale]!;
    slack += legs[o + legSlack]!;
    edges |= legs[o + legEdges]!;
    if (Number.isNaN(book.legIsolatedMargin[l]!)) {
      equity += legs[o + legValue]!;
      initialEquity += legs[o + legInitialValue]!;
      initialMargin += legs[o + legInitialMargin]!;
      maintenanceMargin += legs[o + legMaintenanceMargin]!;
      continue;
    }
    const bucketEquity = legs[o + legValue]!;
    const mm = legs[o + legMaintenanceMargin]!;
    isolatedEquity += Math.max(bucketEquity, 0);
    isolatedInitial += legs[o + legInitialMargin]!;
    isolatedMaintenance += mm;
    if (bucketEquity - mm < lowest) lowest = bucketEquity - mm;
    if (warns && ratio * bucketEquity - mm < warning) warning = ratio * bucketEquity - mm;
    rank(out, bucketEquity, mm, needsMargin);
  }
  if (book.closingFeeRate !== 0) maintenanceMargin += crossBankruptcyFees(book, account, equity);
  if (equity - maintenanceMargin < lowest) lowest = equity - maintenanceMargin;
  if (warns && ratio * equity - maintenanceMargin < warning) {
    warning = ratio * equity - maintenanceMargin;
  }
  rank(out, equity, maintenanceMargin, needsMargin);
  out[crossEquity] = equity;
  out[crossInitialEquity] = initialEquity;
  out[crossInitialMargin] = initialMargin;
  out[crossMaintenanceMargin] = maintenanceMargin;
  out[accountEquity] = equity + isolatedEquity;
  out[accountInitialMargin] = initialMargin + isolatedInitial;
  out[accountMaintenanceMargin] = maintenanceMargin + isolatedMaintenance;
  out[lowestHealth] = lowest;
  out[lowestWarningHealth] = warning;
  out[magnitude] = scale;
  out[maintenanceNearEdge] = edges & 1;
  out[initialNearEdge] = (edges >> 1) & 1;
  out[roundingSlack] = slack;
}

/** Keeps the worse of the standing in `out` and this bucket's (liquidation-queue.ts's order). */
function rank(out: Float64Array, equity: number, mm: number, needsMargin: boolean): void {
  let standing = Number.POSITIVE_INFINITY;
  if (mm > 0) standing = equity / mm;
  else if (equity < 0 && !needsMargin) standing = Number.NEGATIVE_INFINITY;
  const worst = out[worstStanding]!;
  if (standing < worst || (standing === worst && mm > out[worstMaintenance]!)) {
    out[worstStanding] = standing;
    out[worstMaintenance] = mm;
  }
}

function collateral(book: RiskBook, asset: number, value: number, initial: boolean): number {
  if (book.weighsCollateral[asset] === 0) return tiered(book, asset, value, initial, 1, 1);
  const price = book.price[asset]!;
  const imf = book.collateralImf[asset]!;
  if (value < 0) {
    let weight = initial
      ? book.liabilityInitialWeight[asset]!
      : book.liabilityMaintenanceWeight[asset]!;
    // collateral-weight.ts `liabilityWeight`: the size premium, then the venue's borrows.
    if (imf > 0) weight = Math.max(weight, 0.8 * weight + imf * Math.sqrt(-value / price));
    const borrows = book.venueBorrows[asset]! * price;
    const start = book.borrowScaleStart[asset]!;
    if (initial && borrows > start) weight *= borrows / start;
    return value * weight;
  }
  // collateral-weight.ts `assetWeight`: the venue's deposits, then the size discount.
  let scaled = 1;
  const deposits = book.venueDeposits[asset]! * price;
  const start = book.depositScaleStart[asset]!;
  if (initial && deposits > start) scaled = start / deposits;
  const discount = imf > 0 ? 1.1 / (1 + imf * Math.sqrt(value / price)) : 1;
  return tiered(book, asset, value, initial, scaled, discount);
}

/**
 * collateral.ts: a holding weighted band by band (each band's weight × `scaled`, at most
 * `discount`), or a liability at its weight.
 */
function tiered(
  book: RiskBook,
  asset: number,
  value: number,
  initial: boolean,
  scaled: number,
  discount: number,
): number {
  if (value < 0) {
    const weight = initial
      ? book.liabilityInitialWeight[asset]!
      : book.liabilityMaintenanceWeight[asset]!;
    return value * weight;
  }
  let weighted = 0;
  let floor = 0;
  for (let t = book.tierStart[asset]!; t < book.tierEnd[asset]!; t += 1) {
    const upTo = book.tierUpTo[t]!;
    const top = Math.min(value, upTo);
    if (top > floor) {
      const listed = initial ? book.tierInitialWeight[t]! : book.tierMaintenanceWeight[t]!;
      weighted += (top - floor) * Math.min(listed * scaled, discount);
    }
    if (value <= upTo) break;
    floor = upTo;
  }
  return weighted;
}

/**
 * profit-weight.ts `weightedProfit`: a gain (USD) × the instrument's weight of the kind, for
 * initial at most Drift's size discount; a loss in full.
 */
function weightedProfit(book: RiskBook, i: number, value: number, initial: boolean): number {
  if (value <= 0) return value;
  const weight = initial ? book.profitInitialWeight[i]! : book.profitMaintenanceWeight[i]!;
  const imf = book.profitImf[i]!;
  if (!initial || imf === 0 || weight === 0) return value * weight;
  return value * Math.min(weight, 1.1 / (1 + imf * Math.sqrt(value)));
}

/**
 * leg-risk.ts `valueInUnits`: what a leg adds to equity in whole units of its settle asset; under
 * `netNotionalValue` a linear contract's dYdX net collateral, its quote balance rounded down plus
 * its signed notional truncated toward zero (two roundings: the screen's slack counts both).
 */
function valueInUnits(
  book: RiskBook,
  i: number,
  size: number,
  entry: number,
  mark: number,
  unsettled: number,
  unit: number,
): number {
  if (book.netNotionalValue === 0 || book.inverse[i] === 1 || book.option[i] !== 0) {
    return downToUnit(equityValueOf(book, i, size, entry, mark) + unsettled, unit);
  }
  const face = size * book.contractSize[i]!;
  return downToUnit(unsettled - face * entry, unit) + towardZeroToUnit(face * mark, unit);
}

function pnlOf(book: RiskBook, i: number, size: number, entry: number, mark: number): number {
  if (size === 0) return 0;
  const face = size * book.contractSize[i]!;
  return book.inverse[i] === 1 ? face * (1 / entry - 1 / mark) : face * (mark - entry);
}

/**
 * The terms of a leg's value that its notional does not already count, in the settle asset: a
 * future's PnL is face × mark − face × entry, so |face × entry| (|face / entry| inverse), and the
 * mark's term too where the notional is at the index; an option's value is |size| × contract size
 * × mark.
 */
function grossOf(book: RiskBook, i: number, size: number, entry: number, mark: number): number {
  const face = Math.abs(size) * book.contractSize[i]!;
  if (book.option[i] !== 0) return face * mark;
  const inverse = book.inverse[i] === 1;
  // A leg of open orders alone has no entry: no position, nothing at it (an inverse 0 / 0).
  const atEntry = face === 0 ? 0 : inverse ? face / entry : face * entry;
  if (book.marginAtIndex[i] === 0) return atEntry;
  return atEntry + (inverse ? face / mark : face * mark);
}

/** What a leg adds to equity: a future its unrealised PnL, an option its market value. */
function equityValueOf(
  book: RiskBook,
  i: number,
  size: number,
  entry: number,
  mark: number,
): number {
  return book.option[i] === 0
    ? pnlOf(book, i, size, entry, mark)
    : size * book.contractSize[i]! * mark;
}

/** closing-fee.ts `valueAtBankruptcy`: the entry value less the cushion (or plus it), ≥ 0. */
function valueAtBankruptcy(
  book: RiskBook,
  i: number,
  size: number,
  entry: number,
  cushion: number,
): number {
  const face = Math.abs(size) * book.contractSize[i]!;
  const inverse = book.inverse[i] === 1;
  const entryValue = inverse ? face / entry : face * entry;
  const shrinks = inverse !== size > 0;
  return Math.max(0, shrinks ? entryValue - cushion : entryValue + cushion);
}

/** The closing fee added to initial margin (settle asset): Phemex's "Fee to Close Position". */
function initialClosingFee(
  book: RiskBook,
  i: number,
  size: number,
  entry: number,
  notional: number,
  initial: number,
): number {
  if (book.closingFeeInInitial === 0 || size === 0 || book.option[i] !== 0) return 0;
  if (book.closingFeeAtBankruptcy === 0) return book.closingFeeRate * notional;
  return book.closingFeeRate * valueAtBankruptcy(book, i, size, entry, initial);
}

/** A closing fee valued on the notional, where it counts in maintenance (settle asset). */
function notionalClosingFee(book: RiskBook, i: number, size: number, notional: number): number {
  if (book.closingFeeInMaintenance === 0 || book.closingFeeAtBankruptcy === 1) return 0;
  if (size === 0 || book.option[i] !== 0) return 0;
  return book.closingFeeRate * notional;
}

/**
 * A closing fee valued at the bankruptcy price, where it counts in maintenance (settle asset):
 * `cushion` is the bucket's equity without the leg, in the settle asset.
 */
function bankruptcyClosingFee(
  book: RiskBook,
  i: number,
  size: number,
  entry: number,
  cushion: number,
): number {
  if (book.closingFeeInMaintenance === 0 || book.closingFeeAtBankruptcy === 0) return 0;
  if (size === 0 || book.option[i] !== 0) return 0;
  return book.closingFeeRate * valueAtBankruptcy(book, i, size, entry, cushion);
}

/**
 * bucket-risk.ts `withBankruptcyFees` over the cross legs (USD): each leg's cushion is the cross
 * equity without its own value, which only the whole pool's equity gives, hence a second pass.
 */
function crossBankruptcyFees(book: RiskBook, account: number, equity: number): number {
  if (book.closingFeeInMaintenance === 0 || book.closingFeeAtBankruptcy === 0) return 0;
  let fees = 0;
  for (let l = book.legStart[account]!; l < book.legEnd[account]!; l += 1) {
    if (!Number.isNaN(book.legIsolatedMargin[l]!)) continue;
    const i = book.legInstrument[l]!;
    const settle = book.settleAsset[i]!;
    const settlePrice = book.price[settle]!;
    const size = book.legSize[l]!;
    const entry = book.legEntry[l]!;
    const mark = book.mark[i]!;
    const pnl = valueInUnits(book, i, size, entry, mark, 0, book.unit[settle]!) * settlePrice;
    const cushion = (equity - pnl) / settlePrice;
    fees += bankruptcyClosingFee(book, i, size, entry, cushion) * settlePrice;
  }
  return fees;
}

/**
 * Extra initial (or maintenance) margin if the worse side's open orders all fill at their prices
 * (in USD), `required` the leg's own; a fill better than the mark is not credited, as on the exact
 * path, and under `openOrdersFilledAtMark` every fill is at the mark (no loss: the columns hold
 * no stable price, and a book reading one is margined exactly).
 */
function openOrderMargin(
  book: RiskBook,
  l: number,
  i: number,
  size: number,
  at: number,
  mark: number,
  floor: number,
  pnl: number,
  required: number,
  settlePrice: number,
  out: Float64Array,
  initial: boolean,
): number {
  const atMark = book.ordersFilledAtMark === 1;
  const first = book.legOrderStart[l]!;
  const last = book.legOrderEnd[l]!;
  if (first === last) return 0;
  let worst = Number.POSITIVE_INFINITY;
  let scale = 0;
  for (let side = 1; side >= -1; side -= 2) {
    let filled = 0;
    let loss = 0;
    for (let o = first; o < last; o += 1) {
      const q = book.orderSize[o]!;
      if (q * side <= 0) continue;
      filled += q;
      const price = book.orderPrice[o]!;
      const fill = atMark ? 0 : pnlOf(book, i, q, price, mark);
      if (fill < 0) loss += fill;
      const face = Math.abs(q) * book.contractSize[i]!;
      const terms = book.inverse[i] === 1 ? face / price + face / mark : face * (price + mark);
      scale += terms * settlePrice;
    }
    if (filled === 0) continue;
    const after = size + filled;
    const notionalAfter = notionalOf(book, i, after, at);
    // A bracket edge under a maintenance side is a maintenance figure's edge.
    const b = bracketOf(book, i, tierMeasureOf(book, i, after, notionalAfter), out, !initial);
    let requirementAfter = requirementIn(
      book,
      i,
      b,
      after,
      notionalAfter,
      mark,
      floor,
      initial,
      out,
    );
    if (!initial) requirementAfter += notionalClosingFee(book, i, after, notionalAfter);
    scale += notionalAfter * settlePrice;
    const health = pnl + loss * settlePrice - requirementAfter * settlePrice;
    worst = Math.min(worst, health);
  }
  out[magnitude] = out[magnitude]! + scale;
  if (worst === Number.POSITIVE_INFINITY) return 0;
  return Math.max(0, pnl - required - worst);
}
