/**
 * An asset's smallest unit on the fast path: a requirement rounded up to it, a value down, as the
 * exact path rounds them (leg-risk.ts, collateral.ts). `unit` 0 means none: the figure as is.
 *
 * Float64 cannot place a figure exactly against a unit (1e-6 USDC is a relative 1e-12 of a million),
 * so these may land one unit away from the exact path's; the screen widens its band by
 * `roundingSlack` (fast-margin.ts) for that instead of trusting them. A quotient within float
 * error of a whole number of units is taken as that number, so an exact multiple stays one.
 */
export function upToUnit(value: number, unit: number): number {
  if (unit === 0) return value;
  return Math.ceil(wholeUnits(value / unit)) * unit;
}

export function downToUnit(value: number, unit: number): number {
  if (unit === 0) return value;
  return Math.floor(wholeUnits(value / unit)) * unit;
}

/** Toward zero to a whole unit (dYdX's signed notional): down for a gain, up for a loss. */
export function towardZeroToUnit(value: number, unit: number): number {
  return value < 0 ? -downToUnit(-value, unit) : downToUnit(value, unit);
}

/** Units per figure a rounding may move: the float error of a quotient, relative to it. */
const quotientTolerance = 1e-12;

function wholeUnits(units: number): number {
  const whole = Math.round(units);
  return Math.abs(units - whole) <= Math.abs(units) * quotientTolerance ? whole : units;
}
