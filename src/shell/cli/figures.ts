import { formatFixed, SCALE } from '../../core/num/fixed.ts';
import { divCeil, divFloor } from '../../core/num/rounding.ts';

/**
 * Figures for people. A displayed amount keeps the venue's side of the rounding: a requirement
 * shows rounded up, equity and collateral rounded down, so a screen never flatters an account.
 */
const cent = SCALE / 100n;

export function amountDown(value: bigint): string {
  return grouped(divFloor(value, cent));
}

export function amountUp(value: bigint): string {
  return grouped(divCeil(value, cent));
}

function grouped(cents: bigint): string {
  const negative = cents < 0n;
  const magnitude = negative ? -cents : cents;
  const whole = (magnitude / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (magnitude % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

export function plain(value: bigint | null): string {
  return value === null ? '-' : formatFixed(value);
}

/** A ratio as a signed or unsigned percentage with two decimals, rounded toward zero. */
export function percent(value: bigint | null, signed = false): string {
  if (value === null) return '-';
  const basisHundredths =
    value < 0n ? -divFloor(-value * 10_000n, SCALE) : divFloor(value * 10_000n, SCALE);
  const magnitude = basisHundredths < 0n ? -basisHundredths : basisHundredths;
  const text = `${magnitude / 100n}.${(magnitude % 100n).toString().padStart(2, '0')}%`;
  if (basisHundredths < 0n) return `-${text}`;
  return signed ? `+${text}` : text;
}

/**
 * JSON with every bigint as its exact decimal string (all core bigints are fixed-point), maps as
 * objects and typed arrays as arrays.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) => {
      if (typeof item === 'bigint') return formatFixed(item);
      if (item instanceof Map) return Object.fromEntries(item);
      // Scenario P&L arrives as a Float64Array; JSON would make it an object keyed "0", "1", …
      if (item instanceof Float64Array) return Array.from(item);
      return item;
    },
    2,
  );
}
