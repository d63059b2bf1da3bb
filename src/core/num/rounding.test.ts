import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, parseFixed, SCALE } from './fixed.ts';
import {
  ceilToStep,
  divCeil,
  divFloor,
  divHalfEven,
  floorToStep,
  isqrt,
  mulCeil,
  mulFloor,
  ratioCeil,
  ratioFloor,
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

/**
 * Each rounding's direction, on values that do not divide evenly: flipping floor and ceil, or
 * dropping the correction of `/`'s truncation, changes every result below.
 */
describe('rounding direction, on inexact values', () => {
  const inexact = fc
    .tuple(big, nonZero)
    .filter(([a, b]) => a % b !== 0n)
    .map(([a, b]) => ({ a, b }));

  it('divFloor and divCeil on all four sign combinations, exact and inexact', () => {
    // [numerator, denominator, floor, ceil]
    const cases: [bigint, bigint, bigint, bigint][] = [
      [7n, 2n, 3n, 4n],
      [-7n, 2n, -4n, -3n],
      [7n, -2n, -4n, -3n],
      [-7n, -2n, 3n, 4n],
      [1n, 3n, 0n, 1n],
      [-1n, 3n, -1n, 0n],
      [1n, -3n, -1n, 0n],
      [-1n, -3n, 0n, 1n],
      [6n, 3n, 2n, 2n],
      [-6n, 3n, -2n, -2n],
      [6n, -3n, -2n, -2n],
      [-6n, -3n, 2n, 2n],
      [0n, 5n, 0n, 0n],
      [0n, -5n, 0n, 0n],
    ];
    for (const [a, b, floor, ceil] of cases) {
      expect(divFloor(a, b), `divFloor(${a}, ${b})`).toBe(floor);
      expect(divCeil(a, b), `divCeil(${a}, ${b})`).toBe(ceil);
    }
  });

  it('an inexact divFloor lies strictly below a/b, divCeil strictly above, one apart', () => {
    fc.assert(
      fc.property(inexact, ({ a, b }) => {
        const down = divFloor(a, b);
        const up = divCeil(a, b);
        // Cross-multiplied with b's sign: q < a/b ⇔ q·b < a for b > 0, q·b > a for b < 0.
        const below = (q: bigint) => (b > 0n ? q * b < a : q * b > a);
        expect(below(down)).toBe(true);
        expect(below(up)).toBe(false);
        expect(up - down).toBe(1n);
      }),
    );
  });

  it('refuses to divide by zero', () => {
    expect(() => divFloor(1n, 0n)).toThrow(new RangeError('division by zero'));
    expect(() => divCeil(1n, 0n)).toThrow(new RangeError('division by zero'));
    expect(() => divFloor(0n, 0n)).toThrow(new RangeError('division by zero'));
  });

  it('divHalfEven: ties go to the even neighbour whatever the signs, the rest to the nearest', () => {
    // [numerator, denominator, nearest]
    const cases: [bigint, bigint, bigint][] = [
      [1n, 2n, 0n],
      [3n, 2n, 2n],
      [5n, 2n, 2n],
      [-1n, 2n, 0n],
      [-3n, 2n, -2n],
      [-5n, 2n, -2n],
      [5n, -2n, -2n],
      [-5n, -2n, 2n],
      [3n, -2n, -2n],
      [-3n, -2n, 2n],
      [7n, 3n, 2n],
      [8n, 3n, 3n],
      [-7n, 3n, -2n],
      [-8n, 3n, -3n],
      [7n, -3n, -2n],
      [8n, -3n, -3n],
      [-8n, -3n, 3n],
      [25n, 10n, 2n],
      [35n, 10n, 4n],
      [26n, 10n, 3n],
      [24n, 10n, 2n],
      [6n, 3n, 2n],
    ];
    for (const [a, b, nearest] of cases) {
      expect(divHalfEven(a, b), `divHalfEven(${a}, ${b})`).toBe(nearest);
    }
  });

  it('divHalfEven is divFloor or divCeil, the nearer one, and even on a tie', () => {
    fc.assert(
      fc.property(inexact, ({ a, b }) => {
        const q = divHalfEven(a, b);
        const down = divFloor(a, b);
        expect(q === down || q === down + 1n).toBe(true);
        // 2·|a − q·b| against |b|: below on the nearest, equal on a tie (then q is even).
        const twice = 2n * (a - q * b);
        const distance = twice < 0n ? -twice : twice;
        const magnitude = b < 0n ? -b : b;
        expect(distance <= magnitude).toBe(true);
        if (distance === magnitude) expect(q % 2n).toBe(0n);
      }),
    );
  });

  it('mulFloor and mulCeil of inexact products, positive and negative', () => {
    const third = 333_333_333_333_333_333n; // 0.333…3
    expect(mulFloor(SCALE, third)).toBe(third);
    expect(mulFloor(3n, third)).toBe(0n); // 0.999…9 units
    expect(mulCeil(3n, third)).toBe(1n);
    expect(mulFloor(-3n, third)).toBe(-1n);
    expect(mulCeil(-3n, third)).toBe(0n);
    expect(mulFloor(7n, SCALE / 2n)).toBe(3n); // 3.5 units
    expect(mulCeil(7n, SCALE / 2n)).toBe(4n);
    expect(mulFloor(-7n, SCALE / 2n)).toBe(-4n);
    expect(mulCeil(-7n, SCALE / 2n)).toBe(-3n);
    expect(mulCeil(7n, -(SCALE / 2n))).toBe(-3n);
  });

  it('mulFloor, mulCeil: one unit apart and on either side of an inexact product', () => {
    fc.assert(
      fc.property(big, big, (a, b) => {
        const exact = a * b;
        fc.pre(exact % SCALE !== 0n);
        expect(mulFloor(a, b) * SCALE < exact).toBe(true);
        expect(mulCeil(a, b) * SCALE > exact).toBe(true);
        expect(mulCeil(a, b) - mulFloor(a, b)).toBe(1n);
      }),
    );
  });

  it('ratioFloor and ratioCeil: a / b at scale, below and above', () => {
    expect(ratioFloor(SCALE, 3n * SCALE)).toBe(333_333_333_333_333_333n);
    expect(ratioCeil(SCALE, 3n * SCALE)).toBe(333_333_333_333_333_334n);
    expect(ratioFloor(-SCALE, 3n * SCALE)).toBe(-333_333_333_333_333_334n);
    expect(ratioCeil(-SCALE, 3n * SCALE)).toBe(-333_333_333_333_333_333n);
    expect(ratioCeil(SCALE, 7n * SCALE)).toBe(142_857_142_857_142_858n);
    expect(ratioFloor(2n * SCALE, 4n * SCALE)).toBe(SCALE / 2n);
    expect(ratioCeil(2n * SCALE, 4n * SCALE)).toBe(SCALE / 2n);
    fc.assert(
      fc.property(big, nonZero, (a, b) => {
        fc.pre((a * SCALE) % b !== 0n);
        const magnitude = b < 0n ? -b : b;
        const numerator = b < 0n ? -a * SCALE : a * SCALE;
        expect(ratioFloor(a, b) * magnitude < numerator).toBe(true);
        expect(ratioCeil(a, b) * magnitude > numerator).toBe(true);
        expect(ratioCeil(a, b) - ratioFloor(a, b)).toBe(1n);
      }),
    );
  });

  it('floorToStep and ceilToStep: the multiples of the step either side, for either sign', () => {
    const tick = 5n;
    expect(floorToStep(12n, tick)).toBe(10n);
    expect(ceilToStep(12n, tick)).toBe(15n);
    expect(floorToStep(-12n, tick)).toBe(-15n);
    expect(ceilToStep(-12n, tick)).toBe(-10n);
    expect(floorToStep(15n, tick)).toBe(15n);
    expect(ceilToStep(15n, tick)).toBe(15n);
    expect(floorToStep(-15n, tick)).toBe(-15n);
    expect(ceilToStep(-15n, tick)).toBe(-15n);
    expect(floorToStep(16n, tick)).toBe(15n);
    expect(ceilToStep(14n, tick)).toBe(15n);
    fc.assert(
      fc.property(big, fc.bigInt(1n, 10n ** 20n), (value, step) => {
        const down = floorToStep(value, step);
        const up = ceilToStep(value, step);
        expect(down % step).toBe(0n);
        expect(up % step).toBe(0n);
        expect(down <= value && value - down < step).toBe(true);
        expect(up >= value && up - value < step).toBe(true);
        expect(up - down).toBe(value % step === 0n ? 0n : step);
      }),
    );
  });

  it('isqrt at the small values, at perfect squares and one either side', () => {
    const small: [bigint, bigint][] = [
      [0n, 0n],
      [1n, 1n],
      [2n, 1n],
      [3n, 1n],
      [4n, 2n],
      [5n, 2n],
      [8n, 2n],
      [9n, 3n],
      [10n, 3n],
    ];
    for (const [value, root] of small) expect(isqrt(value), `isqrt(${value})`).toBe(root);
    fc.assert(
      fc.property(fc.bigInt(2n, 10n ** 40n), (root) => {
        expect(isqrt(root * root)).toBe(root);
        expect(isqrt(root * root - 1n)).toBe(root - 1n);
        expect(isqrt(root * root + 1n)).toBe(root);
        expect(isqrt((root + 1n) * (root + 1n) - 1n)).toBe(root);
      }),
    );
    expect(() => isqrt(-1n)).toThrow(new RangeError('square root of a negative number'));
  });

  it('sqrtFloor and sqrtCeil agree on a perfect square and are one apart just off it', () => {
    expect(sqrtFloor(9n * SCALE)).toBe(3n * SCALE);
    expect(sqrtCeil(9n * SCALE)).toBe(3n * SCALE);
    expect(sqrtFloor(0n)).toBe(0n);
    expect(sqrtCeil(0n)).toBe(0n);
    // √(1 unit) at scale is 10^-9, exactly; one unit either side is not.
    expect(sqrtFloor(1n)).toBe(10n ** 9n);
    expect(sqrtCeil(1n)).toBe(10n ** 9n);
    expect(sqrtFloor(SCALE + 1n)).toBe(SCALE);
    expect(sqrtCeil(SCALE + 1n)).toBe(SCALE + 1n);
    expect(sqrtFloor(SCALE - 1n)).toBe(SCALE - 1n);
    expect(sqrtCeil(SCALE - 1n)).toBe(SCALE);
    fc.assert(
      fc.property(fc.bigInt(1n, 10n ** 30n), (a) => {
        const down = sqrtFloor(a);
        const up = sqrtCeil(a);
        const target = a * SCALE;
        expect(down * down <= target && (down + 1n) * (down + 1n) > target).toBe(true);
        expect(up * up >= target && (up - 1n) * (up - 1n) < target).toBe(true);
        expect(up - down).toBe(down * down === target ? 0n : 1n);
      }),
    );
  });
});
