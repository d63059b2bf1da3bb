import { SCALE } from './fixed.ts';

/**
 * Where a float64 risk figure becomes an exact amount: rounded to 10^-8 of a unit, up for a
 * requirement and down for a value, so the model's last digits never favour the account.
 */
const unitsPerWhole = 1e8;
const scalePerUnit = SCALE / 100_000_000n;

export function amountUp(value: number): bigint {
  return BigInt(Math.ceil(value * unitsPerWhole)) * scalePerUnit;
}

export function amountDown(value: number): bigint {
  return BigInt(Math.floor(value * unitsPerWhole)) * scalePerUnit;
}

/** Nearest, for market data a model produces (a repriced mark), which favours neither side. */
export function amountNearest(value: number): bigint {
  return BigInt(Math.round(value * unitsPerWhole)) * scalePerUnit;
}
