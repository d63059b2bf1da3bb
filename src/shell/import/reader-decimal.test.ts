import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFixed } from '../../core/num/fixed.ts';
import { Reader } from './reader.ts';

/** The reader's decimals are parseFixed's: the same value, and an issue where it refuses. */
function read(text: string): bigint | null {
  const reader = new Reader(text, 'x');
  const value = reader.decimal();
  return reader.issues.length > 0 ? null : value;
}

describe('Reader.decimal', () => {
  it('reads every decimal string exactly as parseFixed, and refuses what it refuses', () => {
    const edges = ['0', '-0', '-0.0', '1.', '.5', '-', '', '1e5', '+1', ' 1', '1 ', '0x10'];
    const long = ['123456789012345', '1234567890123456', '-999999999999999.5', '00012.3400'];
    const scale = ['0.000000000000000001', '0.0000000000000000001', '1.5a', '１'];
    for (const text of [...edges, ...long, ...scale]) expect(read(text)).toBe(parseFixed(text));
    expect(read('-12.5')).toBe(-12_500_000_000_000_000_000n);
    expect(read('0.000000000000000001')).toBe(1n);
    const decimals = fc.stringMatching(/^-?[0-9]{0,20}(\.[0-9]{0,20})?$/);
    fc.assert(
      fc.property(decimals, (text) => {
        expect(read(text)).toBe(parseFixed(text));
      }),
      {
        numRuns: 5000,
      },
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(read(text)).toBe(parseFixed(text));
      }),
    );
  });
});
