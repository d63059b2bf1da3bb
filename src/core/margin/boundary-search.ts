import { bisectionStepsMax } from '../limits.ts';
import { assert } from '../num/assert.ts';
import { divFloor, divTowardZero } from '../num/rounding.ts';

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
 * piecewise linear between the ends (a requirement over brackets and tiers): the secant's zero,
 * probed with its neighbour one resolution beyond, closes the bracket in one round where the
 * piece is linear, instead of bisection's forty probes. Every probe is evaluated exactly, so the
 * answer is what bisection would bound: healthy, with an unhealthy value within `resolution`
 * beyond it.
 *
 * Health is a whole number of the amount's last unit, so at tiny prices it is flat (often 0)
 * over most of the bracket, where the secant's zero is the healthy end itself and gains nothing.
 * So the secant spends only what it has saved: each round's probes are charged against the
 * halvings it achieved, from a small credit, and without credit a round is a midpoint. The
 * search then takes about bisection's count of probes plus `secantCredit` at most, whatever
 * health does, and two to four where the piece is linear.
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
  assert(
    midpointsToClose(distance(good, bad), resolution) <= bisectionStepsMax,
    'bisection must be able to close the bracket within bisectionStepsMax',
  );
  const toward = bad > good ? 1n : -1n;
  const isInside = (value: bigint) => (value - good) * toward > 0n && (bad - value) * toward > 0n;
  const probe = (value: bigint): void => {
    const valueHealth = health(value);
    if (valueHealth >= 0n) {
      good = value;
      goodHealth = valueHealth;
    } else {
      bad = value;
      badHealth = valueHealth;
    }
  };
  let credit = secantCredit * probeCost;
  let keptLast = 'neither';
  // Midpoints are at most bisection's count; secant rounds, each paid for by at least a quarter
  // halving but from the credit, at most bisection's count, the credit and the last round.
  for (let round = 0; round <= 2 * bisectionStepsMax + secantCredit + 1; round += 1) {
    const gap = distance(good, bad);
    if (gap <= resolution) return good;
    if (credit < 2 * probeCost) {
      probe(good + divFloor(bad - good, 2n));
      continue;
    }
    // The secant's zero, rounded toward the healthy end and kept strictly inside.
    let root = good + divTowardZero((bad - good) * goodHealth, goodHealth - badHealth);
    if (!isInside(root)) root = (root - good) * toward <= 0n ? good + toward : bad - toward;
    const [goodBefore, badBefore] = [good, bad];
    probe(root);
    credit -= probeCost;
    // Where the piece is linear the zero, rounded toward the healthy end, is healthy and its
    // neighbour one resolution on is not: probing it closes the bracket.
    const neighbour = root + toward * resolution;
    if (good === root && isInside(neighbour)) {
      probe(neighbour);
      credit -= probeCost;
    }
    credit += quarterHalvings(gap, distance(good, bad));
    // Where health curves, the secant keeps landing on one side and the far end stays; halving
    // that end's weight (the Illinois rule) pulls the next zero across.
    const kept = good === goodBefore ? 'good' : bad === badBefore ? 'bad' : 'neither';
    if (kept === 'good' && keptLast === 'good') goodHealth = divFloor(goodHealth, 2n);
    if (kept === 'bad' && keptLast === 'bad') badHealth = divFloor(badHealth, 2n);
    keptLast = kept;
  }
  assert(false, 'the search did not converge within bisectionStepsMax');
}

/** Probes the secant may spend beyond what it saves over bisection: a few rounds on a curve. */
const secantCredit = 8;

/** A probe's cost in quarter halvings, the unit the secant's credit is counted in. */
const probeCost = 4;

/**
 * The midpoints a round was worth, in quarters: the largest q with after⁴ × 2^q ≤ before⁴, so a
 * round that shrinks the bracket by a fifth earns one, not nothing.
 */
function quarterHalvings(before: bigint, after: bigint): number {
  const [from, to] = [before ** 4n, after ** 4n];
  let count = 0;
  while (count < 4 * bisectionStepsMax && to << BigInt(count + 1) <= from) count += 1;
  return count;
}

function distance(a: bigint, b: bigint): bigint {
  return a > b ? a - b : b - a;
}

/**
 * Midpoint steps that bring `gap` within `resolution`: a midpoint leaves at most ⌈gap / 2⌉, so n
 * steps close any gap ≤ resolution × 2ⁿ.
 */
function midpointsToClose(gap: bigint, resolution: bigint): number {
  let steps = 0;
  while (steps <= bisectionStepsMax && resolution << BigInt(steps) < gap) steps += 1;
  return steps;
}
