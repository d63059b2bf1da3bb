import type { SizePremiumRule } from '../model/rulebook.ts';
import type { Quantity, Ratio } from '../num/fixed.ts';
import { max } from '../num/fixed.ts';
import { divCeil, divFloor, mulCeil, sqrtCeil } from '../num/rounding.ts';
import type { RequirementKind } from './requirement-kind.ts';

/**
 * Margin rate that grows with position size, so a large position pays for the cost of closing it.
 * `size` is the position's absolute size in base units (contracts × contract size). Rates are
 * rounded up: they set requirements.
 *
 * - sqrt (Drift's IMF): rate = max(base, base × 4/5 + imfFactor × √size)
 *   (protocol-v2 `calculate_size_premium_liability_weight`, applied to both margin ratios).
 * - linear (Deribit): rate = base + ratePerUnit × size.
 * - stepped (dYdX v3): rate = base + ratePerStep × ⌈max(0, size − baselineSize) / stepSize⌉.
 */
export function sizePremiumRate(
  rule: SizePremiumRule,
  kind: RequirementKind,
  size: Quantity,
): Ratio {
  const base = kind === 'initial' ? rule.initialRate : rule.maintenanceRate;
  const premium = rule.premium;
  switch (premium.curve) {
    case 'sqrt': {
      if (premium.imfFactor === 0n) return base;
      return max(base, discountedRate(base) + mulCeil(premium.imfFactor, sqrtCeil(size)));
    }
    case 'linear':
      if (premium.appliesTo === 'initial' && kind !== 'initial') return base;
      return base + mulCeil(premium.ratePerUnit, size);
    case 'stepped': {
      if (premium.appliesTo === 'initial' && kind !== 'initial') return base;
      const excess = size - premium.baselineSize;
      if (excess <= 0n) return base;
      return base + premium.ratePerStep * divCeil(excess, premium.stepSize);
    }
  }
}

/**
 * Drift's discount of a base rate under its √size premium, 4/5 of it (the fifth rounded down):
 * past the size where the premium outgrows it, a rate is this plus the premium. Two base rates a
 * unit apart may discount to one rate (b − ⌊b/5⌋ steps by 0 where b is a multiple of 5 units).
 */
export function discountedRate(base: Ratio): Ratio {
  return base - divFloor(base, 5n);
}
