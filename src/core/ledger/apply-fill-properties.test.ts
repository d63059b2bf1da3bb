import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  account,
  d,
  inversePerp,
  linearPerp,
  option,
  rulebook,
  venue as venueOf,
} from '../../../test/kit.ts';
import { applyHypothetical } from '../margin/hypothetical.ts';
import type { Account, Position, Side } from '../model/account.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Amount, Quantity } from '../num/fixed.ts';
import { abs, max, min, SCALE } from '../num/fixed.ts';
import { applyFill } from './apply-fill.ts';
import type { Fill, FillApplied, VenueAccounts } from './fill.ts';
import { netByAsset, netOf } from './movement.ts';

/**
 * Properties of applyFill over random books: 18-decimal sizes and prices that almost never divide
 * evenly, every kind of instrument, fees and rebates, existing positions long and short, cross and
 * isolated.
 */
const venue: VenueAccounts = { fees: 'fees', rounding: 'rounding', pnlPool: 'pool' };
const exact = { sizeStep: 1n, tickSize: 1n };
const instruments: readonly Instrument[] = [
  linearPerp('L', 'BTC', exact),
  inversePerp('I', 'BTC', exact),
  { ...option('IO', 'BTC', 'call', '80000', 'inverse'), ...exact },
  { ...option('LO', 'ETH', 'put', '3000', 'linear'), ...exact },
];
const futures = instruments.filter((instrument) => instrument.kind !== 'option');

const sizeArb = fc.bigInt(1n, 1000n * SCALE);
const priceArb = fc.bigInt(SCALE / 100n, 100_000n * SCALE);
const sideArb = fc.constantFrom<Side>('buy', 'sell');
/** A taker rate of 0 to 0.1 %, a maker rate from minus it (a rebate it funds) to 0.1 %. */
const ratesArb = fc
  .bigInt(0n, SCALE / 1000n)
  .chain((taker) => fc.tuple(fc.constant(taker), fc.bigInt(-taker, SCALE / 1000n)));
const heldArb = fc.option(
  fc.record({
    size: fc.bigInt(-1000n * SCALE, 1000n * SCALE).filter((size) => size !== 0n),
    entryPrice: priceArb,
    isolatedMargin: fc.option(fc.bigInt(0n, 10_000n * SCALE), { nil: undefined }),
  }),
  { nil: undefined },
);

function holder(id: string, instrument: Instrument, held: HeldDraw | undefined): Account {
  const positions: Position[] =
    held === undefined
      ? []
      : [
          {
            instrument: instrument.id,
            size: held.size,
            entryPrice: held.entryPrice,
            marginMode: held.isolatedMargin === undefined ? 'cross' : 'isolated',
            isolatedMargin: held.isolatedMargin ?? 0n,
          },
        ];
  return account({ [instrument.settle]: '1000000' }, positions, id);
}

type HeldDraw = { size: bigint; entryPrice: bigint; isolatedMargin: bigint | undefined };

function fillOf(
  instrument: Instrument,
  side: Side,
  size: Quantity,
  price: bigint,
  rates = [0n, 0n],
) {
  return {
    instrument: instrument.id,
    takerSide: side,
    size,
    price,
    taker: { account: 'taker', feeRate: rates[0]! },
    maker: { account: 'maker', feeRate: rates[1]! },
    timeMs: 0,
    indexPrice: d('3000'),
  } satisfies Fill;
}

function filled(fill: Fill, instrument: Instrument, taker: Account, maker: Account): FillApplied {
  const outcome = applyFill(fill, instrument, taker, maker, venue);
  if (outcome.kind !== 'filled') throw new Error(`rejected: ${outcome.code} at ${outcome.field}`);
  return outcome;
}

function holding(account: Account, instrument: Instrument): Amount {
  let held = account.balances.get(instrument.settle) ?? 0n;
  for (const p of account.positions) if (p.instrument === instrument.id) held += p.isolatedMargin;
  return held;
}

function sizeOn(account: Account, instrument: Instrument): Quantity {
  return account.positions
    .filter((p) => p.instrument === instrument.id)
    .reduce((sum, p) => sum + p.size, 0n);
}

const bookArb = fc.record({
  instrument: fc.constantFrom(...instruments),
  side: sideArb,
  size: sizeArb,
  price: priceArb,
  rates: ratesArb,
  takerHeld: heldArb,
  makerHeld: heldArb,
  /** An option fee cap, as a share of the premium (Deribit 12.5 %). */
  optionFeeCap: fc.option(fc.bigInt(1n, SCALE), { nil: undefined }),
});

