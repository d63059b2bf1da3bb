import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import { insuranceFundDelta, liquidationFee } from './insurance-fund-delta.ts';

describe("the insurance fund's part of a liquidation fill", () => {
  const value = d('1234.5678');
  const rate = d('0.001');
  const cent = d('0.01');

  it('is the fee, down to the unit, where the fill left enough above bankruptcy', () => {
    // 0.001 × 1,234.5678 = 1.2345678, 1.23 to the cent.
    expect(liquidationFee(value, rate, cent)).toBe(d('1.23'));
    expect(insuranceFundDelta(d('5'), value, rate, cent)).toBe(d('1.23'));
    // Where no price bankrupts the close, the fee in full.
    expect(insuranceFundDelta(null, value, rate, cent)).toBe(d('1.23'));
  });

  it('is what is left above bankruptcy where the fee is more, and the cover below it', () => {
    expect(insuranceFundDelta(d('0.5'), value, rate, cent)).toBe(d('0.5'));
    expect(insuranceFundDelta(0n, value, rate, cent)).toBe(0n);
    expect(insuranceFundDelta(-d('3.333'), value, rate, cent)).toBe(-d('3.333'));
  });
});
