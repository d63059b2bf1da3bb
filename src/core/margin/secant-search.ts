import { bisectionStepsMax } from '../limits.ts';
import { assert } from '../num/assert.ts';
import { divFloor } from '../num/rounding.ts';

/**
 * The last integer at which `health` is ≥ 0, between `safe` (taken as healthy, never probed) and
 * `unsafe` (not healthy), where health falls through zero once (the searches of max order sizes
 * and withdrawals): exactly the value bisection to a resolution of one would find. Where health
 * is linear about its zero, the secant's zero, probed with its neighbour, closes the bracket in
 * two or three exact probes instead of bisection's sixty; where it is not (a jump, as a bracket's
 * lower max leverage makes), the first round that fails to halve the bracket turns the search
 * into plain bisection, so it takes at most a few probes more than bisection would. `safeHealth`
 * and `unsafeHealth`, the healths at or near the ends, aim the first secant.
 */
export function lastHealthyInteger(
  safe: bigint,
  unsafe: bigint,
  health: (value: bigint) => bigint,
  safeHealth: bigint,
  unsafeHealth: bigint,
): bigint {
  assert(safe < unsafe, 'the safe end must lie below the unsafe end');
  assert(safeHealth >= 0n && unsafeHealth < 0n, 'the ends must bracket the boundary');
  let good = safe;
  let bad = unsafe;
  let goodHealth = safeHealth;
  let badHealth = unsafeHealth;
  const probe = (value: bigint): void => {
    const h = health(value);
    if (h >= 0n) {
      good = value;
      goodHealth = h;
    } else {
      bad = value;
      badHealth = h;
    }
  };
  let secant = true;
  // Every round but the one that turns the search into bisection halves the bracket at least.
  for (let round = 0; round <= bisectionStepsMax; round += 1) {
    const gap = bad - good;
    if (gap <= 1n) return good;
    if (!secant) {
      probe(good + divFloor(gap, 2n));
      continue;
    }
    // The secant's zero, rounded down, kept strictly inside the bracket.
    let root = good + divFloor(gap * goodHealth, goodHealth - badHealth);
    if (root <= good) root = good + 1n;
    if (root >= bad) root = bad - 1n;
    probe(root);
    // Its neighbour on the other side of the zero closes the bracket where the piece is linear.
    if (good === root && root + 1n < bad) probe(root + 1n);
    else if (bad === root && root - 1n > good) probe(root - 1n);
    if ((bad - good) * 2n > gap) secant = false;
  }
  assert(false, 'the search did not converge within bisectionStepsMax');
}
