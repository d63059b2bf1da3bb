import type { MarginRule, OptionStandardRule } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import { max, ONE } from '../num/fixed.ts';
import { mulCeil, ratioCeil, ratioFloor } from '../num/rounding.ts';
import type { OptionRight } from '../pricing/black.ts';
import { bracketFor } from './brackets.ts';
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
  /** The trader's chosen leverage, if any: initial margin is at least notional / leverage. */
  readonly leverage: Ratio | undefined;
  /** For an option only. */
  readonly option?: OptionExposure;
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
      const bracket = bracketFor(rule.brackets, exposure.notional);
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
  const base = max(
    rule.initialRate - ratioFloor(outOfTheMoney, option.indexPrice),
    rule.initialFloor,
  );
  const rate = mulCeil(base, rule.marginFactor);
  // Deribit: a short put's initial margin is never below its maintenance margin.
  return { rate: option.right === 'put' ? max(rate, maintenance) : rate, deduction };
}

function inverseOf(leverage: Ratio): Ratio {
  assert(leverage > 0n, 'leverage must be positive');
  return ratioCeil(ONE, leverage);
}

/** The highest leverage the rule allows at this notional, where the rule has one. */
export function maxLeverageAt(rule: MarginRule, notional: Amount): Ratio | undefined {
  switch (rule.kind) {
    case 'brackets':
      return bracketFor(rule.brackets, notional).maxLeverage;
    case 'max-leverage':
      return rule.maxLeverage;
    case 'size-premium':
    case 'option-standard':
      return undefined;
  }
}
