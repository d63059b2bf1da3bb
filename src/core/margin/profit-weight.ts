import type { Instrument } from '../model/instrument.ts';
import type { ProfitWeight, Rulebook } from '../model/rulebook.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { min } from '../num/fixed.ts';
import { mulFloor } from '../num/rounding.ts';
import { sizeDiscountWeight } from './collateral-weight.ts';
import type { RequirementKind } from './requirement-kind.ts';

/** The instrument's weight on positive PnL: its own, the rulebook's, or none (counts in full). */
export function profitWeightOf(
  rulebook: Rulebook,
  instrument: Instrument,
): ProfitWeight | undefined {
  const rule = rulebook.unrealisedProfit;
  if (rule === undefined || instrument.kind === 'option') return undefined;
  return rule.instruments.get(instrument.id) ?? rule;
}

/**
 * What a contract's value (USD: unrealised plus unsettled PnL, or under Mango's health its value
 * less its requirement) counts for in equity: a loss in full, a gain × the weight of the kind,
 * for initial at most Drift's size discount of the gain (`PerpMarket::get_unrealized_asset_weight`:
 * a zero weight stays zero). Rounded down. Options are never weighted: their value is a premium.
 */
export function weightedProfit(
  rulebook: Rulebook,
  instrument: Instrument,
  value: Amount,
  kind: RequirementKind,
): Amount {
  if (value <= 0n) return value;
  const rule = profitWeightOf(rulebook, instrument);
  if (rule === undefined) return value;
  return mulFloor(value, profitWeight(rule, value, kind));
}

/** The weight on a gain of `value` (USD), rounded down. */
export function profitWeight(rule: ProfitWeight, value: Amount, kind: RequirementKind): Ratio {
  const weight = kind === 'initial' ? rule.initialWeight : rule.maintenanceWeight;
  if (kind !== 'initial' || rule.imfFactor === undefined || rule.imfFactor === 0n) return weight;
  return weight === 0n ? 0n : min(weight, sizeDiscountWeight(rule.imfFactor, value));
}
