import { describe, expect, it } from 'vitest';
import { assert, InvariantError } from './assert.ts';
import { abs, fixed, formatFixed, max, min, SCALE, sign } from './fixed.ts';

describe('fixed-point helpers at and around zero', () => {
  it('sign is −1, 0 or 1', () => {
    expect(sign(-5n)).toBe(-1n);
    expect(sign(-1n)).toBe(-1n);
    expect(sign(0n)).toBe(0n);
    expect(sign(1n)).toBe(1n);
    expect(sign(5n)).toBe(1n);
  });

  it('abs, min and max', () => {
    expect(abs(-3n)).toBe(3n);
    expect(abs(0n)).toBe(0n);
    expect(abs(3n)).toBe(3n);
    expect(min(-2n, 3n)).toBe(-2n);
    expect(min(3n, -2n)).toBe(-2n);
    expect(max(-2n, 3n)).toBe(3n);
    expect(max(3n, -2n)).toBe(3n);
  });

  it('formats zero, and values below one either side of it, without a stray sign', () => {
    expect(formatFixed(0n)).toBe('0');
    expect(formatFixed(1n)).toBe('0.000000000000000001');
    expect(formatFixed(-1n)).toBe('-0.000000000000000001');
    expect(formatFixed(-SCALE * 12n - SCALE / 4n)).toBe('-12.25');
  });

  it('fixed throws on what is not a decimal, naming it', () => {
    expect(() => fixed('1.2.3')).toThrow(new Error('not a decimal: 1.2.3'));
    expect(fixed('-0.25')).toBe(-SCALE / 4n);
  });
});

describe('assert', () => {
  it('throws an InvariantError carrying the message, and passes a true condition', () => {
    expect(() => assert(false, 'equity must not be negative')).toThrow(
      new InvariantError('equity must not be negative'),
    );
    const thrown = (() => {
      try {
        assert(false, 'x');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(InvariantError);
    expect((thrown as Error).name).toBe('InvariantError');
    expect(() => assert(true, 'never')).not.toThrow();
  });
});
