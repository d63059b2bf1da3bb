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

/** Keys whose numbers are positions in a list, not figures: they stay JSON numbers. */
const indexKeys = new Set(['binding', 'liquidationRank']);

/**
 * JSON where every figure is a decimal string: a bigint its exact fixed-point decimal, a float64
 * figure (scenario P&L, greeks) the shortest decimal that reads back as the same double, written
 * without an exponent. Maps become objects and typed arrays arrays. Only list positions
 * (`binding`) stay numbers.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (key, item) => {
      if (typeof item === 'bigint') return formatFixed(item);
      if (typeof item === 'number') return indexKeys.has(key) ? item : floatDecimal(item);
      if (item instanceof Map) return Object.fromEntries(item);
      // Scenario P&L arrives as a Float64Array; JSON would make it an object keyed "0", "1", …
      if (item instanceof Float64Array) return Array.from(item, floatDecimal);
      return item;
    },
    2,
  );
}

/** A double as a plain decimal string: `1e-7` → `"0.0000001"`; not finite is a bug upstream. */
export function floatDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`a figure must be finite, not ${value}`);
  const text = String(value);
  const exponentAt = text.indexOf('e');
  if (exponentAt < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, exponentAt);
  const exponent = Number(text.slice(exponentAt + 1));
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const wholeLength = (point < 0 ? mantissa.length : point) + exponent;
  const plain =
    wholeLength <= 0
      ? `0.${'0'.repeat(-wholeLength)}${digits}`
      : wholeLength >= digits.length
        ? digits + '0'.repeat(wholeLength - digits.length)
        : `${digits.slice(0, wholeLength)}.${digits.slice(wholeLength)}`;
  return negative ? `-${plain}` : plain;
}
