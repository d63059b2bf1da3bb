import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountEquity,
  figureCount,
  marginAccount,
  roundingSlack,
} from '../../src/core/fast/fast-margin.ts';
import { buildRiskBook } from '../../src/core/fast/risk-book.ts';
import { assess } from '../../src/core/margin/assess.ts';
import { netNotional } from '../../src/core/margin/contract-value.ts';
import { requirement } from '../../src/core/margin/leg-risk.ts';
import {
  liquidityTierRequirement,
  maintenanceRateOf,
  openInterestRate,
} from '../../src/core/margin/liquidity-tier.ts';
import type { LiquidityTierRule } from '../../src/core/model/rulebook.ts';
import { toNumber } from '../../src/core/num/fixed.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, decimalArb, linearPerp, market, position, venue } from '../kit.ts';

/**
 * dYdX v4's liquidity tiers, pinned to the chain's own unit tests (dydxprotocol/v4-chain):
 *
 * - protocol/x/perpetuals/lib/lib_test.go `TestGetMarginRequirementsInQuoteQuantums_2`
 *   (commit 41d2b2aeadaab43d2cb7a71655fc1b186a84c37b; the "2 BIPs" and "0.02 BIPs" cases from
 *   commit 08dfc6cb1f21a3d8e9428c88af0c249327373e19, before positive exponents were dropped), over
 *   `GetMarginRequirementsInQuoteQuantums` in protocol/x/perpetuals/lib/lib.go;
 * - protocol/x/perpetuals/types/liquidity_tier_test.go `TestGetInitialMarginQuoteQuantums`,
 *   `TestGetAdjustedInitialMarginPpm`, `TestLiquidityTierGetMaintenanceMarginPpm`
 *   (commit 01a48f236c5640df172482db21cd26b8f28ff781), over liquidity_tier.go.
 *
 * Units: a quote quantum is 0.000001 USDC (the settle asset's `unit`); base quantums × 10^atomic
 * resolution are base units (contracts of size 1); price × 10^exponent is the oracle (our mark).
 * Open interest is in base quantums, valued at the oracle; the caps are in quote quantums.
 */
const unit = d('0.000001');
const perp = linearPerp('X-USD', 'X', { quote: 'USDC', settle: 'USDC' });

function tier(
  initialPpm: number,
  fractionPpm: number,
  caps?: readonly [string, string],
): LiquidityTierRule {
  return {
    kind: 'liquidity-tier',
    initialRate: BigInt(initialPpm) * 10n ** 12n,
    maintenanceFraction: BigInt(fractionPpm) * 10n ** 12n,
    ...(caps === undefined ? {} : { openInterestCaps: { lower: d(caps[0]), upper: d(caps[1]) } }),
  };
}

