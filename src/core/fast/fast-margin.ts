import { assert } from '../num/assert.ts';
import { tierRequirement } from './fast-liquidity-tier.ts';
import { downToUnit, upToUnit } from './fast-units.ts';
import {
  type RiskBook,
  ruleBrackets,
  ruleLiquidityTier,
  ruleOptionStandard,
  rulePremiumLinear,
  rulePremiumSqrt,
  rulePremiumStepped,
} from './risk-book.ts';

/**
 * The fast path: one account's margin figures from a RiskBook in float64, with no allocation.
 * The same definitions as the exact path (src/core/margin), written once more over columns; the
 * shared suite in two-paths.test.ts holds the two to one spec within `fastTolerance`.
 *
 * Figures are written to `out` at these offsets, all in USD:
 */
export const crossEquity = 0;
export const crossInitialEquity = 1;
export const crossInitialMargin = 2;
export const crossMaintenanceMargin = 3;
/** Cross equity + Σ isolated equity above zero. */
export const accountEquity = 4;
export const accountInitialMargin = 5;
export const accountMaintenanceMargin = 6;
/** The lowest maintenance health (equity − MM) over the account's buckets. */
export const lowestHealth = 7;
/**
 * The size against which float64 error is measured: Σ |collateral| and every other term whose
 * rounding enters a figure: each leg's notional, |size × entry| (its PnL is the difference of two
 * such products, which may be huge and cancel), an option's value, each order's fill.
 */
export const magnitude = 8;
/**
 * 1 when a step function feeding a maintenance figure (a bracket edge, a stepped premium's step)
 * was evaluated within the float error of its edge: the exact path may sit one whole step away, a
 * gap no band on `magnitude` covers, so the screen confirms the account exactly. Kinks (max, min,
 * collateral tiers, a leverage floor) are continuous and need no flag: their error is their
 * inputs', which the band covers.
 */
export const maintenanceNearEdge = 9;
/** The same for a step function feeding an initial figure (open orders' fills included). */
export const initialNearEdge = 10;
/**
 * How far (USD) rounding to assets' units may move the exact figures from these: a unit of the
 * asset per balance and per leg value, three of the settle asset per requirement (a liquidity
 * tier rounds three times). Float64 cannot place a figure against a unit of 1e-6 once it is large,
 * so the screen adds this to its band rather than trusting the rounded floats (fast-units.ts).
 */
export const roundingSlack = 11;
export const figureCount = 12;

/**
 * Relative error bound of the fast path against the exact one, as a fraction of `magnitude`; and
 * the relative distance from a step function's edge within which the step is not trusted.
 */
export const fastTolerance = 1e-9;

export function marginAccount(book: RiskBook, account: number, out: Float64Array): void {
  assert(
    book.exactOnly[account] === 0,
    'the fast path margins a unified cross pool and isolated buckets only',
  );
  out[magnitude] = 0;
  out[maintenanceNearEdge] = 0;
  out[initialNearEdge] = 0;
  let equity = 0;
  let initialEquity = 0;
  let scale = 0;
  let slack = 0;
  for (let b = book.balanceStart[account]!; b < book.balanceStart[account + 1]!; b += 1) {
    const asset = book.balanceAsset[b]!;
    const unit = book.unit[asset]!;
    const value = downToUnit(book.balanceAmount[b]!, unit) * book.price[asset]!;
    slack += unit * book.price[asset]!;
    equity += collateral(book, asset, value, false);
    initialEquity += collateral(book, asset, value, true);
    scale += Math.abs(value);
  }
  let initialMargin = 0;
  let maintenanceMargin = 0;
  let isolatedEquity = 0;
  let isolatedInitial = 0;
  let isolatedMaintenance = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (let l = book.legStart[account]!; l < book.legStart[account + 1]!; l += 1) {
    const i = book.legInstrument[l]!;
    const settle = book.settleAsset[i]!;
    const settlePrice = book.price[settle]!;
    const mark = book.mark[i]!;
    const size = book.legSize[l]!;
    const floor = book.legLeverageFloor[l]!;
    const entry = book.legEntry[l]!;
    const unit = book.unit[settle]!;
    const unsettled = book.legUnsettled[l]!;
    const pnl =
      downToUnit(equityValueOf(book, i, size, entry, mark) + unsettled, unit) * settlePrice;
    const sides = book.legOrderStart[l + 1]! > book.legOrderStart[l]! ? 2 : 0;
    slack += (1 + 3 * (2 + sides)) * unit * settlePrice;
    // A rule margined at the entry measures the position there (its open orders alone at the mark).
    const at = book.marginAtEntry[i] === 1 && size !== 0 ? entry : mark;
    const notional = notionalOf(book, i, size, at);
    const b = bracketOf(book, i, tierMeasureOf(book, i, size, notional), out, true);
    const imBase = requirementIn(book, i, b, size, notional, mark, floor, true, out);
    const im = (imBase + initialClosingFee(book, i, size, entry, notional, imBase)) * settlePrice;
    let mm =
      (requirementIn(book, i, b, size, notional, mark, floor, false, out) +
        notionalClosingFee(book, i, size, notional)) *
      settlePrice;
    const orderMargin = openOrderMargin(
      book,
      l,
      i,
      size,
      at,
      mark,
      floor,
      pnl,
      im,
      settlePrice,
      out,
    );
    scale += (notional + grossOf(book, i, size, entry, mark) + Math.abs(unsettled)) * settlePrice;
    const isolated = book.legIsolatedMargin[l]!;
    const counted = weightedProfit(book, i, pnl, false);
    if (isolated < 0) {
      equity += counted;
      initialEquity += weightedProfit(book, i, pnl, true);
      initialMargin += im + orderMargin;
      maintenanceMargin += mm;
      continue;
    }
    const margin = downToUnit(isolated, unit) * settlePrice;
    const cushion = collateral(book, settle, margin, false);
    mm += bankruptcyClosingFee(book, i, size, entry, cushion / settlePrice) * settlePrice;
    const bucketEquity = cushion + counted;
    isolatedEquity += Math.max(bucketEquity, 0);
    isolatedInitial += im + orderMargin;
    isolatedMaintenance += mm;
    if (bucketEquity - mm < lowest) lowest = bucketEquity - mm;
    scale += margin;
  }
  maintenanceMargin += crossBankruptcyFees(book, account, equity);
  if (equity - maintenanceMargin < lowest) lowest = equity - maintenanceMargin;
  out[crossEquity] = equity;
  out[crossInitialEquity] = initialEquity;
  out[crossInitialMargin] = initialMargin;
  out[crossMaintenanceMargin] = maintenanceMargin;
  out[accountEquity] = equity + isolatedEquity;
  out[accountInitialMargin] = initialMargin + isolatedInitial;
  out[accountMaintenanceMargin] = maintenanceMargin + isolatedMaintenance;
  out[lowestHealth] = lowest;
  out[magnitude] = out[magnitude]! + scale;
  out[roundingSlack] = slack;
}

