import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountEquity, figureCount, marginAccount } from '../../src/core/fast/fast-margin.ts';
import { buildRiskBook } from '../../src/core/fast/risk-book.ts';
import { screenLiquidatable } from '../../src/core/fast/screen.ts';
import { assess } from '../../src/core/margin/assess.ts';
import { bankLimitBreach } from '../../src/core/margin/bank-limits.ts';
import { bucketRisk, freeCollateral } from '../../src/core/margin/bucket-risk.ts';
import { collateralRuleAt } from '../../src/core/margin/maintenance-weight-shift.ts';
import type { Account, OpenOrder, Position, SpotOrder } from '../../src/core/model/account.ts';
import { bucketsOf } from '../../src/core/model/bucket.ts';
import type { Market, VenueTotal } from '../../src/core/model/market.ts';
import { marketView } from '../../src/core/model/price-view.ts';
import type { CollateralRule, Rulebook } from '../../src/core/model/rulebook.ts';
import type { Venue } from '../../src/core/model/venue.ts';
import { formatFixed, toNumber } from '../../src/core/num/fixed.ts';
import { account, d, linearPerp, position } from '../kit.ts';
import { mangoPerpRule, mangoToken, mangoUnrealisedProfit } from '../mango-kit.ts';

/**
 * Figures Mango's own TypeScript client computes (@blockworks-foundation/mango-v4 0.33.9, its
 * HealthCache unmodified, on the fixtures of its test_health1 and of test_health_stable_price_token)
 * for the cases its unit tests do not assert: test/fixtures/mango/health-figures.cjs made
 * health-figures.json beside it.
 */
const client = JSON.parse(
  readFileSync(new URL('../fixtures/mango/health-figures.json', import.meta.url), 'utf8'),
) as Record<string, { init: number; maint?: number }>;

/**
 * Mango v4's health, pinned to its own unit tests in blockworks-foundation/mango-v4
 * programs/mango-v4/src/health/cache.rs (`test_health0`, `test_health1` cases 0–17, commit
 * 864425bdc5e345972360e5bfa241336ca21fd9d4), with the fixtures of programs/mango-v4/src/health/
 * test.rs (`mock_bank_and_oracle`, `mock_perp_market`). Each expected figure is the test's own
 * expression, transcribed; Mango compares with |health − expected| < 0.001 (`health_eq`), as here.
 *
 * The fixtures: token 1 at price 1 with init weights (0.8, 1.2) and maint (0.9, 1.1); tokens 2 and
 * 3 at 5 and 10 with init (0.5, 1.5), maint (0.7, 1.3); perp 1 on token 2's oracle (5), settled in
 * token 1, base weights (0.2, 0.1) (IM 20 %, MM 10 % of notional), overall asset weights (0.95,
 * 0.98), base lot 10 and quote lot 100. Init health = our initial equity − initial margin.
 *
 * How Mango's inputs map to ours:
 * - a token position plus what its open orders account holds of it is our balance (our balances
 *   include what resting orders lock); the reserved amounts are resting orders at the oracle
 *   price (Mango converts reserved funds at the oracle), or at the lowest placed ask / highest
 *   placed bid where a case sets them;
 * - a perp position (base lots, quote) is size = lots × 10 with entry 0 and the quote as its
 *   unsettled PnL: value = size × (mark − 0) + quote, Mango's base × price + quote;
 * - bids and asks (base lots) are perp orders at the oracle (Mango fills them at the oracle);
 * - a bank's deposits and borrows (with its potential_serum_tokens) are `venueTotals`.
 */
const t1Rule = mangoToken('0.8', '0.9');
const t23Rule = mangoToken('0.5', '0.7');
const perp = linearPerp('PERP', 'T2', { quote: 'T1', settle: 'T1', contractSize: d('1') });
const prices: Market = {
  assetPrices: new Map([
    ['T1', d('1')],
    ['T2', d('5')],
    ['T3', d('10')],
  ]),
  markPrices: new Map([['PERP', d('5')]]),
};

interface BankSettings {
  deposits?: number;
  borrows?: number;
  depositScaleStart?: number;
  borrowScaleStart?: number;
}

interface Case {
  token1?: number;
  token2?: number;
  token3?: number;
  /** Reserved (quote, base) on the T2/T1 and T3/T1 open orders accounts. */
  oo12?: [number, number];
  oo13?: [number, number];
  /** (base lots, quote, bid lots, ask lots). */
  perp1?: [number, number, number, number];
  banks?: [BankSettings, BankSettings, BankSettings];
  /** Case 14's and 15's lowest placed ask on T2/T1 and highest placed bid on T3/T1. */
  lowestAsk12?: string;
  highestBid13?: string;
  /** The perp orders' own prices (default the oracle, 5): Mango's health never reads them. */
  perpBid?: string;
  perpAsk?: string;
  /** Rulebook flags beside the fixtures' (the preset's order rules, say). */
  flags?: Partial<Rulebook>;
  /** The perp market's stable price (default its oracle, 5). */
  perpStable?: string;
  expected: number;
}

