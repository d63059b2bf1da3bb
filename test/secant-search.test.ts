import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastSafe } from '../src/core/margin/boundary-search.ts';
import { lastHealthyInteger } from '../src/core/margin/secant-search.ts';

/**
 * The secant search behind max order sizes and withdrawals (what-if.ts) ends exactly where
 * bisection ends, on health that falls through zero once: linearly, in floored pieces, or by a
 * jump (a bracket's lower max leverage); and it takes a few probes, not sixty, where it is linear.
 */
describe('lastHealthyInteger', () => {
  const searched = (safe: bigint, unsafe: bigint, health: (x: bigint) => bigint) => {
    let probes = 0;
    const counted = (x: bigint) => {
      probes += 1;
      return health(x);
    };
    const found = lastHealthyInteger(safe, unsafe, counted, health(safe), health(unsafe));
    return { found, probes, bisected: lastSafe(safe, unsafe, 1n, (x) => health(x) >= 0n) };
  };

  it('finds the zero of a linear health in a few probes, where bisection takes sixty', () => {
    // 1,000 USD of health, falling 3 units of 10^-18 per unit of size: its last healthy size.
    const health = (x: bigint) => 1000n * 10n ** 18n - 3n * x;
    const { found, probes, bisected } = searched(0n, 10n ** 21n, health);
    expect(found).toBe(333333333333333333333n);
    expect(bisected).toBe(found);
    expect(probes).toBeLessThanOrEqual(3);
  });

  it('ends where bisection ends, on falling health of floored pieces and jumps', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 22n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.bigInt({ min: 1n, max: 10n ** 3n }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.bigInt({ min: 0n, max: 10n ** 22n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        (start, slope, divisor, jumpAt, steeper, jump) => {
          // Health from `start`, falling by slope/divisor (floored); past `jumpAt` it drops by
          // `jump` and falls more steeply: a bracket's edge.
          const health = (x: bigint) => {
            const line = start - (slope * x) / divisor;
            return x > jumpAt ? line - jump - steeper * (x - jumpAt) : line;
          };
          let unsafe = 1n;
          while (health(unsafe) >= 0n) unsafe *= 2n;
          const { found, probes, bisected } = searched(0n, unsafe, health);
          expect(found).toBe(bisected);
          expect(health(found)).toBeGreaterThanOrEqual(0n);
          expect(health(found + 1n)).toBeLessThan(0n);
          // Never many more probes than bisection's, one per halving of the bracket.
          expect(probes).toBeLessThanOrEqual(unsafe.toString(2).length + 4);
        },
      ),
    );
  });

  it('a secant that floors onto an end probes its neighbour: one probe closes the bracket', () => {
    // Health 1 at 0 and -10^30 at 10^6 (a cliff just past 0): the secant's zero floors to 0.
    const cliff = (x: bigint) => (x === 0n ? 1n : -(10n ** 30n));
    expect(searched(0n, 10n ** 6n, cliff)).toMatchObject({ found: 0n, probes: 1 });
    // Health -1 just before the unsafe end and far above zero before: the zero floors onto it.
    const ledge = (x: bigint) => (x >= 10n ** 6n - 1n ? -1n : 10n ** 30n);
    expect(searched(0n, 10n ** 6n, ledge)).toMatchObject({ found: 10n ** 6n - 2n, probes: 2 });
  });

  it('refuses ends that do not bracket a boundary', () => {
    const health = (x: bigint) => 10n - x;
    expect(() => lastHealthyInteger(5n, 5n, health, 5n, -1n)).toThrow(/safe end/);
    expect(() => lastHealthyInteger(6n, 5n, health, 4n, -1n)).toThrow(/safe end/);
    expect(() => lastHealthyInteger(0n, 20n, health, -1n, -10n)).toThrow(/bracket/);
    expect(() => lastHealthyInteger(0n, 20n, health, 10n, 0n)).toThrow(/bracket/);
    // Zero health at the safe end is healthy.
    expect(lastHealthyInteger(10n, 20n, health, 0n, -10n)).toBe(10n);
  });
});
