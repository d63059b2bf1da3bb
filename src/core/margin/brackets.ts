import type { Bracket, TierMeasure } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { mulFloor } from '../num/rounding.ts';

/**
 * The bracket whose range holds the measure (notional, or contracts where the tiers are by size):
 * floor exclusive, cap inclusive (Binance's reading). Past a bounded last bracket (the venue's
 * position limit, which the mark may carry a position beyond), the last bracket.
 */
export function bracketFor(brackets: readonly Bracket[], measure: bigint): Bracket {
  assert(brackets.length > 0, 'a bracket table needs at least one bracket');
  for (const bracket of brackets) {
    if (bracket.cap === null || measure <= bracket.cap) return bracket;
  }
  return brackets.at(-1)!;
}

/** The largest position a bracket table allows (its last cap), or null: no limit. */
export function positionLimit(brackets: readonly Bracket[]): Amount | null {
  return brackets.at(-1)?.cap ?? null;
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
 * Rates must not fall as notional grows, so every amount is ≥ 0. Tiers by contracts have no
 * amount: the tier's rate applies to the whole position (OKX), so there is nothing to keep
 * continuous in notional. The last cap, where given, is the position limit.
 */
export function completeBrackets(
  terms: readonly BracketTerms[],
  tierBy: TierMeasure = 'notional',
): Bracket[] {
  assert(terms.length > 0, 'a bracket table needs at least one bracket');
  const brackets: Bracket[] = [];
  let floor = 0n;
  let amount = 0n;
  let previousRate = terms[0]!.maintenanceRate;
  for (const [index, term] of terms.entries()) {
    assert(term.maintenanceRate >= previousRate, 'maintenance rates must not fall');
    assert(term.cap !== null || index === terms.length - 1, 'only the last bracket is unbounded');
    // Exact: floor and rates are decimals of at most 18 places, their product is floored only
    // below 1e-18, and venues publish amounts to far fewer places.
    if (tierBy === 'notional') amount += mulFloor(floor, term.maintenanceRate - previousRate);
    brackets.push({ ...term, floor, maintenanceAmount: amount });
    previousRate = term.maintenanceRate;
    if (term.cap !== null) floor = term.cap;
  }
  return brackets;
}
