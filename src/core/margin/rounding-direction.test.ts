import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  account,
  binanceLikeBrackets,
  coinBrackets,
  d,
  deribitOptionRule,
  inversePerp,
  linearPerp,
  market,
  option,
  position,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import type { Bucket, Leg } from '../model/bucket.ts';
import type { Instrument } from '../model/instrument.ts';
import { marketView } from '../model/price-view.ts';
import type { CollateralRule, MarginRule } from '../model/rulebook.ts';
import { InvariantError } from '../num/assert.ts';
import { abs, min, SCALE } from '../num/fixed.ts';
import { divCeil } from '../num/rounding.ts';
import { assess } from './assess.ts';
import { bucketRisk, marginRatio } from './bucket-risk.ts';
import { collateralValue } from './collateral.ts';
import { baseSize, equityValue, notional, unrealisedPnl } from './contract-value.ts';
import { legMaintenanceHealth, legRisk, requirement } from './leg-risk.ts';
import { bucketLiquidationPrice, liquidationPrice } from './liquidation-price.ts';
import { marginTerms } from './margin-terms.ts';
import { sizePremiumRate } from './size-premium.ts';

/**
 * Every named rounding of the margin calculation, pinned to its direction on values that do not
 * divide evenly: requirements and losses up, collateral, equity and gains down, a liquidation price
 * toward the mark. Flipping any one of them (floor ↔ ceil) fails a test here; each property also
 * counts the inexact cases it met, so it cannot pass on exact values alone.
 */

/** q is a / b rounded up (b > 0): the least integer with q·b ≥ a. */
function isRoundedUp(q: bigint, a: bigint, b: bigint): boolean {
  return q * b >= a && (q - 1n) * b < a;
}

/** q is a / b rounded down (b > 0): the greatest integer with q·b ≤ a. */
function isRoundedDown(q: bigint, a: bigint, b: bigint): boolean {
  return q * b <= a && (q + 1n) * b > a;
}

/** Counts the runs of a property whose division was inexact, the only ones a flip changes. */
function inexactCounter() {
  let count = 0;
  return {
    note(a: bigint, b: bigint): void {
      if (a % b !== 0n) count += 1;
    },
    /** At least half of fast-check's 100 runs must have been inexact. */
    check(): void {
      expect(count).toBeGreaterThanOrEqual(50);
    },
  };
}

/** A raw fixed-point value in [min, max] units of 10^-18: most products of two do not divide. */
const units = (min: bigint, max: bigint) => fc.bigInt(min, max);
const sizeArb = units(10n ** 12n, 10n ** 21n).chain((magnitude) =>
  fc.constantFrom(magnitude, -magnitude),
);
const priceArb = units(10n ** 17n, 10n ** 23n);
const contractSizeArb = fc.constantFrom(SCALE, d('0.001'), d('0.37'), 123_456_789_123_456_789n);

const perp = linearPerp('BTCUSDT', 'BTC');
const coinPerp = inversePerp('BTCUSD', 'BTC');
const coinCall = option('BTC-C', 'BTC', 'call', '80000', 'inverse');
const usdtPut = option('ETH-P', 'ETH', 'put', '3000', 'linear');

describe('notional rounds up (it is a basis for requirements)', () => {
  it('linear: |size| × contract size × mark, rounded up', () => {
    // 7 units × 0.5 = 3.5 units → 4
    expect(notional(perp, 7n, d('0.5'))).toBe(4n);
    expect(notional(perp, -7n, d('0.5'))).toBe(4n);
    const counter = inexactCounter();
    fc.assert(
      fc.property(sizeArb, priceArb, contractSizeArb, (size, mark, contractSize) => {
        const instrument = { ...perp, contractSize };
        const exact = abs(size) * contractSize * mark;
        counter.note(exact, SCALE * SCALE);
        expect(isRoundedUp(notional(instrument, size, mark), exact, SCALE * SCALE)).toBe(true);
      }),
    );
    counter.check();
  });

  it('inverse: |size| × contract size / mark, rounded up', () => {
    // 1 contract of 100 USD at 30000: 0.00333… BTC → …334
    expect(notional(coinPerp, SCALE, d('30000'))).toBe(3_333_333_333_333_334n);
    expect(notional(coinPerp, -SCALE, d('30000'))).toBe(3_333_333_333_333_334n);
    const counter = inexactCounter();
    fc.assert(
      fc.property(sizeArb, priceArb, contractSizeArb, (size, mark, contractSize) => {
        const instrument = { ...coinPerp, contractSize };
        const face = abs(size) * contractSize;
        counter.note(face, mark);
        expect(isRoundedUp(notional(instrument, size, mark), face, mark)).toBe(true);
      }),
    );
    counter.check();
  });

  it('options: the underlying covered, in coins (inverse) or at the index (linear), rounded up', () => {
    const half = { ...coinCall, contractSize: d('0.5') };
    // 7 units × 0.5 = 3.5 units of BTC → 4
    expect(notional(half, -7n, d('0.01'))).toBe(4n);
    // 7 units × 0.5 × index 0.5 = 1.75 units of USDT → 2
    expect(notional({ ...usdtPut, contractSize: d('0.5') }, -7n, d('0.01'), d('0.5'))).toBe(2n);
    const counter = inexactCounter();
    fc.assert(
      fc.property(sizeArb, priceArb, contractSizeArb, (size, index, contractSize) => {
        const face = abs(size) * contractSize;
        const linear = notional({ ...usdtPut, contractSize }, size, d('1'), index);
        counter.note(face * index, SCALE ** 2n);
        expect(isRoundedUp(linear, face * index, SCALE ** 2n)).toBe(true);
        expect(
          isRoundedUp(notional({ ...coinCall, contractSize }, size, d('1')), face, SCALE),
        ).toBe(true);
      }),
    );
    counter.check();
  });

  it('a linear option needs its index price', () => {
    expect(() => notional(usdtPut, -7n, d('0.01'))).toThrow(InvariantError);
    expect(() => notional(usdtPut, -7n, d('0.01'))).toThrow(
      'a linear option needs its index price',
    );
  });

  it('base size (the size premium is charged on) rounds up', () => {
    expect(baseSize({ ...perp, contractSize: d('0.5') }, -7n)).toBe(4n);
    expect(baseSize({ ...perp, contractSize: d('0.5') }, 6n)).toBe(3n);
  });
});