/** [case name, IM ppm, fraction ppm, size (base units), oracle, OI (base units), caps, IMR, MMR] */
const marginRequirements: readonly [
  string,
  number,
  number,
  string,
  string,
  string | undefined,
  readonly [string, string] | undefined,
  string,
  string,
][] = [
  [
    '100 BIPs, MM 50 BIPs, atomic resolution 4',
    10_000,
    500_000,
    '0.7',
    '5555',
    undefined,
    undefined,
    '38.885',
    '19.4425',
  ],
  [
    '100 BIPs, MM 50 BIPs, negative exponent',
    10_000,
    500_000,
    '-0.005',
    '420000',
    undefined,
    undefined,
    '21',
    '10.5',
  ],
  [
    '10_000 BIPs (max), MM 10_000 BIPs (max)',
    1_000_000,
    1_000_000,
    '0.007',
    '5555',
    undefined,
    undefined,
    '38.885',
    '38.885',
  ],
  [
    '100 BIPs, MM 100 BIPs',
    10_000,
    1_000_000,
    '0.007',
    '5555',
    undefined,
    undefined,
    '0.38885',
    '0.38885',
  ],
  ['0 BIPs (min)', 0, 1_000_000, '0.007', '5555', undefined, undefined, '0', '0'],
  [
    '100 BIPs, MM 50 BIPs, atomic resolution 6',
    10_000,
    500_000,
    '0.007',
    '5555',
    undefined,
    undefined,
    '0.38885',
    '0.194425',
  ],
  ['20 %, MM 10 %', 200_000, 500_000, '0.012', '36750', undefined, undefined, '88.2', '44.1'],
  [
    '5 %, MM 3 %',
    50_000,
    600_000,
    '0.074523',
    '123456',
    undefined,
    undefined,
    '460.015575',
    '276.009345',
  ],
  // 9,200.311488 × 25 % × 60 % = 1,380.0467232: "Rounded up".
  [
    '25 %, MM 15 %',
    250_000,
    600_000,
    '0.074523',
    '123456',
    undefined,
    undefined,
    '2300.077872',
    '1380.046724',
  ],
  // 2 ppm of 38.885 is 0.00777 (7,777 quanta); × 50 % is 3,888.5 quanta, rounded up to 3,889.
  [
    '2 BIPs, MM 1 BIP, atomic resolution 8',
    200,
    500_000,
    '0.00007',
    '555500',
    undefined,
    undefined,
    '0.007777',
    '0.003889',
  ],
  [
    '0.02 BIPs, MM 0.01 BIPs',
    2,
    500_000,
    '-0.007',
    '5555000',
    undefined,
    undefined,
    '0.07777',
    '0.038885',
  ],
  // OI notional 14,999,999.98875: increase ⌊800,000 × 0.499999998875⌋ = 399,999 ppm → 599,999.
  [
    'OIMF: 20 % scaled to 60 %',
    200_000,
    500_000,
    '0.012',
    '36750',
    '408.163265',
    ['10000000', '20000000'],
    '264.599559',
    '44.1',
  ],
  [
    'OIMF: 20 % scaled to 100 %',
    200_000,
    500_000,
    '0.012',
    '36750',
    '1000',
    ['10000000', '20000000'],
    '441',
    '44.1',
  ],
  [
    'OIMF: lower cap < open interest < upper cap',
    200_000,
    500_000,
    '0.012',
    '36750',
    '1123.456789',
    ['25000000', '50000000'],
    '318.042585',
    '44.1',
  ],
];

describe('dYdX v4 GetMarginRequirementsInQuoteQuantums (lib_test.go)', () => {
  for (const [name, im, mf, size, oracle, oi, caps, imr, mmr] of marginRequirements) {
    it(`${name}: IMR ${imr}, MMR ${mmr} USDC`, () => {
      const rule = tier(im, mf, caps);
      const terms = { unit, ...(oi === undefined ? {} : { openInterest: d(oi) }) };
      const at = (kind: 'initial' | 'maintenance') =>
        requirement(perp, rule, kind, d(size), d(oracle), undefined, undefined, terms);
      expect(at('initial')).toBe(d(imr));
      expect(at('maintenance')).toBe(d(mmr));
    });
  }

  it('without a unit the steps are the fixed point’s own: 25 % × 60 % is not rounded to a quantum', () => {
    const rule = tier(250_000, 600_000);
    const mmr = requirement(perp, rule, 'maintenance', d('0.074523'), d('123456'), undefined);
    expect(mmr).toBe(d('1380.0467232'));
  });
});

describe('dYdX v4 GetInitialMarginQuoteQuantums (liquidity_tier_test.go)', () => {
  // [case, IM ppm, caps (USDC), OI notional (USDC), notional (USDC), IMR (USDC)]
  const cases: readonly [
    string,
    number,
    readonly [string, string] | undefined,
    string,
    string,
    string,
  ][] = [
    ['initial margin 20 %', 200_000, undefined, '0', '0.5', '0.1'],
    ['initial margin 50 %', 500_000, undefined, '0', '1', '0.5'],
    [
      '10 % of one quantum rounds up to one quantum',
      100_000,
      undefined,
      '0',
      '0.000001',
      '0.000001',
    ],
    [
      '56.7243 % of 123,456 quanta rounds up to 70,030',
      567_243,
      undefined,
      '0',
      '0.123456',
      '0.07003',
    ],
    ['no OIMF without caps', 200_000, undefined, '1500000', '0.5', '0.1'],
    ['scaling factor 0.5', 200_000, ['1000000', '2000000'], '1500000', '0.5', '0.3'],
    [
      'open interest far above the upper cap',
      200_000,
      ['25000000', '50000000'],
      '80000000',
      '0.5',
      '0.5',
    ],
    ['open interest at the lower cap', 200_000, ['25000000', '50000000'], '25000000', '0.5', '0.1'],
    ['realistic numbers', 200_000, ['25000000', '60000000'], '28123456.789123', '0.5', '0.135697'],
  ];
  for (const [name, im, caps, oi, quote, imr] of cases) {
    it(`${name}: ${imr} USDC`, () => {
      const rule = tier(im, 0, caps);
      const got = liquidityTierRequirement(rule, 'initial', d(quote), d(oi), undefined, unit);
      expect(got).toBe(d(imr));
    });
  }
});

