import { formatFixed, SCALE } from '../../core/num/fixed.ts';
import { divCeil, divFloor, divHalfEven } from '../../core/num/rounding.ts';

/**
 * Figures for people. A displayed amount keeps the venue's side of the rounding: a requirement
 * shows rounded up, equity and collateral rounded down, so a screen never flatters an account.
 */
const cent = SCALE / 100n;

export function amountDown(value: bigint): string {
  return centsText(divFloor(value, cent));
}

export function amountUp(value: bigint): string {
  return centsText(divCeil(value, cent));
}

function centsText(cents: bigint): string {
  const negative = cents < 0n;
  const magnitude = negative ? -cents : cents;
  const whole = thousands((magnitude / 100n).toString());
  const fraction = (magnitude % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** A run of digits with a comma between each three: `1234567` → `1,234,567`. */
function thousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count of accounts or items, grouped: `1,234`. */
export function countText(value: number): string {
  return grouped(value, 0);
}

/**
 * `value.toLocaleString('en-US')` with `digits` decimals, to the character, without starting
 * ICU, which costs a run of `whatif` on a book some 25 ms of its time. Like Intl, it rounds the
 * shortest decimal that reads back as the value (String's), half away from zero; a value String
 * writes with an exponent (below 10^-6, or 10^21 and beyond) or not finite is left to Intl.
 */
export function grouped(value: number, digits: number): string {
  const decimal = String(Math.abs(value));
  if (!Number.isFinite(value) || decimal.includes('e')) {
    return value.toLocaleString('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  }
  const [whole = '', fraction = ''] = decimal.split('.');
  let units = BigInt(whole + fraction.slice(0, digits).padEnd(digits, '0'));
  if (fraction.charCodeAt(digits) >= 0x35) units += 1n; // the first digit dropped is 5 or more
  const text = units.toString().padStart(digits + 1, '0');
  const integer = thousands(text.slice(0, text.length - digits));
  // Intl writes the sign of a negative zero too, and of a negative figure that rounds to zero.
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  return `${sign}${integer}${digits === 0 ? '' : `.${text.slice(text.length - digits)}`}`;
}

/** The most decimals a price, size or balance is printed with, where its step allows more. */
const decimalsMax = 8;

/**
 * A price at its instrument's tick, with thousands separators: as many decimals as the tick
 * has (a tick of 0.1: `89,781.0`), more only where the price is off the tick (an averaged entry),
 * up to eight, rounded half to even. null: `-`.
 */
export function priceAt(value: bigint | null, tick: bigint): string {
  return value === null ? '-' : atStep(value, fewestAt(tick, 2), divHalfEven);
}

/** A size at its instrument's size step, signed, with thousands separators (see `priceAt`). */
export function sizeAt(value: bigint, step: bigint): string {
  return atStep(value, fewestAt(step, 0), divHalfEven);
}

/**
 * The decimals a step prints: its own, except a step of eight decimals or finer, which is the
 * reader's default where a file gives none (0.00000001): then only the value's own, at least
 * `fewest`, so a price a file did not tick does not print as `110,850.00000000`.
 */
function fewestAt(step: bigint, fewest: number): number {
  const decimals = decimalsOf(step);
  return decimals >= decimalsMax ? fewest : decimals;
}

/** An asset balance: its own decimals up to eight (beyond, rounded down), thousands grouped. */
export function coins(value: bigint): string {
  return atStep(value, 0, divFloor);
}

/**
 * A derived amount of coins (a share of a balance) to about eight significant digits, rounded
 * down: `6,688.5252` USDT, `0.02181173` BTC. An exact balance is `coins`.
 */
export function coinsAbout(value: bigint): string {
  const magnitude = value < 0n ? -value : value;
  const wholeDigits =
    divFloor(magnitude, SCALE) === 0n ? 0 : divFloor(magnitude, SCALE).toString().length;
  const decimals = Math.max(0, decimalsMax - wholeDigits);
  const unit = 10n ** BigInt(18 - decimals);
  return atStep(divFloor(value, unit) * unit, 0, divFloor);
}

/**
 * A leverage as `20×` or `17.85×`: two decimals at most, to the nearest (ties to even). It decides
 * nothing, and a requirement rounded up to the cent would otherwise show 20× as 19.99×.
 */
export function leverageText(value: bigint): string {
  return `${atStep(divHalfEven(value, SCALE / 100n) * (SCALE / 100n), 0, divFloor)}×`;
}

function decimalsOf(step: bigint): number {
  const text = formatFixed(step < 0n ? -step : step);
  const point = text.indexOf('.');
  return Math.min(point < 0 ? 0 : text.length - point - 1, decimalsMax);
}

/** At least `fewest` decimals, more where the value has them, up to eight then `round`ed. */
function atStep(
  value: bigint,
  fewest: number,
  round: (numerator: bigint, denominator: bigint) => bigint,
): string {
  let decimals = fewest;
  while (decimals < decimalsMax && value % 10n ** BigInt(18 - decimals) !== 0n) decimals += 1;
  const units = round(value, 10n ** BigInt(18 - decimals));
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const scale = 10n ** BigInt(decimals);
  const whole = thousands(divFloor(magnitude, scale).toString());
  const fraction =
    decimals === 0 ? '' : `.${(magnitude % scale).toString().padStart(decimals, '0')}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** A position as a person names it: its instrument, and in hedge mode its side. */
export function positionLabel(position: { instrument: string; side?: string }): string {
  return position.side === undefined
    ? position.instrument
    : `${position.instrument} ${position.side}`;
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
  return JSON.stringify(value, figureOf, 2);
}

/** `toJson` on one line: a line of JSON lines (`--jsonl`). */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, figureOf);
}

function figureOf(key: string, item: unknown): unknown {
  if (typeof item === 'bigint') return formatFixed(item);
  if (typeof item === 'number') return indexKeys.has(key) ? item : floatDecimal(item);
  if (item instanceof Map) return Object.fromEntries(item);
  // Scenario P&L arrives as a Float64Array; JSON would make it an object keyed "0", "1", …
  if (item instanceof Float64Array) return Array.from(item, floatDecimal);
  return item;
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