describe('unrealised PnL rounds down (a gain counts less, a loss more)', () => {
  it('linear: size × contract size × (mark − entry), rounded down, long and short', () => {
    // ±7 units × (1.5 − 1) = ±3.5 units → 3 for the long, −4 for the short
    expect(unrealisedPnl(perp, 7n, d('1'), d('1.5'))).toBe(3n);
    expect(unrealisedPnl(perp, -7n, d('1'), d('1.5'))).toBe(-4n);
    expect(unrealisedPnl(perp, 7n, d('1.5'), d('1'))).toBe(-4n);
    expect(unrealisedPnl(perp, -7n, d('1.5'), d('1'))).toBe(3n);
    const counter = inexactCounter();
    fc.assert(
      fc.property(sizeArb, priceArb, priceArb, contractSizeArb, (size, entry, mark, cs) => {
        const exact = size * cs * (mark - entry);
        counter.note(exact, SCALE * SCALE);
        const pnl = unrealisedPnl({ ...perp, contractSize: cs }, size, entry, mark);
        expect(isRoundedDown(pnl, exact, SCALE * SCALE)).toBe(true);
      }),
    );
    counter.check();
  });

  it('inverse: size × contract size × (1/entry − 1/mark), rounded down, long and short', () => {
    // 1 contract of 100 USD, 30000 → 40000: 100 / 120000 = 0.000833… BTC
    expect(unrealisedPnl(coinPerp, SCALE, d('30000'), d('40000'))).toBe(833_333_333_333_333n);
    expect(unrealisedPnl(coinPerp, -SCALE, d('30000'), d('40000'))).toBe(-833_333_333_333_334n);
    const counter = inexactCounter();
    fc.assert(
      fc.property(sizeArb, priceArb, priceArb, contractSizeArb, (size, entry, mark, cs) => {
        const exact = size * cs * (mark - entry);
        counter.note(exact, entry * mark);
        const pnl = unrealisedPnl({ ...coinPerp, contractSize: cs }, size, entry, mark);
        expect(isRoundedDown(pnl, exact, entry * mark)).toBe(true);
      }),
    );
    counter.check();
  });

  it("an option's PnL is in its premium (mark − entry), for an inverse option too", () => {
    // ±7 units × (0.5 − 0.3) = ±1.4 units → 1 long, −2 short
    expect(unrealisedPnl(coinCall, 7n, d('0.3'), d('0.5'))).toBe(1n);
    expect(unrealisedPnl(coinCall, -7n, d('0.3'), d('0.5'))).toBe(-2n);
    // No position, no PnL, even with no entry price (a leg of open orders only).
    expect(unrealisedPnl(coinPerp, 0n, 0n, d('30000'))).toBe(0n);
  });

  it("an option's value (what it adds to equity) is size × contract size × mark, rounded down", () => {
    const half = { ...coinCall, contractSize: d('0.5') };
    // ±7 units × 0.5 × 0.5 = ±1.75 units → 1 long, −2 short
    expect(equityValue(half, 7n, d('0.3'), d('0.5'))).toBe(1n);
    expect(equityValue(half, -7n, d('0.3'), d('0.5'))).toBe(-2n);
    // A future's is its PnL, rounded down too.
    expect(equityValue(perp, -7n, d('1'), d('1.5'))).toBe(-4n);
  });
});