describe('dYdX v4 GetAdjustedInitialMarginPpm (liquidity_tier_test.go)', () => {
  // Caps 1,000,000 and 2,000,000 quote quantums: 1 and 2 USDC.
  const cases: readonly [string, string, number][] = [
    ['zero open interest', '0', 200_000],
    ['within bounds', '1.5', 600_000],
    ['within bounds, rounded down (0.387 653 6)', '1.234567', 387_653],
    ['at the lower bound', '1', 200_000],
    ['at the upper bound', '2', 1_000_000],
    ['above the upper bound', '2.5', 1_000_000],
  ];
  for (const [name, oi, want] of cases) {
    it(`${name}: ${want} ppm`, () => {
      const rule = tier(200_000, 0, ['1', '2']);
      expect(openInterestRate(rule, d(oi))).toBe(BigInt(want) * 10n ** 12n);
    });
  }
  it('no upper bound, no increase', () => {
    expect(openInterestRate(tier(200_000, 0), d('1.5'))).toBe(200_000n * 10n ** 12n);
  });
});

describe('dYdX v4 GetMaintenanceMarginPpm (liquidity_tier_test.go)', () => {
  const cases: readonly [number, number, number][] = [
    [150_000, 800_000, 120_000],
    [450_000, 770_000, 346_500],
    // 637,239 × 289,284 / 10^6 = 184,343.45…, floored.
    [637_239, 289_284, 184_343],
    [1_000_000, 1_000_000, 1_000_000],
    [0, 1_000_000, 0],
    [0, 0, 0],
    [1_000_000, 0, 0],
  ];
  for (const [im, mf, want] of cases) {
    it(`${im} ppm × ${mf} ppm → ${want} ppm`, () => {
      expect(maintenanceRateOf(tier(im, mf))).toBe(BigInt(want) * 10n ** 12n);
    });
  }
});

/**
 * dYdX's net collateral (the preset's `netNotionalValue`): quote balance + the signed notional at
 * the oracle truncated toward zero to a quote quantum, from the exact product.
 *
 * - protocol/lib/quantums_test.go `TestBaseToQuoteQuantums` (commit
 *   3b7ad929471bd4c2ad005ae0951f88c6f9d5890d): "Correctly converts negative value" (−100 base
 *   quantums at atomic resolution −6, price 1 × 10¹: −1,000 quote quantums), "Calculation rounds
 *   down" (9 at −8, price 10: 0) and "Negative calculation rounds up" (−9: 0, not −1);
 * - protocol/x/perpetuals/lib/lib_test.go `TestGetNetNotionalInQuoteQuantums` (commit
 *   08dfc6cb1f21a3d8e9428c88af0c249327373e19): 10¹² base quantums at atomic resolution −16
 *   (0.0001 BTC) at price 123,456,789,123 × 10⁻⁵ (1,234,567.89123) is 123,456,789 quote quantums
 *   long and −123,456,789 short (a floor would give −123,456,790);
 * - lib.go `GetNetCollateralAndMarginRequirements`: NC = that net notional + the quote balance.
 */
