import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCALE } from '../num/fixed.ts';
import { liquidationQueue } from './liquidation-queue.ts';
import type { BucketReport, RiskReport } from './risk-report.ts';

function report(account: string, equity: bigint, maintenanceMargin: bigint): RiskReport {
  const bucket = {
    id: 'cross',
    equity,
    maintenanceMargin,
    liquidatable: equity < maintenanceMargin,
  } as BucketReport;
  return { account, buckets: [bucket] } as unknown as RiskReport;
}

describe('the liquidation queue', () => {
  it('takes the most underwater first, by equity over maintenance', () => {
    // 90 / 100 = 0.9 before 190 / 200 = 0.95, though 190 is the larger shortfall's equity.
    const queue = liquidationQueue([
      report('b', 190n * SCALE, 200n * SCALE),
      report('a', 90n * SCALE, 100n * SCALE),
      report('healthy', 300n * SCALE, 200n * SCALE),
      report('negative', -1n * SCALE, 50n * SCALE),
    ]);
    expect(queue.map((entry) => entry.account)).toEqual(['negative', 'a', 'b']);
  });

  it('at one ratio, the larger requirement first, then the account id', () => {
    // 1/3 exactly in both, and 2/6: inexact ratios compared by cross-multiplying.
    const queue = liquidationQueue([report('z', 1n, 3n), report('y', 2n, 6n), report('x', 1n, 3n)]);
    expect(queue.map((entry) => entry.account)).toEqual(['y', 'x', 'z']);
  });

  it('is the same whatever order the reports come in, and holds only the liquidatable', () => {
    const entry = fc.tuple(fc.bigInt(-1000n, 1000n), fc.bigInt(0n, 1000n));
    const book = fc.array(entry, { maxLength: 12 }).chain((entries) =>
      fc.tuple(
        fc.constant(entries),
        fc.shuffledSubarray(
          entries.map((_, i) => i),
          { minLength: entries.length, maxLength: entries.length },
        ),
      ),
    );
    fc.assert(
      fc.property(book, ([entries, order]) => {
        const reports = entries.map(([equity, mm], i) => report(`acct-${i}`, equity, mm));
        const shuffled = order.map((i) => reports[i]!);
        const queue = liquidationQueue(reports);
        expect(liquidationQueue(shuffled)).toEqual(queue);
        expect(queue.length).toBe(reports.filter((r) => r.buckets[0]!.liquidatable).length);
        for (let i = 1; i < queue.length; i += 1) {
          const [a, b] = [queue[i - 1]!, queue[i]!];
          if (a.maintenanceMargin > 0n && b.maintenanceMargin > 0n) {
            expect(a.equity * b.maintenanceMargin <= b.equity * a.maintenanceMargin).toBe(true);
          }
        }
      }),
    );
  });
});
