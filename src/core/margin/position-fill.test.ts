import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { d, inversePerp, linearPerp, option } from '../../../test/kit.ts';
import type { Instrument } from '../model/instrument.ts';
import { min, SCALE } from '../num/fixed.ts';
import { divFloor } from '../num/rounding.ts';
import { positionFill } from './position-fill.ts';

const linear = linearPerp('L', 'BTC');
const inverse = inversePerp('I', 'BTC', { contractSize: d('1') });
const call = option('C', 'BTC', 'call', '80000', 'inverse');

/** Up to 1,000 contracts at all 18 decimals: sizes that almost never divide evenly. */
const sizeArb = fc.bigInt(1n, 1000n * SCALE);
const priceArb = fc.bigInt(SCALE / 100n, 100_000n * SCALE);
const sideArb = fc.constantFrom(1n, -1n);

/** The exact entry after adding, as a fraction with a positive denominator. */
function exactEntry(
  instrument: Instrument,
  s: bigint,
  e: bigint,
  q: bigint,
  p: bigint,
): [bigint, bigint] {
  const [n, den] =
    instrument.settlement === 'linear' ? [s * e + q * p, s + q] : [(s + q) * e * p, s * p + q * e];
  return den < 0n ? [-n, -den] : [n, den];
}

describe('positionFill: the entry after adding', () => {
  it('averages by size for linear contracts: Bybit 0.5 @ 5,000 + 0.3 @ 6,000 = 5,375', () => {
    const added = positionFill(
      linear,
      { size: d('0.5'), entryPrice: d('5000') },
      d('0.3'),
      d('6000'),
    );
    expect(added).toMatchObject({ size: d('0.8'), entryPrice: d('5375'), closing: 0n });
  });

  it('averages harmonically for inverse ones: Bybit 1,000 @ 5,000 + 2,000 @ 6,000 = 5,625', () => {
    const held = { size: d('1000'), entryPrice: d('5000') };
    expect(positionFill(inverse, held, d('2000'), d('6000')).entryPrice).toBe(d('5625'));
  });

  it('rounds an uneven average against the trader: a long up, a short down', () => {
    // (1 × 100 + 2 × 101) / 3 = 100.6666…: the long's entry 100.666…667, the short's 100.666…666.
    const long = positionFill(linear, { size: d('1'), entryPrice: d('100') }, d('2'), d('101'));
    expect(long.entryPrice).toBe(d('100.666666666666666667'));
    const short = positionFill(linear, { size: d('-1'), entryPrice: d('100') }, d('-2'), d('101'));
    expect(short.entryPrice).toBe(d('100.666666666666666666'));
    // Inverse: 3 / (1/100 + 2/101) = 30300 / 301 = 100.66445182724252491…
    const coin = positionFill(inverse, { size: d('1'), entryPrice: d('100') }, d('2'), d('101'));
    expect(coin.entryPrice).toBe(d('100.664451827242524917'));
  });

  it.each([
    ['linear', linear],
    ['inverse', inverse],
  ] as const)(
    'is the exact average rounded against the trader, within one unit (%s)',
    (_n, inst) => {
      fc.assert(
        fc.property(sideArb, sizeArb, priceArb, sizeArb, priceArb, (side, s, e, q, p) => {
          const { entryPrice } = positionFill(inst, { size: side * s, entryPrice: e }, side * q, p);
          const [n, den] = exactEntry(inst, side * s, e, side * q, p);
          if (side > 0n) {
            expect(entryPrice * den >= n).toBe(true);
            expect((entryPrice - 1n) * den < n).toBe(true);
          } else {
            expect(entryPrice * den <= n).toBe(true);
            expect((entryPrice + 1n) * den > n).toBe(true);
          }
        }),
      );
    },
  );

  it('keeps the entry while reducing and takes the price on a flip', () => {
    const held = { size: d('2'), entryPrice: d('100') };
    expect(positionFill(linear, held, d('-1'), d('90')).entryPrice).toBe(d('100'));
    expect(positionFill(linear, held, d('-5'), d('90'))).toMatchObject({
      size: d('-3'),
      entryPrice: d('90'),
      closing: d('-2'),
      opening: d('-3'),
      realisedPnl: d('-20'),
    });
  });
});

