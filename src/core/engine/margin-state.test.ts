import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import { marginStates } from '../ledger/ledger-event.ts';
import type { BucketMode } from '../model/bucket.ts';
import { ONE } from '../num/fixed.ts';
import { marginStateOf } from './margin-state.ts';

// An account's margin state from its buckets' exact figures, with a warning at a margin ratio
// (maintenance margin / equity): at or above it warned, one unit of equity more not; and the state
// never worse for more equity.

interface Bucket {
  readonly marginMode: BucketMode;
  readonly equity: bigint;
  readonly maintenanceMargin: bigint;
  readonly freeCollateral: bigint;
}

const cross = (equity: string, mm: string, free = '1'): Bucket => ({
  marginMode: 'cross',
  equity: d(equity),
  maintenanceMargin: d(mm),
  freeCollateral: d(free),
});
const stateOf = (buckets: readonly Bucket[], warningAt?: bigint) =>
  marginStateOf(
    { liquidatable: buckets.some((b) => b.equity < b.maintenanceMargin), buckets },
    warningAt,
  );

describe('the margin state under a warning level', () => {
  it('is a warning at the ratio exactly, and not one unit of equity above it (0.7 of 100)', () => {
    const r = d('0.7');
    expect(stateOf([cross('100', '70')], r)).toBe('liquidation_warning');
    expect(stateOf([cross('100.000000000000000001', '70')], r)).toBe('healthy');
    // 70.000000000000000001 / 100 is above 0.7 by less than a unit of the ratio.
    expect(stateOf([cross('100', '70.000000000000000001')], r)).toBe('liquidation_warning');
    expect(stateOf([cross('100', '69.999999999999999999')], r)).toBe('healthy');
    // 1/3 of 3 is 1: a ratio that does not divide evenly, compared without rounding it.
    const third = d('0.333333333333333333');
    expect(stateOf([cross('3', '0.999999999999999999')], third)).toBe('liquidation_warning');
    expect(stateOf([cross('3', '0.999999999999999998')], third)).toBe('healthy');
  });

  it('ranks liquidatable over a warning, and a warning over a margin call', () => {
    const r = d('0.8');
    expect(stateOf([cross('100', '90', '-5')], r)).toBe('liquidation_warning');
    expect(stateOf([cross('100', '70', '-5')], r)).toBe('margin_call');
    expect(stateOf([cross('100', '110', '-5')], r)).toBe('liquidatable');
    expect(stateOf([cross('100', '90', '-5')])).toBe('margin_call');
  });

  it('warns on one isolated bucket while the pool is sound, and never on a bucket with no requirement', () => {
    const r = d('0.8');
    const isolated = { ...cross('10', '9', '-1'), marginMode: 'isolated' as const };
    expect(stateOf([cross('1000', '10'), isolated], r)).toBe('liquidation_warning');
    expect(stateOf([cross('0', '0', '0')], r)).toBe('healthy');
    expect(stateOf([cross('0.000000000000000001', '0')], r)).toBe('healthy');
  });

  const bucketArb = fc.record({
    marginMode: fc.constantFrom<BucketMode>('cross', 'isolated'),
    equity: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 22n }),
    maintenanceMargin: fc.bigInt({ min: 0n, max: 10n ** 21n }),
    freeCollateral: fc.bigInt({ min: -(10n ** 21n), max: 10n ** 21n }),
  });
  const ratioArb = fc.bigInt({ min: 1n, max: ONE - 1n });

  it('is a warning exactly where a bucket’s maintenance / equity, floored, reaches the ratio', () => {
    fc.assert(
      fc.property(fc.array(bucketArb, { minLength: 1, maxLength: 4 }), ratioArb, (buckets, r) => {
        const liquidatable = buckets.some((b) => b.equity < b.maintenanceMargin);
        // floor(x) ≥ r ⟺ x ≥ r for a whole r: the ratio in units of ONE, by division.
        const reaches = buckets.some(
          (b) =>
            b.maintenanceMargin > 0n &&
            b.equity > 0n &&
            (b.maintenanceMargin * ONE) / b.equity >= r,
        );
        const state = stateOf(buckets, r);
        expect(state === 'liquidation_warning').toBe(!liquidatable && reaches);
      }),
    );
  });

  it('is never worse for more equity in a bucket', () => {
    fc.assert(
      fc.property(
        fc.array(bucketArb, { minLength: 1, maxLength: 4 }),
        fc.option(ratioArb, { nil: undefined }),
        fc.nat(3),
        fc.bigInt({ min: 1n, max: 10n ** 21n }),
        (buckets, r, at, more) => {
          const k = at % buckets.length;
          const richer = buckets.map((b, i) =>
            i === k
              ? { ...b, equity: b.equity + more, freeCollateral: b.freeCollateral + more }
              : b,
          );
          const rank = (state: string) => marginStates.indexOf(state as never);
          expect(rank(stateOf(richer, r))).toBeLessThanOrEqual(rank(stateOf(buckets, r)));
        },
      ),
    );
  });
});