describe('applyFill properties', () => {
  it('moves the taker as the what-if fills an order, fees aside: one implementation', () => {
    const whatIfVenue = venueOf([...instruments], rulebook({}));
    fc.assert(
      fc.property(bookArb, (book) => {
        const { instrument } = book;
        const taker = holder('taker', instrument, book.takerHeld);
        const maker = holder('maker', instrument, book.makerHeld);
        const outcome = filled(
          fillOf(instrument, book.side, book.size, book.price),
          instrument,
          taker,
          maker,
        );
        const order = {
          kind: 'order' as const,
          instrument: instrument.id,
          side: book.side,
          size: book.size,
          price: book.price,
        };
        expect(outcome.taker.account).toEqual(applyHypothetical(taker, whatIfVenue, order));
      }),
    );
  });

  it('conserves every asset exactly, and the fee and rounding accounts never pay out', () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const { instrument } = book;
        const taker = holder('taker', instrument, book.takerHeld);
        const maker = holder('maker', instrument, book.makerHeld);
        const cap = instrument.kind === 'option' ? book.optionFeeCap : undefined;
        const fill: Fill = {
          ...fillOf(instrument, book.side, book.size, book.price, book.rates),
          ...(cap === undefined ? {} : { optionFeeCap: cap }),
        };
        const outcome = filled(fill, instrument, taker, maker);
        for (const net of netByAsset(outcome.movements).values()) expect(net).toBe(0n);
        const movedTaker = holding(outcome.taker.account, instrument) - holding(taker, instrument);
        const movedMaker = holding(outcome.maker.account, instrument) - holding(maker, instrument);
        const asset = instrument.settle;
        const toVenue = ['fees', 'rounding', 'pool'].map((id) =>
          netOf(outcome.movements, id, asset),
        );
        expect(movedTaker + movedMaker + toVenue.reduce((a, b) => a + b, 0n)).toBe(0n);
        expect(toVenue[0]! >= 0n).toBe(true);
        expect(toVenue[1]! >= 0n).toBe(true);
      }),
    );
  });

  it('keeps the Σ size of the instrument: +q to one side, −q to the other', () => {
    fc.assert(
      fc.property(bookArb, (book) => {
        const { instrument } = book;
        const taker = holder('taker', instrument, book.takerHeld);
        const maker = holder('maker', instrument, book.makerHeld);
        const fill = fillOf(instrument, book.side, book.size, book.price, book.rates);
        const outcome = filled(fill, instrument, taker, maker);
        const q = book.side === 'buy' ? book.size : -book.size;
        expect(sizeOn(outcome.taker.account, instrument) - sizeOn(taker, instrument)).toBe(q);
        expect(sizeOn(outcome.maker.account, instrument) - sizeOn(maker, instrument)).toBe(-q);
      }),
    );
  });

  it('a round trip from flat at one price, without fees, realises zero', () => {
    fc.assert(
      fc.property(fc.constantFrom(...futures), sideArb, sizeArb, priceArb, (inst, side, q, p) => {
        const taker = holder('taker', inst, undefined);
        const maker = holder('maker', inst, undefined);
        const there = filled(fillOf(inst, side, q, p), inst, taker, maker);
        const back = filled(
          fillOf(inst, side === 'buy' ? 'sell' : 'buy', q, p),
          inst,
          there.taker.account,
          there.maker.account,
        );
        expect(back.taker.close?.realisedPnl).toBe(0n);
        expect(back.maker.close?.realisedPnl).toBe(0n);
        expect(back.movements).toEqual([]);
        expect(back.taker.account.balances).toEqual(taker.balances);
        expect(back.taker.account.positions).toEqual([]);
      }),
    );
  });

  it('a round trip of an option costs each side at most one unit, to the rounding account', () => {
    const options = instruments.filter((instrument) => instrument.kind === 'option');
    fc.assert(
      fc.property(fc.constantFrom(...options), sideArb, sizeArb, priceArb, (inst, side, q, p) => {
        const taker = holder('taker', inst, undefined);
        const maker = holder('maker', inst, undefined);
        const there = filled(fillOf(inst, side, q, p), inst, taker, maker);
        const other = side === 'buy' ? 'sell' : 'buy';
        const back = filled(
          fillOf(inst, other, q, p),
          inst,
          there.taker.account,
          there.maker.account,
        );
        for (const [before, after] of [
          [taker, back.taker.account],
          [maker, back.maker.account],
        ] as const) {
          const lost = holding(before, inst) - holding(after, inst);
          expect(lost >= 0n && lost <= 1n).toBe(true);
        }
      }),
    );
  });

  it('a flip is a close then an open: same position and PnL, the fee up to its rounding', () => {
    const flipArb = fc.record({
      instrument: fc.constantFrom(...futures),
      held: fc.record({
        size: sizeArb,
        entryPrice: priceArb,
        isolatedMargin: fc.constant(undefined),
      }),
      long: fc.boolean(),
      beyond: sizeArb,
      price: priceArb,
      rate: fc.bigInt(-SCALE / 1000n, SCALE / 1000n),
    });
    fc.assert(
      fc.property(flipArb, ({ instrument: inst, held, long, beyond, price, rate }) => {
        const size = long ? held.size : -held.size;
        const trader = holder('taker', inst, { ...held, size });
        const other = holder('maker', inst, undefined);
        const side: Side = long ? 'sell' : 'buy';
        // The counterparty's fee funds a rebate to the trader: the two rates sum to ≥ 0.
        const rates = [rate, abs(rate)];
        const flip = filled(
          fillOf(inst, side, held.size + beyond, price, rates),
          inst,
          trader,
          other,
        );
        const close = filled(fillOf(inst, side, held.size, price, rates), inst, trader, other);
        const open = filled(
          fillOf(inst, side, beyond, price, rates),
          inst,
          close.taker.account,
          close.maker.account,
        );
        expect(flip.taker.after).toEqual(open.taker.after);
        expect(flip.taker.close?.realisedPnl).toBe(close.taker.close?.realisedPnl);
        expect(flip.taker.close!.fee + flip.taker.open!.fee).toBe(flip.taker.fee);
        // Two fees each rounded up cost at least the one fee of the whole: the split fill's
        // rounding, at most one unit, is the venue's; the flip's apportioning leaks nothing.
        const extra = close.taker.fee + open.taker.fee - flip.taker.fee;
        expect(extra >= 0n && extra <= 1n).toBe(true);
        const flipped = holding(flip.taker.account, inst);
        expect(flipped - holding(open.taker.account, inst)).toBe(extra);
        const feesFlip = netOf(flip.movements, 'fees', inst.settle);
        const feesSplit = netOf([...close.movements, ...open.movements], 'fees', inst.settle);
        const makerExtra = close.maker.fee + open.maker.fee - flip.maker.fee;
        expect(feesSplit - feesFlip).toBe(extra + makerExtra);
      }),
    );
  });
});

