import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCALE } from './fixed.ts';
import { amountDown, amountNearest, amountUp, exactRational } from './float-bridge.ts';

const unit = SCALE / 100_000_000n;

/** value × SCALE as the exact fraction numerator / denominator. */
function scaled(value: number): [bigint, bigint] {
  const [numerator, denominator] = exactRational(value);
  return [numerator * SCALE, denominator];
}

describe('float figures become exact amounts in the venue’s favour', () => {
  it('reads a double as the exact fraction it is', () => {
    const same = (value: number, numerator: bigint, denominator: bigint) => {
      const [n, d] = exactRational(value);
      expect(n * denominator).toBe(numerator * d);
    };
    same(0.5, 1n, 2n);
    same(-3, -3n, 1n);
    same(2 ** 60, 2n ** 60n, 1n);
    // 0.1 is not 1/10: it is the nearest double, 3602879701896397 / 2^55.
    same(0.1, 3602879701896397n, 2n ** 55n);
    same(Number.MIN_VALUE, 1n, 2n ** 1074n);
  });

  it('rounds up above 1e8, where value × 1e8 passes 2^53', () => {
    // 123,456,789.123456789 is the double 123456789.12345679104328155517578125: up to the next
    // 1e-8 is .12345680, down .12345679. The float product 1.2345678912345679e16 is an integer
    // already, so ceil() of it was the old answer whichever way it had rounded.
    const value = 123_456_789.12345679;
    expect(amountUp(value)).toBe(12_345_678_912_345_680n * unit);
    expect(amountDown(value)).toBe(12_345_678_912_345_679n * unit);
    // 2e15 + 0.25 is exact in float64 (its spacing there is 0.25): both ways give it exactly.
    expect(amountUp(2e15 + 0.25)).toBe(200_000_000_000_000_025_000_000n * unit);
    expect(amountDown(2e15 + 0.25)).toBe(200_000_000_000_000_025_000_000n * unit);
  });

  it('a product that float rounds down still rounds up', () => {
    // 0.29 is 0.28999999999999998002…; × 1e8 in float is 28999999.999999996, ceil 29000000.
    // The exact value is below 0.29, so up gives 0.29 and down 0.28999999.
    expect(amountUp(0.29)).toBe(29_000_000n * unit);
    expect(amountDown(0.29)).toBe(28_999_999n * unit);
    // 1.1 is 1.100000000000000088…: up is 1.10000001, down 1.1.
    expect(amountUp(1.1)).toBe(110_000_001n * unit);
    expect(amountDown(1.1)).toBe(110_000_000n * unit);
  });

  it('up is the least multiple of 1e-8 at or above the value, down the greatest below', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e17, max: 1e17 }),
        (v) => {
          const [numerator, denominator] = scaled(v);
          const up = amountUp(v);
          const down = amountDown(v);
          expect(up % unit).toBe(0n);
          expect(down % unit).toBe(0n);
          expect(up * denominator >= numerator).toBe(true);
          expect((up - unit) * denominator < numerator).toBe(true);
          expect(down * denominator <= numerator).toBe(true);
          expect((down + unit) * denominator > numerator).toBe(true);
          const nearest = amountNearest(v);
          expect(nearest === up || nearest === down).toBe(true);
        },
      ),
    );
  });

  it('refuses a figure that is not finite', () => {
    expect(() => amountUp(Number.NaN)).toThrow(/finite/);
    expect(() => amountDown(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
});
