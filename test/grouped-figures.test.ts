import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grouped } from '../src/shell/cli/figures.ts';

/** `whatif` on a book writes its counts and USD figures as toLocaleString('en-US') does, without ICU. */
describe('grouped', () => {
  const intl = (value: number, digits: number) =>
    value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

  it('writes what Intl writes, ties and signs included', () => {
    expect(grouped(1234567, 0)).toBe('1,234,567');
    expect(grouped(-1000, 0)).toBe('-1,000');
    // The shortest decimal of 1.005 is a tie, rounded away from zero as Intl rounds it.
    expect(grouped(1.005, 2)).toBe('1.01');
    expect(grouped(999999.995, 2)).toBe('1,000,000.00');
    expect(grouped(-0.001, 2)).toBe('-0.00');
    expect(grouped(-0, 2)).toBe('-0.00');
    for (const value of [1e-7, 1e21, -1e22, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(grouped(value, 2)).toBe(intl(value, 2));
    }
  });

  it('agrees with Intl on any double, with 0 and 2 decimals', () => {
    fc.assert(
      fc.property(fc.double(), fc.constantFrom(0, 2), (value, digits) => {
        expect(grouped(value, digits)).toBe(intl(value, digits));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(0, 2), (mills, digits) => {
        expect(grouped(mills / 1000, digits)).toBe(intl(mills / 1000, digits));
      }),
      { numRuns: 5000 },
    );
  });
});
