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