function venueOf(c: Case): Venue {
  const assets = ['T1', 'T2', 'T3'] as const;
  const collateral = new Map<string, CollateralRule>();
  assets.forEach((asset, i) => {
    const bank = c.banks?.[i] ?? {};
    collateral.set(asset, {
      ...(asset === 'T1' ? t1Rule : t23Rule),
      ...(bank.depositScaleStart === undefined
        ? {}
        : { depositWeightScaleStart: d(String(bank.depositScaleStart)) }),
      ...(bank.borrowScaleStart === undefined
        ? {}
        : { borrowWeightScaleStart: d(String(bank.borrowScaleStart)) }),
    });
  });
  const rulebook: Rulebook = {
    id: 'mango-test',
    name: 'mango-v4 health tests',
    crossPool: 'unified',
    collateral,
    instruments: new Map([['PERP', mangoPerpRule]]),
    unrealisedProfit: mangoUnrealisedProfit,
    contractHealthInSettleAsset: true,
    ...c.flags,
  };
  return {
    instruments: new Map([['PERP', perp]]),
    rulebook,
    spotMarkets: new Map([
      ['T2/T1', { id: 'T2/T1', base: 'T2', quote: 'T1' }],
      ['T3/T1', { id: 'T3/T1', base: 'T3', quote: 'T1' }],
    ]),
  };
}

/** A market's reserved (quote, base) as one buy and one sell; bid and ask prices as Mango has them. */
function ordersOf(
  market: string,
  [quote, base]: [number, number],
  oracle: number,
  bid: string,
  ask: string,
): SpotOrder[] {
  const orders: SpotOrder[] = [];
  // A buy at `bid` locking `quote`: size = quote / bid, to 18 places (Mango's own f64 divides too).
  if (quote > 0)
    orders.push({ market, side: 'buy', size: d((quote / Number(bid)).toFixed(18)), price: d(bid) });
  if (base > 0) orders.push({ market, side: 'sell', size: d(String(base)), price: d(ask) });
  void oracle;
  return orders;
}

function initHealth(c: Case): number {
  return healthOf(c, 'initial');
}

/** Mango's Init health (our free collateral) or Maint health (our equity − maintenance). */
function healthOf(c: Case, kind: 'initial' | 'maintenance'): number {
  const [q12, b12] = c.oo12 ?? [0, 0];
  const [q13, b13] = c.oo13 ?? [0, 0];
  const balances = new Map([
    ['T1', d(String((c.token1 ?? 0) + q12 + q13))],
    ['T2', d(String((c.token2 ?? 0) + b12))],
    ['T3', d(String((c.token3 ?? 0) + b13))],
  ]);
  const [lots, quote, bids, asks] = c.perp1 ?? [0, 0, 0, 0];
  const positions: Position[] =
    lots === 0 && quote === 0
      ? []
      : [
          {
            instrument: 'PERP',
            size: d(String(lots * 10)),
            entryPrice: 0n,
            marginMode: 'cross',
            isolatedMargin: 0n,
            unsettledPnl: d(String(quote)),
          },
        ];
  const openOrders: OpenOrder[] = [];
  if (bids > 0)
    openOrders.push({
      instrument: 'PERP',
      side: 'buy',
      size: d(String(bids * 10)),
      price: d(c.perpBid ?? '5'),
    });
  if (asks > 0)
    openOrders.push({
      instrument: 'PERP',
      side: 'sell',
      size: d(String(asks * 10)),
      price: d(c.perpAsk ?? '5'),
    });
  const spotOrders = [
    ...ordersOf('T2/T1', [q12, b12], 5, '5', c.lowestAsk12 ?? '5'),
    ...ordersOf('T3/T1', [q13, b13], 10, c.highestBid13 ?? '10', '10'),
  ];
  const account: Account = { id: 'a', balances, positions, openOrders, spotOrders };
  const venue = venueOf(c);
  const totals = new Map<string, VenueTotal>();
  (['T1', 'T2', 'T3'] as const).forEach((asset, i) => {
    const bank = c.banks?.[i];
    if (bank === undefined) return;
    totals.set(asset, {
      deposits: d(String(bank.deposits ?? 0)),
      borrows: d(String(bank.borrows ?? 0)),
    });
  });
  // Mango's mock banks and perp markets start their stable price at the oracle.
  const stableMarkPrices = new Map([['PERP', d(c.perpStable ?? '5')]]);
  const stable = { stablePrices: prices.assetPrices, stableMarkPrices };
  const view = marketView({ ...prices, ...stable, venueTotals: totals });
  const [bucket] = bucketsOf(account, venue);
  const risk = bucketRisk(venue, bucket!, view);
  return toNumber(kind === 'initial' ? freeCollateral(risk) : risk.equity - risk.maintenanceMargin);
}

const basePrice = 5.0;
const baseLotsToQuote = 10.0 * basePrice;

