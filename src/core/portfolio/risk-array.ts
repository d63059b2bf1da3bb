import type { Instrument } from '../model/instrument.ts';
import type { GivenRiskArray } from '../model/market.ts';
import type { PriceView } from '../model/price-view.ts';
import { assert } from '../num/assert.ts';
import { toNumber } from '../num/fixed.ts';
import { blackPrice } from '../pricing/black.ts';
import { shockedVolatility } from '../pricing/vol-shock.ts';
import { surfaceVolatility } from '../pricing/vol-surface.ts';
import { yearsToExpiry } from './option-premium.ts';
import type { Scenario } from './scenarios.ts';

/**
 * An instrument's risk array: the P&L in USD of one long contract in each scenario of its
 * underlying's grid (gain positive; SPAN prints the negation), then one more element, its delta:
 * the USD P&L per unit move of the underlying (∂V/∂p at p = 0). Priced once per instrument and
 * market state; an account's scenario P&L is then Σ size × array (DESIGN.md).
 *
 * - linear future: contractSize × mark × p, in the quote asset;
 * - inverse future: contractSize × (1/mark − 1/(mark·(1+p))) coins, worth S·(1+p) each;
 * - option: the model premium under the scenario less the model premium now (so the gap between
 *   the quoted mark and the model cancels).
 * A coin-settled contract's coins are valued at the moved coin price, unless `coinTerms`: a pool
 * margined in its own coin (Deribit's, Binance COIN-M's) counts P&L in that coin, where its coin
 * collateral does not move, and converts the result at today's price.
 */
export function riskArray(
  instrument: Instrument,
  prices: PriceView,
  scenarios: readonly Scenario[],
  lookaheadYears: number,
  coinTerms: boolean,
): Float64Array {
  if (instrument.kind === 'option') {
    return optionArray(instrument, prices, scenarios, lookaheadYears, coinTerms);
  }
  const array = new Float64Array(scenarios.length + 1);
  const contractSize = toNumber(instrument.contractSize);
  const settlePrice = toNumber(prices.assetPrice(instrument.settle));
  const value = valueAt(instrument, prices, contractSize, settlePrice, coinTerms);
  const now = value(0);
  scenarios.forEach((scenario, s) => {
    array[s] = value(scenario.priceMove) - now;
  });
  // Delta by a central difference of ±0.1 %.
  const step = 0.001;
  array[scenarios.length] = (value(step) - value(-step)) / (2 * step);
  return array;
}

type Valuation = (move: number) => number;

/** The USD value (less a constant) of one long future with the underlying moved by `move`. */
function valueAt(
  instrument: Instrument,
  prices: PriceView,
  contractSize: number,
  settlePrice: number,
  coinTerms: boolean,
): Valuation {
  const coinSettled = instrument.settle === instrument.underlying && !coinTerms;
  const settleAt = (move: number) => (coinSettled ? settlePrice * (1 + move) : settlePrice);
  const mark = toNumber(prices.markPrice(instrument.id));
  if (instrument.settlement === 'linear') {
    return (move) => contractSize * mark * move * settleAt(move);
  }
  return (move) => contractSize * (1 / mark - 1 / (mark * (1 + move))) * settleAt(move);
}

/**
 * A published risk array in this module's form: losses negated into gains, extreme scenarios
 * taken back from their cover (the scan weighs them again), the coin delta in USD.
 */
export function givenArray(
  given: GivenRiskArray,
  scenarios: readonly Scenario[],
  index: number,
): Float64Array {
  assert(given.losses.length === scenarios.length, 'a given risk array has one loss per scenario');
  const array = new Float64Array(scenarios.length + 1);
  scenarios.forEach((scenario, s) => {
    array[s] = scenario.weight === 0 ? 0 : -given.losses[s]! / scenario.weight;
  });
  array[scenarios.length] = given.delta * index;
  return array;
}

/** One unit of spot on the underlying: its USD value moves with it. */
export function spotArray(index: number, scenarios: readonly Scenario[]): Float64Array {
  const array = new Float64Array(scenarios.length + 1);
  scenarios.forEach((scenario, s) => {
    array[s] = index * scenario.priceMove;
  });
  array[scenarios.length] = index;
  return array;
}

/**
 * An option's risk array. The surface is read once per price move (every volatility shock of that
 * move starts from the same point of the smile) and each shock applied to it, so a grid of m moves
 * and v shocks costs m surface reads and m·v Black-76 prices.
 */
function optionArray(
  instrument: Instrument,
  prices: PriceView,
  scenarios: readonly Scenario[],
  lookaheadYears: number,
  coinTerms: boolean,
): Float64Array {
  const terms = instrument.option!;
  const array = new Float64Array(scenarios.length + 1);
  const contractSize = toNumber(instrument.contractSize);
  const index = toNumber(prices.assetPrice(instrument.underlying));
  // Every move of an underlying at zero leaves it at zero: no scenario changes the option's value,
  // and its USD value per relative move (the array's delta) is 0 as well.
  if (index === 0) return array;
  const settlePrice = toNumber(prices.assetPrice(instrument.settle));
  const strike = toNumber(terms.strike);
  const surface = prices.volatility(instrument.underlying);
  const years = yearsToExpiry(instrument, prices.asOfMs);
  const yearsAhead = Math.max(0, years - lookaheadYears);
  const inverse = instrument.settlement === 'inverse';
  // USD value of one contract at an underlying price, for a volatility and time left.
  const value = (underlying: number, volatility: number, yearsLeft: number) => {
    const usd = blackPrice(terms.right, underlying, strike, yearsLeft, volatility, 0);
    if (!inverse) return contractSize * usd * settlePrice;
    // A coin premium (usd / underlying) valued at the moved coin price, or at today's in coin terms.
    return contractSize * (usd / underlying) * (coinTerms ? settlePrice : underlying);
  };
  const volatilityAt = (underlying: number, yearsLeft: number) =>
    surfaceVolatility(surface, Math.log(strike / underlying), yearsLeft);
  const now = value(index, volatilityAt(index, years), years);
  let lastMove = Number.NaN;
  let smile = 0;
  scenarios.forEach((scenario, s) => {
    const moved = index * (1 + scenario.priceMove);
    if (scenario.priceMove !== lastMove) {
      lastMove = scenario.priceMove;
      smile = volatilityAt(moved, yearsAhead);
    }
    const volatility = shockedVolatility(smile, yearsAhead, scenario.volShock);
    array[s] = value(moved, volatility, yearsAhead) - now;
  });
  const step = 0.001;
  const up = index * (1 + step);
  const down = index * (1 - step);
  array[scenarios.length] =
    (value(up, volatilityAt(up, years), years) - value(down, volatilityAt(down, years), years)) /
    (2 * step);
  return array;
}
