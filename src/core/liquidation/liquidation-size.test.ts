import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookArb, bookVenue, d, withEquityAt, withFeePaid } from '../../../test/kit.ts';
import { bucketRisk } from '../margin/bucket-risk.ts';
import { applyHypothetical } from '../margin/hypothetical.ts';
import { bucketsOf } from '../model/bucket.ts';
import { marketView } from '../model/price-view.ts';
import { abs, ONE } from '../num/fixed.ts';
import { mulCeil } from '../num/rounding.ts';
import { liquidationFee, liquidationValue, settleUnit } from './insurance-fund-delta.ts';
import { liquidationSize } from './liquidation-size.ts';

describe('a liquidation step, on random cross books', () => {
  it('closes just enough to bring the bucket back to MM × (1 + buffer), one step less not', () => {
    const counts = { partial: 0, whole: 0 };
    fc.assert(
      fc.property(
        bookArb,
        fc.nat(3),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 10, max: 99 }),
        fc.integer({ min: 0, max: 20 }),
        (
          { account: drawn, market: given },
          pick,
          bufferPercent,
          spreadBasisPoints,
          fallen,
          feeTenthsOfBasisPoint,
        ) => {
          if (drawn.positions.length === 0) return;
          const prices = marketView(given);
          const held = withEquityAt(drawn, bookVenue, prices, fallen);
          const [bucket] = bucketsOf(held, bookVenue);
          const leg = pick % bucket!.legs.length;
          const { instrument, size: signed } = bucket!.legs[leg]!;
          const before = bucketRisk(bookVenue, bucket!, prices);
          if (before.equity >= before.maintenanceMargin) return;
          const mark = prices.markPrice(instrument);
          const tick = bookVenue.instruments.get(instrument)!.tickSize;
          const step = bookVenue.instruments.get(instrument)!.sizeStep;
          // A limit some way past the mark, on the close's worse side, on the tick grid.
          const away = ((mark * BigInt(spreadBasisPoints)) / 10_000n / tick) * tick;
          const price = signed > 0n ? mark - away : mark + away;
          const buffer = (BigInt(bufferPercent) * ONE) / 100n;
          const feeRate = (BigInt(feeTenthsOfBasisPoint) * ONE) / 100_000n;
          const sizing = { buffer, minNotional: 0n, maxPortion: ONE, feeRate };
          const contract = bookVenue.instruments.get(instrument)!;
          const size = liquidationSize(
            bookVenue,
            bucket!,
            leg,
            prices,
            price,
            sizing,
            d('1000000000000'),
          );
          // The close made the way a what-if makes it, not the step's own way, then its fee.
          const standsAfter = (closed: bigint) => {
            const traded = applyHypothetical(held, bookVenue, {
              kind: 'order',
              instrument,
              side: signed > 0n ? 'sell' : 'buy',
              size: closed,
              price,
            });
            const value = liquidationValue(contract, closed, price, prices);
            const fee = liquidationFee(value, feeRate, settleUnit(bookVenue, contract));
            const charged = withFeePaid(traded, contract.settle, fee);
            const after = bucketRisk(bookVenue, bucketsOf(charged, bookVenue)[0]!, prices);
            return after.equity >= mulCeil(after.maintenanceMargin, ONE + buffer);
          };
          expect(size).toBeGreaterThan(0n);
          expect(size % step).toBe(0n);
          if (size < abs(signed)) {
            expect(standsAfter(size)).toBe(true);
            counts.partial += 1;
          } else counts.whole += 1;
          if (size > step) expect(standsAfter(size - step)).toBe(false);
        },
      ),
      { numRuns: 400, seed: 20261203 },
    );
    expect(counts.partial).toBeGreaterThan(10);
    expect(counts.whole).toBeGreaterThan(10);
  });
});
