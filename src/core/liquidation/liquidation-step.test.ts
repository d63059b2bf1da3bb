import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  account,
  bookArb,
  bookVenue,
  d,
  pmMarket,
  pmVenue,
  position,
  withEquityAt,
  withFeePaid,
} from '../../../test/kit.ts';
import { bucketRisk } from '../margin/bucket-risk.ts';
import { notional } from '../margin/contract-value.ts';
import { applyHypothetical } from '../margin/hypothetical.ts';
import type { Account } from '../model/account.ts';
import { bucketsOf } from '../model/bucket.ts';
import { marketView, type PriceView } from '../model/price-view.ts';
import { defaultLiquidationRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { abs, formatFixed, max, min, ONE } from '../num/fixed.ts';
import { mulCeil } from '../num/rounding.ts';
import { liquidationFee, liquidationValue, settleUnit } from './insurance-fund-delta.ts';
import { liquidationStep } from './liquidation-step.ts';

const rule = { ...defaultLiquidationRule, buffer: d('0.05'), spreadToMaintenance: d('0.5') };
const noBlockLimit = d('1000000000000');

/** The account after closing `size` of one instrument at `price`, made as a what-if makes it. */
function closed(
  held: Account,
  on: Venue,
  instrument: string,
  size: bigint,
  price: bigint,
): Account {
  const { size: holding } = held.positions.find((p) => p.instrument === instrument)!;
  const side = holding > 0n ? 'sell' : 'buy';
  return applyHypothetical(held, on, { kind: 'order', instrument, side, size, price });
}

const riskOf = (held: Account, prices: PriceView) =>
  bucketRisk(bookVenue, bucketsOf(held, bookVenue)[0]!, prices);

/** The step of an account of `positions` on bookVenue cut to half its maintenance margin. */
const stepOfHalfway = (
  positions: ReturnType<typeof position>[],
  prices: PriceView,
  remaining = noBlockLimit,
) => {
  const held = withEquityAt(account({ USDT: '0', BTC: '0' }, positions), bookVenue, prices, 50);
  return liquidationStep(bookVenue, bucketsOf(held, bookVenue)[0]!, prices, rule, remaining);
};

describe('a liquidation step, on random cross books', () => {
  it('is none at or above maintenance, and one below it that closes enough, within its prices', () => {
    const counts = { healthy: 0, stepped: 0, enough: 0, held: 0, chosen: 0 };
    fc.assert(
      fc.property(bookArb, fc.integer({ min: 20, max: 140 }), ({ account, market }, percent) => {
        if (account.positions.length === 0) return;
        const prices = marketView(market);
        // Positions in either order, so the last leg is not always the best one to close.
        const drawn =
          percent % 2 === 0 ? account : { ...account, positions: [...account.positions].reverse() };
        const held = withEquityAt(drawn, bookVenue, prices, percent);
        const before = riskOf(held, prices);
        const step = liquidationStep(
          bookVenue,
          bucketsOf(held, bookVenue)[0]!,
          prices,
          rule,
          noBlockLimit,
        );
        if (before.equity >= before.maintenanceMargin) {
          expect(step).toBeUndefined();
          counts.healthy += 1;
          return;
        }
        expect(step).toBeDefined();
        const { instrument, side, size, limitPrice, bankruptcyPrice } = step!;
        counts.stepped += 1;
        const position = held.positions.find((p) => p.instrument === instrument)!;
        const mark = prices.markPrice(instrument);
        expect(side).toBe(position.size > 0n ? 'sell' : 'buy');
        expect(size).toBeGreaterThan(0n);
        expect(size).toBeLessThanOrEqual(abs(position.size));
        // The limit is on the close's worse side of the mark, not past the bankruptcy price
        // (the mark itself where the mark is past it: the close bankrupts at any fillable price).
        if (side === 'sell') {
          expect(limitPrice).toBeLessThanOrEqual(mark);
          if (bankruptcyPrice !== null) {
            expect(limitPrice).toBeGreaterThanOrEqual(min(bankruptcyPrice, mark));
          }
        } else {
          expect(limitPrice).toBeGreaterThanOrEqual(mark);
          if (bankruptcyPrice !== null) {
            expect(limitPrice).toBeLessThanOrEqual(max(bankruptcyPrice, mark));
          }
        }
        counts.held += bankruptcyPrice === limitPrice ? 1 : 0;
        // The position closed takes the most MM off per unit of notional of any, closed whole.
        const perNotional = (id: string) => {
          const whole = abs(held.positions.find((p) => p.instrument === id)!.size);
          const off =
            before.maintenanceMargin -
            riskOf(closed(held, bookVenue, id, whole, prices.markPrice(id)), prices)
              .maintenanceMargin;
          const contract = bookVenue.instruments.get(id)!;
          // In USD, as MM is: an inverse contract's notional is in its coin.
          const worth =
            notional(contract, whole, prices.markPrice(id)) * prices.assetPrice(contract.settle);
          return { off, worth };
        };
        const best = perNotional(instrument);
        for (const other of held.positions) {
          const them = perNotional(other.instrument);
          expect(best.off * them.worth).toBeGreaterThanOrEqual(them.off * best.worth);
          // A tie goes to the smaller id.
          if (best.off * them.worth === them.off * best.worth) {
            expect(instrument <= other.instrument).toBe(true);
          }
        }
        if (held.positions.length > 1) counts.chosen += 1;
        // Filled at its limit and its fee paid, the step brings the bucket to MM × (1 + buffer),
        // unless it closes the whole position (a step can do no more).
        if (size < abs(position.size)) {
          const contract = bookVenue.instruments.get(instrument)!;
          const value = liquidationValue(contract, size, limitPrice, prices);
          const fee = liquidationFee(value, rule.feeRate, settleUnit(bookVenue, contract));
          const traded = closed(held, bookVenue, instrument, size, limitPrice);
          const after = riskOf(withFeePaid(traded, contract.settle, fee), prices);
          expect(after.equity).toBeGreaterThanOrEqual(
            mulCeil(after.maintenanceMargin, ONE + rule.buffer),
          );
          counts.enough += 1;
        }
      }),
      { numRuns: 500, seed: 20261204 },
    );
    expect(counts.healthy).toBeGreaterThan(20);
    expect(counts.stepped).toBeGreaterThan(20);
    expect(counts.enough).toBeGreaterThan(5);
    expect(counts.held).toBeGreaterThan(5);
    // Books of two positions or more, where which one to close is a choice.
    expect(counts.chosen).toBeGreaterThan(40);
  });

  it('orders nothing where nothing remains to liquidate in the block', () => {
    fc.assert(
      fc.property(bookArb, ({ account, market }) => {
        if (account.positions.length === 0) return;
        const prices = marketView(market);
        const held = withEquityAt(account, bookVenue, prices, 50);
        const [bucket] = bucketsOf(held, bookVenue);
        expect(liquidationStep(bookVenue, bucket!, prices, rule, 0n)).toBeUndefined();
      }),
      { numRuns: 50, seed: 20261205 },
    );
  });

  it('steps over a flat leg that holds only orders', () => {
    fc.assert(
      fc.property(bookArb, ({ account, market }) => {
        if (account.positions.length === 0 || account.positions.length === 4) return;
        const prices = marketView(market);
        const held = withEquityAt(account, bookVenue, prices, 50);
        const flat = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BTCUSD'].find(
          (id) => !held.positions.some((p) => p.instrument === id),
        )!;
        const order = {
          id: 'o1',
          instrument: flat,
          side: 'buy' as const,
          size: d('1'),
          price: prices.markPrice(flat),
        };
        const [bare] = bucketsOf(held, bookVenue);
        const [withOrder] = bucketsOf({ ...held, openOrders: [order] }, bookVenue);
        expect(liquidationStep(bookVenue, withOrder!, prices, rule, noBlockLimit)).toEqual(
          liquidationStep(bookVenue, bare!, prices, rule, noBlockLimit),
        );
      }),
      { numRuns: 40, seed: 20261208 },
    );
  });
});

