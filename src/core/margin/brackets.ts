import type { Bracket } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { mulFloor } from '../num/rounding.ts';

/** The bracket whose range holds the notional: floor exclusive, cap inclusive (Binance's reading). */
export function bracketFor(brackets: readonly Bracket[], notional: Amount): Bracket {
  for (const bracket of brackets) {
    if (bracket.cap === null || notional <= bracket.cap) return bracket;
  }
  assert(false, 'the last bracket must be unbounded');
}

export interface BracketTerms {
  readonly cap: Amount | null;
  readonly maxLeverage: Ratio;
  readonly maintenanceRate: Ratio;
  readonly initialRate?: Ratio;
}

/**
 * Completes a venue's table with floors and maintenance amounts:
 * amount[n] = amount[n−1] + floor[n] × (rate[n] − rate[n−1]), which makes
 * `notional × rate − amount` continuous across bracket edges (Binance's "maintenance amount").
 * Rates must not fall as notional grows, so every amount is ≥ 0.
 */
export function completeBrackets(terms: readonly BracketTerms[]): Bracket[] {
  assert(terms.length > 0, 'a bracket table needs at least one bracket');
  const brackets: Bracket[] = [];
  let floor = 0n;
  let amount = 0n;
  let previousRate = terms[0]!.maintenanceRate;
  for (const term of terms) {
    assert(term.maintenanceRate >= previousRate, 'maintenance rates must not fall');
    // Exact: floor and rates are decimals of at most 18 places, their product is floored only
    // below 1e-18, and venues publish amounts to far fewer places.
    amount += mulFloor(floor, term.maintenanceRate - previousRate);
    brackets.push({ ...term, floor, maintenanceAmount: amount });
    previousRate = term.maintenanceRate;
    if (term.cap !== null) floor = term.cap;
  }
  assert(brackets.at(-1)!.cap === null, 'the last bracket must be unbounded');
  return brackets;
}