/** test_health1's cases, in its order, each `expected_health` as the test writes it. */
const cases: Case[] = [
  {
    token1: 100,
    token2: -10,
    oo12: [20, 15],
    perp1: [3, -131, 7, 11],
    expected:
      0.8 *
        (100.0 +
          (20.0 + 15.0 * basePrice) +
          (3.0 + 7.0) * baseLotsToQuote * 0.8 +
          (-131.0 - 7.0 * baseLotsToQuote)) -
      10.0 * basePrice * 1.5,
  },
  {
    token1: -100,
    token2: 10,
    oo12: [20, 15],
    perp1: [-10, -131, 7, 11],
    expected:
      1.2 * (-100.0 + (-10.0 - 11.0) * baseLotsToQuote * 1.2 + (-131.0 + 11.0 * baseLotsToQuote)) +
      (10.0 * basePrice + (20.0 + 15.0 * basePrice)) * 0.5,
  },
  { perp1: [-1, 100, 0, 0], expected: 0.8 * 0.95 * (100.0 - 1.2 * 1.0 * baseLotsToQuote) },
  { perp1: [1, -100, 0, 0], expected: 1.2 * (-100.0 + 0.8 * 1.0 * baseLotsToQuote) },
  { perp1: [10, 100, 0, 0], expected: 0.8 * 0.95 * (100.0 + 0.8 * 10.0 * baseLotsToQuote) },
  { perp1: [30, -100, 0, 0], expected: 0.8 * 0.95 * (-100.0 + 0.8 * 30.0 * baseLotsToQuote) },
  {
    token1: -100,
    token2: -10,
    token3: -10,
    oo12: [1, 1],
    oo13: [1, 1],
    expected:
      -100.0 * 1.2 - 10.0 * 5.0 * 1.5 - 10.0 * 10.0 * 1.5 + (1.0 + 5.0) * 1.2 + (1.0 + 10.0) * 1.2,
  },
  {
    token1: -14,
    token2: -10,
    token3: -10,
    oo12: [1, 1],
    oo13: [1, 1],
    expected:
      -14.0 * 1.2 -
      10.0 * 5.0 * 1.5 -
      10.0 * 10.0 * 1.5 +
      3.0 * 1.2 +
      3.0 * 0.8 +
      8.0 * 1.2 +
      3.0 * 0.8,
  },
  {
    token1: -100,
    token2: -100,
    token3: -1,
    oo12: [0, 0],
    oo13: [10, 1],
    expected: -100.0 * 1.2 - 100.0 * 5.0 * 1.5 - 10.0 * 1.5 + 10.0 * 1.5 + 10.0 * 0.5,
  },
  {
    token1: -100,
    token2: -100,
    token3: -1,
    oo12: [100, 0],
    oo13: [10, 1],
    expected: -100.0 * 1.2 - 100.0 * 5.0 * 1.5 - 10.0 * 1.5 + 80.0 * 1.2 + 20.0 * 0.8 + 20.0 * 0.8,
  },
  {
    token1: 100,
    token2: 100,
    token3: 100,
    banks: [
      { deposits: 100, depositScaleStart: 1000 },
      { deposits: 1500, depositScaleStart: 1000 * 5 },
      { deposits: 10000, depositScaleStart: 1000 * 10 },
    ],
    expected:
      0.8 * 100.0 +
      0.5 * 100.0 * 5.0 * (5000.0 / (1500.0 * 5.0)) +
      0.5 * 100.0 * 10.0 * (10000.0 / (10000.0 * 10.0)),
  },
  {
    token1: -100,
    token2: -100,
    token3: -100,
    banks: [
      { borrows: 100, borrowScaleStart: 1000 },
      { borrows: 1500, borrowScaleStart: 1000 * 5 },
      { borrows: 10000, borrowScaleStart: 1000 * 10 },
    ],
    expected:
      -1.2 * 100.0 -
      1.5 * 100.0 * 5.0 * ((1500.0 * 5.0) / 5000.0) -
      1.5 * 100.0 * 10.0 * ((10000.0 * 10.0) / 10000.0),
  },
  {
    token1: -100,
    perp1: [1, 100, 0, 0],
    expected: 0.8 * (-100.0 + 0.95 * (100.0 + 0.8 * 1.0 * baseLotsToQuote)),
  },
  {
    token1: 100,
    perp1: [-1, -100, 0, 0],
    expected: 1.2 * (100.0 - 100.0 - 1.2 * 1.0 * baseLotsToQuote),
  },
  {
    token1: -100,
    token2: -10,
    token3: 0,
    oo12: [1, 1],
    oo13: [11, 1],
    lowestAsk12: '3',
    highestBid13: '12',
    expected:
      -100.0 * 1.2 - 10.0 * 5.0 * 1.5 + (1.0 + 3.0) * 1.2 + (11.0 / 12.0 + 1.0) * 10.0 * 0.5,
  },
  {
    token1: -100,
    token2: -10,
    token3: 0,
    oo12: [1, 1],
    oo13: [11, 1],
    lowestAsk12: '6',
    highestBid13: '9',
    expected:
      -100.0 * 1.2 - 10.0 * 5.0 * 1.5 + (1.0 + 5.0) * 1.2 + (11.0 / 10.0 + 1.0) * 10.0 * 0.5,
  },
  {
    token1: 100,
    token2: 100,
    token3: 100,
    oo12: [0, 100],
    oo13: [0, 100],
    expected:
      100.0 * 0.8 + 100.0 * 5.0 * 0.5 + 100.0 * 10.0 * 0.5 + 100.0 * 5.0 * 0.5 + 100.0 * 10.0 * 0.5,
  },
  {
    token1: 100,
    token2: 100,
    token3: 100,
    oo12: [0, 100],
    oo13: [0, 100],
    // potential_serum_tokens (100 of each) count in the bank's deposits: 100 + 100 and 600 + 100.
    banks: [
      {},
      { deposits: 200, depositScaleStart: 100 * 5 },
      { deposits: 700, depositScaleStart: 500 * 10 },
    ],
    expected:
      100.0 * 0.8 +
      100.0 * 5.0 * 0.5 * (100.0 / 200.0) +
      100.0 * 10.0 * 0.5 * (500.0 / 700.0) +
      100.0 * 5.0 * 0.5 * (100.0 / 200.0) +
      100.0 * 10.0 * 0.5 * (500.0 / 700.0),
  },
];

