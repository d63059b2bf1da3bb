import type { PriceView } from '../margin/price-view.ts';
import type { Instrument } from '../model/instrument.ts';
import { toNumber } from '../num/fixed.ts';
import { unshocked } from '../pricing/vol-shock.ts';
import { optionPremium } from './option-premium.ts';
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
 *   the quoted mark and the model cancels), valued as the premium currency moves: a coin premium
 *   at the moved coin price.
 */
export function riskArray(
  instrument: Instrument,
  prices: PriceView,
  scenarios: readonly Scenario[],
  lookaheadYears: number,
): Float64Array {
  const array = new Float64Array(scenarios.length + 1);
  const contractSize = toNumber(instrument.contractSize);
  const index = toNumber(prices.assetPrice(instrument.underlying));
  const settlePrice = toNumber(prices.assetPrice(instrument.settle));
  const value = valueAt(instrument, prices, contractSize, index, settlePrice);
  scenarios.forEach((scenario, s) => {
    array[s] = value(scenario.priceMove, scenario, lookaheadYears) - value(0, undefined, 0);
  });
  // Delta by a central difference of ±0.1 %, without shock or time decay.
  const step = 0.001;
  array[scenarios.length] = (value(step, undefined, 0) - value(-step, undefined, 0)) / (2 * step);
  return array;
}

type Valuation = (move: number, scenario: Scenario | undefined, lookaheadYears: number) => number;

/** The USD value of one long contract with the underlying moved by `move`. */
function valueAt(
  instrument: Instrument,
  prices: PriceView,
  contractSize: number,
  index: number,
  settlePrice: number,
): Valuation {
  const coinSettled = instrument.settle === instrument.underlying;
  const settleAt = (move: number) => (coinSettled ? settlePrice * (1 + move) : settlePrice);
  if (instrument.kind === 'option') {
    const surface = prices.volatility(instrument.underlying);
    return (move, scenario, lookaheadYears) =>
      contractSize *
      optionPremium(
        instrument,
        index * (1 + move),
        surface,
        prices.asOfMs,
        scenario?.volShock ?? unshocked,
        lookaheadYears,
      ) *
      settleAt(move);
  }
  const mark = toNumber(prices.markPrice(instrument.id));
  if (instrument.settlement === 'linear') {
    return (move) => contractSize * mark * move * settleAt(move);
  }
  return (move) => contractSize * (1 / mark - 1 / (mark * (1 + move))) * settleAt(move);
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