describe('collateral rounds down, liabilities up', () => {
  const whole: CollateralRule = {
    tiers: [{ upTo: null, initialWeight: SCALE, maintenanceWeight: SCALE }],
  };

  it('balance × price rounds down', () => {
    // 7 units at 0.5 = 3.5 units → 3
    expect(collateralValue(whole, 7n, d('0.5'), 'maintenance')).toBe(3n);
    const counter = inexactCounter();
    fc.assert(
      fc.property(units(1n, 10n ** 24n), priceArb, (balance, price) => {
        counter.note(balance * price, SCALE);
        const value = collateralValue(whole, balance, price, 'initial');
        expect(isRoundedDown(value, balance * price, SCALE)).toBe(true);
      }),
    );
    counter.check();
  });

  it("each band's weight rounds down on its own (not once over the sum)", () => {
    const banded: CollateralRule = {
      tiers: [
        { upTo: 3n, initialWeight: d('0.5'), maintenanceWeight: d('0.5') },
        { upTo: null, initialWeight: d('0.5'), maintenanceWeight: d('0.5') },
      ],
    };
    // 6 units: band 1 is 3 × 0.5 = 1.5 → 1, band 2 the same → 1; total 2 (the sum's 3, rounded
    // down once, would be 3; each band rounded up, 4).
    expect(collateralValue(banded, 6n, SCALE, 'initial')).toBe(2n);
    expect(collateralValue(banded, 6n, SCALE, 'maintenance')).toBe(2n);
    // One band with an inexact weight: 7 × 0.95 = 6.65 → 6
    const flat: CollateralRule = {
      tiers: [{ upTo: null, initialWeight: d('0.95'), maintenanceWeight: d('0.97') }],
    };
    expect(collateralValue(flat, 7n, SCALE, 'initial')).toBe(6n);
    expect(collateralValue(flat, 7n, SCALE, 'maintenance')).toBe(6n); // 6.79
  });

  it('a weighted value never exceeds the exact one, and is below it when that does not divide', () => {
    const tiered: CollateralRule = {
      tiers: [
        { upTo: d('100000'), initialWeight: d('0.95'), maintenanceWeight: d('0.975') },
        { upTo: d('1000000'), initialWeight: d('0.9'), maintenanceWeight: d('0.95') },
        { upTo: null, initialWeight: d('0.5'), maintenanceWeight: d('0.6') },
      ],
    };
    const counter = inexactCounter();
    fc.assert(
      fc.property(units(1n, 10n ** 24n), priceArb, (balance, price) => {
        // Exact at scale S³: the bands cut the exact value balance × price (scale S²); the
        // result is at scale S.
        const value = balance * price;
        let exact = 0n;
        let floor = 0n;
        for (const tier of tiered.tiers) {
          const cap = tier.upTo === null ? value : tier.upTo * SCALE;
          const top = min(value, cap);
          if (top > floor) exact += (top - floor) * tier.initialWeight;
          if (top === value) break;
          floor = cap;
        }
        counter.note(exact, SCALE ** 2n);
        const got = collateralValue(tiered, balance, price, 'initial');
        expect(got * SCALE ** 2n <= exact).toBe(true);
        if (exact % SCALE ** 2n !== 0n) expect(got * SCALE ** 2n < exact).toBe(true);
      }),
    );
    counter.check();
  });

  it('a liability: owed × price, then × its weight, each rounded up', () => {
    const lent: CollateralRule = {
      ...whole,
      liabilityInitialWeight: d('1.25'),
      liabilityMaintenanceWeight: d('1.6'),
    };
    // 3 units owed at 0.5 = 1.5 → 2; × 1.25 = 2.5 → 3 (either rounding down would give 2).
    expect(collateralValue(lent, -3n, d('0.5'), 'initial')).toBe(-3n);
    // × 1.6 = 3.2 → 4 (down: 3; 1.5 down to 1, × 1.6: 2)
    expect(collateralValue(lent, -3n, d('0.5'), 'maintenance')).toBe(-4n);
    // A debt the venue never lent is owed at face value, rounded up: 1.5 → 2.
    expect(collateralValue(undefined, -3n, d('0.5'), 'initial')).toBe(-2n);
    expect(collateralValue(undefined, -3n, d('0.5'), 'maintenance')).toBe(-2n);
    expect(collateralValue(whole, -3n, d('0.5'), 'maintenance')).toBe(-2n);
    const counter = inexactCounter();
    fc.assert(
      fc.property(units(1n, 10n ** 24n), priceArb, (owed, price) => {
        const exact = owed * price * lent.liabilityInitialWeight!;
        counter.note(exact, SCALE * SCALE);
        const got = -collateralValue(lent, -owed, price, 'initial');
        expect(got * SCALE * SCALE >= exact).toBe(true);
        expect(
          isRoundedUp(-collateralValue(undefined, -owed, price, 'initial'), owed * price, SCALE),
        ).toBe(true);
      }),
    );
    counter.check();
  });
});

describe('1 / leverage rounds up (it is a rate)', () => {
  const exposure = { notional: d('1000'), size: d('1'), leverage: undefined };

  it('a max-leverage rule: 1/L for initial, 1/(2L) for maintenance', () => {
    const rule: MarginRule = { kind: 'max-leverage', maxLeverage: d('3') };
    expect(marginTerms(rule, 'initial', exposure).rate).toBe(333_333_333_333_333_334n);
    expect(marginTerms(rule, 'maintenance', exposure).rate).toBe(166_666_666_666_666_667n);
  });

  it('a bracket without an initial rate: 1 / its max leverage', () => {
    const rule: MarginRule = {
      kind: 'brackets',
      brackets: [
        {
          floor: 0n,
          cap: null,
          maxLeverage: d('7'),
          maintenanceRate: d('0.01'),
          maintenanceAmount: 0n,
        },
      ],
    };
    expect(marginTerms(rule, 'initial', exposure).rate).toBe(142_857_142_857_142_858n);
  });

  it("the trader's chosen leverage floors the initial rate at 1 / leverage, rounded up", () => {
    const rule: MarginRule = { kind: 'max-leverage', maxLeverage: d('100') };
    const chosen = { ...exposure, leverage: d('7') };
    expect(marginTerms(rule, 'initial', chosen).rate).toBe(142_857_142_857_142_858n);
    expect(marginTerms(rule, 'maintenance', chosen).rate).toBe(d('0.005'));
  });
});

