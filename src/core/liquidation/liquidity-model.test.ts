import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d, inversePerp, linearPerp } from '../../../test/kit.ts';
import { abs } from '../num/fixed.ts';
import { liquidityFill } from './liquidity-model.ts';

const btc = linearPerp('BTCUSDT', 'BTC', { tickSize: d('0.1') });
const coin = { ...inversePerp('BTCUSD', 'BTC'), contractSize: d('100') };

describe("the liquidity model's fill of a liquidation order", () => {
  it('a sell of 1 BTC at 50,000 into 1,000,000 a percent gives way 0.05 %: 49,975', () => {
    const order = { side: 'sell' as const, size: d('1'), limitPrice: d('49000') };
    expect(liquidityFill(btc, order, d('50000'), { depth: d('1000000') })).toEqual({
      size: d('1'),
      price: d('49975'),
    });
    // A buy of 3,000 USD of face of the inverse contract into 100,000 a percent: 0.03 %, up.
    const buy = { side: 'buy' as const, size: d('30'), limitPrice: d('52000') };
    expect(liquidityFill(coin, buy, d('50000'), { depth: d('100000') })).toEqual({
      size: d('30'),
      price: d('50015'),
    });
  });

  it('fills only what the limit allows, and nothing where not a step fits', () => {
    // 0.5 % of room at 1,000,000 a percent: 500,000 of notional, 10 BTC of the 300 asked.
    const order = { side: 'sell' as const, size: d('300'), limitPrice: d('49750') };
    expect(liquidityFill(btc, order, d('50000'), { depth: d('1000000') })).toEqual({
      size: d('10'),
      price: d('49750'),
    });
    const atMark = { side: 'sell' as const, size: d('1'), limitPrice: d('50000') };
    expect(liquidityFill(btc, atMark, d('50000'), { depth: d('1000000') })).toBeUndefined();
    // A limit on the order's better side of the mark: the book there takes nothing.
    const above = { side: 'sell' as const, size: d('1'), limitPrice: d('50100') };
    const below = { side: 'buy' as const, size: d('1'), limitPrice: d('49900') };
    for (const order of [above, below]) {
      expect(liquidityFill(btc, order, d('50000'), { depth: d('1000000') })).toBeUndefined();
    }
  });

  it('refuses a book of no depth', () => {
    const order = { side: 'sell' as const, size: d('1'), limitPrice: d('49000') };
    expect(() => liquidityFill(btc, order, d('50000'), { depth: 0n })).toThrow(/some depth/);
  });

  it('never fills past the limit nor more than the order, on the grids, over any order', () => {
    const counts = { whole: 0, part: 0 };
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 20_000, max: 120_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.boolean(),
        (selling, thousandths, basisPoints, markWhole, depthWhole, inverse) => {
          const contract = inverse ? coin : btc;
          const mark = d(String(markWhole));
          const away = (mark * BigInt(basisPoints)) / 10_000n / contract.tickSize;
          const limitPrice =
            (selling ? mark / contract.tickSize - away : mark / contract.tickSize + away) *
            contract.tickSize;
          const size = inverse ? BigInt(thousandths) * d('1') : BigInt(thousandths) * d('0.001');
          const order = { side: selling ? ('sell' as const) : ('buy' as const), size, limitPrice };
          const filled = liquidityFill(contract, order, mark, { depth: d(String(depthWhole)) });
          if (filled === undefined) return;
          counts[filled.size === size ? 'whole' : 'part'] += 1;
          // What it fills moves the price no more than the limit allows; one step more would.
          const face = (n: bigint) =>
            inverse ? n * contract.contractSize : (n * contract.contractSize * mark) / d('1');
          const within = (n: bigint) =>
            face(n) * mark <= abs(mark - limitPrice) * d(String(depthWhole)) * 100n * d('1');
          expect(within(filled.size)).toBe(true);
          if (filled.size < size) expect(within(filled.size + contract.sizeStep)).toBe(false);
          expect(filled.size).toBeGreaterThan(0n);
          expect(filled.size).toBeLessThanOrEqual(size);
          expect(filled.size % contract.sizeStep).toBe(0n);
          expect(filled.price % contract.tickSize).toBe(0n);
          if (selling) {
            expect(filled.price).toBeGreaterThanOrEqual(limitPrice);
            expect(filled.price).toBeLessThanOrEqual(mark);
          } else {
            expect(filled.price).toBeLessThanOrEqual(limitPrice);
            expect(filled.price).toBeGreaterThanOrEqual(mark);
          }
        },
      ),
      { numRuns: 500, seed: 20261207 },
    );
    expect(counts.whole).toBeGreaterThan(50);
    expect(counts.part).toBeGreaterThan(50);
  });
});
