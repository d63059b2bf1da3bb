import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookArb, bookVenue, d } from '../../../test/kit.ts';
import { bucketRisk } from '../margin/bucket-risk.ts';
import { bucketsOf } from '../model/bucket.ts';
import { marketView } from '../model/price-view.ts';
import { abs } from '../num/fixed.ts';
import { fillablePrice } from './fillable-price.ts';

const config = { bankruptcyAdjustment: d('1.5'), spreadToMaintenance: d('0.3') };

describe('the liquidation limit price, on random cross books', () => {
  it('lies on the close’s worse side of the mark, no farther as the bucket has more equity', () => {
    let apart = 0;
    fc.assert(
      fc.property(
        bookArb,
        fc.nat(3),
        fc.bigInt({ min: 0n, max: d('5000000') }),
        ({ account: held, market: given }, pick, more) => {
          if (held.positions.length === 0) return;
          const prices = marketView(given);
          const [bucket] = bucketsOf(held, bookVenue);
          const leg = pick % bucket!.legs.length;
          const { instrument, size } = bucket!.legs[leg]!;
          const mark = prices.markPrice(instrument);
          const tick = bookVenue.instruments.get(instrument)!.tickSize;
          const selling = size > 0n;
          const usdt = bucket!.balances.get('USDT') ?? 0n;
          const richer = {
            ...bucket!,
            balances: new Map([...bucket!.balances, ['USDT', usdt + more]]),
          };
          const price = fillablePrice(bookVenue, bucket!, leg, prices, config);
          const richerPrice = fillablePrice(bookVenue, richer, leg, prices, config);
          // On the worse side of the mark, within a tick of its rounding the account's way.
          if (selling) expect(price).toBeLessThanOrEqual(mark + tick);
          else expect(price).toBeGreaterThanOrEqual(mark - tick);
          // More equity: no farther from the mark.
          expect(abs(richerPrice - mark)).toBeLessThanOrEqual(abs(price - mark));
          // A bucket at or above maintenance sells at the mark (to the tick).
          const { equity, maintenanceMargin } = bucketRisk(bookVenue, richer, prices);
          if (equity >= maintenanceMargin) expect(abs(richerPrice - mark)).toBeLessThan(tick);
          if (abs(price - mark) > tick) apart += 1;
        },
      ),
      { numRuns: 200, seed: 20261203 },
    );
    // The book's generator makes some buckets below maintenance, whose limit leaves the mark.
    expect(apart).toBeGreaterThan(5);
  });
});