describe("a short option's initial rate: the out-of-the-money fraction rounds down", () => {
  const exposure = (right: 'call' | 'put', strike: string, index: string) => ({
    notional: SCALE,
    size: SCALE,
    leverage: undefined,
    option: { right, short: true, strike: d(strike), indexPrice: d(index), markValue: 0n },
  });

  it('0.15 − ⌊1/30⌋ = 0.116…667 for a call struck 1 above an index of 30', () => {
    const rule = deribitOptionRule;
    // 1/30 = 0.0333…3 → down, so the rate 0.15 − 0.033333333333333333 stays a unit higher.
    expect(marginTerms(rule, 'initial', exposure('call', '31', '30')).rate).toBe(
      116_666_666_666_666_667n,
    );
    // A put struck 1 below an index of 31: 1/31 = 0.032258064516129032 25… → down
    expect(marginTerms(rule, 'initial', exposure('put', '30', '31')).rate).toBe(
      d('0.15') - 32_258_064_516_129_032n,
    );
    // × a margin factor, rounded up: 0.116666666666666667 × 1.02 = 0.11900000000000000034 → …001
    const factored = { ...rule, marginFactor: d('1.02') };
    expect(marginTerms(factored, 'initial', exposure('call', '31', '30')).rate).toBe(
      119_000_000_000_000_001n,
    );
  });
});

describe('a requirement is notional × rate − deduction, rounded up', () => {
  it('7 units of notional at 1/3 and 1/6: 2.33… → 3 and 1.16… → 2', () => {
    const rule: MarginRule = { kind: 'max-leverage', maxLeverage: d('3') };
    expect(requirement(perp, rule, 'initial', 7n, SCALE, undefined)).toBe(3n);
    expect(requirement(perp, rule, 'maintenance', 7n, SCALE, undefined)).toBe(2n);
  });

  it("a short option's: the covered underlying × rate, plus its market value rounded up", () => {
    const rule = { ...deribitOptionRule, maintenanceRate: d('0.9') };
    const half = { ...coinCall, contractSize: d('0.5') };
    // covered ⌈7 × 0.5⌉ = 4, market value ⌈7 × 0.5 × 0.5⌉ = 2: ⌈4 × 0.9 + 2⌉ = ⌈5.6⌉ = 6.
    // Rounding the covered amount down gives 5, the market value down 5, the total down 5.
    expect(requirement(half, rule, 'maintenance', -7n, d('0.5'), undefined, d('1'))).toBe(6n);
    // A long option needs nothing.
    expect(requirement(half, rule, 'maintenance', 7n, d('0.5'), undefined, d('1'))).toBe(0n);
  });

  it('is the exact value of its terms rounded up, for brackets, max-leverage and options', () => {
    const rules: [Instrument, MarginRule][] = [
      [perp, binanceLikeBrackets],
      [coinPerp, coinBrackets],
      [perp, { kind: 'max-leverage', maxLeverage: d('7') }],
      [coinCall, { ...deribitOptionRule, marginFactor: d('1.02') }],
    ];
    const counter = inexactCounter();
    fc.assert(
      fc.property(
        fc.constantFrom(...rules),
        sizeArb,
        priceArb,
        fc.constantFrom('initial' as const, 'maintenance' as const),
        fc.option(units(SCALE, 100n * SCALE), { nil: undefined }),
        ([instrument, rule], size, mark, kind, leverage) => {
          const index = d('60000.123456789');
          const got = requirement(instrument, rule, kind, size, mark, leverage, index);
          const base = notional(instrument, size, mark, index);
          const markValue = divCeil(abs(size) * instrument.contractSize * mark, SCALE ** 2n);
          const terms = marginTerms(rule, kind, {
            notional: base,
            size: baseSize(instrument, size),
            leverage,
            ...(instrument.option === undefined
              ? {}
              : {
                  option: {
                    right: instrument.option.right,
                    short: size < 0n,
                    strike: instrument.option.strike,
                    indexPrice: index,
                    markValue,
                  },
                }),
          });
          const exact = base * terms.rate - terms.deduction * SCALE;
          counter.note(exact, SCALE);
          expect(isRoundedUp(got, exact, SCALE)).toBe(true);
        },
      ),
    );
    counter.check();
  });
});

