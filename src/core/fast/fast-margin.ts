import { assert } from '../num/assert.ts';
import {
  type RiskBook,
  ruleBrackets,
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
/** Σ |collateral| + Σ notional: the size against which float64 error is measured. */
export const magnitude = 8;
export const figureCount = 9;

/** Relative error bound of the fast path against the exact one, as a fraction of `magnitude`. */
export const fastTolerance = 1e-9;

export function marginAccount(book: RiskBook, account: number, out: Float64Array): void {
  assert(
    book.exactOnly[account] === 0,
    'the fast path margins a unified cross pool and isolated buckets only',
  );
  let equity = 0;
  let initialEquity = 0;
  let scale = 0;
  for (let b = book.balanceStart[account]!; b < book.balanceStart[account + 1]!; b += 1) {
    const asset = book.balanceAsset[b]!;
    const value = book.balanceAmount[b]! * book.price[asset]!;
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
    const pnl = equityValueOf(book, i, size, book.legEntry[l]!, mark) * settlePrice;
    const notional = notionalOf(book, i, size, mark);
    const im = requirementAt(book, i, size, notional, mark, floor, true) * settlePrice;
    const mm = requirementAt(book, i, size, notional, mark, floor, false) * settlePrice;
    const orderMargin = openOrderMargin(book, l, i, size, mark, floor, pnl, im, settlePrice);
    scale += notional * settlePrice;
    const isolated = book.legIsolatedMargin[l]!;
    if (isolated < 0) {
      equity += pnl;
      initialEquity += pnl;
      initialMargin += im + orderMargin;
      maintenanceMargin += mm;
      continue;
    }
    const margin = isolated * settlePrice;
    const bucketEquity = collateral(book, settle, margin, false) + pnl;
    isolatedEquity += Math.max(bucketEquity, 0);
    isolatedInitial += im + orderMargin;
    isolatedMaintenance += mm;
    if (bucketEquity - mm < lowest) lowest = bucketEquity - mm;
    scale += margin;
  }
  if (equity - maintenanceMargin < lowest) lowest = equity - maintenanceMargin;
  out[crossEquity] = equity;
  out[crossInitialEquity] = initialEquity;
  out[crossInitialMargin] = initialMargin;
  out[crossMaintenanceMargin] = maintenanceMargin;
  out[accountEquity] = equity + isolatedEquity;
  out[accountInitialMargin] = initialMargin + isolatedInitial;
  out[accountMaintenanceMargin] = maintenanceMargin + isolatedMaintenance;
  out[lowestHealth] = lowest;
  out[magnitude] = scale;
}

function collateral(book: RiskBook, asset: number, value: number, initial: boolean): number {
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
      weighted +=
        (top - floor) * (initial ? book.tierInitialWeight[t]! : book.tierMaintenanceWeight[t]!);
    }
    if (value <= upTo) break;
    floor = upTo;
  }
  return weighted;
}

function pnlOf(book: RiskBook, i: number, size: number, entry: number, mark: number): number {
  if (size === 0) return 0;
  const face = size * book.contractSize[i]!;
  return book.inverse[i] === 1 ? face * (1 / entry - 1 / mark) : face * (mark - entry);
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

/** A future's notional at mark; an option's underlying covered (in coins when its premium is). */
function notionalOf(book: RiskBook, i: number, size: number, mark: number): number {
  const face = Math.abs(size) * book.contractSize[i]!;
  if (book.option[i] !== 0) {
    return book.coinPremium[i] === 1 ? face : face * book.price[book.underlyingAsset[i]!]!;
  }
  return book.inverse[i] === 1 ? face / mark : face * mark;
}

/** In the settle asset: notional × rate − deduction, the rate by bracket or size premium. */
function requirement(
  book: RiskBook,
  i: number,
  size: number,
  mark: number,
  leverageFloor: number,
  initial: boolean,
): number {
  const notional = notionalOf(book, i, size, mark);
  return requirementAt(book, i, size, notional, mark, leverageFloor, initial);
}

/** The same, with the notional already at hand (a leg's two requirements share it). */
function requirementAt(
  book: RiskBook,
  i: number,
  size: number,
  notional: number,
  mark: number,
  leverageFloor: number,
  initial: boolean,
): number {
  if (size === 0) return 0;
  if (book.ruleKind[i] === ruleOptionStandard)
    return optionRequirement(book, i, size, mark, notional, initial);
  let b = book.bracketStart[i]!;
  const last = book.bracketEnd[i]! - 1;
  while (b < last && notional > book.bracketCap[b]!) b += 1;
  let rate = initial ? book.bracketInitialRate[b]! : book.bracketMaintenanceRate[b]!;
  const kind = book.ruleKind[i]!;
  if (kind !== ruleBrackets && (initial || book.premiumInitialOnly[i] === 0)) {
    rate = premiumRate(book, i, kind, rate, Math.abs(size) * book.contractSize[i]!);
  }
  if (initial) return notional * Math.max(rate, leverageFloor);
  return notional * rate - book.bracketAmount[b]!;
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
  const outOfTheMoney =
    Math.max(0, call ? book.strike[i]! - index : index - book.strike[i]!) / index;
  let rate =
    Math.max(book.bracketInitialRate[b]! - outOfTheMoney, book.premiumFactor[i]!) * marginFactor;
  if (!call) rate = Math.max(rate, maintenanceRate);
  return rate * covered + markValue;
}

function premiumRate(book: RiskBook, i: number, kind: number, base: number, size: number): number {
  const factor = book.premiumFactor[i]!;
  if (kind === rulePremiumSqrt) {
    const premium = base * 0.8 + factor * Math.sqrt(size);
    return Math.max(premium, base);
  }
  if (kind === rulePremiumLinear) return base + factor * size;
  if (kind === rulePremiumStepped) {
    const excess = size - book.premiumBaseline[i]!;
    return excess <= 0 ? base : base + factor * Math.ceil(excess / book.premiumStep[i]!);
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
  mark: number,
  floor: number,
  pnl: number,
  im: number,
  settlePrice: number,
): number {
  const first = book.legOrderStart[l]!;
  const last = book.legOrderStart[l + 1]!;
  if (first === last) return 0;
  let worst = Number.POSITIVE_INFINITY;
  for (let side = 1; side >= -1; side -= 2) {
    let filled = 0;
    let loss = 0;
    for (let o = first; o < last; o += 1) {
      const q = book.orderSize[o]!;
      if (q * side <= 0) continue;
      filled += q;
      const fill = pnlOf(book, i, q, book.orderPrice[o]!, mark);
      if (fill < 0) loss += fill;
    }
    if (filled === 0) continue;
    const requirementAfter = requirement(book, i, size + filled, mark, floor, true);
    const health = pnl + loss * settlePrice - requirementAfter * settlePrice;
    worst = Math.min(worst, health);
  }
  if (worst === Number.POSITIVE_INFINITY) return 0;
  return Math.max(0, pnl - im - worst);
}
