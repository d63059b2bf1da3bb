import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d, linearPerp, option } from '../../../test/kit.ts';
import type { Instrument } from '../model/instrument.ts';
import { abs, SCALE } from '../num/fixed.ts';
import { divCeil, divFloor } from '../num/rounding.ts';
import { baseSize, equityValue, notional, unrealisedPnl } from './contract-value.ts';

// A contract's figures take one division less where its size is a whole number of units
// (contract-value.ts `wholeContractSize`): against the definitions, size × contract size × price
// over 10³⁶, rounded as each figure rounds, for whole sizes above 1 and fractional ones, on every
// kind of contract the shortcut serves.

const contractSizes = ['1', '10', '100', '0.1', '0.001', '1.5', '0.000000000000000001'];
const kinds: readonly ((size: string) => Instrument)[] = [
  (size) => linearPerp(`L${size}`, 'BTC', { contractSize: d(size) }),
  (size) => ({ ...option(`IC${size}`, 'BTC', 'call', '90000', 'inverse'), contractSize: d(size) }),
  (size) => ({ ...option(`LP${size}`, 'BTC', 'put', '90000', 'linear'), contractSize: d(size) }),
];
// Values that do not divide evenly: sizes and prices with 18 decimals of their own.
const quantity = fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n });
const price = fc.bigInt({ min: 1n, max: 10n ** 24n });

describe('a contract’s figures with a whole contract size', () => {
  it('are the definitions’ to the unit, whole or not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...contractSizes),
        fc.constantFrom(...kinds),
        quantity,
        price,
        price,
        price,
        (contractSize, kind, size, mark, entry, index) => {
          const instrument = kind(contractSize);
          const cs = instrument.contractSize;
          const face = abs(size) * cs;
          const covered =
            instrument.kind !== 'option'
              ? divCeil(face * mark, SCALE * SCALE)
              : instrument.settlement === 'inverse'
                ? divCeil(face, SCALE)
                : divCeil(face * index, SCALE * SCALE);
          expect(notional(instrument, size, mark, index)).toBe(covered);
          expect(baseSize(instrument, size)).toBe(divCeil(face, SCALE));
          const pnl = size === 0n ? 0n : divFloor(size * cs * (mark - entry), SCALE * SCALE);
          expect(unrealisedPnl(instrument, size, entry, mark)).toBe(pnl);
          const value =
            instrument.kind === 'option' ? divFloor(size * cs * mark, SCALE * SCALE) : pnl;
          expect(equityValue(instrument, size, entry, mark)).toBe(value);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
