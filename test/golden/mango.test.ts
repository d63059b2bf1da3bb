import { describe, expect, it } from 'vitest';
import { bucketRisk, freeCollateral } from '../../src/core/margin/bucket-risk.ts';
import type { Account, OpenOrder, Position, SpotOrder } from '../../src/core/model/account.ts';
import { bucketsOf } from '../../src/core/model/bucket.ts';
import type { Market, VenueTotal } from '../../src/core/model/market.ts';
import { marketView } from '../../src/core/model/price-view.ts';
import type { CollateralRule, Rulebook } from '../../src/core/model/rulebook.ts';
import type { Venue } from '../../src/core/model/venue.ts';
import { formatFixed, toNumber } from '../../src/core/num/fixed.ts';
import { d, linearPerp } from '../kit.ts';

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
const t1Rule: CollateralRule = {
  tiers: [{ upTo: null, initialWeight: d('0.8'), maintenanceWeight: d('0.9') }],
  liabilityInitialWeight: d('1.2'),
  liabilityMaintenanceWeight: d('1.1'),
};
const t23Rule: CollateralRule = {
  tiers: [{ upTo: null, initialWeight: d('0.5'), maintenanceWeight: d('0.7') }],
  liabilityInitialWeight: d('1.5'),
  liabilityMaintenanceWeight: d('1.3'),
};
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
    instruments: new Map([
      [
        'PERP',
        {
          kind: 'size-premium',
          initialRate: d('0.2'),
          maintenanceRate: d('0.1'),
          premium: { curve: 'sqrt', imfFactor: 0n },
        },
      ],
    ]),
    unrealisedProfit: {
      initialWeight: d('0.95'),
      maintenanceWeight: d('0.98'),
      instruments: new Map(),
    },
    contractHealthInSettleAsset: true,
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
    openOrders.push({ instrument: 'PERP', side: 'buy', size: d(String(bids * 10)), price: d('5') });
  if (asks > 0)
    openOrders.push({
      instrument: 'PERP',
      side: 'sell',
      size: d(String(asks * 10)),
      price: d('5'),
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
  const view = marketView({ ...prices, venueTotals: totals });
  const [bucket] = bucketsOf(account, venue);
  return toNumber(freeCollateral(bucketRisk(venue, bucket!, view)));
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
