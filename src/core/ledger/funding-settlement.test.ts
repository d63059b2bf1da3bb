import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settlement } from '../model/instrument.ts';
import { InvariantError } from '../num/assert.ts';
import { fixed as d, SCALE } from '../num/fixed.ts';
import { divFloor } from '../num/rounding.ts';
import {
  accrueFunding,
  dueFundingTimes,
  type FundingIndex,
  fundingIncrement,
  fundingIndexScale,
  nextFundingMs,
  openFundingIndex,
} from './funding-index.ts';
import {
  type FundingHolder,
  type FundingTerms,
  fundingMovements,
  openPositionFunding,
  resizePositionFunding,
  settleMarketFunding,
  settlePositionFunding,
} from './funding-settlement.ts';

const hourMs = 3_600_000;
/** Exact owed amounts are at 10^72; amounts at 10^18. */
const amountToOwed = fundingIndexScale * SCALE;

function accrue(index: FundingIndex, rate: bigint, price: bigint): FundingIndex {
  const result = accrueFunding(index, { fundingMs: nextFundingMs(index), rate, price }, 1e15);
  if ('code' in result) throw new Error(result.code);
  return result.index;
}

function holdersOf(index: FundingIndex, sizes: Record<string, string>): FundingHolder[] {
  return Object.entries(sizes).map(([account, size]) => ({
    account,
    funding: openPositionFunding(d(size), index),
  }));
}

const amounts = (settled: ReturnType<typeof settleMarketFunding>) =>
  Object.fromEntries(settled.payments.map((payment) => [payment.account, payment.amount]));

describe('one settlement, by hand', () => {
  const linear = openFundingIndex('BTCUSDT', 'linear', 8 * hourMs, 0);

  it('a long of 1 BTC pays a short 5 USDT at 0.01 % and a mark of 50,000', () => {
    const holders = holdersOf(linear, { long: '1', short: '-1' });
    const after = accrue(linear, d('0.0001'), d('50000'));
    const terms = { contractSize: d('1'), unit: d('0.00000001') };
    const settled = settleMarketFunding(holders, after, terms);
    expect(amounts(settled)).toEqual({ long: d('-5'), short: d('5') });
    expect(settled.rounding).toBe(0n);
  });

  it('rounds against both sides: the payer pays up, the receiver receives down', () => {
    // 0.333 × 50,000.5 × 0.01 % = 1.66501665 USDT, on a 0.01 unit.
    const holders = holdersOf(linear, { long: '0.333', short: '-0.333' });
    const after = accrue(linear, d('0.0001'), d('50000.5'));
    const settled = settleMarketFunding(holders, after, { contractSize: d('1'), unit: d('0.01') });
    expect(amounts(settled)).toEqual({ long: d('-1.67'), short: d('1.66') });
    expect(settled.rounding).toBe(d('0.01'));
    // Each keeps the exact part it was not paid: 0.00498335 (long) and 0.00501665 (short).
    const [long, short] = settled.holders;
    expect(long!.funding.carry).toBe(d('0.00498335') * amountToOwed);
    expect(short!.funding.carry).toBe(d('0.00501665') * amountToOwed);
  });

  it('as movements: each payment (to its isolated margin if any) and the rounding', () => {
    const holders: FundingHolder[] = [
      { account: 'long', funding: openPositionFunding(d('0.333'), linear), bucket: 'BTCUSDT' },
      { account: 'short', funding: openPositionFunding(d('-0.333'), linear) },
      { account: 'flat', funding: openPositionFunding(0n, linear) },
    ];
    const after = accrue(linear, d('0.0001'), d('50000.5'));
    const settled = settleMarketFunding(holders, after, { contractSize: d('1'), unit: d('0.01') });
    expect(fundingMovements(settled, 'USDT', 'rounding')).toEqual([
      { account: 'long', asset: 'USDT', amount: d('-1.67'), reason: 'funding', bucket: 'BTCUSDT' },
      { account: 'short', asset: 'USDT', amount: d('1.66'), reason: 'funding' },
      { account: 'rounding', asset: 'USDT', amount: d('0.01'), reason: 'rounding' },
    ]);
    expect(settled.holders[0]!.bucket).toBe('BTCUSDT');
  });

  it('an inverse short of 100 contracts of 100 USD receives 10,000 × 0.01 % / 50,000 BTC', () => {
    const inverse = openFundingIndex('BTCUSD', 'inverse', 8 * hourMs, 0);
    const holders = holdersOf(inverse, { long: '100', short: '-100' });
    const after = accrue(inverse, d('0.0001'), d('50000'));
    const settled = settleMarketFunding(holders, after, {
      contractSize: d('100'),
      unit: d('0.00000001'),
    });
    expect(amounts(settled)).toEqual({ long: d('-0.00002'), short: d('0.00002') });
  });

  it('a negative rate: shorts pay longs', () => {
    const holders = holdersOf(linear, { long: '2', short: '-2' });
    const after = accrue(linear, d('-0.00025'), d('40000'));
    const settled = settleMarketFunding(holders, after, { contractSize: d('1'), unit: d('0.01') });
    expect(amounts(settled)).toEqual({ long: d('20'), short: d('-20') });
  });

  it('settling twice at one index pays once', () => {
    const terms = { contractSize: d('1'), unit: d('0.01') };
    const after = accrue(linear, d('0.0001'), d('50000.5'));
    const first = settleMarketFunding(holdersOf(linear, { a: '0.333', b: '-0.333' }), after, terms);
    const second = settleMarketFunding(first.holders, after, terms);
    expect(amounts(second)).toEqual({ a: 0n, b: 0n });
    expect(second.rounding).toBe(0n);
    expect(second.holders).toEqual(first.holders);
  });

  it('refuses a batch that leaves a holder out, or one settled apart from the others', () => {
    const terms = { contractSize: d('1'), unit: d('0.01') };
    const holders = holdersOf(linear, { a: '1', b: '-0.5', c: '-0.5' });
    const after = accrue(linear, d('0.0001'), d('50000'));
    expect(() => settleMarketFunding(holders.slice(0, 2), after, terms)).toThrow(InvariantError);
    const apart = settlePositionFunding(holders[2]!.funding, after, terms).position;
    const mixed = [holders[0]!, holders[1]!, { account: 'c', funding: apart }];
    expect(() => settleMarketFunding(mixed, after, terms)).toThrow(InvariantError);
  });

  it('a size changes only once the position has settled at the index', () => {
    const [holder] = holdersOf(linear, { a: '1' });
    const after = accrue(linear, d('0.0001'), d('50000'));
    expect(() => resizePositionFunding(holder!.funding, after, d('2'))).toThrow(InvariantError);
    const terms = { contractSize: d('1'), unit: d('0.01') };
    const settled = settlePositionFunding(holder!.funding, after, terms).position;
    expect(resizePositionFunding(settled, after, d('2')).size).toBe(d('2'));
  });
});