/** An exact rational with a positive denominator, for the rounding properties. */
type Fraction = readonly [bigint, bigint];
const add = ([a, b]: Fraction, [c, e]: Fraction): Fraction => [a * e + c * b, b * e];

/**
 * What an account's trades are worth exactly, in units of 10^-18 of the settle asset: a linear
 * trade of q at p moves −q·cs·p of the quote, an inverse one +q·cs/p of the coin (buying a USD
 * face at p holds its coin value). Over a cycle from flat back to flat, an account's realised PnL
 * is exactly the sum of these; the ledger's may only be less (S29: nobody gains from rounding).
 */
function tradeValue(instrument: Instrument, q: Quantity, p: bigint): Fraction {
  const cs = instrument.contractSize;
  return instrument.settlement === 'linear' ? [-q * cs * p, SCALE * SCALE] : [q * cs, p];
}

describe('applyFill over a trading cycle (SCENARIOS.md S29)', () => {
  const tradeArb = fc.record({
    taker: fc.constantFrom(0, 1, 2),
    maker: fc.constantFrom(0, 1, 2),
    side: sideArb,
    size: sizeArb,
    price: priceArb,
  });

  it('no account gains from rounding and the PnL pool ends ≥ 0 once every position is flat', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...futures),
        fc.array(tradeArb, { minLength: 1, maxLength: 12 }),
        priceArb,
        (inst, trades, closingPrice) => {
          const ids = ['a', 'b', 'c'];
          const books = ids.map((id) => holder(id, inst, undefined));
          const value: Fraction[] = ids.map(() => [0n, 1n]);
          const realised = ids.map(() => 0n);
          let pool = 0n;
          const trade = (t: number, m: number, side: Side, size: Quantity, price: bigint) => {
            const fill: Fill = {
              ...fillOf(inst, side, size, price),
              taker: { account: ids[t]!, feeRate: 0n },
              maker: { account: ids[m]!, feeRate: 0n },
            };
            const outcome = filled(fill, inst, books[t]!, books[m]!);
            books[t] = outcome.taker.account;
            books[m] = outcome.maker.account;
            const q = side === 'buy' ? size : -size;
            value[t] = add(value[t]!, tradeValue(inst, q, price));
            value[m] = add(value[m]!, tradeValue(inst, -q, price));
            realised[t]! += outcome.taker.close?.realisedPnl ?? 0n;
            realised[m]! += outcome.maker.close?.realisedPnl ?? 0n;
            pool += netOf(outcome.movements, 'pool', inst.settle);
          };
          for (const t of trades)
            if (t.taker !== t.maker) trade(t.taker, t.maker, t.side, t.size, t.price);
          // Flatten: the longest long sells to the shortest short until every size is 0.
          for (let round = 0; round < ids.length; round++) {
            const sizes = books.map((b) => sizeOn(b, inst));
            const long = sizes.indexOf(sizes.reduce(max));
            const short = sizes.indexOf(sizes.reduce(min));
            if (sizes[long] === 0n) break;
            const size = min(sizes[long]!, -sizes[short]!);
            trade(long, short, 'sell', size, closingPrice);
          }
          expect(books.every((b) => b.positions.length === 0)).toBe(true);
          for (let i = 0; i < ids.length; i++) {
            const [n, den] = value[i]!;
            expect(realised[i]! * den <= n).toBe(true);
          }
          expect(pool).toBe(-realised.reduce((a, b) => a + b, 0n));
          expect(pool >= 0n).toBe(true);
        },
      ),
    );
  });
});
