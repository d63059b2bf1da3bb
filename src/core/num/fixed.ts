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

const zeros = '0'.repeat(DECIMALS);
/** Digits a double holds exactly, whatever they are (2^53 ≈ 9.007e15). */
const exactDigitsMax = 15;
const tenTo = Array.from({ length: DECIMALS + 1 }, (_, k) => 10n ** BigInt(k));

/** Parses a decimal string exactly; null when it is not one or has more than 18 decimals. */
export function parseFixed(text: string): bigint | null {
  // One pass of charCodeAt, no pattern and no string built: a book has millions of decimals,
  // nearly all of at most 15 digits, which a double holds exactly as one integer, and BigInt of
  // a double is far cheaper than BigInt of a 20-digit string.
  const length = text.length;
  const negative = text.charCodeAt(0) === 45;
  let digits = 0;
  let decimals = -1;
  let value = 0;
  for (let i = negative ? 1 : 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0 && digits > 0) decimals = 0;
    else return null;
  }
  if (digits === 0 || decimals === 0 || decimals > DECIMALS) return null;
  const scale = decimals < 0 ? DECIMALS : DECIMALS - decimals;
  if (digits <= exactDigitsMax) return BigInt(negative ? -value : value) * tenTo[scale]!;
  const point = text.indexOf('.');
  const all = point < 0 ? text : text.slice(0, point) + text.slice(point + 1);
  return BigInt(all + zeros.slice(0, scale));
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
  // The digits split at 18 from the right: no bigint division, as a book's JSON lines write
  // millions of figures.
  const digits = (negative ? -value : value).toString();
  const cut = digits.length - DECIMALS;
  const whole = cut > 0 ? digits.slice(0, cut) : '0';
  const fraction = withoutTrailingZeros(
    cut > 0 ? digits.slice(cut) : zeros.slice(0, -cut) + digits,
  );
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative ? `-${text}` : text;
}

function withoutTrailingZeros(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 48) end -= 1;
  return text.slice(0, end);
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