describe('size premium rates round up', () => {
  it('sqrt: 0.8 × base rounded up, plus the factor × √size, each rounded up', () => {
    const rule = {
      kind: 'size-premium' as const,
      initialRate: d('0.1'),
      maintenanceRate: 7n,
      premium: { curve: 'sqrt' as const, imfFactor: d('0.001') },
    };
    // √1000 = 31.62277660168379331998… → …320; × 0.001 = 0.031622776601683793320 → …794
    expect(sizePremiumRate(rule, 'initial', d('1000'))).toBe(111_622_776_601_683_794n);
    // 0.8 × 7 units = 5.6 → 6 (7 − ⌊7/5⌋), + √(1 unit) × 1 = 10^-9, exactly
    const unit = { ...rule, premium: { curve: 'sqrt' as const, imfFactor: SCALE } };
    expect(sizePremiumRate(unit, 'maintenance', 1n)).toBe(6n + 10n ** 9n);
  });

  it('linear: base + rate per unit × size, rounded up', () => {
    const rule = {
      kind: 'size-premium' as const,
      initialRate: d('0.02'),
      maintenanceRate: d('0.01'),
      premium: { curve: 'linear' as const, ratePerUnit: d('0.00005'), appliesTo: 'both' as const },
    };
    // 0.00005 × 7 units = 3.5 × 10^-22 → 1 unit
    expect(sizePremiumRate(rule, 'initial', 7n)).toBe(d('0.02') + 1n);
    // 0.00005 × 0.000033 = 1.65 × 10^-9 exactly; × 10.5 more units: 1.65000000000000000525…
    expect(sizePremiumRate(rule, 'maintenance', d('0.000033') + 105n)).toBe(
      d('0.01') + d('0.00000000165') + 1n,
    );
    // On initial margin only, maintenance stays at its base.
    const initialOnly = { ...rule, premium: { ...rule.premium, appliesTo: 'initial' as const } };
    expect(sizePremiumRate(initialOnly, 'maintenance', 7n)).toBe(d('0.01'));
    expect(sizePremiumRate(initialOnly, 'initial', 7n)).toBe(d('0.02') + 1n);
  });

  it('stepped: whole steps above the baseline, rounded up, none below it', () => {
    const rule = {
      kind: 'size-premium' as const,
      initialRate: d('0.05'),
      maintenanceRate: d('0.03'),
      premium: {
        curve: 'stepped' as const,
        baselineSize: d('25'),
        stepSize: d('10'),
        ratePerStep: d('0.01'),
        appliesTo: 'both' as const,
      },
    };
    expect(sizePremiumRate(rule, 'initial', d('5'))).toBe(d('0.05'));
    expect(sizePremiumRate(rule, 'initial', d('25') + 1n)).toBe(d('0.06'));
    expect(sizePremiumRate(rule, 'maintenance', d('35') + 1n)).toBe(d('0.05'));
  });
});

describe('open orders: the filled side is valued down and margined up', () => {
  it("a buy order's initial health is the fill's value rounded down less its IM rounded up", () => {
    const v = venue([coinPerp], rulebook({ BTCUSD: coinBrackets }));
    const prices = marketView(market({ BTC: '40000.3' }, { BTCUSD: '30000' }));
    const order = { instrument: 'BTCUSD', side: 'buy' as const, size: SCALE, price: d('30000') };
    const withOrder: Leg = {
      instrument: 'BTCUSD',
      size: SCALE,
      entryPrice: d('40000'),
      leverage: undefined,
      orders: [order],
    };
    const risk = legRisk(v, withOrder, prices);
    // Filled: 2 contracts, the fill at the mark (no loss). IM of 2 contracts: notional
    // ⌈200 / 30000⌉ = 0.006666666666666667 BTC × 1/125 → ⌈0.000053333333333333336⌉ =
    // 0.000053333333333334 BTC, × 40000.3 → ⌈2.13334933333333360000 2⌉. Health after:
    // value −33.333583333333360001 − 2.133349333333333601; the extra over the leg's IM is
    // the difference.
    const initialAfter = 2_133_349_333_333_360_001n;
    expect(risk.openOrderMargin).toBe(initialAfter - risk.initialMargin);
  });
});