describe('dYdX v4 net collateral (BaseToQuoteQuantums, GetNetNotionalInQuoteQuantums)', () => {
  const dydx = readPreset('dydx-v4');
  const btc = linearPerp('BTC-USD', 'BTC', { quote: 'USDC', settle: 'USDC' });
  const v = venue([btc], dydx);
  const oracle = '1234567.89123';
  const prices = market({ USDC: '1', BTC: oracle }, { 'BTC-USD': oracle });

  const vectors: readonly [string, string, string, string][] = [
    ['Correctly converts negative value', '-0.0001', '10', '-0.001'],
    ['Calculation rounds down', '0.00000009', '10', '0'],
    ['Negative calculation rounds up', '-0.00000009', '10', '0'],
    ['TestGetNetNotionalInQuoteQuantums positive quantums', '0.0001', oracle, '123.456789'],
    ['TestGetNetNotionalInQuoteQuantums negative quantums', '-0.0001', oracle, '-123.456789'],
  ];
  for (const [name, size, price, want] of vectors) {
    it(`${name}: ${size} at ${price} is ${want} USDC`, () => {
      expect(netNotional(btc, d(size), d(price), unit)).toBe(d(want));
    });
  }

  // The account holds 1,000 USDC before the position: the chain's quote balance is then 1,000 −
  // size × entry, 1,100 USDC for the short sold at 1,000,000 and 900 for the long bought there.
  const exactEquity = (size: string) =>
    assess(account({ USDC: '1000' }, [position('BTC-USD', size, '1000000')]), v, prices).equity;
  const fastFigures = (size: string) => {
    const out = new Float64Array(figureCount);
    const a = account({ USDC: '1000' }, [position('BTC-USD', size, '1000000')]);
    marginAccount(buildRiskBook([a], v, prices), 0, out);
    return { equity: out[accountEquity]!, slack: out[roundingSlack]! };
  };

  it('a short of 0.0001 BTC: NC = 1,100 − 123.456789 = 976.543211 USDC, on both paths', () => {
    // Its PnL floored to a quantum would give 1,000 − 23.456790 = 976.543210, a quantum below.
    expect(exactEquity('-0.0001')).toBe(d('976.543211'));
    const fast = fastFigures('-0.0001');
    expect(Math.abs(fast.equity - 976.543211)).toBeLessThanOrEqual(1e-7);
  });

  it('a long of 0.0001 BTC: NC = 900 + 123.456789 = 1,023.456789 USDC, on both paths', () => {
    expect(exactEquity('0.0001')).toBe(d('1023.456789'));
    expect(Math.abs(fastFigures('0.0001').equity - 1023.456789)).toBeLessThanOrEqual(1e-7);
  });

  it('the fast path counts both roundings of a net collateral in its slack', () => {
    // A balance's unit, the value's two and a requirement's three per kind (two kinds).
    expect(fastFigures('-0.0001').slack).toBeCloseTo(9 * 0.000001, 12);
  });

  it('a notional is truncated from the exact product: (1 − 10⁻¹⁸) × (1 + 10⁻¹⁸) is 0.999999', () => {
    // The product is 1 − 10⁻³⁶: rounded up at 10⁻¹⁸ first, it would be 1.000000 (one quantum over).
    const rule = tier(1_000_000, 1_000_000);
    const size = d('0.999999999999999999');
    const mark = d('1.000000000000000001');
    const terms = { unit };
    expect(requirement(perp, rule, 'initial', size, mark, undefined, undefined, terms)).toBe(
      d('0.999999'),
    );
    expect(requirement(perp, rule, 'maintenance', -size, mark, undefined, undefined, terms)).toBe(
      d('0.999999'),
    );
  });

  it('property: the net collateral differs from the floored PnL by at most a quantum, never for a long', () => {
    const plain = venue([btc], { ...dydx, netNotionalValue: false });
    fc.assert(
      fc.property(
        decimalArb(-5, 5, 6),
        decimalArb(1000, 90000, 5),
        // A whole-dollar entry keeps the quote balance in whole quanta, as the chain holds it.
        decimalArb(1000, 90000, 0),
        (size, mark, entry) => {
          const a = account({ USDC: '100000' }, [
            { ...position('BTC-USD', '0', '1'), size, entryPrice: entry },
          ]);
          const at = market({ USDC: '1', BTC: '1' }, { 'BTC-USD': '1' });
          const m = { ...at, markPrices: new Map([['BTC-USD', mark]]) };
          const chain = assess(a, v, m).equity;
          const ours = assess(a, plain, m).equity;
          // Whole quanta of quote balance: a long's notional truncates as its PnL floors.
          if (size >= 0n) expect(chain).toBe(ours);
          else expect(chain - ours === 0n || chain - ours === unit).toBe(true);
          const out = new Float64Array(figureCount);
          marginAccount(buildRiskBook([a], v, m), 0, out);
          const slack = out[roundingSlack]! + 1e-9 * Math.abs(toNumber(chain));
          expect(Math.abs(out[accountEquity]! - toNumber(chain))).toBeLessThanOrEqual(slack);
        },
      ),
      { numRuns: 300 },
    );
  });
});
