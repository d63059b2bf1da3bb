import { describe, expect, it } from 'vitest';
import { formatFixed } from '../../core/num/fixed.ts';
import { ccxtNumber, optionalCcxtNumber, plainDecimal } from './ccxt-number.ts';
import { Reader } from './reader.ts';

const read = (value: unknown) => {
  const reader = new Reader({ x: value }, '');
  const parsed = ccxtNumber(reader.field('x'));
  return { value: parsed === undefined ? undefined : formatFixed(parsed), issues: reader.issues };
};

describe('ccxt numbers', () => {
  it('a JSON number through its shortest decimal, exponent written out', () => {
    expect(read(0.35).value).toBe('0.35');
    expect(read(1e-7).value).toBe('0.0000001');
    expect(read(1.5e21).value).toBe('1500000000000000000000');
    expect(plainDecimal(-2.5e-8)).toBe('-0.000000025');
  });

  it('a decimal string as ccxt Python writes it, zero included', () => {
    expect(read('0.00000000').value).toBe('0');
    expect(read('-2').value).toBe('-2');
  });

  it('past 18 decimals, half-even to 18 (a float tail below any venue precision)', () => {
    expect(read('0.1234567890123456785').value).toBe('0.123456789012345678');
    expect(read('0.1234567890123456775').value).toBe('0.123456789012345678');
    expect(read('0.12345678901234567751').value).toBe('0.123456789012345678');
    expect(read('-0.0000000000000000015').value).toBe('-0.000000000000000002');
    expect(read(1e-20).value).toBe('0');
  });

  it('null, NaN text or an object is an issue; optional reads null as absent', () => {
    expect(read(null).issues).toEqual(['x: is required (a number)']);
    expect(read('NaN').issues).toEqual(['x: must be a finite number']);
    expect(read({}).issues).toEqual(['x: must be a finite number']);
    const reader = new Reader({ x: null }, '');
    expect(optionalCcxtNumber(reader.field('x'))).toBeUndefined();
    expect(reader.issues).toEqual([]);
  });
});
