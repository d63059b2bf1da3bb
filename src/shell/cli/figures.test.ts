import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixed as d } from '../../core/num/fixed.ts';
import {
  amountDown,
  amountUp,
  coins,
  coinsAbout,
  floatDecimal,
  leverageText,
  priceAt,
  sizeAt,
  toJson,
} from './figures.ts';

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

describe('figures for people', () => {
  it('prints a price at its tick, grouped, never at 18 decimals', () => {
    expect(priceAt(d('89781'), d('0.1'))).toBe('89,781.0');
    expect(priceAt(d('3829.72'), d('0.01'))).toBe('3,829.72');
    expect(priceAt(d('109870'), d('1'))).toBe('109,870');
    expect(priceAt(d('95180'), d('2.5'))).toBe('95,180.0');
    expect(priceAt(d('0.0382'), d('0.0001'))).toBe('0.0382');
    // Off the tick (an averaged entry): the decimals it has, up to eight, to the nearest.
    expect(priceAt(d('116541.388888888888888889'), d('0.1'))).toBe('116,541.38888889');
    expect(priceAt(null, d('0.1'))).toBe('-');
    // No tick in the file (the reader's 0.00000001): the price's own decimals, at least two.
    expect(priceAt(d('110850'), d('0.00000001'))).toBe('110,850.00');
    expect(priceAt(d('70105.83987379'), d('0.00000001'))).toBe('70,105.83987379');
    expect(sizeAt(d('0.35'), d('0.00000001'))).toBe('0.35');
  });

  it('prints a size at its step, signed, and a balance at its own decimals', () => {
    expect(sizeAt(d('-15'), d('0.001'))).toBe('-15.000');
    expect(sizeAt(d('5000'), d('1'))).toBe('5,000');
    expect(coins(d('12000'))).toBe('12,000');
    expect(coins(d('0.05'))).toBe('0.05');
    // A debt rounds to the larger one.
    expect(coins(d('-0.123456789'))).toBe('-0.12345679');
    expect(coinsAbout(d('6688.525293870000000001'))).toBe('6,688.5252');
    expect(coinsAbout(d('0.021811736'))).toBe('0.02181173');
  });

  it('money in cents with thousands separators, on the venue side of the rounding', () => {
    expect(amountDown(d('1234567.899'))).toBe('1,234,567.89');
    expect(amountUp(d('1234567.891'))).toBe('1,234,567.90');
    expect(amountDown(d('-6389.951'))).toBe('-6,389.96');
  });

  it('a leverage to the nearest hundredth, so a cent rounded up does not show 20× as 19.99×', () => {
    expect(leverageText(d('20'))).toBe('20×');
    expect(leverageText(d('19.99999'))).toBe('20×');
    expect(leverageText(d('17.8567'))).toBe('17.86×');
    expect(leverageText(d('1250.5'))).toBe('1,250.5×');
  });
});
