import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CollateralRule } from '../model/rulebook.ts';
import { fixed, SCALE } from '../num/fixed.ts';
import { collateralValue } from './collateral.ts';

/** The property: a zero-price asset contributes zero collateral; its liability is owed. */
const weight = fc.bigInt(0n, SCALE);
const rule = fc
  .tuple(weight, weight, fc.bigInt(SCALE, 2n * SCALE), fc.bigInt(SCALE, 2n * SCALE))
  .map(
    ([initial, maintenance, liabilityInitial, liabilityMaintenance]): CollateralRule => ({
      tiers: [
        { upTo: fixed('1000.123'), initialWeight: initial, maintenanceWeight: maintenance },
        { upTo: null, initialWeight: initial / 2n, maintenanceWeight: maintenance / 2n },
      ],
      liabilityInitialWeight: liabilityInitial,
      liabilityMaintenanceWeight: liabilityMaintenance,
    }),
  );
const balance = fc.bigInt(1n, 10n ** 30n);

describe('an asset at a price of zero', () => {
  it('lends nothing as collateral, for either kind', () => {
    fc.assert(
      fc.property(rule, balance, (r, held) => {
        expect(collateralValue(r, held, 0n, 'initial')).toBe(0n);
        expect(collateralValue(r, held, 0n, 'maintenance')).toBe(0n);
      }),
    );
  });

  it('leaves a borrowing owed: at any price above zero it is a liability again', () => {
    fc.assert(
      fc.property(rule, balance, fc.bigInt(1n, 10n ** 24n), (r, owed, price) => {
        expect(collateralValue(r, -owed, 0n, 'maintenance')).toBe(0n);
        // The debt is not forgiven: the smallest price brings back at least owed × price.
        const value = collateralValue(r, -owed, price, 'maintenance');
        expect(value < 0n).toBe(true);
        expect(-value * SCALE >= owed * price).toBe(true);
      }),
    );
  });
});