/** A market, its holders (Σ sizes = 0) and a run of intervals, none dividing evenly. */
interface Run {
  readonly settlement: Settlement;
  readonly terms: FundingTerms;
  readonly sizes: readonly bigint[];
  readonly intervals: readonly { readonly rate: bigint; readonly price: bigint }[];
  /** Settle after an interval (true) or let the gap run on. */
  readonly settleAfter: readonly boolean[];
}

const runArb: fc.Arbitrary<Run> = fc
  .record({
    settlement: fc.constantFrom<Settlement>('linear', 'inverse'),
    contractSize: fc.constantFrom('1', '0.001', '100', '0.37'),
    unit: fc.constantFrom('0.00000001', '0.01', '1'),
    sizes: fc.array(fc.bigInt(-(10n ** 22n), 10n ** 22n), { minLength: 1, maxLength: 6 }),
    intervals: fc.array(
      fc.record({
        rate: fc.bigInt(-300_000n, 300_000n).map((units) => units * 10n ** 10n),
        price: fc.bigInt(1n, 10n ** 9n).map((cents) => cents * 10n ** 14n + 7n),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    settleAfter: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  })
  .map(({ settlement, contractSize, unit, sizes, intervals, settleAfter }) => ({
    settlement,
    terms: { contractSize: d(contractSize), unit: d(unit) },
    // The last holder takes the other side of all the others: the market nets to zero.
    sizes: [...sizes, -sizes.reduce((a, b) => a + b, 0n)],
    intervals,
    settleAfter,
  }));

interface Played {
  readonly paid: bigint[];
  readonly roundingAccount: bigint;
  readonly holders: readonly FundingHolder[];
  readonly batches: readonly ReturnType<typeof settleMarketFunding>[];
}

function play(run: Run, settleAfter: (i: number) => boolean): Played {
  let index = openFundingIndex('X', run.settlement, 8 * hourMs, 0);
  let holders: readonly FundingHolder[] = run.sizes.map((size, i) => ({
    account: `a${i}`,
    funding: openPositionFunding(size, index),
  }));
  const paid = run.sizes.map(() => 0n);
  let roundingAccount = 0n;
  const batches: ReturnType<typeof settleMarketFunding>[] = [];
  run.intervals.forEach(({ rate, price }, i) => {
    index = accrue(index, rate, price);
    if (!settleAfter(i) && i < run.intervals.length - 1) return;
    const batch = settleMarketFunding(holders, index, run.terms);
    batch.payments.forEach((payment, k) => {
      paid[k]! += payment.amount;
    });
    roundingAccount += batch.rounding;
    holders = batch.holders;
    batches.push(batch);
  });
  return { paid, roundingAccount, holders, batches };
}

/** What each holder is owed over the whole run, exactly, at 10^72: −size × cs × Σ increments. */
function exactOwed(run: Run): bigint[] {
  const total = run.intervals.reduce(
    (sum, { rate, price }) => sum + fundingIncrement(run.settlement, rate, price),
    0n,
  );
  return run.sizes.map((size) => -(size * run.terms.contractSize * total));
}

describe('funding over any run of intervals', () => {
  it('is zero-sum in every settlement: Σ payments + the rounding remainder = 0, exactly', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const { batches, roundingAccount, holders } = play(run, (i) => run.settleAfter[i]!);
        for (const batch of batches) {
          const paid = batch.payments.reduce((sum, payment) => sum + payment.amount, 0n);
          expect(paid + batch.rounding).toBe(0n);
        }
        // The rounding account holds exactly the carries: never negative, below a unit each.
        const carries = holders.reduce((sum, holder) => sum + holder.funding.carry, 0n);
        expect(roundingAccount * fundingIndexScale * SCALE).toBe(carries);
        expect(roundingAccount >= 0n).toBe(true);
        expect(roundingAccount < BigInt(holders.length) * run.terms.unit).toBe(true);
      }),
    );
  });

  it('pays each holder the floor of what it is owed: payers pay up, receivers receive down', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const { paid } = play(run, (i) => run.settleAfter[i]!);
        exactOwed(run).forEach((owed, k) => {
          const unitOwed = run.terms.unit * fundingIndexScale * SCALE;
          expect(paid[k]).toBe(divFloor(owed, unitOwed) * run.terms.unit);
          // Against the trader: never more than owed, less by under one unit.
          expect(paid[k]! * fundingIndexScale * SCALE <= owed).toBe(true);
          expect(owed - paid[k]! * fundingIndexScale * SCALE < unitOwed).toBe(true);
        });
      }),
    );
  });

  it('settles a gap of several intervals at once exactly as it settles each in turn', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const each = play(run, () => true);
        const gap = play(run, () => false);
        const some = play(run, (i) => run.settleAfter[i]!);
        expect(gap.paid).toEqual(each.paid);
        expect(some.paid).toEqual(each.paid);
        expect(gap.roundingAccount).toBe(each.roundingAccount);
        expect(gap.holders).toEqual(each.holders);
      }),
    );
  });

  it('makes longs pay shorts when the rate is positive, and shorts pay longs when negative', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const first = run.intervals[0]!;
        const rate = first.rate;
        const once = play({ ...run, intervals: [first] }, () => true);
        run.sizes.forEach((size, k) => {
          const amount = once.paid[k]!;
          // A payer pays at least one unit; a receiver may receive nothing below one.
          if (rate * size > 0n) expect(amount < 0n).toBe(true);
          if (rate * size < 0n) expect(amount >= 0n).toBe(true);
          if (rate === 0n || size === 0n) expect(amount).toBe(0n);
        });
      }),
    );
  });

  it('pays once per interval over any sequence of log times, whatever their order', () => {
    const logTimes = fc.array(fc.integer({ min: 0, max: 60 * hourMs }), { maxLength: 30 });
    fc.assert(
      fc.property(runArb, logTimes, (run, times) => {
        let index = openFundingIndex('X', run.settlement, 4 * hourMs, 0);
        let holders: readonly FundingHolder[] = run.sizes.map((size, i) => ({
          account: `a${i}`,
          funding: openPositionFunding(size, index),
        }));
        const paid = run.sizes.map(() => 0n);
        let intervals = 0;
        for (const nowMs of times) {
          for (const fundingMs of dueFundingTimes(index, nowMs)) {
            const { rate, price } = run.intervals[intervals % run.intervals.length]!;
            const result = accrueFunding(index, { fundingMs, rate, price }, nowMs);
            if ('code' in result) throw new Error(result.code);
            index = result.index;
            intervals += 1;
          }
          // Settling at every log time, due or not, pays nothing twice.
          const batch = settleMarketFunding(holders, index, run.terms);
          batch.payments.forEach((payment, k) => {
            paid[k]! += payment.amount;
          });
          holders = batch.holders;
        }
        const reached = Math.floor(Math.max(0, ...times) / (4 * hourMs));
        expect(intervals).toBe(reached);
        const played = Array.from(
          { length: reached },
          (_, i) => run.intervals[i % run.intervals.length]!,
        );
        const expected =
          reached === 0
            ? run.sizes.map(() => 0n)
            : play({ ...run, intervals: played }, () => false).paid;
        expect(paid).toEqual(expected);
      }),
    );
  });
});