describe("a leg's figures in USD: values down, requirements up", () => {
  const venueOf = (instrument: Instrument, rule: MarginRule) =>
    venue([instrument], rulebook({ [instrument.id]: rule }));
  const leg = (instrument: Instrument, size: bigint, entryPrice: bigint): Leg => ({
    instrument: instrument.id,
    size,
    entryPrice,
    leverage: undefined,
    orders: [],
  });
  const cases: [Instrument, MarginRule][] = [
    [coinPerp, coinBrackets],
    [perp, binanceLikeBrackets],
  ];

  it('the hand-computed case: 1 BTCUSD contract long from 40000 at 30000, BTC at 40000.3', () => {
    const v = venueOf(coinPerp, coinBrackets);
    const prices = marketView(market({ BTC: '40000.3' }, { BTCUSD: '30000' }));
    const risk = legRisk(v, leg(coinPerp, SCALE, d('40000')), prices);
    // PnL: −0.000833333333333334 BTC × 40000.3 = −33.3335833333333360000 8 USD → down
    expect(risk.unrealisedPnl).toBe(-833_333_333_333_334n);
    expect(risk.unrealisedPnlValue).toBe(-33_333_583_333_333_360_001n);
    expect(risk.equityValue).toBe(-33_333_583_333_333_360_001n);
    // Notional ⌈100 / 30000⌉ = 0.003333333333333334 BTC. MM at 0.4%: ⌈0.0000133…336⌉ =
    // 0.000013333333333334 BTC, × 40000.3 = 0.5333373333333360000 2 → up. IM at 1/125 the same.
    expect(risk.maintenanceMargin).toBe(533_337_333_333_360_001n);
    expect(risk.initialMargin).toBe(1_066_674_666_666_680_001n);
    expect(legMaintenanceHealth(v, leg(coinPerp, SCALE, d('40000')), prices)).toBe(
      -33_333_583_333_333_360_001n - 533_337_333_333_360_001n,
    );
  });

  it('PnL and equity value × settle price round down; IM and MM × settle price round up', () => {
    const counter = inexactCounter();
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        units(10n ** 15n, 10n ** 20n).chain((m) => fc.constantFrom(m, -m)),
        priceArb,
        priceArb,
        units(10n ** 16n, 10n ** 23n),
        ([instrument, rule], size, entry, mark, settlePrice) => {
          const v = venueOf(instrument, rule);
          const prices = marketView({
            assetPrices: new Map([[instrument.settle, settlePrice]]),
            markPrices: new Map([[instrument.id, mark]]),
          });
          const risk = legRisk(v, leg(instrument, size, entry), prices);
          const pnl = unrealisedPnl(instrument, size, entry, mark);
          const initial = requirement(instrument, rule, 'initial', size, mark, undefined);
          const maintenance = requirement(instrument, rule, 'maintenance', size, mark, undefined);
          counter.note(pnl * settlePrice, SCALE);
          expect(isRoundedDown(risk.unrealisedPnlValue, pnl * settlePrice, SCALE)).toBe(true);
          expect(isRoundedDown(risk.equityValue, pnl * settlePrice, SCALE)).toBe(true);
          expect(isRoundedUp(risk.initialMargin, initial * settlePrice, SCALE)).toBe(true);
          expect(isRoundedUp(risk.maintenanceMargin, maintenance * settlePrice, SCALE)).toBe(true);
          // The search's health is the same two roundings, each in the venue's favour.
          const health = legMaintenanceHealth(v, leg(instrument, size, entry), prices);
          expect(health).toBe(risk.equityValue - risk.maintenanceMargin);
        },
      ),
    );
    counter.check();
  });

  it('a bucket: its gross collateral value rounds down, its margin ratio up', () => {
    const v = venue([perp], rulebook({ BTCUSDT: binanceLikeBrackets }));
    const bucket: Bucket = {
      id: 'cross',
      mode: 'cross',
      balances: new Map([['USDT', 7n]]),
      legs: [],
    };
    const risk = bucketRisk(v, bucket, marketView(market({ USDT: '0.5' }, {})));
    expect(risk.collateralValue).toBe(3n);
    expect(risk.equity).toBe(3n);
    // 1 / 3 → 0.333…334
    expect(marginRatio({ ...risk, equity: 3n * SCALE, maintenanceMargin: SCALE })).toBe(
      333_333_333_333_333_334n,
    );
  });
});

/**
 * The liquidation price. `liquidationPrice` is the exact root rounded to the tick toward the mark:
 * the exact maintenance health h (a fraction, nothing rounded) is ≥ 0 at it and < 0 a tick further
 * on, so the warning never comes late. `bucketLiquidationPrice`, what a report shows, is the tick at
 * which the bucket still stands by its own rounded evaluation (rest + the leg's equity value − its
 * MM, as legRisk rounds them, ≥ 0), the next tick away from the mark being one where it does not.
 */