describe('a liquidation step in portfolio mode', () => {
  // Long 10 BTC-PERP against short 6 BTC-MAR: net long 4. Closing the perp whole leaves the
  // account net short 6, a larger scenario loss than it has; closing half of it, net short 1.
  const hedged: Account = {
    ...account({ USDC: '1000' }, [
      position('BTC-PERP', '10', '95010'),
      position('BTC-MAR', '-6', '96500'),
    ]),
    poolMode: 'portfolio',
  };
  const prices = marketView(pmMarket);
  const bucketOf = (held: Account) => bucketsOf(held, pmVenue)[0]!;
  const mmAfter = (instrument: string, size: string) =>
    bucketRisk(
      pmVenue,
      bucketOf(closed(hedged, pmVenue, instrument, d(size), prices.markPrice(instrument))),
      prices,
    ).maintenanceMargin;

  it('closes part of a hedge leg where its whole close would add margin', () => {
    const before = bucketRisk(pmVenue, bucketOf(hedged), prices);
    expect(before.equity).toBeLessThan(before.maintenanceMargin);
    // The premise: no whole close takes margin off, half of the perp does.
    expect(mmAfter('BTC-PERP', '10')).toBeGreaterThan(before.maintenanceMargin);
    expect(mmAfter('BTC-MAR', '6')).toBeGreaterThan(before.maintenanceMargin);
    expect(mmAfter('BTC-PERP', '5')).toBeLessThan(before.maintenanceMargin);
    const step = liquidationStep(pmVenue, bucketOf(hedged), prices, rule, noBlockLimit);
    expect(step).toBeDefined();
    expect(step!.instrument).toBe('BTC-PERP');
    expect(step!.side).toBe('sell');
    // No more than the half that was found to take margin off, and it does take margin off.
    expect(step!.size).toBeGreaterThan(0n);
    expect(step!.size).toBeLessThanOrEqual(d('5'));
    expect(mmAfter('BTC-PERP', formatFixed(step!.size))).toBeLessThan(before.maintenanceMargin);
  });
});

