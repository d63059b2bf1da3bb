import { fastTolerance, initialNearEdge, maintenanceNearEdge } from './fast-figures.ts';
import { tierRequirement } from './fast-liquidity-tier.ts';
import { upToUnit } from './fast-units.ts';
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
 * A leg's requirement on the fast path, in its settle asset: margin-terms.ts and leg-risk.ts
 * `requirement` over the RiskBook's columns, flagging a step function evaluated within float
 * error of its edge.
 */

/**
 * A future's notional at mark, or at the index where its rule says so; an option's underlying
 * covered (in coins when its premium is).
 */
export function notionalOf(book: RiskBook, i: number, size: number, mark: number): number {
  const face = Math.abs(size) * book.contractSize[i]!;
  if (book.option[i] !== 0) {
    return book.coinPremium[i] === 1 ? face : face * book.price[book.underlyingAsset[i]!]!;
  }
  const price = book.marginAtIndex[i] === 1 ? book.price[book.underlyingAsset[i]!]! : mark;
  return book.inverse[i] === 1 ? face / price : face * price;
}

/** What a bracket table's caps bound: the notional, or the size in contracts (OKX's tiers). */
export function tierMeasureOf(book: RiskBook, i: number, size: number, notional: number): number {
  return book.tierByContracts[i] === 1 ? Math.abs(size) : notional;
}

/**
 * The bracket row the notional falls in (floor exclusive, cap inclusive), flagging an initial
 * figure, and a maintenance one where `maintenance`, when it lies within float error of an edge:
 * there the exact notional may fall in the neighbouring bracket.
 */
export function bracketOf(
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
export function requirementIn(
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
  // Brackets (and max leverage, one bracket) are the common case: kept small to be inlined.
  if (kind === ruleBrackets) {
    const rate = initial ? book.bracketInitialRate[b]! : book.bracketMaintenanceRate[b]!;
    return rated(book, i, b, rate, notional, leverageFloor, initial);
  }
  return ruleRequirement(book, i, b, kind, size, notional, mark, leverageFloor, initial, out);
}

/** `requirementIn` for the rules other than brackets: a liquidity tier, an option, a premium. */
function ruleRequirement(
  book: RiskBook,
  i: number,
  b: number,
  kind: number,
  size: number,
  notional: number,
  mark: number,
  leverageFloor: number,
  initial: boolean,
  out: Float64Array,
): number {
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
  if (kind === ruleOptionStandard) {
    const unit = book.unit[book.settleAsset[i]!]!;
    return upToUnit(optionRequirement(book, i, size, mark, notional, initial), unit);
  }
  let rate = initial ? book.bracketInitialRate[b]! : book.bracketMaintenanceRate[b]!;
  if (initial || book.premiumInitialOnly[i] === 0) {
    const base = Math.abs(size) * book.contractSize[i]!;
    const flag = initial ? initialNearEdge : maintenanceNearEdge;
    rate = premiumRate(book, i, kind, rate, base, out, flag);
  }
  return rated(book, i, b, rate, notional, leverageFloor, initial);
}

/**
 * notional × rate, for initial margin at least the leverage setting's, for maintenance less the
 * bracket's amount; up to the settle asset's unit.
 */
function rated(
  book: RiskBook,
  i: number,
  b: number,
  rate: number,
  notional: number,
  leverageFloor: number,
  initial: boolean,
): number {
  const required = initial
    ? notional * Math.max(rate, leverageFloor)
    : notional * rate - book.bracketAmount[b]!;
  return upToUnit(required, book.unit[book.settleAsset[i]!]!);
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
