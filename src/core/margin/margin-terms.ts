import type { MarginRule } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Quantity, Ratio } from '../num/fixed.ts';
import { max, ONE } from '../num/fixed.ts';
import { ratioCeil } from '../num/rounding.ts';
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
  /** Absolute notional in the settle asset. */
  readonly notional: Amount;
  /** Absolute size in base units (contracts × contract size). */
  readonly size: Quantity;
  /** The trader's chosen leverage, if any: initial margin is at least notional / leverage. */
  readonly leverage: Ratio | undefined;
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
  }
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
      return undefined;
  }
}
