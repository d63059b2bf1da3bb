import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d, decimalArb, flatCollateral, linearPerp, market, venue } from '../../../test/kit.ts';
import type { Account, SpotOrder } from '../model/account.ts';
import { bucketsOf } from '../model/bucket.ts';
import { marketView } from '../model/price-view.ts';
import type { CollateralRule, Rulebook } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { bucketRisk, freeCollateral } from './bucket-risk.ts';
import { collateralValue } from './collateral.ts';
import { assetWeight, liabilityWeight } from './collateral-weight.ts';

const scaled: CollateralRule = {
  tiers: [
    { upTo: d('50000'), initialWeight: d('0.9'), maintenanceWeight: d('0.95') },
    { upTo: null, initialWeight: d('0.7'), maintenanceWeight: d('0.8') },
  ],
  liabilityInitialWeight: d('1.2'),
  liabilityMaintenanceWeight: d('1.1'),
  imfFactor: d('0.0003'),
  depositWeightScaleStart: d('250000'),
  borrowWeightScaleStart: d('250000'),
};

describe('weights scaled by the venue totals and the holding size', () => {
  it('a higher deposit total never raises a collateral value; higher borrows never lower a debt', () => {
    fc.assert(
      fc.property(
        decimalArb(-5_000, 50_000, 3),
        decimalArb(0.5, 500, 2),
        decimalArb(0, 100_000, 0),
        decimalArb(0, 100_000, 0),
        decimalArb(0, 100_000, 0),
        (balance, price, total, more, borrows) => {
          for (const kind of ['initial', 'maintenance'] as const) {
            const low = collateralValue(scaled, balance, price, kind, { deposits: total, borrows });
            const high = collateralValue(scaled, balance, price, kind, {
              deposits: total + more,
              borrows: borrows + more,
            });
            expect(high <= low).toBe(true);
          }
        },
      ),
    );
  });

  it('a size-discounted weight never exceeds the listed one, a premium never falls below it', () => {
    fc.assert(
      fc.property(decimalArb(0, 10_000_000, 3), (size) => {
        expect(
          assetWeight(scaled, d('0.9'), 'maintenance', size, d('1'), undefined) <= d('0.9'),
        ).toBe(true);
        expect(
          liabilityWeight(scaled, d('1.1'), 'maintenance', size, d('1'), undefined) >= d('1.1'),
        ).toBe(true);
      }),
    );
  });

  it('rounds the scaled weight down and the scaled debt up (1/3 does not divide evenly)', () => {
    const rule: CollateralRule = {
      ...flatCollateral('0.9'),
      liabilityInitialWeight: d('1.2'),
      liabilityMaintenanceWeight: d('1.2'),
      depositWeightScaleStart: d('1'),
      borrowWeightScaleStart: d('3'),
    };
    const total = { deposits: d('3'), borrows: d('1') };
    // 0.9 × 1/3 = 0.3 exactly; × 1 coin at price 1: 0.3.
    expect(assetWeight(rule, d('0.9'), 'initial', d('1'), d('1'), total)).toBe(d('0.3'));
    // 0.8 × 1/3 = 0.2666…: down to …666.
    expect(assetWeight(rule, d('0.8'), 'initial', d('1'), d('1'), total)).toBe(266666666666666666n);
    // 1.2 × 7 / 3 = 2.8 (borrows worth 7 at price 7); 1.1 × 7 / 3 = 2.5666…: up to …667.
    expect(liabilityWeight(rule, d('1.1'), 'initial', d('1'), d('7'), total)).toBe(
      2566666666666666667n,
    );
  });
});

const spotVenue = (profit?: Rulebook['unrealisedProfit']): Venue => ({
  ...venue([linearPerp('SOL-PERP', 'SOL', { quote: 'USDC', settle: 'USDC' })], {
    id: 'spot',
    name: 'spot',
    crossPool: 'unified',
    collateral: new Map([
      [
        'USDC',
        {
          ...flatCollateral('1'),
          liabilityInitialWeight: d('1.1'),
          liabilityMaintenanceWeight: d('1.05'),
        },
      ],
      [
        'SOL',
        {
          tiers: scaled.tiers,
          liabilityInitialWeight: d('1.3'),
          liabilityMaintenanceWeight: d('1.2'),
          imfFactor: d('0.0003'),
        },
      ],
      [
        'BTC',
        {
          ...flatCollateral('0.85', '0.9'),
          liabilityInitialWeight: d('1.15'),
          liabilityMaintenanceWeight: d('1.1'),
        },
      ],
    ]),
    instruments: new Map([['SOL-PERP', { kind: 'max-leverage', maxLeverage: d('10') }]]),
    ...(profit === undefined ? {} : { unrealisedProfit: profit }),
  }),
  spotMarkets: new Map([
    ['SOL/USDC', { id: 'SOL/USDC', base: 'SOL', quote: 'USDC' }],
    ['BTC/USDC', { id: 'BTC/USDC', base: 'BTC', quote: 'USDC' }],
    ['SOL/BTC', { id: 'SOL/BTC', base: 'SOL', quote: 'BTC' }],
  ]),
});
const spotMarket = market({ USDC: '1', SOL: '150', BTC: '60000' }, { 'SOL-PERP': '150' });