describe('Mango v4 init health (programs/mango-v4/src/health/cache.rs test_health1)', () => {
  cases.forEach((c, index) => {
    it(`case ${index}: ${c.expected.toFixed(4)}`, () => {
      const got = initHealth(c);
      expect(Math.abs(got - c.expected), `health ${got}, Mango ${c.expected}`).toBeLessThan(0.001);
    });
  });

  it("every case under the preset's rules too (stable prices at the oracle, orders at the oracle)", () => {
    const flags: Partial<Rulebook> = {
      initialAtStablePrice: true,
      openOrdersInMaintenance: true,
      openOrdersFilledAtMark: true,
    };
    for (const c of cases) {
      const got = initHealth({ ...c, flags });
      expect(Math.abs(got - c.expected), `health ${got}, Mango ${c.expected}`).toBeLessThan(0.001);
    }
  });

  it('test_health0: reserved and free open-orders funds, a taker fill, both sides of perp orders', () => {
    // token 1: 100 deposited, 21 on the open orders account (1 free); token 2: 10 borrowed, 18 on
    // it (3 free). Perp: 3 base lots at −310 plus a taker fill of 1 lot for 2 quote lots (+200).
    const expected =
      (100.0 +
        (1.0 + (20.0 + 15.0 * 5.0)) +
        ((3.0 + 7.0 + 1.0) * 10.0 * 5.0 * 0.8 + (-310.0 + 2.0 * 100.0 - 7.0 * 10.0 * 5.0))) *
        0.8 +
      (-10.0 + 3.0) * 5.0 * 1.5;
    const got = initHealth({
      token1: 100 + 1,
      token2: -10 + 3,
      oo12: [20, 15],
      perp1: [3 + 1, -310 + 2 * 100, 7, 11],
      expected,
    });
    expect(Math.abs(got - expected), `health ${got}, Mango ${expected}`).toBeLessThan(0.001);
  });

  it('the figures come from the engine, not the formula: one case printed exactly', () => {
    // Case 2: 0.8 × 0.95 × (100 − 1.2 × 50) = 30.4, and our rounding only ever lowers it.
    const got = initHealth(cases[2]!);
    expect(got).toBeLessThanOrEqual(30.4);
    expect(formatFixed(d(got.toFixed(6)))).toBe('30.4');
  });
});

/** The preset's rules of perp orders: filled at the oracle, counted in every health type. */
const orderRules: Partial<Rulebook> = {
  openOrdersFilledAtMark: true,
  openOrdersInMaintenance: true,
};

describe('Mango v4 perp orders filled at the oracle (health/cache.rs unweighted_health_unsettled_pnl)', () => {
  // Mango keeps only bids_base_lots and asks_base_lots: the orders' own prices never enter its
  // health, which executes all bids at Prices::liab and all asks at Prices::asset (the oracle
  // here). So test_health1's cases 0 and 1 expect the same figure with orders priced anywhere.
  const away = { perpBid: '6', perpAsk: '4' };

  it("case 0 (bids execute), bids resting above the oracle: Mango's 16.2 still", () => {
    const c = { ...cases[0]!, ...away, flags: orderRules };
    expect(cases[0]!.expected).toBeCloseTo(16.2, 9);
    const got = initHealth(c);
    expect(Math.abs(got - c.expected), `health ${got}, Mango ${c.expected}`).toBeLessThan(0.001);
  });

  it("case 1 (asks execute), asks resting below the oracle: Mango's figure still", () => {
    const c = { ...cases[1]!, ...away, flags: orderRules };
    const got = initHealth(c);
    expect(Math.abs(got - c.expected), `health ${got}, Mango ${c.expected}`).toBeLessThan(0.001);
  });

  it('filled at their own prices instead, the same account falls short of Mango', () => {
    // 11 lots asked at 4 under an oracle of 5 lose 110 at once: the asks case (−171) is then the
    // worse, not Mango's bids case (−81), and token 1 turns a borrowing: −62.7, not 16.2.
    const got = initHealth({ ...cases[0]!, ...away });
    expect(got).toBeLessThan(cases[0]!.expected - 1);
    expect(got).toBeCloseTo(-62.7, 9);
  });
});

describe('Mango v4 perp orders in maintenance health (health/cache.rs, HealthType::Maint)', () => {
  // Mango's unit tests assert Init only; `unweighted_health_unsettled_pnl` takes the worse of the
  // bids and asks cases in every health type. These are test_health1's cases 0 and 1 written as
  // the test writes them, with the same fixtures' maintenance weights: token 1 0.9 / 1.1, token 2
  // 0.7 / 1.3 (mock_bank_and_oracle's 0.1 and 0.3), the perp's base weights 0.9 / 1.1; Mango's
  // client computes the same two figures (health-figures.json).
  const maintenance: Case[] = [
    {
      ...cases[0]!,
      flags: orderRules,
      // bids execute: 10 lots long at 0.9, 7 lots bought at the oracle.
      expected:
        0.9 *
          (100.0 +
            (20.0 + 15.0 * basePrice) +
            (3.0 + 7.0) * baseLotsToQuote * 0.9 +
            (-131.0 - 7.0 * baseLotsToQuote)) -
        10.0 * basePrice * 1.3,
    },
    {
      ...cases[1]!,
      flags: orderRules,
      // asks execute: 21 lots short at 1.1, 11 lots sold at the oracle.
      expected:
        1.1 *
          (-100.0 + (-10.0 - 11.0) * baseLotsToQuote * 1.1 + (-131.0 + 11.0 * baseLotsToQuote)) +
        (10.0 * basePrice + (20.0 + 15.0 * basePrice)) * 0.7,
    },
  ];

  maintenance.forEach((c, index) => {
    it(`case ${index} in maintenance: ${c.expected.toFixed(4)}, as Mango's client computes it`, () => {
      const printed = client[`health1Case${index}`]!.maint!;
      expect(Math.abs(c.expected - printed)).toBeLessThan(0.001);
      const got = healthOf(c, 'maintenance');
      expect(Math.abs(got - printed), `health ${got}, Mango ${printed}`).toBeLessThan(0.001);
    });
  });

  it("case 0 with the perp's stable price at 6: bids at 6, the short side at 6 (client −45.9)", () => {
    const c: Case = {
      ...cases[0]!,
      perpStable: '6',
      flags: { ...orderRules, initialAtStablePrice: true },
      expected: client.health1Case0PerpStable6!.init,
    };
    expect(c.expected).toBeCloseTo(-45.9, 6);
    const got = initHealth(c);
    expect(Math.abs(got - c.expected), `health ${got}, Mango ${c.expected}`).toBeLessThan(0.001);
  });

  it('case 0 printed: 82.6, and without the rule the orders are left out (114.028)', () => {
    expect(maintenance[0]!.expected).toBeCloseTo(82.6, 9);
    expect(healthOf(maintenance[0]!, 'maintenance')).toBeCloseTo(82.6, 9);
    // The position alone: 3 lots at 0.9 less 131, +4 at the overall weight 0.98;
    // 0.9 × (100 + 3.92) + 95 × 0.9 − 65.
    const alone = { ...maintenance[0]!, flags: { openOrdersFilledAtMark: true } };
    expect(healthOf(alone, 'maintenance')).toBeCloseTo(0.9 * (100 + 0.98 * 4) + 95 * 0.9 - 65, 9);
  });
});

