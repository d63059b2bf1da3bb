import type { CollateralRule } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price } from '../num/fixed.ts';
import { min, ONE } from '../num/fixed.ts';
import { mulCeil, mulFloor } from '../num/rounding.ts';
import type { RequirementKind } from './requirement-kind.ts';

/**
 * The value a balance lends to a bucket, in the valuation currency, for one kind of check.
 * A holding is weighted band by band, like tax brackets, so the weight falls as the holding grows
 * (Binance's tiered collateral ratio, Bybit's and OKX's tiered discount rates). A negative balance is
 * a liability, valued at price × liability weight (≥ 1, or 1 where the asset is not lent).
 * Collateral rounds down, liabilities up.
 * `rule` undefined: the asset is not collateral.
 */
export function collateralValue(
  rule: CollateralRule | undefined,
  balance: Amount,
  price: Price,
  kind: RequirementKind,
): Amount {
  if (balance === 0n) return 0n;
  if (balance < 0n) return -liabilityValue(rule, -balance, price, kind);
  if (rule === undefined) return 0n;
  return weightedByTier(rule, mulFloor(balance, price), kind);
}

function liabilityValue(
  rule: CollateralRule | undefined,
  owed: Amount,
  price: Price,
  kind: RequirementKind,
): Amount {
  const weight =
    kind === 'initial' ? rule?.liabilityInitialWeight : rule?.liabilityMaintenanceWeight;
  // A debt the venue never lent (a realised loss on an inverse contract, say) is owed at face
  // value: weight 1, as Bybit values every negative balance.
  return mulCeil(mulCeil(owed, price), weight ?? ONE);
}

function weightedByTier(rule: CollateralRule, value: Amount, kind: RequirementKind): Amount {
  let weighted = 0n;
  let floor = 0n;
  for (const tier of rule.tiers) {
    const top = tier.upTo === null ? value : min(value, tier.upTo);
    if (top > floor) {
      const weight = kind === 'initial' ? tier.initialWeight : tier.maintenanceWeight;
      weighted += mulFloor(top - floor, weight);
    }
    if (tier.upTo === null || value <= tier.upTo) return weighted;
    floor = tier.upTo;
  }
  assert(false, 'the last collateral tier must be unbounded');
}