function collateral(book: RiskBook, asset: number, value: number, initial: boolean): number {
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
  const atEntry = inverse ? face / entry : face * entry;
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

/**
 * A future's notional at mark, or at the index where its rule says so; an option's underlying
 * covered (in coins when its premium is).
 */
function notionalOf(book: RiskBook, i: number, size: number, mark: number): number {
  const face = Math.abs(size) * book.contractSize[i]!;
  if (book.option[i] !== 0) {
    return book.coinPremium[i] === 1 ? face : face * book.price[book.underlyingAsset[i]!]!;
  }
  const price = book.marginAtIndex[i] === 1 ? book.price[book.underlyingAsset[i]!]! : mark;
  return book.inverse[i] === 1 ? face / price : face * price;
}

/** In the settle asset: notional × rate − deduction, the rate by bracket or size premium. */
function requirement(
  book: RiskBook,
  i: number,
  size: number,
  at: number,
  mark: number,
  leverageFloor: number,
  initial: boolean,
  out: Float64Array,
): number {
  const notional = notionalOf(book, i, size, at);
  const b = bracketOf(book, i, tierMeasureOf(book, i, size, notional), out, false);
  return requirementIn(book, i, b, size, notional, mark, leverageFloor, initial, out);
}

/** What a bracket table's caps bound: the notional, or the size in contracts (OKX's tiers). */
function tierMeasureOf(book: RiskBook, i: number, size: number, notional: number): number {
  return book.tierByContracts[i] === 1 ? Math.abs(size) : notional;
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
  for (let l = book.legStart[account]!; l < book.legStart[account + 1]!; l += 1) {
    if (book.legIsolatedMargin[l]! >= 0) continue;
    const i = book.legInstrument[l]!;
    const settle = book.settleAsset[i]!;
    const settlePrice = book.price[settle]!;
    const size = book.legSize[l]!;
    const entry = book.legEntry[l]!;
    const value = equityValueOf(book, i, size, entry, book.mark[i]!);
    const pnl = downToUnit(value, book.unit[settle]!) * settlePrice;
    const cushion = (equity - pnl) / settlePrice;
    fees += bankruptcyClosingFee(book, i, size, entry, cushion) * settlePrice;
  }
  return fees;
}

/**
 * The bracket row the notional falls in (floor exclusive, cap inclusive), flagging an initial
 * figure, and a maintenance one where `maintenance`, when it lies within float error of an edge:
 * there the exact notional may fall in the neighbouring bracket.
 */
function bracketOf(
  book: RiskBook,
  i: number,
  notional: number,
  out: Float64Array,
  maintenance: boolean,
): number {
  const first = book.bracketStart[i]!;
  const last = book.bracketEnd[i]! - 1;
  let b = first;
  while (b < last && notional > book.bracketCap[b]!) b += 1;
  if (last === first) return b;
  const slack = notional * fastTolerance;
  const near =
    (b < last && book.bracketCap[b]! - notional <= slack) ||
    (b > first && notional - book.bracketCap[b - 1]! <= slack);
  if (near) {
    out[initialNearEdge] = 1;
    if (maintenance) out[maintenanceNearEdge] = 1;
  }
  return b;
}

/** The requirement with the notional and its bracket row `b` already at hand. */
function requirementIn(
  book: RiskBook,
  i: number,
  b: number,
  size: number,
  notional: number,
  mark: number,
  leverageFloor: number,
  initial: boolean,
  out: Float64Array,
): number {
  if (size === 0) return 0;
  const kind = book.ruleKind[i]!;
  if (kind === ruleLiquidityTier) {
    const openInterest = notionalOf(book, i, book.openInterest[i]!, mark);
    return tierRequirement(
      book,
      i,
      notional,
      openInterest,
      leverageFloor,
      initial,
      out,
      initialNearEdge,
    );
  }
  const unit = book.unit[book.settleAsset[i]!]!;
  if (kind === ruleOptionStandard)
    return upToUnit(optionRequirement(book, i, size, mark, notional, initial), unit);
  let rate = initial ? book.bracketInitialRate[b]! : book.bracketMaintenanceRate[b]!;
  if (kind !== ruleBrackets && (initial || book.premiumInitialOnly[i] === 0)) {
    const base = Math.abs(size) * book.contractSize[i]!;
    const flag = initial ? initialNearEdge : maintenanceNearEdge;
    rate = premiumRate(book, i, kind, rate, base, out, flag);
  }
  if (initial) return upToUnit(notional * Math.max(rate, leverageFloor), unit);
  return upToUnit(notional * rate - book.bracketAmount[b]!, unit);
}

/** margin-terms.ts `optionTerms`, in float64. */
function optionRequirement(
  book: RiskBook,
  i: number,
  size: number,
  mark: number,
  covered: number,
  initial: boolean,
): number {
  if (size > 0) return 0;
  const b = book.bracketStart[i]!;
  const marginFactor = book.premiumBaseline[i]!;
  const maintenanceRate = book.bracketMaintenanceRate[b]! * marginFactor;
  const markValue = -size * book.contractSize[i]! * mark;
  if (!initial) return maintenanceRate * covered + markValue;
  const index = book.price[book.underlyingAsset[i]!]!;
  const call = book.option[i] === 1;
  const gap = Math.max(0, call ? book.strike[i]! - index : index - book.strike[i]!);
  // With the underlying at zero a call is out of the money by everything (gap / 0 = ∞), a put by
  // nothing: 0 / 0 would be NaN, which no comparison catches.
  const outOfTheMoney = gap === 0 ? 0 : gap / index;
  let rate =
    Math.max(book.bracketInitialRate[b]! - outOfTheMoney, book.premiumFactor[i]!) * marginFactor;
  if (!call) rate = Math.max(rate, maintenanceRate);
  return rate * covered + markValue;
}

function premiumRate(
  book: RiskBook,
  i: number,
  kind: number,
  base: number,
  size: number,
  out: Float64Array,
  flag: number,
): number {
  const factor = book.premiumFactor[i]!;
  if (kind === rulePremiumSqrt) {
    const premium = base * 0.8 + factor * Math.sqrt(size);
    return Math.max(premium, base);
  }
  if (kind === rulePremiumLinear) return base + factor * size;
  if (kind === rulePremiumStepped) {
    const baseline = book.premiumBaseline[i]!;
    const stepSize = book.premiumStep[i]!;
    const steps = (size - baseline) / stepSize;
    // A step count within float error of a whole number may be the next one on the exact path
    // (3 × 0.1 is 0.30000000000000004, one step of 0.3 counted as two). The error is relative to
    // the size and baseline subtracted, plus the exact path's rounding of the size up to 1e-18.
    const whole = Math.round(steps);
    const slack = ((size + baseline) * fastTolerance + 1e-18) / stepSize;
    if (whole >= 0 && Math.abs(steps - whole) <= slack) out[flag] = 1;
    return steps <= 0 ? base : base + factor * Math.ceil(steps);
  }
  return base;
}

/**
 * Extra initial margin if the worse side's open orders all fill at their prices (in USD); a fill
 * better than the mark is not credited, as on the exact path.
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
  im: number,
  settlePrice: number,
  out: Float64Array,
): number {
  const first = book.legOrderStart[l]!;
  const last = book.legOrderStart[l + 1]!;
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
      const fill = pnlOf(book, i, q, price, mark);
      if (fill < 0) loss += fill;
      const face = Math.abs(q) * book.contractSize[i]!;
      const terms = book.inverse[i] === 1 ? face / price + face / mark : face * (price + mark);
      scale += terms * settlePrice;
    }
    if (filled === 0) continue;
    const requirementAfter = requirement(book, i, size + filled, at, mark, floor, true, out);
    scale += notionalOf(book, i, size + filled, at) * settlePrice;
    const health = pnl + loss * settlePrice - requirementAfter * settlePrice;
    worst = Math.min(worst, health);
  }
  out[magnitude] = out[magnitude]! + scale;
  if (worst === Number.POSITIVE_INFINITY) return 0;
  return Math.max(0, pnl - im - worst);
}
