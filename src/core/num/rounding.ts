import { SCALE } from './fixed.ts';

/**
 * Every division names its rounding: bigint `/` truncates toward zero, which is neither the
 * venue's side for a requirement (up) nor for a collateral value (down).
 */
export function divFloor(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const quotient = numerator / denominator;
  // `/` truncates toward zero: below zero, an inexact quotient is one above the floor. Checking
  // exactness by a product avoids a second division (`%`), the costlier operation on big values.
  if (numerator < 0n !== denominator < 0n && quotient * denominator !== numerator) {
    return quotient - 1n;
  }
  return quotient;
}

export function divCeil(numerator: bigint, denominator: bigint): bigint {
  return -divFloor(-numerator, denominator);
}

/**
 * Toward zero, where a venue rounds so (dYdX's `BaseToQuoteQuantums`, Go's `big.Int.Quo`): down
 * for a gain, up for a loss. Named, so it is never mistaken for the bare `/` it equals.
 */
export function divTowardZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  return numerator / denominator;
}

/** Nearest, ties to even: for display of figures that decide nothing. */
export function divHalfEven(numerator: bigint, denominator: bigint): bigint {
  const floor = divFloor(numerator, denominator);
  const twiceRemainder = 2n * (numerator - floor * denominator);
  const magnitude = denominator < 0n ? -denominator : denominator;
  const excess = denominator < 0n ? -twiceRemainder : twiceRemainder;
  if (excess > magnitude) return floor + 1n;
  if (excess < magnitude) return floor;
  return floor % 2n === 0n ? floor : floor + 1n;
}

/** a × b at scale, rounded down (collateral, equity, gains). */
export function mulFloor(a: bigint, b: bigint): bigint {
  // × 1 is exact: a settle asset at 1 USD (USDT's index) is most legs' price.
  if (b === SCALE) return a;
  return divFloor(a * b, SCALE);
}

/** a × b at scale, rounded up (requirements, losses). */
export function mulCeil(a: bigint, b: bigint): bigint {
  if (b === SCALE) return a;
  return divCeil(a * b, SCALE);
}

/** a / b at scale, rounded down. */
export function ratioFloor(a: bigint, b: bigint): bigint {
  return divFloor(a * SCALE, b);
}

/** a / b at scale, rounded up. */
export function ratioCeil(a: bigint, b: bigint): bigint {
  return divCeil(a * SCALE, b);
}

/** Largest multiple of `step` at or below `value`. */
export function floorToStep(value: bigint, step: bigint): bigint {
  return divFloor(value, step) * step;
}

/** Smallest multiple of `step` at or above `value`. */
export function ceilToStep(value: bigint, step: bigint): bigint {
  return divCeil(value, step) * step;
}

/** Integer square root, rounded down (Newton's method from above; exact for bigint). */
export function isqrt(value: bigint): bigint {
  if (value < 0n) throw new RangeError('square root of a negative number');
  if (value < 2n) return value;
  // A float seed nudged above the root: Newton's iterates then fall monotonically to floor(√value).
  let x = BigInt(Math.ceil(Math.sqrt(Number(value)) * (1 + 1e-12))) + 1n;
  for (;;) {
    const next = (x + value / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

/** √a at scale, rounded down or up. */
export function sqrtFloor(a: bigint): bigint {
  return isqrt(a * SCALE);
}

export function sqrtCeil(a: bigint): bigint {
  const root = isqrt(a * SCALE);
  return root * root === a * SCALE ? root : root + 1n;
}