describe('a liquidation step between equals', () => {
  // BTCUSDT and ETHUSDT under the same brackets, at the same mark and size: the same margin off
  // for the same notional, a tie, which goes to the smaller instrument id in either order.
  const prices = marketView({
    assetPrices: new Map([
      ['USDT', d('1')],
      ['BTC', d('50000')],
      ['ETH', d('50000')],
    ]),
    markPrices: new Map([
      ['BTCUSDT', d('50000')],
      ['ETHUSDT', d('50000')],
    ]),
  });
  const two = (first: string, second: string) => [
    position(first, '2', '50000'),
    position(second, '2', '50000'),
  ];

  it.each([
    ['BTCUSDT', 'ETHUSDT'],
    ['ETHUSDT', 'BTCUSDT'],
  ])('closes BTCUSDT, held as %s then %s', (first, second) => {
    expect(stepOfHalfway(two(first, second), prices)?.instrument).toBe('BTCUSDT');
  });

  it('names the side of a hedge-mode position it closes', () => {
    const hedged = stepOfHalfway([position('BTCUSDT', '2', '50000', { side: 'long' })], prices);
    expect(hedged).toMatchObject({ instrument: 'BTCUSDT', positionSide: 'long', side: 'sell' });
    expect(stepOfHalfway(two('BTCUSDT', 'ETHUSDT'), prices)).not.toHaveProperty('positionSide');
  });
});

describe("a liquidation step on a coin-settled contract, within the block's bound", () => {
  it('counts what remains of the block (USD) in the coin the notional is in', () => {
    // 2,000 BTCUSD contracts of 100 USD at 50,000: 200,000 USD, 4 BTC. 10,000 USD may still be
    // liquidated in the block: 0.2 BTC, 100 contracts; the step is no more than that.
    const prices = marketView({
      assetPrices: new Map([
        ['USDT', d('1')],
        ['BTC', d('50000')],
      ]),
      markPrices: new Map([['BTCUSD', d('50000')]]),
    });
    const step = stepOfHalfway([position('BTCUSD', '2000', '50000')], prices, d('10000'));
    expect(step).toBeDefined();
    expect(step!.size).toBe(d('100'));
    expect(step!.value).toBe(d('10000'));
  });
});
