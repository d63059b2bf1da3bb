import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketRisk, freeCollateral } from '../src/core/margin/bucket-risk.ts';
import type { Account, OpenOrder, SpotOrder } from '../src/core/model/account.ts';
import { bucketsOf } from '../src/core/model/bucket.ts';
import type { Market } from '../src/core/model/market.ts';
import { marketView } from '../src/core/model/price-view.ts';
import type { Rulebook } from '../src/core/model/rulebook.ts';
import type { Venue } from '../src/core/model/venue.ts';
import { readPreset } from '../src/shell/import/presets.ts';
import { d, decimalArb, linearPerp } from './kit.ts';

/**
 * Properties of Mango's stable price and perp-order rules (stable-price.ts, leg-risk.ts) over the
 * preset itself: a token at the PREMIUM tier, USDC, a perp settled in USDC, resting spot and perp
 * orders, and the bank totals that scale initial weights.
 */
const preset = readPreset('mango-v4');
const perp = linearPerp('SOL-PERP', 'PREMIUM', { quote: 'USDC', settle: 'USDC' });
const venueWith = (change: Partial<Rulebook>): Venue => ({
  instruments: new Map([['SOL-PERP', perp]]),
  rulebook: { ...preset, ...change },
  spotMarkets: new Map([['PREMIUM/USDC', { id: 'PREMIUM/USDC', base: 'PREMIUM', quote: 'USDC' }]]),
});
const mango = venueWith({});

const draw = fc
  .record({
    usdc: decimalArb(-5_000, 20_000, 2),
    premium: decimalArb(-40, 60, 3),
    size: decimalArb(-50, 50, 2),
    entry: decimalArb(100, 200, 2),
    unsettled: decimalArb(-300, 300, 2),
    oracle: decimalArb(100, 200, 2),
    stable: decimalArb(100, 200, 2),
    markStable: decimalArb(100, 200, 2),
    deposits: decimalArb(0, 5_000, 0),
    borrows: decimalArb(0, 5_000, 0),
    orders: fc.array(
      fc.tuple(fc.boolean(), decimalArb(0.1, 30, 1), fc.integer({ min: -8, max: 8 })),
      {
        maxLength: 3,
      },
    ),
    spot: fc.option(fc.tuple(fc.boolean(), decimalArb(0.1, 20, 1)), { nil: undefined }),
  })
  .map((r) => {
    const openOrders: OpenOrder[] = r.orders.map(([buy, size, move]) => ({
      instrument: 'SOL-PERP',
      side: buy ? 'buy' : 'sell',
      size,
      price: r.oracle + (r.oracle * BigInt(move)) / 100n,
    }));
    const spotOrders: SpotOrder[] =
      r.spot === undefined
        ? []
        : [
            {
              market: 'PREMIUM/USDC',
              side: r.spot[0] ? 'buy' : 'sell',
              size: r.spot[1],
              price: r.oracle,
            },
          ];
    const account: Account = {
      id: 'a',
      balances: new Map([
        ['USDC', r.usdc],
        ['PREMIUM', r.premium],
      ]),
      positions:
        r.size === 0n
          ? []
          : [
              {
                instrument: 'SOL-PERP',
                size: r.size,
                entryPrice: r.entry,
                marginMode: 'cross',
                isolatedMargin: 0n,
                unsettledPnl: r.unsettled,
              },
            ],
      openOrders,
      spotOrders,
    };
    const oracleOnly: Market = {
      assetPrices: new Map([
        ['USDC', d('1')],
        ['PREMIUM', r.oracle],
      ]),
      markPrices: new Map([['SOL-PERP', r.oracle]]),
      venueTotals: new Map([['PREMIUM', { deposits: r.deposits, borrows: r.borrows }]]),
      stablePrices: new Map([
        ['USDC', d('1')],
        ['PREMIUM', r.oracle],
      ]),
      stableMarkPrices: new Map([['SOL-PERP', r.oracle]]),
    };
    const withStable: Market = {
      ...oracleOnly,
      stablePrices: new Map([
        ['USDC', d('1')],
        ['PREMIUM', r.stable],
      ]),
      stableMarkPrices: new Map([['SOL-PERP', r.markStable]]),
    };
    return { account, oracleOnly, withStable };
  });

function healths(account: Account, venue: Venue, market: Market) {
  const [bucket] = bucketsOf(account, venue);
  const risk = bucketRisk(venue, bucket!, marketView(market));
  return { init: freeCollateral(risk), maint: risk.equity - risk.maintenanceMargin };
}

describe('Mango stable prices', () => {
  it('never raise init health, and never move maint health', () => {
    fc.assert(
      fc.property(draw, ({ account, oracleOnly, withStable }) => {
        const one = healths(account, mango, oracleOnly);
        const two = healths(account, mango, withStable);
        expect(two.init).toBeLessThanOrEqual(one.init);
        expect(two.maint).toBe(one.maint);
      }),
      { numRuns: 300 },
    );
  });

  it('equal to the oracle, give the figures of a rulebook that reads one price', () => {
    fc.assert(
      fc.property(draw, ({ account, oracleOnly }) => {
        const single = venueWith({ initialAtStablePrice: false });
        expect(healths(account, mango, oracleOnly)).toEqual(healths(account, single, oracleOnly));
      }),
      { numRuns: 200 },
    );
  });
});

describe('Mango perp orders', () => {
  it('in maintenance never raise maint health, and leave an account without orders alone', () => {
    const initialOnly = venueWith({ openOrdersInMaintenance: false });
    fc.assert(
      fc.property(draw, ({ account, withStable }) => {
        const every = healths(account, mango, withStable);
        const initial = healths(account, initialOnly, withStable);
        expect(every.maint).toBeLessThanOrEqual(initial.maint);
        expect(every.init).toBe(initial.init);
        const bare = { ...account, openOrders: [] };
        expect(healths(bare, mango, withStable)).toEqual(healths(bare, initialOnly, withStable));
      }),
      { numRuns: 300 },
    );
  });

  it('filled at the mark do not depend on the orders’ own prices', () => {
    fc.assert(
      fc.property(draw, fc.integer({ min: -20, max: 20 }), ({ account, withStable }, move) => {
        const repriced: Account = {
          ...account,
          openOrders: account.openOrders.map((o) => ({
            ...o,
            price: o.price + (o.price * BigInt(move)) / 100n,
          })),
        };
        expect(healths(repriced, mango, withStable)).toEqual(healths(account, mango, withStable));
      }),
      { numRuns: 200 },
    );
  });
});
