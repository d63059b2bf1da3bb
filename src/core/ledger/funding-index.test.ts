import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fundingCatchUpMax } from '../limits.ts';
import { fixed as d } from '../num/fixed.ts';
import {
  accrueFunding,
  dueFundingTimes,
  type FundingIndex,
  fundingIncrement,
  fundingIndexScale,
  nextFundingMs,
  openFundingIndex,
  rescheduleFunding,
} from './funding-index.ts';

const hourMs = 3_600_000;
const start = Date.UTC(2026, 0, 1); // a literal in a test, not a clock read
const btcusdt = () => openFundingIndex('BTCUSDT', 'linear', 8 * hourMs, start);

function accrued(
  index: FundingIndex,
  rate: string,
  price: string,
  nowMs = Number.MAX_SAFE_INTEGER,
) {
  const result = accrueFunding(
    index,
    { fundingMs: nextFundingMs(index), rate: d(rate), price: d(price) },
    nowMs,
  );
  if ('code' in result) throw new Error(result.code);
  return result;
}

describe('the funding index', () => {
  it('adds rate × mark per base unit for a linear market: 0.01 % at 50,000 is 5 USDT', () => {
    const { index, increment } = accrued(btcusdt(), '0.0001', '50000');
    expect(increment).toBe(d('5') * (fundingIndexScale / d('1')));
    expect(index.cumulative).toBe(increment);
    expect(index.lastFundingMs).toBe(start + 8 * hourMs);
  });

  it('adds rate ÷ mark per USD of face for an inverse market, toward zero at 10^-36', () => {
    // 0.01 % / 50,000 = 2 × 10^-9 BTC per USD, exact; 0.01 % / 30,000 = 3.33… × 10^-9, cut.
    expect(fundingIncrement('inverse', d('0.0001'), d('50000'))).toBe(2n * 10n ** 27n);
    expect(fundingIncrement('inverse', d('0.0001'), d('30000'))).toBe(
      3_333_333_333_333_333_333_333_333_333n,
    );
    expect(fundingIncrement('inverse', d('-0.0001'), d('30000'))).toBe(
      -3_333_333_333_333_333_333_333_333_333n,
    );
  });

  it('rejects in order: price, rate, interval accrued, one skipped, one not reached', () => {
    const index = btcusdt();
    const next = nextFundingMs(index);
    const accrue = (fundingMs: number, rate: string, price: string, nowMs: number) =>
      accrueFunding(index, { fundingMs, rate: d(rate), price: d(price) }, nowMs);
    expect(accrue(start, '2', '0', 0)).toEqual({ code: 'funding_price_not_positive' });
    expect(accrue(start, '-1.5', '1', 0)).toEqual({ code: 'funding_rate_above_max' });
    expect(accrue(start, '0.0001', '1', 0)).toEqual({
      code: 'funding_interval_already_accrued',
      fundingMs: start,
      lastFundingMs: start,
    });
    expect(accrue(next + 8 * hourMs, '0.0001', '1', 0)).toEqual({
      code: 'funding_interval_skipped',
      fundingMs: next + 8 * hourMs,
      nextFundingMs: next,
    });
    expect(accrue(next, '0.0001', '1', next - 1)).toEqual({
      code: 'funding_time_not_reached',
      fundingMs: next,
      nowMs: next - 1,
    });
    expect('code' in accrue(next, '0.0001', '1', next)).toBe(false);
  });

  it('lists the funding times the log has reached, oldest first, and none twice', () => {
    const index = btcusdt();
    expect(dueFundingTimes(index, start + 8 * hourMs - 1)).toEqual([]);
    expect(dueFundingTimes(index, start + 17 * hourMs)).toEqual([
      start + 8 * hourMs,
      start + 16 * hourMs,
    ]);
    const once = accrued(index, '0.0001', '50000').index;
    expect(dueFundingTimes(once, start + 17 * hourMs)).toEqual([start + 16 * hourMs]);
    // A log time behind the last funding (a clock that jumped back) owes nothing.
    expect(dueFundingTimes(once, start)).toEqual([]);
  });

  it('lists at most fundingCatchUpMax times at once; the rest on the next call', () => {
    const hourly = openFundingIndex('X', 'linear', hourMs, 0);
    const due = dueFundingTimes(hourly, (fundingCatchUpMax + 5) * hourMs);
    expect(due.length).toBe(fundingCatchUpMax);
    expect(due.at(-1)).toBe(fundingCatchUpMax * hourMs);
  });

  it('moves to a new interval from the last funding time, carrying the index over', () => {
    const once = accrued(btcusdt(), '0.0001', '50000').index;
    const hourly = rescheduleFunding(once, hourMs);
    expect(hourly.cumulative).toBe(once.cumulative);
    expect(nextFundingMs(hourly)).toBe(start + 9 * hourMs);
  });

  it('accrues each interval exactly once over any sequence of log times', () => {
    const logTimes = fc.array(fc.integer({ min: 0, max: 100 * hourMs }), { maxLength: 40 });
    fc.assert(
      fc.property(logTimes, (times) => {
        let index = openFundingIndex('X', 'linear', 4 * hourMs, 0);
        let accruals = 0;
        for (const nowMs of times) {
          for (const fundingMs of dueFundingTimes(index, nowMs)) {
            // The same interval offered twice: the second is refused.
            const accrual = { fundingMs, rate: d('0.0001'), price: d('10') };
            const result = accrueFunding(index, accrual, nowMs);
            if ('code' in result) throw new Error(result.code);
            expect(accrueFunding(result.index, accrual, nowMs)).toMatchObject({
              code: 'funding_interval_already_accrued',
            });
            index = result.index;
            accruals += 1;
          }
        }
        const latest = Math.max(0, ...times);
        expect(accruals).toBe(Math.floor(latest / (4 * hourMs)));
        expect(index.cumulative).toBe(BigInt(accruals) * d('0.001') * (fundingIndexScale / d('1')));
      }),
    );
  });
});
