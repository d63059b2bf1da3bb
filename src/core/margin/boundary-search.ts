import { bisectionStepsMax } from '../limits.ts';
import { assert } from '../num/assert.ts';
import { divFloor } from '../num/rounding.ts';

/**
 * The last safe value between `safe` (passes) and `unsafe` (fails), to within `resolution`, by
 * bisection over exact integers. The predicate need not be monotone; the answer is then one
 * boundary between the two ends, which is why callers scan a grid first to bracket the nearest.
 */
export function lastSafe(
  safe: bigint,
  unsafe: bigint,
  resolution: bigint,
  isSafe: (value: bigint) => boolean,
): bigint {
  assert(resolution > 0n, 'a search needs a positive resolution');
  let good = safe;
  let bad = unsafe;
  for (let step = 0; step < bisectionStepsMax; step += 1) {
    const gap = bad > good ? bad - good : good - bad;
    if (gap <= resolution) return good;
    const middle = good + divFloor(bad - good, 2n);
    if (isSafe(middle)) good = middle;
    else bad = middle;
  }
  assert(false, 'bisection did not converge within bisectionStepsMax');
}

/**
 * The same search where the predicate is `health(value) ≥ 0` and health is continuous and
 * piecewise linear between the ends (a requirement over brackets and tiers): regula falsi with the
 * Illinois correction lands on a linear piece's root in a step or two, instead of bisection's
 * forty. Every probe is still evaluated exactly, and a probe that would not shrink the bracket
 * falls back to its midpoint, so the answer is exactly what bisection would bound.
 */
export function lastHealthy(
  safe: bigint,
  unsafe: bigint,
  resolution: bigint,
  health: (value: bigint) => bigint,
): bigint {
  assert(resolution > 0n, 'a search needs a positive resolution');
  let good = safe;
  let bad = unsafe;
  let goodHealth = health(good);
  let badHealth = health(bad);
  assert(goodHealth >= 0n, 'the safe end must be healthy');
  assert(badHealth < 0n, 'the unsafe end must not be');
  let side = 0;
  for (let step = 0; step < bisectionStepsMax; step += 1) {
    const gap = bad > good ? bad - good : good - bad;
    if (gap <= resolution) return good;
    // The secant's zero, nudged one resolution past it toward `bad` so the bracket closes from
    // both sides; a probe outside the open interval becomes the midpoint.
    let probe = good + divFloor((bad - good) * goodHealth, goodHealth - badHealth);
    probe += bad > good ? resolution : -resolution;
    const inside = bad > good ? probe > good && probe < bad : probe < good && probe > bad;
    if (!inside) probe = good + divFloor(bad - good, 2n);
    const value = health(probe);
    if (value >= 0n) {
      good = probe;
      goodHealth = value;
      if (side === 1) badHealth = divFloor(badHealth, 2n) - 1n;
      side = 1;
    } else {
      bad = probe;
      badHealth = value;
      if (side === -1) goodHealth = divFloor(goodHealth, 2n);
      side = -1;
    }
  }
  assert(false, 'the search did not converge within bisectionStepsMax');
}
