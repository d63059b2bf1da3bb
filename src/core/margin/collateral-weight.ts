import type { VenueTotal } from '../model/market.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Amount, Price, Ratio } from '../num/fixed.ts';
import { max, min, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor, mulCeil, ratioFloor, sqrtCeil } from '../num/rounding.ts';
import type { RequirementKind } from './requirement-kind.ts';

/** Drift's 1.1 (SPOT_IMF_PRECISION + SPOT_IMF_PRECISION / 10): a small holding is not penalised. */
const discountNumerator = (11n * SCALE) / 10n;

/**
 * An asset weight as the holding's size and the venue's totals leave it, rounded down:
 * - initial only, once the venue's deposits are worth more than `depositWeightScaleStart` (USD):
 *   × start / deposits value (Mango `Bank::scaled_init_asset_weight`, Drift
 *   `SpotMarket::get_scaled_initial_asset_weight`);
 * - then at most Drift's size discount 1.1 / (1 + imfFactor × √size), `size` in coins.
 */
export function assetWeight(
  rule: CollateralRule,
  weight: Ratio,
  kind: RequirementKind,
  size: Amount,
  price: Price,
  total: VenueTotal | undefined,
): Ratio {
  let scaled = weight;
  if (kind === 'initial' && rule.depositWeightScaleStart !== undefined) {
    // Valued up: a larger total scales the weight further down.
    const deposits = mulCeil(venueTotal(total).deposits, price);
    if (deposits > rule.depositWeightScaleStart) {
      scaled = divFloor(scaled * rule.depositWeightScaleStart, deposits);
    }
  }
  if (rule.imfFactor === undefined || rule.imfFactor === 0n) return scaled;
  return min(scaled, sizeDiscountWeight(rule.imfFactor, size));
}

/**
 * A liability weight as the debt's size and the venue's borrows leave it, rounded up: at least
 * Drift's size premium 0.8 w + imfFactor × √size; then, initial only, once the venue's borrows
 * are worth more than `borrowWeightScaleStart` (USD), × borrows value / start (Mango
 * `Bank::scaled_init_liab_weight`).
 */
export function liabilityWeight(
  rule: CollateralRule | undefined,
  weight: Ratio,
  kind: RequirementKind,
  size: Amount,
  price: Price,
  total: VenueTotal | undefined,
): Ratio {
  let premium = weight;
  if (rule?.imfFactor !== undefined && rule.imfFactor !== 0n) {
    premium = sizePremiumWeight(rule.imfFactor, weight, size);
  }
  if (kind !== 'initial' || rule?.borrowWeightScaleStart === undefined) return premium;
  // Valued down would favour the borrower: up.
  const borrows = mulCeil(venueTotal(total).borrows, price);
  if (borrows <= rule.borrowWeightScaleStart) return premium;
  return divCeil(premium * borrows, rule.borrowWeightScaleStart);
}

/** 1.1 / (1 + imfFactor × √size), rounded down (√ and product up). */
export function sizeDiscountWeight(imfFactor: Ratio, size: Amount): Ratio {
  return ratioFloor(discountNumerator, SCALE + mulCeil(imfFactor, sqrtCeil(size)));
}

/** max(w, w − w/5 + imfFactor × √size), rounded up (the fifth taken down, √ and product up). */
export function sizePremiumWeight(imfFactor: Ratio, weight: Ratio, size: Amount): Ratio {
  return max(weight, weight - divFloor(weight, 5n) + mulCeil(imfFactor, sqrtCeil(size)));
}

/** Whether a rule's weights depend on more than the kind: the venue's totals or the size. */
export function hasVariableWeights(rule: CollateralRule | undefined): boolean {
  if (rule === undefined) return false;
  return (
    (rule.imfFactor !== undefined && rule.imfFactor !== 0n) ||
    rule.depositWeightScaleStart !== undefined ||
    rule.borrowWeightScaleStart !== undefined
  );
}

function venueTotal(total: VenueTotal | undefined): VenueTotal {
  // Input validation asks for the totals of every asset whose rule scales by them.
  assert(total !== undefined, 'a weight scaled by venue totals needs the totals');
  return total;
}
