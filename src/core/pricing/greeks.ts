import { assert } from '../num/assert.ts';
import { assertInputs, forwardFromSpot, type OptionRight, undiscountedBlackAt } from './black.ts';
import { normalCdf, normalPdf } from './normal.ts';

/**
 * Value and greeks of European options in one pass, written into a caller's Float64Array at the
 * offsets below, so a scenario grid prices millions of options without allocating.
 *
 * Units (inputs as in black.ts: prices in quote currency, years, volatility as a fraction):
 * - value: in the settlement asset per unit of underlying (quote currency for linear options,
 *   coin for inverse ones).
 * - delta: the option's exposure in units (coins) of the underlying. Linear: ∂V/∂F for Black-76,
 *   ∂V/∂S for Black-Scholes. Inverse: see `inverseGreeks`.
 * - gamma: the change of that delta per one quote-currency unit of the underlying's price.
 * - vega: ∂value/∂volatility per 1.00 of volatility (100 vol points); per vol point, divide by 100.
 * - theta: −∂value/∂yearsToExpiry, the change of value per year of time passing with the price of
 *   the underlying (forward for Black-76, spot for Black-Scholes), volatility and rate held; per
 *   day, divide by 365 (or by the day count the caller measures years in). Negative for a long
 *   option that decays.
 *
 * At zero total deviation (expiry, or zero volatility) each greek is its limit: delta is the
 * discounted step (half of it exactly at the strike, the limit of N(d₁) as s → 0), vega is 0 away
 * from the strike, theta is the carry r·V of the discounted intrinsic value, and gamma is reported
 * as 0: its true limit at the strike is a point mass that no finite number represents.
 */
export const greekValue = 0;
export const greekDelta = 1;
export const greekGamma = 2;
export const greekVega = 3;
export const greekTheta = 4;
export const greekCount = 5;

/**
 * Black-76 on a forward, with F = forward, D = e^{−rT}, s = σ√T, n the normal density:
 *   delta = D·N(d₁) (call), −D·N(−d₁) (put);   gamma = D·n(d₁)/(F·s);   vega = D·F·n(d₁)·√T;
 *   theta = r·V − D·F·n(d₁)·σ/(2√T)  (the forward held, so only discounting and decay move V).
 */
export function blackGreeks(
  right: OptionRight,
  forward: number,
  strike: number,
  yearsToExpiry: number,
  volatility: number,
  rate: number,
  out: Float64Array,
): void {
  assertInputs(forward, strike, yearsToExpiry, volatility);
  assert(Number.isFinite(rate), 'rate must be finite');
  assert(out.length >= greekCount, 'out must hold every greek');
  const discount = Math.exp(-rate * yearsToExpiry);
  const rootYears = Math.sqrt(yearsToExpiry);
  const totalDeviation = volatility * rootYears;
  if (totalDeviation === 0) {
    zeroDeviationGreeks(right, forward, strike, rootYears, rate, discount, out);
    return;
  }
  const d1 = Math.log(forward / strike) / totalDeviation + 0.5 * totalDeviation;
  const d2 = d1 - totalDeviation;
  const density = normalPdf(d1);
  const value = discount * undiscountedBlackAt(right, forward, strike, d1, d2);
  const decay = (discount * forward * density * volatility) / (2 * rootYears);
  out[greekValue] = value;
  out[greekDelta] = right === 'call' ? discount * normalCdf(d1) : -discount * normalCdf(-d1);
  out[greekGamma] = (discount * density) / (forward * totalDeviation);
  out[greekVega] = discount * forward * density * rootYears;
  out[greekTheta] = rate * value - decay;
}

/** The limits of the Black-76 greeks as σ√T → 0; see the module comment. */
function zeroDeviationGreeks(
  right: OptionRight,
  forward: number,
  strike: number,
  rootYears: number,
  rate: number,
  discount: number,
  out: Float64Array,
): void {
  const intrinsic = right === 'call' ? forward - strike : strike - forward;
  const value = discount * Math.max(intrinsic, 0);
  // N(d₁) tends to 1, 0 or ½ as F is above, below or at the strike.
  const callDelta = forward > strike ? 1 : forward < strike ? 0 : 0.5;
  out[greekValue] = value;
  out[greekDelta] = right === 'call' ? discount * callDelta : discount * (callDelta - 1);
  out[greekGamma] = 0;
  out[greekVega] = forward === strike ? discount * forward * normalPdf(0) * rootYears : 0;
  out[greekTheta] = rate * value;
}

/**
 * Black-Scholes on a spot with a continuous yield q (cost of carry b = r − q, F = S·e^{bT}).
 * From the Black-76 greeks at that forward, with g = e^{bT} = ∂F/∂S:
 *   delta = g·Δ_F,   gamma = g²·Γ_F,   vega = vega_F,   theta = θ_F − b·F·Δ_F
 * (theta holds the spot, so the forward drifts towards it as time passes). These are Haug's
 * generalised Black-Scholes greeks.
 */
export function blackScholesGreeks(
  right: OptionRight,
  spot: number,
  strike: number,
  yearsToExpiry: number,
  volatility: number,
  rate: number,
  dividendYield: number,
  out: Float64Array,
): void {
  assert(Number.isFinite(dividendYield), 'dividendYield must be finite');
  const carry = rate - dividendYield;
  const forward = forwardFromSpot(spot, yearsToExpiry, rate, dividendYield);
  blackGreeks(right, forward, strike, yearsToExpiry, volatility, rate, out);
  const growth = Math.exp(carry * yearsToExpiry);
  const forwardDelta = out[greekDelta]!;
  out[greekDelta] = growth * forwardDelta;
  out[greekGamma] = growth * growth * out[greekGamma]!;
  out[greekTheta] = out[greekTheta]! - carry * forward * forwardDelta;
}

/**
 * An inverse (coin-settled) option, in coin. With V, Δ, Γ, vega, θ the linear Black-76 figures,
 * P = underlyingPrice (USD per coin, taken to move in proportion to the forward, as an index and
 * a forward do under a price shock) and C = V/P the value in coin:
 *   value = C = V/P
 *   delta = F·∂C/∂F = (F·Δ − V)/P   coins: the coin P&L per unit relative move of the underlying.
 *           This is the premium-adjusted delta Deribit shows (BS delta − mark price in coin, when
 *           P is the spot): a coin-settled premium itself moves with the coin.
 *   gamma = ∂delta/∂F = F·Γ/P − delta/F   coins per USD
 *   vega  = vega_linear/P   coin per 1.00 of volatility
 *   theta = θ_linear/P      coin per year (forward and P held)
 */
export function inverseGreeks(
  right: OptionRight,
  forward: number,
  strike: number,
  yearsToExpiry: number,
  volatility: number,
  rate: number,
  underlyingPrice: number,
  out: Float64Array,
): void {
  assert(underlyingPrice > 0, 'underlyingPrice must be positive');
  assert(Number.isFinite(underlyingPrice), 'underlyingPrice must be finite');
  blackGreeks(right, forward, strike, yearsToExpiry, volatility, rate, out);
  const linearValue = out[greekValue]!;
  const delta = (forward * out[greekDelta]! - linearValue) / underlyingPrice;
  out[greekValue] = linearValue / underlyingPrice;
  out[greekDelta] = delta;
  out[greekGamma] = (forward * out[greekGamma]!) / underlyingPrice - delta / forward;
  out[greekVega] = out[greekVega]! / underlyingPrice;
  out[greekTheta] = out[greekTheta]! / underlyingPrice;
}
