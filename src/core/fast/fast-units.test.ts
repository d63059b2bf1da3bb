import { describe, expect, it } from 'vitest';
import { downToUnit, upToUnit } from './fast-units.ts';

describe('units on the fast path', () => {
  it('a quotient within float error of a whole number of units is that number', () => {
    // 0.1 + 0.2 is 0.30000000000000004: three units of 0.1, not four up nor two down.
    expect(upToUnit(0.1 + 0.2, 0.1)).toBeCloseTo(0.3, 15);
    expect(downToUnit(0.7 - 0.4, 0.1)).toBeCloseTo(0.3, 15);
  });

  it('a real remainder still rounds: up for a requirement, down for a value', () => {
    expect(upToUnit(1.0000005, 0.000001)).toBeCloseTo(1.000001, 12);
    expect(downToUnit(1.0000005, 0.000001)).toBeCloseTo(1, 12);
    expect(upToUnit(-2.5, 1)).toBe(-2);
    expect(downToUnit(-2.5, 1)).toBe(-3);
  });

  it('no unit: the figure as it is', () => {
    expect(upToUnit(1.23456789, 0)).toBe(1.23456789);
    expect(downToUnit(1.23456789, 0)).toBe(1.23456789);
  });
});