/**
 * Mango's stable price, pinned to `test_health_stable_price_token` in programs/mango-v4/src/health/
 * client.rs (commit f2442428b66dad0c69517f05a399ef391fa2eb3c): token 0 at oracle 1.0 and stable
 * price 0.5, weights init (0.8, 1.2) and maint (0.9, 1.1); perp 1 on token 0's oracle, its stable
 * price 0.5, base lot 10, settled in token 0. Three accounts: 100 of token 0 deposited, 100 borrowed,
 * and 10 lots long bought for 100 (record_trade(perp1, 10, -100)).
 */
describe('Mango v4 stable price (health/client.rs test_health_stable_price_token)', () => {
  const t0: CollateralRule = t1Rule;
  const perp1 = linearPerp('PERP1', 'T0', { quote: 'T0', settle: 'T0', contractSize: d('1') });
  const stableRulebook: Rulebook = {
    id: 'mango-stable-test',
    name: 'mango-v4 stable price test',
    crossPool: 'unified',
    collateral: new Map([['T0', t0]]),
    instruments: new Map([['PERP1', mangoPerpRule]]),
    unrealisedProfit: mangoUnrealisedProfit,
    contractHealthInSettleAsset: true,
    initialAtStablePrice: true,
  };
  const stableVenue: Venue = { instruments: new Map([['PERP1', perp1]]), rulebook: stableRulebook };
  const market: Market = {
    assetPrices: new Map([['T0', d('1')]]),
    markPrices: new Map([['PERP1', d('1')]]),
    stablePrices: new Map([['T0', d('0.5')]]),
    stableMarkPrices: new Map([['PERP1', d('0.5')]]),
  };
  const healths = (account: Account, venue: Venue = stableVenue) => {
    const [bucket] = bucketsOf(account, venue);
    const risk = bucketRisk(venue, bucket!, marketView(market));
    return {
      init: toNumber(freeCollateral(risk)),
      maint: toNumber(risk.equity - risk.maintenanceMargin),
    };
  };
  const tokens = (balance: string) => account({ T0: balance }, []);
  // 10 lots of 10 bought for 100 quote: size 100 at entry 1.
  const long = account({}, [position('PERP1', '100', '1')], 'a3');

  it('a deposit: Init 0.8 × 0.5 × 100, Maint 0.9 × 1.0 × 100', () => {
    const { init, maint } = healths(tokens('100'));
    expect(Math.abs(init - 0.8 * 0.5 * 100.0)).toBeLessThan(0.001);
    expect(Math.abs(maint - 0.9 * 1.0 * 100.0)).toBeLessThan(0.001);
    expect(formatFixed(d(init.toFixed(6)))).toBe('40');
  });

  it('a borrowing: Init −1.2 × 1.0 × 100 (the higher price), Maint −1.1 × 1.0 × 100', () => {
    const { init, maint } = healths(tokens('-100'));
    expect(Math.abs(init - -1.2 * 1.0 * 100.0)).toBeLessThan(0.001);
    expect(Math.abs(maint - -1.1 * 1.0 * 100.0)).toBeLessThan(0.001);
  });

  it('a long perp: Init 1.2 × (0.8 × 0.5 × 10 × 10 − 100), Maint 1.1 × (0.9 × 1.0 × 10 × 10 − 100)', () => {
    const { init, maint } = healths(long);
    expect(Math.abs(init - 1.2 * (0.8 * 0.5 * 10.0 * 10.0 - 100.0))).toBeLessThan(0.001);
    expect(Math.abs(maint - 1.1 * (0.9 * 1.0 * 10.0 * 10.0 - 100.0))).toBeLessThan(0.001);
    expect(init).toBeCloseTo(-72, 9);
  });

  it('perp orders at the stable-adjusted oracle: bids at max(oracle, stable), the long at min', () => {
    // Mango's tests have no such case: its client's figures on this test's fixtures, with 5 lots
    // bid and 3 asked beside the 10 long. Bids case: (10 + 5) × 10 × 0.8 × 0.5
    // − 5 × 10 × max(1, 0.5) − 100 = −90, the worse of the two (asks: −57); × token 0's 1.2.
    const orders: Account = {
      ...long,
      openOrders: [
        { instrument: 'PERP1', side: 'buy', size: d('50'), price: d('0.9') },
        { instrument: 'PERP1', side: 'sell', size: d('30'), price: d('1.1') },
      ],
    };
    const flags = { openOrdersFilledAtMark: true, openOrdersInMaintenance: true };
    const venue: Venue = { ...stableVenue, rulebook: { ...stableRulebook, ...flags } };
    const { init, maint } = healths(orders, venue);
    // Mango's client on the same fixture: −108 and −16.5.
    expect(Math.abs(init - client.stableLongWithOrders!.init)).toBeLessThan(0.001);
    expect(Math.abs(maint - client.stableLongWithOrders!.maint!)).toBeLessThan(0.001);
    expect(init).toBeCloseTo(1.2 * ((10 + 5) * 10 * 0.8 * 0.5 - 5 * 10 * 1.0 - 100), 9);
    // Maint at the oracle: bids (150 × 0.9 − 50 − 100 = −15) against asks (70 × 0.9 + 30 − 100).
    expect(maint).toBeCloseTo(1.1 * ((10 + 5) * 10 * 0.9 * 1.0 - 5 * 10 * 1.0 - 100), 9);
  });

  it('without the rule the stable price is not read: the deposit counts at the oracle', () => {
    const oneMarket: Venue = {
      ...stableVenue,
      rulebook: { ...stableRulebook, initialAtStablePrice: false },
    };
    expect(healths(tokens('100'), oneMarket).init).toBeCloseTo(80, 9);
    expect(healths(long, oneMarket).init).toBeCloseTo(1.2 * (0.8 * 1.0 * 100 - 100), 9);
  });
});

