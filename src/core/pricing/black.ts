import { assert } from '../num/assert.ts';
import { normalCdf } from './normal.ts';

/**
 * European option values: Black-76 on a forward, Black-Scholes on a spot with carry, and the
 * inverse (coin-settled) option as Deribit lists it. The float64 zone of DESIGN.md: plain numbers.
 *
 * Conventions, shared by every file in this folder:
 * - `forward`, `spot`, `strike` in the quote currency (USD) per unit of the underlying.
 * - `yearsToExpiry` in years (ACT/365 if the caller measures days), ≥ 0; 0 means expiring now.
 * - `volatility` a fraction per √year (0.8 = 80 vol points), ≥ 0.
 * - `rate` the continuously compounded interest rate of the quote currency, per year; the
 *   discount factor is e^{−rate·yearsToExpiry}. `dividendYield` is the continuous yield of holding
 *   the underlying (a dividend, a foreign rate, a coin's staking or borrow rate).
 * - A linear option's value is in the quote currency per unit of underlying.
 *
 * Black-76, with s = volatility·√yearsToExpiry, d₁ = ln(F/K)/s + s/2, d₂ = d₁ − s:
 *   call = e^{−rT}·(F·N(d₁) − K·N(d₂)),   put = e^{−rT}·(K·N(−d₂) − F·N(−d₁)).
 * Where s = 0 (expiry, or zero volatility) the value is its limit, the discounted intrinsic value
 * on the forward e^{−rT}·max(±(F − K), 0): no division by s, so no NaN.
 *
 * Precision: a deep out-of-the-money value is a difference of two nearly equal terms; its relative
 * error grows like |d₁|/s times the unit roundoff (about 1e-14 at d₁ = −10, s = 0.1), which is
 * far below what a margin needs. An in-the-money value is computed as intrinsic plus the
 * out-of-the-money value (put–call parity), so it never rounds below its intrinsic value.
 */
export type OptionRight = 'call' | 'put';

/** The forward of a spot with carry: F = S·e^{(rate − dividendYield)·T}. */
export function forwardFromSpot(
  spot: number,
  yearsToExpiry: number,
  rate: number,
  dividendYield: number,
): number {
  return spot * Math.exp((rate - dividendYield) * yearsToExpiry);
}

/** Black-76: a European option on a forward (a futures-style underlying), in quote currency. */
export function blackPrice(
  right: OptionRight,
  forward: number,
  strike: number,
  yearsToExpiry: number,
  volatility: number,
  rate: number,
): number {
  assertInputs(forward, strike, yearsToExpiry, volatility);
  assert(Number.isFinite(rate), 'rate must be finite');
  const discount = Math.exp(-rate * yearsToExpiry);
  return (
    discount * undiscountedBlack(right, forward, strike, volatility * Math.sqrt(yearsToExpiry))
  );
}

/**
 * Black-Scholes on a spot with a continuous yield: Black-76 on F = S·e^{(r − q)T}, so
 * call = S·e^{−qT}·N(d₁) − K·e^{−rT}·N(d₂) (Merton 1973; Haug's generalised Black-Scholes with
 * cost of carry b = r − q).
 */
export function blackScholesPrice(
  right: OptionRight,
  spot: number,
  strike: number,
  yearsToExpiry: number,
  volatility: number,
  rate: number,
  dividendYield: number,
): number {
  assert(Number.isFinite(dividendYield), 'dividendYield must be finite');
  const forward = forwardFromSpot(spot, yearsToExpiry, rate, dividendYield);
  return blackPrice(right, forward, strike, yearsToExpiry, volatility, rate);
}

/**
 * An inverse option (Deribit's BTC and ETH options): strike in USD, premium and settlement in the
 * coin. At expiry it pays max(S_T − K, 0)/S_T coins for a call and max(K − S_T, 0)/S_T for a put:
 * exactly the USD payoff, converted to coin at the settlement price. Its value in coin today is
 * therefore the linear (USD) Black-76 value converted at today's price of the coin:
 *   inverse value (coin) = blackPrice(...) (USD) / underlyingPrice (USD per coin).
 * Deribit prices with the forward of the expiry in Black-76 and converts at the index price; pass
 * the index as `underlyingPrice` to match it (with rate 0 and no basis the two coincide).
 */
export function inversePrice(
  right: OptionRight,
  forward: number,
  strike: number,
  yearsToExpiry: number,
  volatility: number,
  rate: number,
  underlyingPrice: number,
): number {
  assert(underlyingPrice > 0, 'underlyingPrice must be positive');
  assert(Number.isFinite(underlyingPrice), 'underlyingPrice must be finite');
  return blackPrice(right, forward, strike, yearsToExpiry, volatility, rate) / underlyingPrice;
}

/**
 * The Black-76 value before discounting, given the total standard deviation s = σ√T.
 * Exported for the implied-volatility search, which works on undiscounted values.
 */
export function undiscountedBlack(
  right: OptionRight,
  forward: number,
  strike: number,
  totalDeviation: number,
): number {
  if (totalDeviation === 0) {
    return right === 'call' ? Math.max(forward - strike, 0) : Math.max(strike - forward, 0);
  }
  const d1 = Math.log(forward / strike) / totalDeviation + 0.5 * totalDeviation;
  return undiscountedBlackAt(right, forward, strike, d1, d1 - totalDeviation);
}

/**
 * The undiscounted value from d₁ and d₂. Only the out-of-the-money option is evaluated by the
 * formula; the in-the-money one is its intrinsic value plus that (put–call parity), so its value
 * never rounds below intrinsic, and its time value keeps the digits the out-of-the-money formula
 * has instead of those left after subtracting two numbers near F and K.
 */
export function undiscountedBlackAt(
  right: OptionRight,
  forward: number,
  strike: number,
  d1: number,
  d2: number,
): number {
  const callIsOut = forward <= strike;
  const formula = callIsOut
    ? forward * normalCdf(d1) - strike * normalCdf(d2)
    : strike * normalCdf(-d2) - forward * normalCdf(-d1);
  // Far out of the money the two terms nearly cancel; a rounding below zero is noise of order
  // ε·F, not a value, and a negative value would break every bound that follows.
  const outOfTheMoney = Math.max(formula, 0);
  if ((right === 'call') === callIsOut) return outOfTheMoney;
  return outOfTheMoney + Math.abs(forward - strike);
}

/** Inputs outside these are a bug upstream (the boundary validates them), never a price. */
export function assertInputs(
  forward: number,
  strike: number,
  yearsToExpiry: number,
  volatility: number,
): void {
  assert(forward > 0, 'forward must be positive');
  assert(Number.isFinite(forward), 'forward must be finite');
  assert(strike > 0, 'strike must be positive');
  assert(Number.isFinite(strike), 'strike must be finite');
  assert(yearsToExpiry >= 0, 'yearsToExpiry must be non-negative');
  assert(Number.isFinite(yearsToExpiry), 'yearsToExpiry must be finite');
  assert(volatility >= 0, 'volatility must be non-negative');
  assert(Number.isFinite(volatility), 'volatility must be finite');
}