describe('the liquidation price rounds toward the mark', () => {
  const leg = (instrument: Instrument, size: bigint, entryPrice: bigint): Leg => ({
    instrument: instrument.id,
    size,
    entryPrice,
    leverage: undefined,
    orders: [],
  });

  /** The maintenance rate and amount at `price` (for brackets, of the exact notional's bracket). */
  const termsAt = (rule: MarginRule, absFace: bigint, price: bigint, linear: boolean) => {
    if (rule.kind !== 'brackets') {
      const exposure = { notional: 0n, size: 0n, leverage: undefined };
      return marginTerms(rule, 'maintenance', exposure);
    }
    // linear notional |f|·P / S², inverse |f| / P, against the cap (scale S)
    const bracket = rule.brackets.find(
      (b) =>
        b.cap === null ||
        (linear ? absFace * price <= b.cap * SCALE * SCALE : absFace <= b.cap * price),
    )!;
    return { rate: bracket.maintenanceRate, deduction: bracket.maintenanceAmount };
  };

  /**
   * The sign of the exact health in USD at `price`: rest × settle price + settle price × (PnL −
   * notional × r + d), with rest = restValue / settle price where `settlePrice` is given (USD) and
   * `restValue` itself where it is not (settle asset):
   *   linear,  × S⁵:      restValue·S⁴ + settlePrice·(f(P − E)·S − |f|·P·r + d·S³)
   *   inverse, × E·P·S³:  restValue·E·P·S² + settlePrice·(f(P − E)·S − |f|·r·E + d·E·P·S)
   */
  function exactHealthSign(
    instrument: Instrument,
    rule: MarginRule,
    size: bigint,
    entry: bigint,
    restValue: bigint,
    settlePrice: bigint | undefined,
    price: bigint,
  ): number {
    const face = size * instrument.contractSize;
    const absFace = abs(face);
    const linear = instrument.settlement === 'linear';
    const { rate, deduction } = termsAt(rule, absFace, price, linear);
    const at = settlePrice ?? SCALE;
    const health = linear
      ? restValue * SCALE ** 4n +
        at * (face * (price - entry) * SCALE - absFace * price * rate + deduction * SCALE ** 3n)
      : restValue * entry * price * SCALE ** 2n +
        at *
          (face * (price - entry) * SCALE -
            absFace * rate * entry +
            deduction * entry * price * SCALE);
    return health > 0n ? 1 : health < 0n ? -1 : 0;
  }

  const venueOf = (instrument: Instrument, rule: MarginRule) =>
    venue([instrument], rulebook({ [instrument.id]: rule }));
  const pricesAt = (instrument: Instrument, settlePrice: bigint, mark: bigint) =>
    marketView({
      assetPrices: new Map([[instrument.settle, settlePrice]]),
      markPrices: new Map([[instrument.id, mark]]),
    });

  /** Whether the bucket stands at `price` by its own (rounded) evaluation. */
  function stands(
    instrument: Instrument,
    rule: MarginRule,
    size: bigint,
    entry: bigint,
    restValue: bigint,
    settlePrice: bigint,
    price: bigint,
  ): boolean {
    const health = legMaintenanceHealth(
      venueOf(instrument, rule),
      leg(instrument, size, entry),
      pricesAt(instrument, settlePrice, price),
    );
    return restValue + health >= 0n;
  }

  /** The tick one step away from the mark, or null at or below zero. */
  const beyondOf = (instrument: Instrument, size: bigint, price: bigint) => {
    const beyond = size > 0n ? price - instrument.tickSize : price + instrument.tickSize;
    return beyond > 0n ? beyond : null;
  };

  /** `liquidationPrice` (rest in the settle asset), checked against the exact health. */
  function checkedRoot(
    instrument: Instrument,
    rule: MarginRule,
    size: bigint,
    entry: bigint,
    rest: bigint,
  ): bigint | null {
    const price = liquidationPrice(instrument, rule, leg(instrument, size, entry), entry, rest);
    if (price === null) return null;
    const beyond = beyondOf(instrument, size, price);
    if (beyond === null) return null;
    const args = [instrument, rule, size, entry, rest, undefined] as const;
    expect(price % instrument.tickSize).toBe(0n);
    expect(exactHealthSign(...args, price)).toBeGreaterThanOrEqual(0);
    expect(exactHealthSign(...args, beyond)).toBe(-1);
    return price;
  }

  /** `bucketLiquidationPrice` (rest in USD), checked against the bucket's own evaluation. */
  function checkedReportPrice(
    instrument: Instrument,
    rule: MarginRule,
    size: bigint,
    entry: bigint,
    restValue: bigint,
    settlePrice: bigint,
  ): bigint | null {
    const price = bucketLiquidationPrice(
      venueOf(instrument, rule),
      leg(instrument, size, entry),
      pricesAt(instrument, settlePrice, entry),
      restValue,
    );
    if (price === null) return null;
    const beyond = beyondOf(instrument, size, price);
    if (beyond === null) return null;
    const args = [instrument, rule, size, entry, restValue, settlePrice] as const;
    // A short that every price liquidates is reported at the first tick, where it falls.
    if (size < 0n && price === instrument.tickSize && !stands(...args, price)) {
      expect(exactHealthSign(...args, price)).toBeLessThan(0);
      return null;
    }
    expect(price % instrument.tickSize).toBe(0n);
    expect(stands(...args, price)).toBe(true);
    expect(stands(...args, beyond)).toBe(false);
    expect(exactHealthSign(...args, price)).toBeGreaterThanOrEqual(0);
    return price;
  }

  it('a linear long and short on a max-leverage rule: the hand-computed case', () => {
    // 1 BTC long at 100 with 10 USDT of cushion at 1/(2·10) = 5%: P − 100 + 10 − 0.05·P = 0 ⇒
    // P = 90 / 0.95 = 94.7368421052631578947… On a tick of 1 unit, up: …895. On 0.01: 94.74.
    const rule: MarginRule = { kind: 'max-leverage', maxLeverage: d('10') };
    const fine = { ...perp, tickSize: 1n };
    const root = (instrument: Instrument, size: bigint) =>
      liquidationPrice(instrument, rule, leg(instrument, size, d('100')), d('100'), d('10'));
    expect(root(fine, SCALE)).toBe(94_736_842_105_263_157_895n);
    expect(root(perp, SCALE)).toBe(d('94.74'));
    // The short: −(P − 100) + 10 − 0.05·P = 0 ⇒ P = 110 / 1.05 = 104.7619047619047619047…, down.
    expect(root(fine, -SCALE)).toBe(104_761_904_761_904_761_904n);
    expect(root(perp, -SCALE)).toBe(d('104.76'));
    for (const size of [SCALE, -SCALE]) {
      expect(checkedRoot(fine, rule, size, d('100'), d('10'))).not.toBeNull();
      expect(checkedRoot(perp, rule, size, d('100'), d('10'))).not.toBeNull();
      // The report's price: the same ticks, as the bucket stands at them.
      const shown = checkedReportPrice(perp, rule, size, d('100'), d('10'), SCALE);
      expect(shown).toBe(size > 0n ? d('94.74') : d('104.76'));
    }
  });

  const instruments: [Instrument, MarginRule][] = [
    [perp, binanceLikeBrackets],
    [perp, { kind: 'max-leverage', maxLeverage: d('20') }],
    [coinPerp, coinBrackets],
    [coinPerp, { kind: 'max-leverage', maxLeverage: d('25') }],
  ];
  const longOrShort = (min: bigint, max: bigint) =>
    units(min, max).chain((m) => fc.constantFrom(m, -m));

  it('the root: h ≥ 0 at it, h < 0 a tick beyond, on any tick down to 10^-18', () => {
    let found = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...instruments),
        fc.constantFrom(1n, 7n, d('0.01'), d('0.5')),
        longOrShort(10n ** 15n, 10n ** 20n),
        units(d('1000'), d('100000')),
        fc.integer({ min: -900, max: 900 }),
        ([base, rule], tickSize, size, entry, cushionPerMille) => {
          const instrument = { ...base, tickSize };
          // A cushion of up to ±90% of the notional, with digits beyond the tick.
          const cushion = notional(instrument, size, entry) * BigInt(cushionPerMille);
          const rest = cushion / 1000n + 123_456_789n;
          if (checkedRoot(instrument, rule, size, entry, rest) !== null) found += 1;
        },
      ),
      { numRuns: 300 },
    );
    expect(found).toBeGreaterThanOrEqual(100);
  });

  // Ticks at which a tick moves the leg's health by far more than the roundings' few units (on a
  // tick of 10^-18 it does not: the rounded health is then flat over many ticks).
  const ticks = [d('0.0001'), d('0.000007'), d('0.01'), d('0.5')];

  it("the report's price: stands there, not a tick beyond, long and short, linear and inverse", () => {
    let found = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...instruments),
        fc.constantFrom(...ticks),
        longOrShort(10n ** 17n, 10n ** 20n),
        units(d('1000'), d('100000')),
        fc.integer({ min: -900, max: 900 }),
        units(d('0.9'), d('100000')),
        ([base, rule], tickSize, size, entry, cushionPerMille, settle) => {
          const instrument = { ...base, tickSize };
          // USDT near 1 (0.9 to 1.1), BTC anywhere
          const settlePrice =
            instrument.settle === 'USDT' ? d('0.9') + (settle % d('0.2')) : settle;
          // A cushion of up to ±90% of the notional (in USD), with digits beyond the tick.
          const notionalValue = (notional(instrument, size, entry) * settlePrice) / SCALE;
          const restValue = (notionalValue * BigInt(cushionPerMille)) / 1000n + 123_456_789n;
          const args = [instrument, rule, size, entry, restValue, settlePrice] as const;
          if (checkedReportPrice(...args) !== null) found += 1;
        },
      ),
      { numRuns: 300 },
    );
    expect(found).toBeGreaterThanOrEqual(100);
  });

  it("the report's price where the root is a hair past a tick and the roundings decide", () => {
    // The cushion puts the exact h a few units of 10^-18 above zero at the tick `at`, so the root
    // lies just beyond it and whether the bucket stands at `at` is decided by the roundings of PnL
    // (down) and MM (up). Linear, settled in USDT at 1.
    let parted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...instruments.slice(0, 2)),
        fc.constantFrom(...ticks),
        longOrShort(10n ** 15n, 10n ** 20n),
        units(d('1000'), d('100000')),
        fc.integer({ min: -300, max: 300 }),
        fc.bigInt(0n, 3n),
        ([, rule], tickSize, size, entry, ticksAway, hair) => {
          const instrument = { ...perp, tickSize };
          const at = (entry / tickSize) * tickSize + BigInt(ticksAway) * tickSize * 100n;
          const face = size * instrument.contractSize;
          const { rate, deduction } = termsAt(rule, abs(face), at, true);
          // h(at)·S⁴ = rest·S³ + f(at − E)·S − |f|·at·r + d·S³, ≥ 0 by `hair` units and a fraction
          const owed =
            abs(face) * at * rate - face * (at - entry) * SCALE - deduction * SCALE ** 3n;
          const restValue = divCeil(owed, SCALE ** 3n) + hair;
          const price = checkedReportPrice(instrument, rule, size, entry, restValue, SCALE);
          if (price === null) return;
          // The exact root is at or just beyond `at`: the price is `at`, or a tick toward the mark
          // where the bucket's rounded evaluation falls at `at`.
          const standsAt = stands(instrument, rule, size, entry, restValue, SCALE, at);
          if (!standsAt) parted += 1;
          const toward = size > 0n ? tickSize : -tickSize;
          expect(price).toBe(standsAt ? at : at + toward);
        },
      ),
      { numRuns: 300 },
    );
    expect(parted).toBeGreaterThanOrEqual(20);
  });
});

