import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookArb, bookVenue } from '../../../test/kit.ts';
import type { Account } from '../model/account.ts';
import { marketView } from '../model/price-view.ts';
import { assess } from './assess.ts';
import { marginFigures } from './margin-figures.ts';

describe('margin figures without the report', () => {
  it('are the risk report’s own totals, to the unit, cross or with an isolated position', () => {
    fc.assert(
      fc.property(
        bookArb,
        fc.nat(3),
        fc.bigInt({ min: 0n, max: 10n ** 22n }),
        (book, n, margin) => {
          // One position isolated (when there is one), with some margin of its own.
          const account: Account = {
            ...book.account,
            positions: book.account.positions.map((p, i) =>
              i === n ? { ...p, marginMode: 'isolated', isolatedMargin: margin } : p,
            ),
          };
          const report = assess(account, bookVenue, book.market);
          const { equity, initialMargin, maintenanceMargin, freeCollateral, liquidatable } = report;
          const { buckets, ...totals } = marginFigures(account, bookVenue, marketView(book.market));
          expect(totals).toEqual({
            equity,
            initialMargin,
            maintenanceMargin,
            freeCollateral,
            liquidatable,
          });
          // And bucket by bucket: the engine judges each pool on its own (margin-state.ts).
          const figures = (b: (typeof buckets)[number]) => [
            b.id,
            b.marginMode,
            b.equity,
            b.initialMargin,
            b.maintenanceMargin,
            b.freeCollateral,
            b.liquidatable,
          ];
          expect(buckets.map(figures)).toEqual(report.buckets.map(figures));
        },
      ),
      { numRuns: 300 },
    );
  });
});
