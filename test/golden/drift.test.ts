import { describe, expect, it } from 'vitest';
import { collateralValue } from '../../src/core/margin/collateral.ts';
import { assetWeight, liabilityWeight } from '../../src/core/margin/collateral-weight.ts';
import { requirement } from '../../src/core/margin/leg-risk.ts';
import { profitWeight } from '../../src/core/margin/profit-weight.ts';
import { sizePremiumRate } from '../../src/core/margin/size-premium.ts';
import type {
  CollateralRule,
  ProfitWeight,
  SizePremiumRule,
} from '../../src/core/model/rulebook.ts';
import { formatFixed } from '../../src/core/num/fixed.ts';
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

/**
 * Drift's spot weights, pinned to protocol-v2 programs/drift/src/math/margin/tests.rs
 * (commit 0272ab4355877d17a97beb0c674b073d7e77cd9f): `spot_market_asset_weight` (the IMF size
 * discount and premium, `SpotMarket::get_asset_weight` / `get_liability_weight`),
 * `spot_market_scale_initial_asset_weight` (scale_initial_asset_weight_start) and, in
 * `calculate_user_equity_value_tests`, `PerpMarket::get_unrealized_asset_weight` with
 * unrealized_pnl_imf_factor 1000. Drift's weights are integers at 1e-4 (SPOT_WEIGHT_PRECISION),
 * each intermediate truncated; ours are exact to 1e-18 and rounded toward the venue, so each is
 * compared at Drift's precision, truncated.
 */
const atDrift = (weight: bigint) => formatFixed((weight / 10n ** 14n) * 10n ** 14n);

describe('Drift spot asset and liability weights (protocol-v2 spot_market_asset_weight)', () => {
  const market = (imf: string): CollateralRule => ({
    tiers: [{ upTo: null, initialWeight: d('0.9'), maintenanceWeight: d('0.9') }],
    liabilityInitialWeight: d('1.1'),
    liabilityMaintenanceWeight: d('1.1'),
    imfFactor: d(imf),
  });
  const asset = (rule: CollateralRule, size: string, kind: 'initial' | 'maintenance' = 'initial') =>
    atDrift(assetWeight(rule, rule.tiers[0]!.initialWeight, kind, d(size), d('1'), undefined));
  const liability = (rule: CollateralRule, size: string) =>
    atDrift(
      liabilityWeight(rule, rule.liabilityInitialWeight!, 'initial', d(size), d('1'), undefined),
    );

  it('imf_factor 0: 1000 tokens keep 9000 and 11000', () => {
    expect(asset(market('0'), '1000')).toBe('0.9');
    expect(liability(market('0'), '1000')).toBe('1.1');
  });
  it('imf_factor 10: 1000 tokens keep them; 1,000,000,000 tokens fall to 8357', () => {
    expect(asset(market('0.00001'), '1000')).toBe('0.9');
    expect(liability(market('0.00001'), '1000')).toBe('1.1');
    expect(asset(market('0.00001'), '1000000000')).toBe('0.8357');
  });
  it('imf_factor 10000: 1000 tokens give 8357 and 11962', () => {
    expect(asset(market('0.01'), '1000')).toBe('0.8357');
    expect(liability(market('0.01'), '1000')).toBe('1.1962');
  });
  it('imf_factor SPOT_IMF_PRECISION / 10: 1000 tokens give 2642 and 40422', () => {
    expect(asset(market('0.1'), '1000')).toBe('0.2642');
    expect(liability(market('0.1'), '1000')).toBe('4.0422');
  });
  it('spot_market2 (1500 / 7500), 100,000 tokens at 0.5: 1500 and 7500, then 337 with imf 0.1', () => {
    const rule = (imf: string): CollateralRule => ({
      tiers: [{ upTo: null, initialWeight: d('0.15'), maintenanceWeight: d('0.75') }],
      liabilityInitialWeight: d('1.5'),
      liabilityMaintenanceWeight: d('1.25'),
      imfFactor: d(imf),
    });
    const weight = (imf: string, kind: 'initial' | 'maintenance') => {
      const r = rule(imf);
      const listed = kind === 'initial' ? r.tiers[0]!.initialWeight : r.tiers[0]!.maintenanceWeight;
      return atDrift(assetWeight(r, listed, kind, d('100000'), d('0.5'), undefined));
    };
    expect(weight('0', 'initial')).toBe('0.15');
    expect(weight('0', 'maintenance')).toBe('0.75');
    expect(weight('0.1', 'initial')).toBe('0.0337');
    expect(weight('0.1', 'maintenance')).toBe('0.0337');
  });
  it('the discount reaches the collateral value: 1000 tokens at 1 with imf 0.1 lend 264.29…', () => {
    const value = collateralValue(market('0.1'), d('1000'), d('1'), 'initial');
    expect(value > d('264.2')).toBe(true);
    expect(value < d('264.3')).toBe(true);
  });
});

describe('Drift scaled initial asset weight (protocol-v2 spot_market_scale_initial_asset_weight)', () => {
  const sol: CollateralRule = {
    tiers: [{ upTo: null, initialWeight: d('0.9'), maintenanceWeight: d('0.9') }],
    depositWeightScaleStart: d('500000'),
  };
  for (const [deposits, published] of [
    ['1', '0.9'],
    ['20000', '0.9'],
    ['40000', '0.45'],
    ['60000', '0.3'],
  ] as const) {
    it(`${deposits} SOL deposited at 25 → ${published}`, () => {
      const total = { deposits: d(deposits), borrows: 0n };
      const weight = assetWeight(sol, d('0.9'), 'initial', d('1'), d('25'), total);
      expect(atDrift(weight)).toBe(published);
      // Maintenance weights never scale.
      expect(assetWeight(sol, d('0.9'), 'maintenance', d('1'), d('25'), total)).toBe(d('0.9'));
    });
  }
});

describe('Drift unrealised PnL asset weight (protocol-v2 calculate_user_equity_value_tests)', () => {
  const rule: ProfitWeight = {
    initialWeight: d('1'),
    maintenanceWeight: d('1'),
    imfFactor: d('0.001'),
  };
  for (const [pnl, published] of [
    ['22699.050905', '0.9559'],
    ['24282.786896', '0.9516'],
    ['242827.86896', '0.7368'],
    ['2428278.6896', '0.4299'],
    ['24282786.896', '0.1855'],
    ['242827868.96', '0.0663'],
    ['19426229516.8', '0.0078'],
    ['100', '1'],
  ] as const) {
    it(`a gain of ${pnl} USDC counts at ${published} for initial margin`, () => {
      expect(atDrift(profitWeight(rule, d(pnl), 'initial'))).toBe(published);
      expect(profitWeight(rule, d(pnl), 'maintenance')).toBe(d('1'));
    });
  }
});
