import type {
  CollateralRule,
  SizePremiumRule,
  UnrealisedProfitRule,
} from '../src/core/model/rulebook.ts';
import { d } from './kit.ts';

/**
 * The fixtures of Mango v4's health tests (programs/mango-v4/src/health/test.rs), shared by the
 * tests that hold our rulebooks to them.
 */

/**
 * A token as `mock_bank_and_oracle` makes it: asset weights (initial, maintenance) and liability
 * weights mirrored about 1 (0.8 → 1.2), one tier.
 */
export function mangoToken(initialWeight: string, maintenanceWeight: string): CollateralRule {
  return {
    tiers: [
      { upTo: null, initialWeight: d(initialWeight), maintenanceWeight: d(maintenanceWeight) },
    ],
    liabilityInitialWeight: d('2') - d(initialWeight),
    liabilityMaintenanceWeight: d('2') - d(maintenanceWeight),
  };
}

/** `mock_perp_market`'s base weights (0.2, 0.1): IM 20 %, MM 10 % of notional, no size premium. */
export const mangoPerpRule: SizePremiumRule = {
  kind: 'size-premium',
  initialRate: d('0.2'),
  maintenanceRate: d('0.1'),
  premium: { curve: 'sqrt', imfFactor: 0n },
};

/** `mock_perp_market`'s overall asset weights on a perp's positive health (0.95, 0.98). */
export const mangoUnrealisedProfit: UnrealisedProfitRule = {
  initialWeight: d('0.95'),
  maintenanceWeight: d('0.98'),
  instruments: new Map(),
};