describe("a report's distance to liquidation rounds down", () => {
  const v = venue([perp], rulebook({ BTCUSDT: { kind: 'max-leverage', maxLeverage: d('10') } }));
  const report = (usdt: string) =>
    assess(
      account({ USDT: usdt }, [position('BTCUSDT', '1', '30000')]),
      v,
      market({ USDT: '1' }, { BTCUSDT: '30000.7' }),
    ).positions[0]!;

  it('(mark − price) / mark, rounded down, for a long with room', () => {
    // P − 30000 + 5000 − 0.05·P = 0 ⇒ P = 25000 / 0.95 = 26315.789… → 26315.79 on the tick
    const shown = report('5000');
    expect(shown.liquidationPrice).toBe(d('26315.79'));
    // (30000.7 − 26315.79) / 30000.7 = 0.12282946…, which does not divide
    const mark = d('30000.7');
    const room = (mark - d('26315.79')) * SCALE;
    expect(room % mark).not.toBe(0n);
    expect(isRoundedDown(shown.liquidationDistance!, room, mark)).toBe(true);
  });

  it('0 once the mark is past the liquidation price', () => {
    const shown = report('1000');
    expect(shown.liquidationPrice! > d('30000')).toBe(true);
    expect(shown.liquidationDistance).toBe(0n);
  });
});
