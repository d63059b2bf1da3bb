import { assert } from '../num/assert.ts';
import { assertInputs, type OptionRight, undiscountedBlack } from './black.ts';
import { normalPdf } from './normal.ts';

/**
 * Implied volatility: the Black-76 volatility at which an option's value equals a given price.
 *
 * The search runs on the out-of-the-money option (an in-the-money price gives its time value by
 * put–call parity): its value carries all the information about volatility, while an in-the-money
 * price is mostly intrinsic value. It solves for the total deviation s = σ√T, on the logarithm of
 * the value, g(s) = ln V(s) − ln target, which is close to linear where V itself is flat (deep out
 * of the money V behaves like e^{−x²/(2s²)}), by Newton with g′(s) = vega/V, inside a bracket
 * [lo, hi] that every evaluation narrows: a Newton step that leaves the bracket, or that does not
 * halve the step before it, is replaced by bisection, so the search converges whatever the start
 * (the "safe Newton" of Numerical Recipes' rtsafe). It starts at s = √(2·|ln(F/K)|), where V(s)
 * has its inflection point and Newton converges monotonically (Manaster and Koehler, 1982).
 */
export type ImpliedVolatilityRejection =
  /** yearsToExpiry is 0: every volatility gives the same (intrinsic) value. */
  | 'expired'
  /** The price is below the discounted intrinsic value e^{−rT}·max(±(F − K), 0). */
  | 'below_intrinsic'
  /** The price reaches the value at infinite volatility: e^{−rT}·F (call), e^{−rT}·K (put). */
  | 'above_upper_bound'
  /** The price needs a volatility above `impliedVolatilityMax`. */
  | 'volatility_above_max'
  /** The iteration bound ran out before the tolerance was met. */
  | 'not_converged';

/** The search bracket's upper end: 2000 vol points a year, far above any traded smile. */
export const impliedVolatilityMax = 20;
/** Each step either halves the bracket or is a Newton step that halved the step before it. */
export const impliedVolatilityIterationsMax = 100;
/** The search stops when a step moves s = σ√T by less than this fraction of s. */
export const impliedVolatilityTolerance = 1e-13;

/** The relative rounding of price/discount (two roundings, with room to spare). */
const boundSlack = 4 * Number.EPSILON;

/**
 * The Black-76 implied volatility of a linear option price (quote currency, per unit of
 * underlying), or the reason there is none. Inputs as in black.ts. A price with no time value
 * (at the discounted intrinsic value, to within rounding) has volatility 0.
 */
export function impliedVolatility(
  right: OptionRight,
  price: number,
  forward: number,
  strike: number,
  yearsToExpiry: number,
  rate: number,
): number | ImpliedVolatilityRejection {
  assertInputs(forward, strike, yearsToExpiry, 0);
  assert(Number.isFinite(price), 'price must be finite');
  assert(Number.isFinite(rate), 'rate must be finite');
  if (yearsToExpiry === 0) return 'expired';
  const target = price / Math.exp(-rate * yearsToExpiry);
  const intrinsic = Math.max(right === 'call' ? forward - strike : strike - forward, 0);
  // Dividing by the discount factor may round a price at the bound to just below it.
  if (target < intrinsic * (1 - boundSlack)) return 'below_intrinsic';
  if (target >= (right === 'call' ? forward : strike)) return 'above_upper_bound';
  const timeValue = target - intrinsic;
  if (timeValue <= 0) return 0;
  const outOfTheMoney: OptionRight = forward > strike ? 'put' : 'call';
  const rootYears = Math.sqrt(yearsToExpiry);
  const deviationMax = impliedVolatilityMax * rootYears;
  if (undiscountedBlack(outOfTheMoney, forward, strike, deviationMax) < timeValue) {
    return 'volatility_above_max';
  }
  const deviation = totalDeviation(outOfTheMoney, timeValue, forward, strike, deviationMax);
  return deviation < 0 ? 'not_converged' : deviation / rootYears;
}

/**
 * The implied volatility of an inverse option's coin price: the coin price times the
 * underlyingPrice it was converted at is the linear (USD) price (see `inversePrice`).
 */
export function inverseImpliedVolatility(
  right: OptionRight,
  coinPrice: number,
  forward: number,
  strike: number,
  yearsToExpiry: number,
  rate: number,
  underlyingPrice: number,
): number | ImpliedVolatilityRejection {
  assert(underlyingPrice > 0, 'underlyingPrice must be positive');
  assert(Number.isFinite(underlyingPrice), 'underlyingPrice must be finite');
  const price = coinPrice * underlyingPrice;
  return impliedVolatility(right, price, forward, strike, yearsToExpiry, rate);
}

/**
 * s in (0, deviationMax] with undiscountedBlack(right, F, K, s) = timeValue, for an
 * out-of-the-money right and 0 < timeValue ≤ its value at deviationMax; −1 if not converged.
 */
function totalDeviation(
  right: OptionRight,
  timeValue: number,
  forward: number,
  strike: number,
  deviationMax: number,
): number {
  const moneyness = Math.log(forward / strike);
  const logTarget = Math.log(timeValue);
  let low = 0;
  let high = deviationMax;
  // At the money the inflection point is s = 0; there V ≈ F·s/√(2π), solved for s instead.
  let s =
    moneyness === 0 ? timeValue / (forward * normalPdf(0)) : Math.sqrt(2 * Math.abs(moneyness));
  if (!(s > low && s < high)) s = 0.5 * (low + high);
  let stepBefore = high - low;
  for (let iteration = 0; iteration < impliedVolatilityIterationsMax; iteration += 1) {
    const value = undiscountedBlack(right, forward, strike, s);
    const vega = forward * normalPdf(moneyness / s + 0.5 * s);
    const gap = value > 0 ? Math.log(value) - logTarget : Number.NEGATIVE_INFINITY;
    if (gap === 0) return s;
    if (gap < 0) low = s;
    else high = s;
    const newton = value > 0 && vega > 0 ? s - (gap * value) / vega : Number.NaN;
    const step =
      newton > low && newton < high && Math.abs(newton - s) <= 0.5 * stepBefore
        ? newton - s
        : 0.5 * (low + high) - s;
    stepBefore = Math.abs(step);
    s += step;
    if (stepBefore <= impliedVolatilityTolerance * s) return s;
  }
  return -1;
}