function health(account: Account, v: Venue) {
  const [bucket] = bucketsOf(account, v);
  const risk = bucketRisk(v, bucket!, marketView(spotMarket));
  return { initial: freeCollateral(risk), maintenance: risk.equity - risk.maintenanceMargin };
}

const orderArb = fc.record({
  market: fc.constantFrom('SOL/USDC', 'BTC/USDC', 'SOL/BTC'),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  size: decimalArb(0.001, 200, 3),
  move: fc.integer({ min: -20, max: 20 }),
});

describe('resting spot orders', () => {
  it('never raise health, of either kind', () => {
    fc.assert(
      fc.property(
        decimalArb(-10_000, 100_000, 2),
        decimalArb(-100, 1_000, 3),
        decimalArb(-1, 5, 4),
        fc.array(orderArb, { minLength: 1, maxLength: 5 }),
        (usdc, sol, btc, raw) => {
          const v = spotVenue();
          const mid: Record<string, bigint> = {
            'SOL/USDC': d('150'),
            'BTC/USDC': d('60000'),
            'SOL/BTC': d('0.0025'),
          };
          const spotOrders: SpotOrder[] = raw.map((o) => ({
            market: o.market,
            side: o.side,
            size: o.size,
            price: mid[o.market]! + (mid[o.market]! * BigInt(o.move)) / 100n,
          }));
          const balances = new Map([
            ['USDC', usdc],
            ['SOL', sol],
            ['BTC', btc],
          ]);
          const without = health({ id: 'a', balances, positions: [], openOrders: [] }, v);
          const withOrders = health(
            { id: 'a', balances, positions: [], openOrders: [], spotOrders },
            v,
          );
          expect(withOrders.initial <= without.initial).toBe(true);
          expect(withOrders.maintenance <= without.maintenance).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one buy counts at the worse of filled and not filled', () => {
    const v = spotVenue();
    const balances = new Map([['USDC', d('1000')]]);
    const order: SpotOrder = { market: 'SOL/USDC', side: 'buy', size: d('2'), price: d('150') };
    const filled = health(
      {
        id: 'a',
        balances: new Map([
          ['USDC', d('700')],
          ['SOL', d('2')],
        ]),
        positions: [],
        openOrders: [],
      },
      v,
    );
    const got = health(
      { id: 'a', balances, positions: [], openOrders: [], spotOrders: [order] },
      v,
    );
    // Filled: 700 + 2 × 150 × 0.9 = 970 < 1000 not filled.
    expect(got.initial).toBe(filled.initial);
    expect(got.initial).toBe(d('970'));
  });
});

describe('a weight on positive PnL', () => {
  it('at most 1: equity never above the unweighted one', () => {
    fc.assert(
      fc.property(
        decimalArb(0, 1, 4),
        decimalArb(-100, 100, 2),
        decimalArb(50, 300, 2),
        decimalArb(-5_000, 5_000, 2),
        (w, size, entry, unsettled) => {
          fc.pre(size !== 0n);
          const account: Account = {
            id: 'a',
            balances: new Map([['USDC', d('10000')]]),
            positions: [
              {
                instrument: 'SOL-PERP',
                size,
                entryPrice: entry,
                marginMode: 'cross',
                isolatedMargin: 0n,
                unsettledPnl: unsettled,
              },
            ],
            openOrders: [],
          };
          const plain = health(account, spotVenue());
          const weighted = health(
            account,
            spotVenue({
              initialWeight: w,
              maintenanceWeight: w,
              imfFactor: d('0.001'),
              instruments: new Map(),
            }),
          );
          expect(weighted.initial <= plain.initial).toBe(true);
          expect(weighted.maintenance <= plain.maintenance).toBe(true);
        },
      ),
    );
  });
});