/**
 * Mango's liquidation-end health, pinned to programs/mango-v4/src/instructions/
 * token_liq_with_token.rs `test_liq_with_token_stable_price` (commit
 * 864425bdc5e345972360e5bfa241336ca21fd9d4): "stable price and weight scaling does not affect
 * liquidation targets". Both banks at oracle 1 (mock_bank_and_oracle with weights 0: asset 1,
 * liability 1), the asset bank's stable price 0.5 and deposit scale start 505 (deposits 10 + the
 * liquidator's 1,000), the liability bank's stable price 1.25, borrow scale start 3.75, init
 * liability weight 1.4 and maint 1.2; the liquidatee holds 10 of the asset and owes 9.
 */
describe('Mango v4 liquidation-end health (HealthType::LiquidationEnd)', () => {
  const unit = mangoToken('1', '1');
  const liquidationRulebook: Rulebook = {
    id: 'mango-liquidation-test',
    name: 'mango-v4 token liquidation test',
    crossPool: 'unified',
    collateral: new Map<string, CollateralRule>([
      ['ASSET', { ...unit, depositWeightScaleStart: d('505') }],
      [
        'LIAB',
        {
          ...unit,
          liabilityInitialWeight: d('1.4'),
          liabilityMaintenanceWeight: d('1.2'),
          borrowWeightScaleStart: d('3.75'),
        },
      ],
    ]),
    instruments: new Map(),
    initialAtStablePrice: true,
    liquidationEndHealth: true,
  };
  const v: Venue = { instruments: new Map(), rulebook: liquidationRulebook };
  const m: Market = {
    assetPrices: new Map([
      ['ASSET', d('1')],
      ['LIAB', d('1')],
    ]),
    markPrices: new Map(),
    stablePrices: new Map([
      ['ASSET', d('0.5')],
      ['LIAB', d('1.25')],
    ]),
    venueTotals: new Map<string, VenueTotal>([
      ['ASSET', { deposits: d('1010'), borrows: 0n }],
      ['LIAB', { deposits: d('1000'), borrows: d('9') }],
    ]),
  };
  const holding = (asset: string, liab: string) =>
    account({ ASSET: asset, LIAB: liab }, [], 'liqee');

  it('before: Init 10 × 0.5 × 505/1010 − 9 × 1.25 × 1.4 × (9 × 1.25 / 3.75), LiquidationEnd 10 − 9 × 1.4, Maint 10 − 9 × 1.2', () => {
    const report = assess(holding('10', '-9'), v, m);
    const bucket = report.buckets[0]!;
    const assetScale = 505.0 / 1010.0;
    const liabScale = (9.0 * 1.25) / 3.75;
    const init = 10.0 * 0.5 * assetScale - 9.0 * 1.25 * 1.4 * liabScale;
    expect(Math.abs(toNumber(bucket.freeCollateral) - init)).toBeLessThan(0.1);
    expect(Math.abs(toNumber(bucket.liquidationEndHealth!) - (10.0 - 9.0 * 1.4))).toBeLessThan(0.1);
    expect(
      Math.abs(toNumber(bucket.equity - bucket.maintenanceMargin) - (10.0 - 9.0 * 1.2)),
    ).toBeLessThan(0.1);
    // Exactly: −2.6 USD still to recover, however the stable prices and totals stand.
    expect(bucket.liquidationEndHealth).toBe(d('-2.6'));
    expect(bucket.liquidatable).toBe(true);
  });

  it('after the liquidation (asset 3.5, liability −2.5): LiquidationEnd 0, where it stops', () => {
    const bucket = assess(holding('3.5', '-2.5'), v, m).buckets[0]!;
    expect(Math.abs(toNumber(bucket.liquidationEndHealth!))).toBeLessThan(0.01);
    expect(bucket.liquidationEndHealth).toBe(0n);
  });

  it('the fast path hands such an account to the exact path, which the screen then follows', () => {
    const book = buildRiskBook([holding('10', '-9'), holding('20', '-9')], v, m);
    expect(Array.from(book.exactOnly)).toEqual([1, 1]);
    const screened = screenLiquidatable(book);
    expect(screened.confirmedExactly).toBe(2);
    // Maint 10 − 10.8 < 0 for the first; 20 − 10.8 > 0 for the second, as assess says.
    expect(screened.liquidatable).toEqual([0]);
    expect(assess(holding('20', '-9'), v, m).liquidatable).toBe(false);
  });

  it('is reported only under the rule', () => {
    const plain: Venue = {
      ...v,
      rulebook: { ...liquidationRulebook, liquidationEndHealth: false },
    };
    expect(assess(holding('10', '-9'), plain, m).buckets[0]).not.toHaveProperty(
      'liquidationEndHealth',
    );
  });
});