describe('positionFill: realised PnL of inverse contracts, in the coin', () => {
  it('matches the hand calculation: long 1,000 from 5,000 closed at 5,500 = 1/55 BTC', () => {
    // 1,000 × (1/5,000 − 1/5,500) = 1,000 × 500 / 27,500,000 = 1/55 = 0.0181818… BTC, down.
    const closed = positionFill(
      inverse,
      { size: d('1000'), entryPrice: d('5000') },
      d('-1000'),
      d('5500'),
    );
    expect(closed.realisedPnl).toBe(d('0.018181818181818181'));
    // Short 1,000 from 5,000 closed at 4,500: 1,000 × (1/4,500 − 1/5,000) = 1/45 BTC.
    const short = positionFill(
      inverse,
      { size: d('-1000'), entryPrice: d('5000') },
      d('1000'),
      d('4500'),
    );
    expect(short.realisedPnl).toBe(d('0.022222222222222222'));
    // A loss rounds down too: long 1,000 from 5,500 closed at 5,000 loses 1/55, −0.0181…182.
    const loss = positionFill(
      inverse,
      { size: d('1000'), entryPrice: d('5500') },
      d('-1000'),
      d('5000'),
    );
    expect(loss.realisedPnl).toBe(d('-0.018181818181818182'));
  });

  it('is the coin value at entry less the coin value at exit, of the part closed', () => {
    fc.assert(
      fc.property(sideArb, sizeArb, priceArb, sizeArb, priceArb, (side, s, e, q, p) => {
        const closing = -side * min(q, s);
        const fill = positionFill(inverse, { size: side * s, entryPrice: e }, -side * q, p);
        expect(fill.closing).toBe(closing);
        // The coin value of the closed contracts (the position's, −closing) is c·cs/E at entry
        // and c·cs/p at exit; a long gains what it fell by: c·cs/E − c·cs/p = c·cs·(p − E)/(E·p).
        const face = -closing * inverse.contractSize;
        expect(fill.realisedPnl).toBe(divFloor(face * p - face * e, e * p));
      }),
    );
  });
});

describe('positionFill: options', () => {
  it('pays the premium in full, rounded down, and averages the premium as the entry', () => {
    const bought = positionFill(call, { size: 0n, entryPrice: 0n }, d('2'), d('0.05'));
    expect(bought).toMatchObject({ size: d('2'), entryPrice: d('0.05'), premium: d('-0.1') });
    expect(bought.realisedPnl).toBe(0n);
    const sold = positionFill(call, { size: d('2'), entryPrice: d('0.05') }, d('-1'), d('0.07'));
    expect(sold).toMatchObject({ premium: d('0.07'), realisedPnl: 0n, entryPrice: d('0.05') });
  });
});

describe('positionFill keeps the what-if figures', () => {
  it('a fill from flat enters at the price', () => {
    fc.assert(
      fc.property(sideArb, sizeArb, priceArb, (side, q, p) => {
        const fill = positionFill(linear, { size: 0n, entryPrice: 0n }, side * q, p);
        expect(fill).toMatchObject({
          size: side * q,
          entryPrice: p,
          closing: 0n,
          opening: side * q,
        });
        expect(fill.realisedPnl).toBe(0n);
      }),
    );
  });

  it('a full close leaves size 0 at the price, with the PnL of the whole position', () => {
    const fill = positionFill(
      linear,
      { size: d('0.2'), entryPrice: d('7000') },
      d('-0.2'),
      d('7500'),
    );
    // Bybit: 0.2 × (7,500 − 7,000) = 100 USDT.
    expect(fill).toMatchObject({ size: 0n, entryPrice: d('7500'), realisedPnl: d('100') });
    expect(divFloor(fill.realisedPnl, SCALE)).toBe(100n);
  });
});
