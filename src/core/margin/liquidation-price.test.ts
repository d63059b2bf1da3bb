import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  account,
  binanceLikeBrackets,
  coinBrackets,
  d,
  inversePerp,
  linearPerp,
  market,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { priceMax } from '../limits.ts';
import type { Position } from '../model/account.ts';
import type { Leg } from '../model/bucket.ts';
import type { Instrument } from '../model/instrument.ts';
import { marketView } from '../model/price-view.ts';
import type { MarginRule } from '../model/rulebook.ts';
import { SCALE } from '../num/fixed.ts';
import { assess } from './assess.ts';
import { legMaintenanceHealth } from './leg-risk.ts';
import { bucketLiquidationPrice } from './liquidation-price.ts';

/**
 * The report's liquidation price at extreme prices (issue 8): a settle asset, a mark or an entry
 * at 10^-18, 10^-15 or 10^12. There a tick can move the bucket's rounded health by nothing over a
 * long stretch, and the closed form's root, solved in the settle asset, need not be where the
 * bucket's own evaluation in USD flips. The search must still end, and with what it claims: a
 * price at which the bucket stands, the tick beyond it (away from the mark) one where it falls;
 * or no price, the bucket standing at every tick or at none; or, for a short that no positive
 * price saves, the first tick, where it falls.
 */

const perp = linearPerp('BTCUSDT', 'BTC');
const coinPerp = inversePerp('BTCUSD', 'BTC');
const instruments: [Instrument, MarginRule][] = [
  [perp, binanceLikeBrackets],
  [perp, { kind: 'max-leverage', maxLeverage: d('20') }],
  [coinPerp, coinBrackets],
  [coinPerp, { kind: 'max-leverage', maxLeverage: d('25') }],
];

/** 10^-18, 10^-15 and 10^12, the extremes a file can write, or an ordinary price. */
const extremePrice = fc.oneof(
  fc.constantFrom(1n, 1_000n, d('1000000000000')),
  fc.bigInt(d('0.01'), d('200000')),
);
const tickArb = fc.constantFrom(1n, d('0.0001'), d('0.5'), d('2.5'));
/** 0.001 to 10,000 contracts, long or short. */
const sizeArb = fc
  .bigInt(10n ** 15n, 10n ** 22n)
  .chain((magnitude) => fc.constantFrom(magnitude, -magnitude));
/** The rest of the bucket, in USD: a few units of 10^-18 (where the roundings decide) or dollars. */
const restArb = fc.oneof(fc.bigInt(-5n, 5n), fc.bigInt(-d('1000000'), d('1000000')));

const leg = (instrument: Instrument, size: bigint, entryPrice: bigint): Leg => ({
  instrument: instrument.id,
  size,
  entryPrice,
  leverage: undefined,
  orders: [],
});

describe('the liquidation price search at extreme prices', () => {
  it('ends, and the bucket stands at the price and falls a tick beyond it', () => {
    const seen = { price: 0, none: 0, everyPrice: 0, firstTick: 0, belowFirstTick: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...instruments),
        tickArb,
        sizeArb,
        extremePrice,
        extremePrice,
        extremePrice,
        restArb,
        ([base, rule], tickSize, size, entry, mark, settlePrice, restValue) => {
          const instrument = { ...base, tickSize };
          const book = venue([instrument], rulebook({ [instrument.id]: rule }));
          const held = leg(instrument, size, entry);
          const at = (price: bigint) =>
            marketView({
              assetPrices: new Map([[instrument.settle, settlePrice]]),
              markPrices: new Map([[instrument.id, price]]),
            });
          const stands = (price: bigint) =>
            restValue + legMaintenanceHealth(book, held, at(price)) >= 0n;
          const price = bucketLiquidationPrice(book, held, at(mark), restValue);
          const long = size > 0n;
          if (price === null) {
            // No tick has a neighbour on the other side: the bucket stands at the first tick, at
            // the mark and at the largest price a file can write, or falls at all three.
            const ends = [tickSize, mark, priceMax].map(stands);
            expect(ends).toEqual(ends[0] ? [true, true, true] : [false, false, false]);
            // A short that no price saves is given the first tick, never no price.
            if (!ends[0]) expect(long).toBe(true);
            if (ends[0]) seen.none += 1;
            else seen.everyPrice += 1;
            return;
          }
          expect(price % tickSize).toBe(0n);
          expect(price).toBeGreaterThan(0n);
          if (!long && price === tickSize && !stands(tickSize)) {
            // Every tick liquidates it, the mark too unless it lies below the first tick.
            if (mark >= tickSize) expect(stands(mark)).toBe(false);
            seen.firstTick += 1;
            return;
          }
          expect(stands(price)).toBe(true);
          // A long at the first tick falls below it, at its mark: no tick lies beyond.
          const beyond = long ? price - tickSize : price + tickSize;
          expect(stands(beyond > 0n ? beyond : mark)).toBe(false);
          if (beyond > 0n) seen.price += 1;
          else seen.belowFirstTick += 1;
        },
      ),
      // A fixed seed: the floors below count this run's cases, the same every run.
      { numRuns: 400, seed: 20_261_202 },
    );
    // Every kind of answer was met, so none of the checks above passed for want of a case.
    expect(seen.price).toBeGreaterThanOrEqual(150);
    expect(seen.none).toBeGreaterThanOrEqual(20);
    expect(seen.everyPrice).toBeGreaterThanOrEqual(4);
    expect(seen.firstTick).toBeGreaterThanOrEqual(20);
    expect(seen.belowFirstTick).toBeGreaterThanOrEqual(3);
  });
});