/**
 * Mango's maintenance weight shift, pinned to programs/mango-v4/tests/cases/test_basic.rs
 * `test_bank_maint_weight_shift` (commit 27ecc140009945f439166e265457c073ad089ce4): 1,000 of the
 * group's token 0 (price 1, maintenance weights 1 and 1: its maint health is 1,000), a shift from
 * start + 1,000 s to start + 2,000 s toward asset 0.5 and liability 1.5.
 */
describe('Mango v4 maintenance weight shift (Bank::maint_weights)', () => {
  const startMs = Date.parse('2026-11-25T08:00:00Z');
  const rule: CollateralRule = {
    ...mangoToken('0.5', '1'),
    maintenanceWeightShift: {
      startMs: startMs + 1_000_000,
      endMs: startMs + 2_000_000,
      assetTarget: d('0.5'),
      liabilityTarget: d('1.5'),
    },
  };
  const v: Venue = {
    instruments: new Map(),
    rulebook: {
      id: 'mango-shift-test',
      name: 'mango-v4 maint weight shift test',
      crossPool: 'unified',
      collateral: new Map([['T0', rule]]),
      instruments: new Map(),
    },
  };
  const at = (seconds: number): Market => ({
    assetPrices: new Map([['T0', d('1')]]),
    markPrices: new Map(),
    asOfMs: startMs + seconds * 1000,
  });
  const funded = account({ T0: '1000' }, []);
  const cases: readonly [string, number, string][] = [
    ['at the start of the test, before the shift', 0, '1000'],
    ['at start + 1,500 s, halfway', 1500, '750'],
    ['at start + 3,000 s, past the end', 3000, '500'],
  ];
  for (const [name, seconds, health] of cases) {
    it(`${name}: maint health ${health}, on both paths`, () => {
      const report = assess(funded, v, at(seconds));
      expect(report.equity - report.maintenanceMargin).toBe(d(health));
      const out = new Float64Array(figureCount);
      marginAccount(buildRiskBook([funded], v, at(seconds)), 0, out);
      expect(Math.abs(out[accountEquity]! - Number(health))).toBeLessThan(1e-9);
    });
  }

  it('at start + 1,600 s the weights are 0.7 and 1.3 (the test aborts the shift there): maint health 700', () => {
    const shifted = collateralRuleAt(rule, at(1600).asOfMs!)!;
    expect(shifted.tiers[0]!.maintenanceWeight).toBe(d('0.7'));
    expect(shifted.liabilityMaintenanceWeight).toBe(d('1.3'));
    expect(assess(funded, v, at(1600)).equity).toBe(d('700'));
  });

  it('the screen reads the shifted weights natively and agrees with the exact path', () => {
    // 1,000 T0 against 600 USDC owed: maint health 400 before the shift, 500 − 600 after it.
    const usdc = mangoToken('1', '1');
    const two: Venue = {
      ...v,
      rulebook: { ...v.rulebook, collateral: new Map([...v.rulebook.collateral, ['USDC', usdc]]) },
    };
    const borrower: Account = {
      ...funded,
      balances: new Map([
        ['T0', d('1000')],
        ['USDC', d('-600')],
      ]),
    };
    const market = (seconds: number): Market => {
      const base = at(seconds);
      return { ...base, assetPrices: new Map([...base.assetPrices, ['USDC', d('1')]]) };
    };
    for (const [seconds, liquidatable] of [
      [0, false],
      [1500, false],
      [3000, true],
    ] as const) {
      const book = buildRiskBook([borrower], two, market(seconds));
      expect(book.exactOnly[0]).toBe(0);
      const screened = screenLiquidatable(book);
      expect(screened.liquidatable).toEqual(liquidatable ? [0] : []);
      expect(screened.confirmedExactly).toBe(0);
      expect(assess(borrower, two, market(seconds)).liquidatable).toBe(liquidatable);
    }
  });

  it('initial weights do not shift', () => {
    // Halfway the maintenance weight is 0.75; the initial one stays at its listed 0.5.
    expect(assess(funded, v, at(1500)).freeCollateral).toBe(d('500'));
  });
});

/**
 * Mango's bank limits (state/bank.rs `check_deposit_and_oo_limit`, `update_net_borrows`,
 * `remaining_net_borrows_quote`), pinned to programs/mango-v4/tests/cases/test_basic.rs
 * `test_bank_deposit_limit` and tests/cases/test_borrow_limits.rs
 * `test_bank_net_borrows_based_borrow_limit` (commit 27ecc140009945f439166e265457c073ad089ce4 and
 * 018f51f77da19ae8f1df2256a5b0ff62da8c36fe). Amounts are the tests' native units (unit 1); the
 * test group's tokens carry loan_origination_fee_rate 0.0005 (mango_setup.rs).
 */
