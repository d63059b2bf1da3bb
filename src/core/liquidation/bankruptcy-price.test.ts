import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookArb, bookVenue } from '../../../test/kit.ts';
import { bucketRisk } from '../margin/bucket-risk.ts';
import { applyHypothetical } from '../margin/hypothetical.ts';
import { bucketsOf } from '../model/bucket.ts';
import { marketView } from '../model/price-view.ts';
import { abs } from '../num/fixed.ts';
import { floorToStep } from '../num/rounding.ts';
import { bankruptcyPrice } from './bankruptcy-price.ts';

describe('the bankruptcy price, on random cross books', () => {
  it('leaves the account its share of equity at that price, and not one tick worse', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        bookArb,
        fc.nat(3),
        fc.integer({ min: 1, max: 100 }),
        ({ account: held, market: given }, pick, percent) => {
          if (held.positions.length === 0) return;
          const prices = marketView(given);
          const chosen = held.positions[pick % held.positions.length]!;
          const instrument = bookVenue.instruments.get(chosen.instrument)!;
          const size = floorToStep(
            (abs(chosen.size) * BigInt(percent)) / 100n,
            instrument.sizeStep,
          );
          if (size === 0n) return;
          const [bucket] = bucketsOf(held, bookVenue);
          const leg = bucket!.legs.findIndex((l) => l.instrument === chosen.instrument);
          const price = bankruptcyPrice(bookVenue, bucket!, { leg, size }, prices);
          if (price === null) return;
          const before = bucketRisk(bookVenue, bucket!, prices);
          if (before.maintenanceMargin === 0n) return;
          // The close made the way a what-if makes it (the account's fill), not the search's way.
          const side = chosen.size > 0n ? 'sell' : 'buy';
          const closedAt = (at: bigint) => {
            const closed = applyHypothetical(held, bookVenue, {
              kind: 'order',
              instrument: chosen.instrument,
              side,
              size,
              price: at,
            });
            return bucketRisk(bookVenue, bucketsOf(closed, bookVenue)[0]!, prices);
          };
          const at = closedAt(price);
          // equity after / MM after ≥ equity / MM, cross-multiplied (MM after is the mark's).
          expect(at.equity * before.maintenanceMargin).toBeGreaterThanOrEqual(
            before.equity * at.maintenanceMargin,
          );
          const worse = side === 'sell' ? price - instrument.tickSize : price + instrument.tickSize;
          if (worse < 0n) return;
          const past = closedAt(worse);
          // Below the share, within the one unit the share is rounded by.
          expect(past.equity * before.maintenanceMargin).toBeLessThan(
            before.equity * past.maintenanceMargin + before.maintenanceMargin,
          );
          checked += 1;
        },
      ),
      { numRuns: 300, seed: 20261203 },
    );
    expect(checked).toBeGreaterThan(150);
  });
});
