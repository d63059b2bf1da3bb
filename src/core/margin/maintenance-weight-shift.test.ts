import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d, decimalArb } from '../../../test/kit.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import { max, min } from '../num/fixed.ts';
import { collateralRuleAt } from './maintenance-weight-shift.ts';

/** Mango's `Bank::maint_weights` as collateralRuleAt reads it: linear, bounded, rounded safe. */
const startMs = Date.parse('2026-12-01T00:00:00Z');

function ruleOf(asset: bigint, liability: bigint, assetTarget: bigint, liabilityTarget: bigint) {
  const rule: CollateralRule = {
    tiers: [{ upTo: null, initialWeight: 0n, maintenanceWeight: asset }],
    liabilityInitialWeight: d('3'),
    liabilityMaintenanceWeight: liability,
    maintenanceWeightShift: { startMs, endMs: startMs + 7_000_000, assetTarget, liabilityTarget },
  };
  return rule;
}

const weights = fc.tuple(
  decimalArb(0, 1, 6),
  decimalArb(1, 2, 6),
  decimalArb(0, 1, 6),
  decimalArb(1, 2, 6),
);

describe('maintenance weight shift', () => {
  it('property: between the listed weights and the targets, each rounded in the venue’s favour', () => {
    fc.assert(
      fc.property(weights, fc.integer({ min: -100, max: 8000 }), ([a, l, at, lt], seconds) => {
        const rule = ruleOf(a, l, at, lt);
        const shifted = collateralRuleAt(rule, startMs + seconds * 1000)!;
        const asset = shifted.tiers[0]!.maintenanceWeight;
        const liability = shifted.liabilityMaintenanceWeight!;
        expect(asset >= min(a, at) && asset <= max(a, at)).toBe(true);
        expect(liability >= min(l, lt) && liability <= max(l, lt)).toBe(true);
        // Exact interpolation × 7,000 (the duration in seconds): the asset weight at or below it,
        // the liability weight at or above it.
        const elapsed = BigInt(Math.min(Math.max(seconds, 0), 7000));
        expect(asset * 7000n <= a * 7000n + (at - a) * elapsed).toBe(true);
        expect(liability * 7000n >= l * 7000n + (lt - l) * elapsed).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the listed weights at and before the start, the targets at and after the end', () => {
    const rule = ruleOf(d('0.9'), d('1.1'), d('0.4'), d('1.6'));
    expect(collateralRuleAt(rule, startMs)).toBe(rule);
    const end = collateralRuleAt(rule, startMs + 7_000_000)!;
    expect(end.tiers[0]!.maintenanceWeight).toBe(d('0.4'));
    expect(end.liabilityMaintenanceWeight).toBe(d('1.6'));
    // A third of the way, in whole seconds (2,333 of 7,000): 0.9 − 0.5 × 2333/7000 rounded down,
    // 1.1 + 0.5 × 2333/7000 rounded up.
    const third = collateralRuleAt(rule, startMs + 2_333_999)!;
    expect(third.tiers[0]!.maintenanceWeight).toBe(d('0.733357142857142857'));
    expect(third.liabilityMaintenanceWeight).toBe(d('1.266642857142857143'));
    // The initial weights stay.
    expect(third.tiers[0]!.initialWeight).toBe(0n);
    expect(third.liabilityInitialWeight).toBe(d('3'));
  });

  it('a rule without a shift is returned as it is', () => {
    const plain: CollateralRule = {
      tiers: [{ upTo: null, initialWeight: 1n, maintenanceWeight: 1n }],
    };
    expect(collateralRuleAt(plain, Number.NaN)).toBe(plain);
  });
});
