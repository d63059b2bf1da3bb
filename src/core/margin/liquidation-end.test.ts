import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d, decimalArb, linearPerp } from '../../../test/kit.ts';
import { mangoPerpRule, mangoToken, mangoUnrealisedProfit } from '../../../test/mango-kit.ts';
import type { Account } from '../model/account.ts';
import { bucketsOf } from '../model/bucket.ts';
import type { Market } from '../model/market.ts';
import { marketView } from '../model/price-view.ts';
import type { CollateralRule, Rulebook } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { bucketRisk, freeCollateral } from './bucket-risk.ts';
import { liquidationEndHealth } from './liquidation-end.ts';

/**
 * Mango states the order of its health types: "init health <= liquidation end health <= maint
 * health" (cache.rs `HealthType`). Over a Mango-style rulebook with stable prices, venue-total
 * scaling, a perp and its orders, the liquidation-end health keeps it.
 */
const premium: CollateralRule = {
  ...mangoToken('0.8', '0.9'),
  depositWeightScaleStart: d('250000'),
  borrowWeightScaleStart: d('250000'),
};
const usdc = mangoToken('1', '1');
const perp = linearPerp('SOL-PERP', 'PREMIUM', { quote: 'USDC', settle: 'USDC' });
const rulebook: Rulebook = {
  id: 'mango-style',
  name: 'Mango-style health',
  crossPool: 'unified',
  collateral: new Map([
    ['USDC', usdc],
    ['PREMIUM', premium],
  ]),
  instruments: new Map(),
  defaultRule: mangoPerpRule,
  unrealisedProfit: mangoUnrealisedProfit,
  contractHealthInSettleAsset: true,
  initialAtStablePrice: true,
  openOrdersInMaintenance: true,
  openOrdersFilledAtMark: true,
  liquidationEndHealth: true,
};
const venue: Venue = { instruments: new Map([['SOL-PERP', perp]]), rulebook };

const draw = fc.record({
  usdc: decimalArb(-5_000, 20_000, 2),
  premium: decimalArb(-40, 60, 3),
  size: decimalArb(-50, 50, 2),
  entry: decimalArb(100, 200, 2),
  oracle: decimalArb(100, 200, 2),
  stable: decimalArb(100, 200, 2),
  markStable: decimalArb(100, 200, 2),
  deposits: decimalArb(0, 5_000, 0),
  borrows: decimalArb(0, 5_000, 0),
  bid: decimalArb(0, 20, 1),
});

function healths(r: { account: Account; market: Market }) {
  const bucket = bucketsOf(r.account, venue)[0]!;
  const prices = marketView(r.market);
  const risk = bucketRisk(venue, bucket, prices);
  return {
    init: freeCollateral(risk),
    end: liquidationEndHealth(venue, bucket, prices),
    maint: risk.equity - risk.maintenanceMargin,
  };
}

function sample(r: {
  usdc: bigint;
  premium: bigint;
  size: bigint;
  entry: bigint;
  oracle: bigint;
  stable: bigint;
  markStable: bigint;
  deposits: bigint;
  borrows: bigint;
  bid: bigint;
}): { account: Account; market: Market } {
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
            },
          ],
    openOrders:
      r.bid === 0n ? [] : [{ instrument: 'SOL-PERP', side: 'buy', size: r.bid, price: r.oracle }],
  };
  // Totals large enough that the 250,000 USD scale starts bind in part of the draws.
  const scale = 1000n;
  const market: Market = {
    assetPrices: new Map([
      ['USDC', d('1')],
      ['PREMIUM', r.oracle],
    ]),
    markPrices: new Map([['SOL-PERP', r.oracle]]),
    venueTotals: new Map([
      ['PREMIUM', { deposits: r.deposits * scale, borrows: r.borrows * scale }],
    ]),
    stablePrices: new Map([
      ['USDC', d('1')],
      ['PREMIUM', r.stable],
    ]),
    stableMarkPrices: new Map([['SOL-PERP', r.markStable]]),
  };
  return { account, market };
}

describe('liquidation-end health (Mango HealthType::LiquidationEnd)', () => {
  it('property: init health ≤ liquidation-end health ≤ maint health', () => {
    fc.assert(
      fc.property(draw, (r) => {
        const { init, end, maint } = healths(sample(r));
        expect(init <= end).toBe(true);
        expect(end <= maint).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('property: with stable prices at the oracle and no scaling, it is the init health', () => {
    fc.assert(
      fc.property(draw, (r) => {
        const flat = sample({
          ...r,
          stable: r.oracle,
          markStable: r.oracle,
          deposits: 0n,
          borrows: 0n,
        });
        const { init, end } = healths(flat);
        expect(end).toBe(init);
      }),
      { numRuns: 200 },
    );
  });
});