/**
 * The same through a whole report, where the figure comes from: two inverse futures, a long and a
 * short, in one BTC pool (the calendar spread's shape), with BTC and the marks anywhere down to
 * 10^-18 USD. Each position's price is re-checked by assessing the account with that mark moved.
 */
describe("a report's liquidation prices at extreme prices", () => {
  const near = inversePerp('BTC-NEAR', 'BTC', { contractSize: d('10'), tickSize: d('2.5') });
  const far = inversePerp('BTC-FAR', 'BTC', { contractSize: d('10'), tickSize: d('2.5') });
  const rules = { 'BTC-NEAR': coinBrackets, 'BTC-FAR': coinBrackets };
  const btcOnly = new Map([
    ['BTC', { tiers: [{ upTo: null, initialWeight: SCALE, maintenanceWeight: SCALE }] }],
  ]);
  const book = venue([near, far], rulebook(rules, btcOnly));
  // The closed form with the rest held; the whole bucket searched (pooled-liquidation-price.ts);
  // the closed form checked against the whole bucket, where others' fees move with the leg.
  const books = [
    book,
    { ...book, rulebook: { ...book.rulebook, contractHealthInSettleAsset: true } },
    {
      ...book,
      rulebook: {
        ...book.rulebook,
        closingFee: {
          takerRate: d('0.0005'),
          valuedAt: 'bankruptcy' as const,
          inMaintenance: true,
          inInitial: true,
        },
      },
    },
  ];
  const hold = (instrument: string, size: bigint, entryPrice: bigint): Position => ({
    instrument,
    size,
    entryPrice,
    marginMode: 'cross',
    isolatedMargin: 0n,
  });

  it('ends without an error, and each price is where the account flips', () => {
    const seen = { price: 0, none: 0, everyPrice: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...books),
        extremePrice,
        fc.tuple(extremePrice, extremePrice),
        fc.bigInt(1n, 10_000n),
        fc.constantFrom('0.001', '1.5', '100'),
        (venueOf, btc, [nearMark, farMark], contracts, balance) => {
          const size = contracts * SCALE;
          const held = account({ BTC: balance }, [
            hold('BTC-FAR', size, farMark),
            hold('BTC-NEAR', -size, nearMark),
          ]);
          const marks = new Map([
            ['BTC-FAR', farMark],
            ['BTC-NEAR', nearMark],
          ]);
          const reportAt = (moved: Map<string, bigint>) =>
            assess(held, venueOf, { assetPrices: new Map([['BTC', btc]]), markPrices: moved });
          const report = reportAt(marks);
          for (const position of report.positions) {
            const price = position.liquidationPrice;
            const liquidatableAt = (mark: bigint) =>
              reportAt(new Map([...marks, [position.instrument, mark]])).liquidatable;
            if (price === null) {
              // "every price" (liquidatable at the marks) or "none": the same at the first tick
              // and at 100 times the mark, as far as a search of the whole bucket goes.
              const every = position.liquidatedAtEveryPrice;
              expect(report.liquidatable).toBe(every);
              expect(liquidatableAt(position.tickSize)).toBe(every);
              expect(liquidatableAt(position.markPrice * 100n)).toBe(every);
              if (every) seen.everyPrice += 1;
              else seen.none += 1;
              continue;
            }
            const long = position.size > 0n;
            const beyond = long ? price - position.tickSize : price + position.tickSize;
            // A short that no price saves: the first tick, where it falls.
            if (!long && price === position.tickSize && liquidatableAt(price)) continue;
            expect(liquidatableAt(price)).toBe(false);
            // A long at the first tick falls below it, at its mark: no tick lies beyond.
            expect(beyond > 0n ? liquidatableAt(beyond) : report.liquidatable).toBe(true);
            seen.price += 1;
          }
        },
      ),
      { numRuns: 300, seed: 20_261_202 },
    );
    expect(seen.price).toBeGreaterThanOrEqual(100);
    expect(seen.none).toBeGreaterThanOrEqual(30);
    expect(seen.everyPrice).toBeGreaterThanOrEqual(80);
  });

  it('the calendar spread at BTC = 10^-18 USD: every price for the long, 95,180 for the short', () => {
    // 2.5 BTC is worth 2 × 10^-18 USD, rounded down; each leg's PnL is floored to whole BTC and
    // its requirement rounded up to 10^-18 USD. The long's PnL never reaches one BTC (50,000 USD
    // of face from 96,120 can gain at most 0.52 BTC): with the short's −1 − 1 beside it, the
    // pool is 10^-18 USD short at every price, although the closed form, solved in BTC on a rest
    // of 0, finds a root just above the entry (this used to stop the report, exit 1). The short
    // has 2 − 1 beside it, so it stands where its PnL, floored, is not negative: up to its entry.
    const held = account({ BTC: '2.5' }, [
      hold('BTC-FAR', d('5000'), d('96120')),
      hold('BTC-NEAR', d('-5000'), d('95180')),
    ]);
    const report = assess(
      held,
      book,
      market({ BTC: '0.000000000000000001' }, { 'BTC-FAR': '96840', 'BTC-NEAR': '95610' }),
    );
    expect(report.liquidatable).toBe(true);
    const [long, short] = report.positions;
    expect(long!.liquidationPrice).toBeNull();
    expect(long!.liquidatedAtEveryPrice).toBe(true);
    expect(short!.liquidationPrice).toBe(d('95180'));
  });
});