describe('Mango v4 deposit and net borrow limits (Bank::check_deposit_and_oo_limit, check_net_borrows)', () => {
  const token = (rule: Partial<CollateralRule>): Venue => ({
    instruments: new Map(),
    rulebook: {
      id: 'mango-limits-test',
      name: 'mango-v4 bank limits test',
      crossPool: 'unified',
      collateral: new Map([['T0', { ...mangoToken('1', '1'), unit: d('1'), ...rule }]]),
      instruments: new Map(),
    },
  });
  const nowMs = Date.parse('2026-11-25T08:00:00Z');
  const view = (total: VenueTotal, price = '1') =>
    marketView({
      assetPrices: new Map([['T0', d(price)]]),
      markPrices: new Map(),
      asOfMs: nowMs,
      venueTotals: new Map([['T0', total]]),
      stablePrices: new Map([['T0', d('1')]]),
    });

  describe('deposit_limit 2000 (test_bank_deposit_limit)', () => {
    const limited = token({ depositLimit: d('2000') });
    const deposit = (bankDeposits: string, before: string, amount: string) =>
      bankLimitBreach(
        limited,
        view({ deposits: d(bankDeposits), borrows: 0n }),
        'T0',
        d(before),
        d(before) + d(amount),
      );
    // [step, the bank's deposits before, the account's balance before, deposit, refused]
    const steps: readonly [string, string, string, string, boolean][] = [
      ['account 1 deposits 2001 into an empty bank', '0', '0', '2001', true],
      ['account 1 deposits 1001', '0', '0', '1001', false],
      ['account 1 deposits 1000 more', '1001', '1001', '1000', true],
      ['account 2 deposits 1000', '1001', '0', '1000', true],
      ['account 2 deposits 998 ("999 does not work due to rounding")', '1001', '0', '998', false],
      ['account 2 deposits 999', '1001', '0', '999', true],
      ['account 2 deposits 1 more', '1999', '998', '1', true],
      ['after a withdrawal of 5, account 2 deposits 6', '1994', '993', '6', true],
      ['after a withdrawal of 5, account 2 deposits 5', '1994', '993', '5', false],
    ];
    for (const [name, bank, before, amount, refused] of steps) {
      it(`${name}: ${refused ? 'BankDepositLimit' : 'accepted'}`, () => {
        const breach = deposit(bank, before, amount);
        expect(breach === null).toBe(!refused);
        if (refused) {
          expect(breach).toEqual({
            kind: 'deposit_limit',
            asset: 'T0',
            deposits: d(bank) + d(amount),
            limit: d('2000'),
          });
        }
      });
    }

    it('a withdrawal is never refused by it, and repaying a debt adds no deposits', () => {
      expect(deposit('1999', '998', '-5')).toBeNull();
      // Owing 100, a deposit of 100 repays it: the bank's deposits do not grow.
      expect(deposit('1999', '-100', '100')).toBeNull();
      expect(deposit('1999', '-100', '101')).not.toBeNull();
    });
  });

  describe('net borrow limit 6000 USD per 1000 s (test_bank_net_borrows_based_borrow_limit)', () => {
    const limited = token({
      netBorrowLimit: { perWindow: d('6000'), windowMs: 1_000_000 },
      loanOriginationFeeRate: d('0.0005'),
    });
    const inWindow = (net: string): VenueTotal => ({
      deposits: d('100000'),
      borrows: 0n,
      netBorrowsInWindow: d(net),
      netBorrowsWindowStartMs: nowMs - 10_000,
    });
    const withdraw = (net: string, before: string, amount: string, price = '1') =>
      bankLimitBreach(limited, view(inWindow(net), price), 'T0', d(before), d(before) - d(amount));

    it('a borrow of 5000 passes; net borrows 5003 ("loan fees & ceil")', () => {
      expect(withdraw('0', '0', '5000')).toBeNull();
      // 5003 + ⌈4000 × 1.0005⌉ = 9005 > 6000.
      expect(withdraw('5003', '-5002.5', '4000')).toEqual({
        kind: 'net_borrow_limit',
        asset: 'T0',
        netBorrows: d('9005'),
        value: d('9005'),
        limit: d('6000'),
      });
    });

    it('a withdrawal that does not borrow is not limited', () => {
      expect(withdraw('5003', '100000', '4000')).toBeNull();
    });

    it('a borrow of 999 in a fresh window counts 1000', () => {
      expect(withdraw('0', '0', '999')).toBeNull();
      expect(withdraw('0', '0', '999')).toBeNull();
    });

    it('at price 10 nothing more: "net borrowed 1002 * price 10.0 > limit 6000"', () => {
      const breach = withdraw('1000', '-1000', '1', '10');
      expect(breach).toMatchObject({ netBorrows: d('1002'), value: d('10020') });
    });

    it('at price 5: "(1000 + 201) * 5.0 > limit 6000", "(1000 + 199) * 5.0 < limit 6000"', () => {
      expect(withdraw('1000', '-1000', '200', '5')).toMatchObject({
        netBorrows: d('1201'),
        value: d('6005'),
      });
      expect(withdraw('1000', '-1000', '198', '5')).toBeNull();
    });

    it('a window that has run out starts from zero', () => {
      const stale: VenueTotal = { ...inWindow('5003'), netBorrowsWindowStartMs: nowMs - 1_000_000 };
      expect(bankLimitBreach(limited, view(stale), 'T0', 0n, d('-4000'))).toBeNull();
    });
  });
});
