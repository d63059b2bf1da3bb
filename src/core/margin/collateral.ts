import type { VenueTotal } from '../model/market.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price } from '../num/fixed.ts';
import { min, ONE } from '../num/fixed.ts';
import { floorToStep, mulCeil, mulFloor } from '../num/rounding.ts';
import { assetWeight, liabilityWeight } from './collateral-weight.ts';
import type { RequirementKind } from './requirement-kind.ts';
import { assetPriceFor } from './stable-price.ts';

/**
 * The value a balance lends to a bucket, in the valuation currency, for one kind of check.
 * A holding is weighted band by band, like tax brackets, so the weight falls as the holding grows
 * (Binance's tiered collateral ratio, Bybit's and OKX's tiered discount rates). A negative balance is
 * a liability, valued at price × liability weight (≥ 1, or 1 where the asset is not lent).
 * Collateral rounds down, liabilities up. A rule may scale its weights by the venue's `total` of
 * the asset and by the holding's size (collateral-weight.ts).
 * `rule` undefined: the asset is not collateral.
 *
 * `stable` (stable-price.ts, initial checks under `initialAtStablePrice`): a holding is valued at
 * min(price, stable), a debt at max(price, stable), and the venue's totals at max(price, stable),
 * the pessimistic price for both scalings (Mango's `new_health_cache`: "Use the liab price for
 * computing weight scaling").
 */
export function collateralValue(
  rule: CollateralRule | undefined,
  balance: Amount,
  price: Price,
  kind: RequirementKind,
  total?: VenueTotal,
  stable?: Price,
): Amount {
  // The venue holds whole units of the asset (its `unit`): a finer balance counts its whole units,
  // a debt its next whole unit.
  const held = rule?.unit === undefined ? balance : floorToStep(balance, rule.unit);
  if (held === 0n) return 0n;
  // The higher of the two prices values a debt, and the venue's totals either way.
  const high = assetPriceFor(price, stable, true);
  if (held < 0n) return -liabilityValue(rule, -held, high, kind, total, high);
  if (rule === undefined) return 0n;
  return weightedByTier(rule, held, assetPriceFor(price, stable, false), kind, total, high);
}

function liabilityValue(
  rule: CollateralRule | undefined,
  owed: Amount,
  price: Price,
  kind: RequirementKind,
  total: VenueTotal | undefined,
  totalsPrice: Price,
): Amount {
  const listed =
    kind === 'initial' ? rule?.liabilityInitialWeight : rule?.liabilityMaintenanceWeight;
  // A debt the venue never lent (a realised loss on an inverse contract, say) is owed at face
  // value: weight 1, as Bybit values every negative balance.
  const weight = liabilityWeight(rule, listed ?? ONE, kind, owed, totalsPrice, total);
  return mulCeil(mulCeil(owed, price), weight);
}

function weightedByTier(
  rule: CollateralRule,
  held: Amount,
  price: Price,
  kind: RequirementKind,
  total: VenueTotal | undefined,
  totalsPrice: Price,
): Amount {
  const value = mulFloor(held, price);
  let weighted = 0n;
  let floor = 0n;
  for (const tier of rule.tiers) {
    const top = tier.upTo === null ? value : min(value, tier.upTo);
    if (top > floor) {
      const listed = kind === 'initial' ? tier.initialWeight : tier.maintenanceWeight;
      const weight = assetWeight(rule, listed, kind, held, totalsPrice, total);
      weighted += mulFloor(top - floor, weight);
    }
    if (tier.upTo === null || value <= tier.upTo) return weighted;
    floor = tier.upTo;
  }
  assert(false, 'the last collateral tier must be unbounded');
}
