import { parseFixed } from '../../core/num/fixed.ts';
import type { Reader } from './reader.ts';

/**
 * A ccxt number as an exact fixed-point value. ccxt's JavaScript edition writes JSON numbers, read
 * through their shortest decimal form (the one JSON.parse round-trips), which is the decimal the
 * exchange sent for any value of up to 15 significant digits; its Python edition may write
 * decimal strings ("0.00000000"). More than 18 decimals (a float's tail, 0.1 + 0.2) is rounded
 * half-even to 18: the 19th digit is below any venue's precision. Undefined after an issue.
 */
export function ccxtNumber(reader: Reader): bigint | undefined {
  const value = reader.value;
  let text: string | undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = plainDecimal(value);
  if (text === undefined) {
    reader.fail(
      value === undefined || value === null ? 'is required (a number)' : 'must be a finite number',
    );
    return undefined;
  }
  return parseFixed(roundTo18(text)) ?? undefined;
}

/** Absent or null reads as undefined, without an issue: ccxt writes null for what it lacks. */
export function optionalCcxtNumber(reader: Reader): bigint | undefined {
  if (reader.value === undefined || reader.value === null) return undefined;
  return ccxtNumber(reader);
}

/** Shortest round-trip form of a float, with any exponent written out: 1e-7 → "0.0000001". */
export function plainDecimal(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign, lead, rest = '', exponentText] = match;
  const digits = `${lead}${rest}`;
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  return `${sign}${digits.padEnd(exponent + 1, '0')}`;
}

function roundTo18(text: string): string {
  const [whole = '', fraction = ''] = text.split('.');
  if (fraction.length <= 18) return text;
  const negative = whole.startsWith('-');
  const kept = BigInt(`${whole.replace('-', '')}${fraction.slice(0, 18)}`);
  const tail = fraction.slice(18);
  const half = `5${'0'.repeat(tail.length - 1)}`;
  const up = tail > half || (tail === half && kept % 2n === 1n);
  const digits = (kept + (up ? 1n : 0n)).toString().padStart(19, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -18)}.${digits.slice(-18)}`;
}
