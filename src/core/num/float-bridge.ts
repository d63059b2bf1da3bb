import { assert } from './assert.ts';
import { SCALE } from './fixed.ts';
import { divCeil, divFloor, divHalfEven } from './rounding.ts';

/**
 * Where a float64 risk figure becomes an exact amount: rounded to 10^-8 of a unit, up for a
 * requirement and down for a value, so the model's last digits never favour the account.
 *
 * The double is converted exactly (its mantissa over a power of two) before it is rounded: scaling
 * it in float first (`value × 1e8`) rounds to nearest, which can land below the true product, and
 * past 2^53 / 1e8 ≈ 9e7 drops whole units.
 */
const unitsPerWhole = 100_000_000n;
const scalePerUnit = SCALE / unitsPerWhole;

export function amountUp(value: number): bigint {
  const [numerator, denominator] = exactRational(value);
  return divCeil(numerator * unitsPerWhole, denominator) * scalePerUnit;
}

export function amountDown(value: number): bigint {
  const [numerator, denominator] = exactRational(value);
  return divFloor(numerator * unitsPerWhole, denominator) * scalePerUnit;
}

/** Nearest, for market data a model produces (a repriced mark), which favours neither side. */
export function amountNearest(value: number): bigint {
  const [numerator, denominator] = exactRational(value);
  return divHalfEven(numerator * unitsPerWhole, denominator) * scalePerUnit;
}

const bits = new DataView(new ArrayBuffer(8));

/** A finite double as the exact fraction it is: mantissa / 2^k (or mantissa × 2^k, over 1). */
export function exactRational(value: number): readonly [bigint, bigint] {
  assert(Number.isFinite(value), `a float figure must be finite, not ${value}`);
  bits.setFloat64(0, value);
  const high = bits.getUint32(0);
  const low = bits.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  // Subnormals have no implicit leading bit and the smallest exponent.
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const signed = high >>> 31 === 1 ? -mantissa : mantissa;
  if (exponent >= 0) return [signed << BigInt(exponent), 1n];
  return [signed, 1n << BigInt(-exponent)];
}
