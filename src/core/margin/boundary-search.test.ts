import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ONE } from '../num/fixed.ts';
import { divFloor } from '../num/rounding.ts';
import { lastHealthy } from './boundary-search.ts';

/** A health function that counts its probes. */
function counted(health: (value: bigint) => bigint) {
  const calls = { probes: 0 };
  const probed = (value: bigint) => {
    calls.probes += 1;
    return health(value);
  };
  return { calls, probed };
}

describe('lastHealthy', () => {
  // The covered-call fuzz's case (issue 8): at a settle-coin price of 10^-18, health is a few
  // hundred units of 10^-18 across the bracket and 0 over 10^13 of it, where the secant's zero is
  // the healthy end itself; one resolution a step, it used to give up after 160.
  it('closes a bracket over which health is flat at zero for 10^4 resolutions', () => {
    const root = 843455636948934815n;
    const health = (factor: bigint) => divFloor((factor - root) * 100_000n, ONE);
    const resolution = 10n ** 9n;
    const safe = 850000000000000000n;
    const { calls, probed } = counted(health);
    const found = lastHealthy(safe, 800000000000000000n, resolution, probed);
    expect(health(found)).toBeGreaterThanOrEqual(0n);
    expect(health(found - resolution)).toBeLessThan(0n);
    // Health is 0 from the root up to root + 10^13: the answer lies on that plateau's far end.
    expect(found).toBeGreaterThanOrEqual(root);
    expect(found - root).toBeLessThan(resolution);
    // Bisection's 26 midpoints (5 × 10^16 down to 10^9), the two ends and at most the credit.
    expect(calls.probes).toBeLessThanOrEqual(26 + 12);
  });

  it('still lands on a linear root in a few probes', () => {
    const health = (value: bigint) => 7_000_000_000_123n - value * 3n;
    const { calls, probed } = counted(health);
    const found = lastHealthy(0n, 10n ** 20n, 1n, probed);
    expect(found).toBe(2_333_333_333_374n);
    expect(calls.probes).toBeLessThanOrEqual(6);
  });

  // An inverse contract's value is 1/price: health bends, and the Illinois rule keeps the secant
  // from creeping toward the root from one side; bisection would take 31 probes and the two ends.
  it('closes on a curve in fewer probes than bisection', () => {
    const health = (value: bigint) => (4n * ONE * ONE) / value - 2n * ONE;
    const { calls, probed } = counted(health);
    const resolution = 10n ** 9n;
    const found = lastHealthy(ONE, 3n * ONE, resolution, probed);
    expect(health(found)).toBeGreaterThanOrEqual(0n);
    expect(health(found + resolution)).toBeLessThan(0n);
    expect(calls.probes).toBeLessThanOrEqual(16);
  });

  // Health falling through zero once, in either direction, bent, with a jump (a bracket's step)
  // and quantized to whole units at any slope, the flattest making a plateau of zeros wide as the
  // bracket: the search ends within bisection's probes and twelve (its secant's credit of eight,
  // the two ends and two), on a healthy value with an unhealthy one within the resolution beyond.
  it('ends healthy, one resolution from unhealthy, within bisection’s probes and twelve', () => {
    const draw = fc.record({
      safe: fc.bigInt(-(10n ** 20n), 10n ** 20n),
      width: fc.bigInt(1n, 10n ** 20n),
      rootAt: fc.double({ min: 0, max: 1, noNaN: true }),
      kinkAt: fc.double({ min: 0, max: 1, noNaN: true }),
      slope: fc.bigInt(1n, 10n ** 24n),
      slopeScale: fc.bigInt(1n, 10n ** 24n),
      jump: fc.bigInt(0n, 10n ** 6n),
      curve: fc.bigInt(0n, 10n),
      downward: fc.boolean(),
      resolution: fc.constantFrom(1n, 1000n, 10n ** 9n),
    });
    fc.assert(
      fc.property(draw, (d) => {
        const direction = d.downward ? -1n : 1n;
        const unsafe = d.safe + direction * d.width;
        const along = (fraction: number) =>
          d.safe + direction * divFloor(d.width * BigInt(Math.floor(fraction * 1e6)), 1_000_000n);
        const root = along(d.rootAt) === unsafe ? unsafe - direction : along(d.rootAt);
        const kink = along(d.kinkAt);
        // Distance past the root toward `unsafe`: negative on the safe side.
        const past = (value: bigint) => (value - root) * direction;
        const health = (value: bigint) => {
          const jumped = (value - kink) * direction > 0n ? d.jump : 0n;
          // A cubic term bends it (an inverse contract's 1/price, an option's convexity).
          const bent = divFloor(past(value) ** 3n * d.curve, d.width * d.width);
          return divFloor(-(past(value) + bent) * d.slope, d.slopeScale) - jumped;
        };
        if (health(d.safe) < 0n || health(unsafe) >= 0n) return;
        const { calls, probed } = counted(health);
        const found = lastHealthy(d.safe, unsafe, d.resolution, probed);
        expect(health(found)).toBeGreaterThanOrEqual(0n);
        expect(health(found + direction * d.resolution)).toBeLessThan(0n);
        expect((found - d.safe) * direction).toBeGreaterThanOrEqual(0n);
        // Bisection's own count: n midpoints close a gap of at most resolution × 2ⁿ.
        let midpoints = 0;
        while (d.resolution << BigInt(midpoints) < d.width) midpoints += 1;
        expect(calls.probes).toBeLessThanOrEqual(midpoints + 12);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses ends that do not bracket the boundary', () => {
    const health = (value: bigint) => 10n - value;
    expect(() => lastHealthy(11n, 20n, 1n, health)).toThrow(/safe end/);
    expect(() => lastHealthy(0n, 5n, 1n, health)).toThrow(/unsafe end/);
    expect(() => lastHealthy(0n, 20n, 0n, health)).toThrow(/positive resolution/);
  });
});
