import { bracketsContinuedMax } from '../limits.ts';
import type { Bracket, TierContinuation, TierMeasure } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { ONE } from '../num/fixed.ts';
import { divFloor, mulFloor, ratioCeil } from '../num/rounding.ts';

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

/** OKX prints a tier's max leverage to two decimals, cut down (1.5 % → 66.66, 3.5 % → 28.57). */
const leverageStep = ONE / 100n;

/** Why a published rule cannot continue a table, at OKX's number of the tier where it fails. */
export type ContinuationFailure =
  | { readonly failure: 'maintenance-reaches-initial'; readonly tier: number }
  | { readonly failure: 'initial-above-one'; readonly tier: number }
  | { readonly failure: 'too-many-tiers'; readonly tier: number };

/**
 * The tiers a venue's published rule adds after its listed ones (OKX: "Tier 4: Increase by N
 * conts from the previous tier | Increase by 0.5% from the previous tier (MMR) | Increase by 0.5%
 * (IMR) | Max. leverage of the tier"): each continued tier's cap, maintenance rate and initial rate
 * are the previous tier's plus the steps, its max leverage 1 / its initial rate cut down to 0.01
 * (in the venue's favour: a chosen leverage above it is refused). With `tiersMax` the last tier is
 * tier `tiersMax`, its cap the position limit; without it, the tiers go on while the initial rate
 * stays at or below 1 (1× leverage), and the last of them is the limit: past it the rule would ask
 * more initial margin than the position is worth. The listed terms come first, unchanged.
 */
export function continueBrackets(
  listed: readonly BracketTerms[],
  continuation: TierContinuation,
): BracketTerms[] | ContinuationFailure {
  const last = listed.at(-1);
  assert(last !== undefined, 'a bracket table needs at least one bracket');
  assert(last.cap !== null, 'tiers continue from a bounded last tier');
  const { capStep, maintenanceRateStep, initialRateStep, tiersMax } = continuation;
  assert(capStep > 0n, 'a continued tier must add to the cap');
  assert(tiersMax === undefined || tiersMax > listed.length, 'tiersMax counts the listed tiers');
  const terms = [...listed];
  let cap = last.cap;
  let maintenanceRate = last.maintenanceRate;
  let initialRate = last.initialRate ?? ratioCeil(ONE, last.maxLeverage);
  while (tiersMax === undefined || terms.length < tiersMax) {
    const tier = terms.length + 1;
    if (tier > bracketsContinuedMax) return { failure: 'too-many-tiers', tier };
    const nextInitial = initialRate + initialRateStep;
    if (nextInitial > ONE) {
      return tiersMax === undefined ? terms : { failure: 'initial-above-one', tier };
    }
    cap += capStep;
    maintenanceRate += maintenanceRateStep;
    initialRate = nextInitial;
    if (maintenanceRate >= initialRate) return { failure: 'maintenance-reaches-initial', tier };
    // Whole hundredths of leverage in 1 / rate, one rounding: down.
    const maxLeverage = divFloor(100n * ONE, initialRate) * leverageStep;
    terms.push({ cap, maxLeverage, maintenanceRate, initialRate });
  }
  return terms;
}
