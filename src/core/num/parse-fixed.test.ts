import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, parseFixed, SCALE } from './fixed.ts';

/** The definition, written the slow way: whole × 10^18 + the fraction padded to 18 digits. */
function reference(text: string): bigint | null {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) return null;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > 18) return null;
  const magnitude = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(18, '0'));
  return sign === '-' ? -magnitude : magnitude;
}

describe('parseFixed', () => {
  it('reads every decimal string as the definition does, and refuses the rest alike', () => {
    const digits = fc.stringMatching(/^\d{1,25}$/);
    const decimal = fc
      .tuple(fc.boolean(), digits, fc.option(fc.stringMatching(/^\d{0,20}$/)))
      .map(
        ([minus, whole, fraction]) =>
          `${minus ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`,
      );
    fc.assert(
      fc.property(fc.oneof(decimal, fc.string()), (text) => {
        expect(parseFixed(text)).toBe(reference(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('exact at the edges: 18 decimals, a leading zero, a negative fraction; refuses 19, 1e3', () => {
    expect(parseFixed('0.000000000000000001')).toBe(1n);
    expect(parseFixed('-0.5')).toBe(-SCALE / 2n);
    expect(parseFixed('007.25')).toBe(7n * SCALE + SCALE / 4n);
    expect(parseFixed('-12')).toBe(-12n * SCALE);
    expect(parseFixed('0.0000000000000000001')).toBeNull();
    expect(parseFixed('1e3')).toBeNull();
    expect(parseFixed('1.')).toBeNull();
    expect(parseFixed('.5')).toBeNull();
    expect(parseFixed('+1')).toBeNull();
    expect(parseFixed('')).toBeNull();
  });
});

/** The definition of formatFixed, the slow way: whole part and fraction by division. */
function formatReference(value: bigint): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const fraction = (magnitude % SCALE).toString().padStart(18, '0').replace(/0+$/, '');
  const text = fraction === '' ? `${magnitude / SCALE}` : `${magnitude / SCALE}.${fraction}`;
  return negative ? `-${text}` : text;
}

describe('formatFixed', () => {
  it('writes every value as the definition does, and parseFixed reads it back', () => {
    const values = fc.oneof(
      fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
      fc.bigInt({ min: -1000n, max: 1000n }),
      fc.bigInt({ min: 0n, max: 10n ** 6n }).map((k) => k * SCALE),
    );
    fc.assert(
      fc.property(values, (value) => {
        expect(formatFixed(value)).toBe(formatReference(value));
        expect(parseFixed(formatFixed(value))).toBe(value);
      }),
      { numRuns: 5_000 },
    );
  });

  it('at the edges: zero, one unit either side, exactly one, 10^18 units', () => {
    expect(formatFixed(0n)).toBe('0');
    expect(formatFixed(1n)).toBe('0.000000000000000001');
    expect(formatFixed(-1n)).toBe('-0.000000000000000001');
    expect(formatFixed(SCALE)).toBe('1');
    expect(formatFixed(-SCALE - SCALE / 10n)).toBe('-1.1');
    expect(formatFixed(SCALE * SCALE)).toBe('1000000000000000000');
  });
});
