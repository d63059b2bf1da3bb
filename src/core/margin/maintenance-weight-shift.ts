import type { CollateralRule } from '../model/rulebook.ts';
import { assert } from '../num/assert.ts';
import type { Ratio } from '../num/fixed.ts';
import { ONE } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';

/**
 * A collateral rule with its maintenance weights where Mango's maintenance weight shift has taken
 * them at `asOfMs` (blockworks-foundation/mango-v4 programs/mango-v4/src/state/bank.rs
 * `Bank::maint_weights`): the listed weights until the start, the targets from the end, and
 * between them w + (target − w) × elapsed / duration, the chain's clock counting whole seconds.
 * The asset weight rounds down and the liability weight up, in the venue's favour. A rule
 * without a shift is returned as it is, so the common case allocates nothing.
 */
export function collateralRuleAt(
  rule: CollateralRule | undefined,
  asOfMs: number,
): CollateralRule | undefined {
  const shift = rule?.maintenanceWeightShift;
  if (rule === undefined || shift === undefined) return rule;
  assert(Number.isFinite(asOfMs), 'a maintenance weight shift needs the valuation time');
  assert(rule.tiers.length === 1, 'a maintenance weight shift has one tier');
  const nowSeconds = Math.floor(asOfMs / 1000);
  const startSeconds = Math.floor(shift.startMs / 1000);
  const endSeconds = Math.floor(shift.endMs / 1000);
  assert(endSeconds > startSeconds, 'a maintenance weight shift ends after it starts');
  if (nowSeconds <= startSeconds) return rule;
  const tier = rule.tiers[0]!;
  const listedLiability = rule.liabilityMaintenanceWeight ?? ONE;
  let asset: Ratio = shift.assetTarget;
  let liability: Ratio = shift.liabilityTarget;
  if (nowSeconds < endSeconds) {
    const elapsed = BigInt(nowSeconds - startSeconds);
    const duration = BigInt(endSeconds - startSeconds);
    const assetMove = shift.assetTarget - tier.maintenanceWeight;
    const liabilityMove = shift.liabilityTarget - listedLiability;
    asset = tier.maintenanceWeight + divFloor(assetMove * elapsed, duration);
    liability = listedLiability + divCeil(liabilityMove * elapsed, duration);
  }
  return {
    ...rule,
    tiers: [{ ...tier, maintenanceWeight: asset }],
    ...(rule.liabilityMaintenanceWeight === undefined
      ? {}
      : { liabilityMaintenanceWeight: liability }),
  };
}
