import { describe, expect, it } from 'vitest';
import { requirement } from '../../src/core/margin/leg-risk.ts';
import { sizePremiumRate } from '../../src/core/margin/size-premium.ts';
import type { SizePremiumRule } from '../../src/core/model/rulebook.ts';
import { d, linearPerp } from '../kit.ts';

/**
 * Drift protocol-v2's perp margin with its IMF size premium:
 *   ratio = max(r, r − r/5 + imf × √(size))      (`calculate_size_premium_liability_weight`)
 * pinned to the unit test `calculate_user_equity_value_tests` in
 * drift-labs/protocol-v2 programs/drift/src/math/margin/tests.rs: margin_ratio_initial 1000 (10 %),
 * imf_factor 1000 (0.001), base −6147540983 (1e-9), oracle 22050 → pmr = 13555327867 (1e-6 USDC);
 * at 21050 → 12940573769. Drift truncates at 1e-6; we round up, so we are at most 1e-6 above.
 */
const rule: SizePremiumRule = {
  kind: 'size-premium',
  initialRate: d('0.1'),
  maintenanceRate: d('0.05'),
  premium: { curve: 'sqrt', imfFactor: d('0.001') },
};
const perp = linearPerp('BTC-PERP', 'BTC', { quote: 'USDC', settle: 'USDC' });

describe('Drift perp margin requirement (protocol-v2 unit test)', () => {
  for (const [oracle, published] of [
    ['22050', '13555.327867'],
    ['21050', '12940.573769'],
  ] as const) {
    it(`base −6.147540983 at ${oracle} → ${published} USDC`, () => {
      const got = requirement(perp, rule, 'initial', d('-6.147540983'), d(oracle), undefined);
      expect(got >= d(published)).toBe(true);
      expect(got - d(published) < d('0.000001')).toBe(true);
    });
  }

  it('the premium does not bind there: 0.8 × 10 % + 0.001 × √6.1475 ≈ 8.25 % < 10 %', () => {
    expect(sizePremiumRate(rule, 'initial', d('6.147540983'))).toBe(d('0.1'));
    // …and binds for a large position: 0.08 + 0.001 × √10000 = 18 %.
    expect(sizePremiumRate(rule, 'initial', d('10000'))).toBe(d('0.18'));
  });
});
