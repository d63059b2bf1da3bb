import { downToUnit, upToUnit } from './fast-units.ts';
import type { RiskBook } from './risk-book.ts';

/**
 * margin/liquidity-tier.ts in float64: dYdX's liquidity tier at its own steps, with the notional
 * truncated to the settle unit, the base initial margin and the maintenance margin rounded up to
 * it, and the open-interest scaling's increase floored at a whole ppm. That floor is a step of a
 * ppm of notional, far above float error: where the increase lies within float error of a whole
 * ppm, the initial figures are flagged (`out[flag]`, fast-margin.ts `initialNearEdge`) for the
 * exact path. Maintenance never reads open interest.
 */
export function tierRequirement(
  book: RiskBook,
  i: number,
  notional: number,
  openInterestNotional: number,
  leverageFloor: number,
  initial: boolean,
  out: Float64Array,
  flag: number,
): number {
  const b = book.bracketStart[i]!;
  const unit = book.unit[book.settleAsset[i]!]!;
  const quote = downToUnit(notional, unit);
  const base = book.bracketInitialRate[b]!;
  if (!initial) return upToUnit(upToUnit(quote * base, unit) * book.premiumFactor[i]!, unit);
  const scaled = scaledRate(book, i, base, downToUnit(openInterestNotional, unit), out, flag);
  const chosen = leverageRate(leverageFloor);
  // A rate from a leverage whose ppm sits within float error of a whole one may be a ppm off,
  // unless it is capped at 100 %.
  if (chosen > scaled && chosen < 1 && isNearWhole(leverageFloor * 1e6, 1e6)) out[flag] = 1;
  return upToUnit(quote * Math.max(scaled, chosen), unit);
}

/** Relative float error trusted near a step (fast-margin.ts `fastTolerance`). */
const stepTolerance = 1e-9;

function isNearWhole(value: number, scale: number): boolean {
  return Math.abs(value - Math.round(value)) <= scale * stepTolerance;
}

function scaledRate(
  book: RiskBook,
  i: number,
  base: number,
  openInterest: number,
  out: Float64Array,
  flag: number,
): number {
  const lower = book.openInterestLowerCap[i]!;
  const upper = book.openInterestUpperCap[i]!;
  if (upper === Number.POSITIVE_INFINITY) return base;
  // Either cap within float error of the open interest: the exact path may sit on its other side.
  const slack = openInterest * stepTolerance;
  if (Math.abs(openInterest - lower) <= slack || Math.abs(openInterest - upper) <= slack) {
    out[flag] = 1;
  }
  if (openInterest <= lower) return base;
  if (openInterest >= upper) return 1;
  const headroomPpm = Math.round((1 - base) * 1e6);
  const increasePpm = (headroomPpm * (openInterest - lower)) / (upper - lower);
  if (isNearWhole(increasePpm, headroomPpm)) out[flag] = 1;
  return base + Math.floor(increasePpm) / 1e6;
}

/** A leverage setting's rate as dYdX keeps it: 1 / leverage up to a whole ppm, at most 1. */
function leverageRate(leverageFloor: number): number {
  if (leverageFloor === 0) return 0;
  const ppm = leverageFloor * 1e6;
  const whole = isNearWhole(ppm, 1e6) ? Math.round(ppm) : Math.ceil(ppm);
  return Math.min(whole / 1e6, 1);
}
