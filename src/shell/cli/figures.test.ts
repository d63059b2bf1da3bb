import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatDecimal, toJson } from './figures.ts';

describe('JSON figures are decimal strings', () => {
  it('writes a double without an exponent, and it reads back as the same double', () => {
    expect(floatDecimal(1e-7)).toBe('0.0000001');
    expect(floatDecimal(-2.5e-10)).toBe('-0.00000000025');
    expect(floatDecimal(1.5e21)).toBe('1500000000000000000000');
    expect(floatDecimal(23878.286977909444)).toBe('23878.286977909444');
    expect(floatDecimal(0)).toBe('0');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = floatDecimal(value);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
      }),
    );
  });

  it('every figure in a report, scenario arrays included; list positions stay numbers', () => {
    const json = JSON.parse(
      toJson({ equity: 15n * 10n ** 17n, pnl: Float64Array.from([-1.25, 3e-9]), binding: 0 }),
    );
    expect(json).toEqual({ equity: '1.5', pnl: ['-1.25', '0.000000003'], binding: 0 });
  });
});
