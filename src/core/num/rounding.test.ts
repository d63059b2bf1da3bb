import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, parseFixed, SCALE } from './fixed.ts';
import {
  divCeil,
  divFloor,
  divHalfEven,
  isqrt,
  mulCeil,
  mulFloor,
  sqrtCeil,
  sqrtFloor,
} from './rounding.ts';

const big = fc.bigInt(-(10n ** 40n), 10n ** 40n);
const nonZero = big.filter((value) => value !== 0n);

describe('named rounding', () => {
  it('divFloor is the largest q with q·b ≤ a (for b > 0), whatever the signs', () => {
    fc.assert(
      fc.property(big, nonZero, (a, b) => {
        const q = divFloor(a, b);
        // a/b ≥ q and a/b < q + 1, cross-multiplied with the sign of b.
        if (b > 0n) {
          expect(q * b <= a && a < (q + 1n) * b).toBe(true);
        } else {
          expect(q * b >= a && a > (q + 1n) * b).toBe(true);
        }
      }),
    );
  });

  it('divCeil is the smallest q with q ≥ a/b, and never below divFloor', () => {
    fc.assert(
      fc.property(big, nonZero, (a, b) => {
        const up = divCeil(a, b);
        const down = divFloor(a, b);
        expect(up - down).toBe(a % b === 0n ? 0n : 1n);
      }),
    );
  });

  it('bigint / truncates toward zero, which is why it is never used on amounts', () => {
    expect(-7n / 2n).toBe(-3n);
    expect(divFloor(-7n, 2n)).toBe(-4n);
    expect(divCeil(-7n, 2n)).toBe(-3n);
    expect(divCeil(7n, 2n)).toBe(4n);
  });

  it('divHalfEven rounds to nearest and ties to even', () => {
    expect(divHalfEven(5n, 2n)).toBe(2n);
    expect(divHalfEven(7n, 2n)).toBe(4n);
    expect(divHalfEven(-5n, 2n)).toBe(-2n);
    expect(divHalfEven(-7n, 2n)).toBe(-4n);
    expect(divHalfEven(8n, 3n)).toBe(3n);
    fc.assert(
      fc.property(big, nonZero, (a, b) => {
        const q = divHalfEven(a, b);
        const remainder = a - q * b;
        const magnitude = b < 0n ? -b : b;
        expect(2n * (remainder < 0n ? -remainder : remainder) <= magnitude).toBe(true);
      }),
    );
  });

  it('mulCeil and mulFloor bracket the exact product by one unit', () => {
    fc.assert(
      fc.property(big, big, (a, b) => {
        const exact = a * b;
        expect(mulFloor(a, b) * SCALE <= exact).toBe(true);
        expect(mulCeil(a, b) * SCALE >= exact).toBe(true);
        expect(mulCeil(a, b) - mulFloor(a, b) <= 1n).toBe(true);
      }),
    );
  });

  it('isqrt is the floor square root', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 10n ** 80n), (n) => {
        const r = isqrt(n);
        expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
      }),
    );
    expect(sqrtFloor(2n * SCALE)).toBe(1414213562373095048n);
    expect(sqrtCeil(2n * SCALE)).toBe(1414213562373095049n);
    expect(sqrtCeil(4n * SCALE)).toBe(2n * SCALE);
  });
});

describe('decimal strings', () => {
  it('parse and format round-trip exactly', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 36n), 10n ** 36n), (value) => {
        expect(parseFixed(formatFixed(value))).toBe(value);
      }),
    );
  });

  it('refuses what is not a plain decimal of at most 18 places', () => {
    for (const bad of [
      '',
      'NaN',
      '1e5',
      '0x10',
      '1.',
      '.5',
      '+1',
      '1,5',
      ' 1',
      '0.0000000000000000001',
    ]) {
      expect(parseFixed(bad), bad).toBeNull();
    }
    expect(parseFixed('-0.5')).toBe(-SCALE / 2n);
    expect(formatFixed(1_500_000_000_000_000_000n)).toBe('1.5');
  });
});
