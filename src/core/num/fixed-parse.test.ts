import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFixed, SCALE } from './fixed.ts';

/**
 * parseFixed on strings made mostly of digits, points and minus signs: the malformed decimals a
 * general string generator almost never draws ("1..5", "-.5", "1.-2"), in both its paths (at most
 * 15 digits as one double, more as one BigInt of the digits).
 */
function reference(text: string): bigint | null {
  const match = /^(-)?(\d+)(?:\.(\d{1,18}))?$/.exec(text);
  if (match === null) return null;
  const [, sign, whole, fraction = ''] = match;
  const magnitude = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(18, '0'));
  return sign === '-' ? -magnitude : magnitude;
}

describe('parseFixed refuses every misplaced point', () => {
  it('a second point, next to the first or after more digits, is refused in both paths', () => {
    for (const text of ['1..5', '1.2.3', '..1', '1..', '-1..5', '0..0', '1.5.']) {
      expect(parseFixed(text)).toBeNull();
    }
    // Sixteen digits and more take the BigInt path: the same refusals there.
    expect(parseFixed('1234567890123456..7')).toBeNull();
    expect(parseFixed('1234567890.123456.7')).toBeNull();
    expect(parseFixed('1234567890.1234567')).toBe(1234567890n * SCALE + 1234567n * 10n ** 11n);
  });

  it('reads strings of digits, points and signs as the definition does', () => {
    const text = fc
      .array(fc.constantFrom('0', '1', '7', '9', '.', '.', '-'), { maxLength: 22 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(parseFixed(t)).toBe(reference(t));
      }),
      { numRuns: 5_000 },
    );
  });
});
