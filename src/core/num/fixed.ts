/**
 * Fixed-point numbers: a bigint scaled by 10^18. Every amount, price, quantity and ratio in the core
 * shares this one scale, so a product of two needs one named rounding to come back to scale.
 *
 * The brands are type-only and optional: they stop a price being passed where an amount is expected,
 * while the result of bigint arithmetic (unbranded) is still accepted.
 */
export type Amount = bigint & { readonly unit?: 'amount' };
export type Quantity = bigint & { readonly unit?: 'quantity' };
export type Price = bigint & { readonly unit?: 'price' };
export type Ratio = bigint & { readonly unit?: 'ratio' };

export const DECIMALS = 18;
export const SCALE = 10n ** 18n;
export const ONE: Ratio = SCALE;

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string exactly; null when it is not one or has more than 18 decimals. */
export function parseFixed(text: string): bigint | null {
  const match = decimalPattern.exec(text);
  if (match === null) return null;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > DECIMALS) return null;
  const magnitude = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(DECIMALS, '0'));
  return sign === '-' ? -magnitude : magnitude;
}

/** For literals in the core and tests: throws on a malformed decimal (a bug, not input). */
export function fixed(text: string): bigint {
  const value = parseFixed(text);
  if (value === null) throw new Error(`not a decimal: ${text}`);
  return value;
}

/** Exact decimal rendering with trailing zeros removed: `1500000000000000000n` → `"1.5"`. */
export function formatFixed(value: bigint): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = magnitude / SCALE;
  const fraction = (magnitude % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  const text = fraction === '' ? whole.toString() : `${whole}.${fraction}`;
  return negative ? `-${text}` : text;
}

/**
 * For display and the float64 zone only: never feed the result back into a ledger amount.
 * Two roundings (bigint → double, then ÷ 10^18): within 2 ulp of the exact value.
 */
export function toNumber(value: bigint): number {
  return Number(value) / 1e18;
}

export function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function sign(value: bigint): -1n | 0n | 1n {
  return value > 0n ? 1n : value < 0n ? -1n : 0n;
}
