import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binanceLikeBrackets, d, decimalArb, linearPerp } from '../../../test/kit.ts';
import { SCALE } from '../num/fixed.ts';
import { bracketFor } from './brackets.ts';
import { collateralValue } from './collateral.ts';
import { requirement } from './leg-risk.ts';
import { sizePremiumRate } from './size-premium.ts';

const perp = linearPerp('BTCUSDT', 'BTC');

describe('requirements round up, collateral rounds down', () => {
  it('a bracketed requirement is the exact value rounded up, never less', () => {
    fc.assert(
      fc.property(decimalArb(-500, 500, 6), decimalArb(1, 200_000, 8), (size, mark) => {
        fc.pre(size !== 0n);
        for (const kind of ['initial', 'maintenance'] as const) {
          const got = requirement(perp, binanceLikeBrackets, kind, size, mark, undefined);
          const notionalExact = (size < 0n ? -size : size) * mark; // scale S²
          if (binanceLikeBrackets.kind !== 'brackets') throw new Error('brackets expected');
          const notionalUp = -(-notionalExact / SCALE) + (notionalExact % SCALE === 0n ? 0n : 0n);
          const bracket = bracketFor(binanceLikeBrackets.brackets, notionalUp);
          const rate =
            kind === 'maintenance'
              ? bracket.maintenanceRate
              : (SCALE * SCALE) / bracket.maxLeverage;
          const deduction = kind === 'maintenance' ? bracket.maintenanceAmount : 0n;
          // exact requirement at scale S³: notional·rate − deduction
          const exact = notionalExact * rate - deduction * SCALE * SCALE;
          expect(got * SCALE * SCALE >= exact).toBe(true);
          // and not more than a few units above it (notional, rate and result each rounded up once)
          expect(got * SCALE * SCALE - exact <= 4n * SCALE * SCALE + notionalExact).toBe(true);
        }
      }),
    );
  });

  it('a collateral value is the exact weighted value rounded down, never more', () => {
    const rule = {
      tiers: [
        { upTo: d('100000'), initialWeight: d('0.95'), maintenanceWeight: d('0.975') },
        { upTo: d('1000000'), initialWeight: d('0.9'), maintenanceWeight: d('0.95') },
        { upTo: null, initialWeight: d('0.5'), maintenanceWeight: d('0.6') },
      ],
    };
    fc.assert(
      fc.property(decimalArb(0, 1_000, 8), decimalArb(1, 100_000, 6), (balance, price) => {
        const got = collateralValue(rule, balance, price, 'initial');
        const value = (balance * price) / SCALE; // already ≤ exact
        let exact = 0n; // scale S²
        let floor = 0n;
        for (const tier of rule.tiers) {
          const top = tier.upTo === null || value < tier.upTo ? value : tier.upTo;
          if (top > floor) exact += (top - floor) * tier.initialWeight;
          if (tier.upTo === null || value <= tier.upTo) break;
          floor = tier.upTo;
        }
        expect(got * SCALE <= exact).toBe(true);
        expect(exact - got * SCALE < 3n * SCALE).toBe(true);
      }),
    );
  });

  it('tiers weight each band separately, like tax brackets', () => {
    const rule = {
      tiers: [
        { upTo: d('1000'), initialWeight: d('1'), maintenanceWeight: d('1') },
        { upTo: null, initialWeight: d('0.5'), maintenanceWeight: d('0.8') },
      ],
    };
    // 3000 USD of it: 1000 × 1 + 2000 × 0.5 = 2000 (initial), 1000 + 1600 = 2600 (maintenance)
    expect(collateralValue(rule, d('3'), d('1000'), 'initial')).toBe(d('2000'));
    expect(collateralValue(rule, d('3'), d('1000'), 'maintenance')).toBe(d('2600'));
    // A liability is valued at price × liability weight, rounded up.
    const borrowable = {
      ...rule,
      liabilityInitialWeight: d('1.1'),
      liabilityMaintenanceWeight: d('1.05'),
    };
    expect(collateralValue(borrowable, d('-2'), d('1000'), 'initial')).toBe(d('-2200'));
    expect(collateralValue(undefined, d('5'), d('1000'), 'initial')).toBe(0n);
  });
});

describe('size premium curves', () => {
  it('the sqrt curve (Drift IMF) never falls below the base rate and grows with size', () => {
    const rule = {
      kind: 'size-premium' as const,
      initialRate: d('0.1'),
      maintenanceRate: d('0.05'),
      premium: { curve: 'sqrt' as const, imfFactor: d('0.001') },
    };
    // √10000 = 100 → 0.8 × 0.1 + 0.001 × 100 = 0.18
    expect(sizePremiumRate(rule, 'initial', d('10000'))).toBe(d('0.18'));
    expect(sizePremiumRate(rule, 'initial', d('1'))).toBe(d('0.1'));
    fc.assert(
      fc.property(decimalArb(0, 1e6, 4), decimalArb(0, 1e6, 4), (a, b) => {
        const [small, large] = a < b ? [a, b] : [b, a];
        expect(
          sizePremiumRate(rule, 'maintenance', large) >=
            sizePremiumRate(rule, 'maintenance', small),
        ).toBe(true);
        expect(sizePremiumRate(rule, 'maintenance', small) >= rule.maintenanceRate).toBe(true);
      }),
    );
  });

  it('the linear and stepped curves add their premium as specified', () => {
    const linear = {
      kind: 'size-premium' as const,
      initialRate: d('0.02'),
      maintenanceRate: d('0.01'),
      premium: { curve: 'linear' as const, ratePerUnit: d('0.00005'), appliesTo: 'both' as const },
    };
    expect(sizePremiumRate(linear, 'initial', d('100'))).toBe(d('0.025'));
    expect(sizePremiumRate(linear, 'maintenance', d('100'))).toBe(d('0.015'));
    const stepped = {
      kind: 'size-premium' as const,
      initialRate: d('0.05'),
      maintenanceRate: d('0.03'),
      premium: {
        curve: 'stepped' as const,
        baselineSize: d('25'),
        stepSize: d('10'),
        ratePerStep: d('0.01'),
        appliesTo: 'initial' as const,
      },
    };
    expect(sizePremiumRate(stepped, 'initial', d('25'))).toBe(d('0.05'));
    expect(sizePremiumRate(stepped, 'initial', d('25.1'))).toBe(d('0.06'));
    expect(sizePremiumRate(stepped, 'initial', d('45.0'))).toBe(d('0.07'));
    expect(sizePremiumRate(stepped, 'maintenance', d('45'))).toBe(d('0.03'));
  });
});
