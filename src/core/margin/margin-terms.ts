import type { BracketsRule, MarginRule, OptionStandardRule } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import { max, ONE } from '../num/fixed.ts';
import { mulCeil, ratioCeil, ratioFloor } from '../num/rounding.ts';
import type { OptionRight } from '../pricing/black.ts';
import { bracketFor } from './brackets.ts';
import { openInterestRate } from './liquidity-tier.ts';
import type { RequirementKind } from './requirement-kind.ts';
import { sizePremiumRate } from './size-premium.ts';

/** requirement = notional × rate − deduction, in the settle asset. */
export interface MarginTerms {
  readonly rate: Ratio;
  readonly deduction: Amount;
}

/** What the rule needs to know of a position. */
export interface Exposure {
  /** Absolute notional in the settle asset (an option's: the underlying it covers). */
  readonly notional: Amount;
  /** Absolute size in base units (contracts × contract size). */
  readonly size: Quantity;
  /** Absolute size in contracts, for tiers by contracts (OKX); absent where nothing tiers by it. */
  readonly contracts?: Quantity;
  /** The trader's chosen leverage, if any: initial margin is at least notional / leverage. */
  readonly leverage: Ratio | undefined;
  /** For an option only. */
  readonly option?: OptionExposure;
  /** The market's open interest valued in the settle asset, for a rule scaled by it. */
  readonly openInterestNotional?: Amount;
}

export interface OptionExposure {
  readonly right: OptionRight;
  readonly short: boolean;
  readonly strike: Price;
  readonly indexPrice: Price;
  /** |size| × contract size × mark: the option's market value, in the settle asset. */
  readonly markValue: Amount;
}

export function marginTerms(
  rule: MarginRule,
  kind: RequirementKind,
  exposure: Exposure,
): MarginTerms {
  const terms = ruleTerms(rule, kind, exposure);
  if (kind !== 'initial' || exposure.leverage === undefined) return terms;
  return { rate: max(terms.rate, inverseOf(exposure.leverage)), deduction: terms.deduction };
}

function ruleTerms(rule: MarginRule, kind: RequirementKind, exposure: Exposure): MarginTerms {
  switch (rule.kind) {
    case 'brackets': {
      const bracket = bracketFor(rule.brackets, tierMeasure(rule, exposure));
      if (kind === 'maintenance') {
        return { rate: bracket.maintenanceRate, deduction: bracket.maintenanceAmount };
      }
      return { rate: bracket.initialRate ?? inverseOf(bracket.maxLeverage), deduction: 0n };
    }
    case 'max-leverage': {
      const leverage = kind === 'initial' ? rule.maxLeverage : 2n * rule.maxLeverage;
      return { rate: inverseOf(leverage), deduction: 0n };
    }
    case 'size-premium':
      return { rate: sizePremiumRate(rule, kind, exposure.size), deduction: 0n };
    case 'option-standard':
      return optionTerms(rule, kind, exposure.option);
    case 'liquidity-tier':
      // The rate alone, for the searches that solve for a price; `requirement` rounds at the
      // chain's steps (liquidity-tier.ts), which this rate bounds from above to within a unit.
      return {
        rate:
          kind === 'maintenance'
            ? mulCeil(rule.initialRate, rule.maintenanceFraction)
            : openInterestRate(rule, exposure.openInterestNotional),
        deduction: 0n,
      };
  }
}

/**
 * A short option's rate on the underlying it covers, plus its market value (a negative deduction);
 * a long option needs nothing. The out-of-the-money fraction rounds down, so the rate rounds up.
 */
function optionTerms(
  rule: OptionStandardRule,
  kind: RequirementKind,
  option: OptionExposure | undefined,
): MarginTerms {
  assert(option !== undefined, 'an option rule needs an option');
  if (!option.short) return { rate: 0n, deduction: 0n };
  const deduction = -option.markValue;
  const maintenance = mulCeil(rule.maintenanceRate, rule.marginFactor);
  if (kind === 'maintenance') return { rate: maintenance, deduction };
  const outOfTheMoney =
    option.right === 'call'
      ? max(0n, option.strike - option.indexPrice)
      : max(0n, option.indexPrice - option.strike);
  // An underlying at zero: a call is out of the money by more than any rate, a put by nothing.
  const outOfTheMoneyShare =
    option.indexPrice === 0n
      ? outOfTheMoney > 0n
        ? rule.initialRate
        : 0n
      : ratioFloor(outOfTheMoney, option.indexPrice);
  const base = max(rule.initialRate - outOfTheMoneyShare, rule.initialFloor);
  const rate = mulCeil(base, rule.marginFactor);
  // Deribit: a short put's initial margin is never below its maintenance margin.
  return { rate: option.right === 'put' ? max(rate, maintenance) : rate, deduction };
}

/** 1 / leverage, rounded up; remembered per leverage (a book has a few dozen settings). */
function inverseOf(leverage: Ratio): Ratio {
  const known = inverses.get(leverage);
  if (known !== undefined) return known;
  assert(leverage > 0n, 'leverage must be positive');
  const inverse = ratioCeil(ONE, leverage);
  if (inverses.size < inversesMax) inverses.set(leverage, inverse);
  return inverse;
}

const inverses = new Map<Ratio, Ratio>();
const inversesMax = 4_096;

/** What a bracket table's caps bound: the notional, or the size in contracts (OKX's tiers). */
export function tierMeasure(rule: BracketsRule, exposure: Exposure): bigint {
  if (rule.tierBy !== 'contracts') return exposure.notional;
  assert(exposure.contracts !== undefined, 'tiers by contracts need the size in contracts');
  return exposure.contracts;
}

/**
 * The highest leverage the rule allows at this notional (or size in contracts, for tiers by
 * contracts), where the rule has one.
 */
export function maxLeverageAt(
  rule: MarginRule,
  notional: Amount,
  contracts?: Quantity,
): Ratio | undefined {
  switch (rule.kind) {
    case 'brackets':
      return bracketFor(
        rule.brackets,
        tierMeasure(rule, {
          notional,
          size: 0n,
          leverage: undefined,
          ...(contracts === undefined ? {} : { contracts }),
        }),
      ).maxLeverage;
    case 'max-leverage':
      return rule.maxLeverage;
    case 'liquidity-tier':
      return rule.initialRate === 0n ? undefined : ratioFloor(ONE, rule.initialRate);
    case 'size-premium':
    case 'option-standard':
      return undefined;
  }
}
