import {
  fundingCatchUpMax,
  fundingIntervalMsMax,
  fundingIntervalMsMin,
  fundingRateMax,
} from '../limits.ts';
import type { InstrumentId } from '../model/ids.ts';
import type { Settlement } from '../model/instrument.ts';
import { assert } from '../num/assert.ts';
import { abs, type Price, type Ratio, SCALE } from '../num/fixed.ts';
import { divTowardZero } from '../num/rounding.ts';

/**
 * A perpetual market's cumulative funding index: the funding one contract-unit (one contract ×
 * its contract size) has accrued since the market opened, in the settle asset. A position pays or
 * receives size × contract size × (index now − index it last settled at), so an index is all a
 * market keeps, and a position only the index it settled at (funding-settlement.ts).
 *
 * Each interval adds its rate × the price the venue pays it at:
 * - linear: rate × mark at the funding time, settle asset per base unit ("Funding Amount =
 *   Nominal Value of Positions × Funding Rate", Nominal Value = Mark Price × Size: Binance,
 *   https://www.binance.com/en/support/faq/detail/360033525031; Bybit's "Position Value =
 *   Quantity × Mark Price", https://www.bybit.com/en/help-center/article/Funding-fee-calculation);
 * - inverse: rate ÷ mark, coin per USD of face (Bybit's inverse "Position Value = Quantity /
 *   Mark Price"; Binance COIN-M pays in the coin).
 *
 * Time is the log's, passed in, never read (SCENARIOS.md S28). Funding times fall every
 * `intervalMs` after `lastFundingMs`; an interval is accrued exactly once, in order: an interval
 * already accrued, one that skips the next, or one whose funding time the log has not reached is
 * rejected, so no clock jump can skip an interval or pay it twice.
 *
 * Scale and rounding: the index is kept at 10^36 (`fundingIndexScale`), where a linear
 * increment (an 18-decimal rate × an 18-decimal price) is exact. An inverse increment divides by
 * the price and is rounded toward zero at 10^-36: the same increment reaches longs and shorts, so
 * no rounding of it can break zero-sum or favour a side; the venue's favour is taken where the
 * payments round to the collateral's unit.
 */
export const fundingIndexScale = SCALE * SCALE;

export interface FundingIndex {
  readonly market: InstrumentId;
  readonly settlement: Settlement;
  readonly intervalMs: number;
  /** The funding time of the last accrued interval; before the first, the schedule's start. */
  readonly lastFundingMs: number;
  /** Funding per contract-unit since the market opened, at `fundingIndexScale`. */
  readonly cumulative: bigint;
}

/** One interval's funding: its funding time, its rate, the price it is paid at (the mark). */
export interface FundingAccrual {
  readonly fundingMs: number;
  readonly rate: Ratio;
  readonly price: Price;
}

export type FundingIndexRejection =
  | { readonly code: 'funding_price_not_positive' }
  | { readonly code: 'funding_rate_above_max' }
  | {
      readonly code: 'funding_interval_already_accrued';
      readonly fundingMs: number;
      readonly lastFundingMs: number;
    }
  | {
      readonly code: 'funding_interval_skipped';
      readonly fundingMs: number;
      readonly nextFundingMs: number;
    }
  | {
      readonly code: 'funding_time_not_reached';
      readonly fundingMs: number;
      readonly nowMs: number;
    };

/** A market's index before its first interval: `startMs` is the time the first interval starts. */
export function openFundingIndex(
  market: InstrumentId,
  settlement: Settlement,
  intervalMs: number,
  startMs: number,
): FundingIndex {
  assertInterval(intervalMs);
  assert(Number.isSafeInteger(startMs), 'a start is a whole number of ms');
  return { market, settlement, intervalMs, lastFundingMs: startMs, cumulative: 0n };
}

export function nextFundingMs(index: FundingIndex): number {
  return index.lastFundingMs + index.intervalMs;
}

/**
 * The funding times the log has reached and the index has not accrued, oldest first: what a
 * funding step at log time `nowMs` must accrue. At most `fundingCatchUpMax` at once.
 */
export function dueFundingTimes(index: FundingIndex, nowMs: number): number[] {
  const due: number[] = [];
  for (let at = nextFundingMs(index); at <= nowMs && due.length < fundingCatchUpMax; ) {
    due.push(at);
    at += index.intervalMs;
  }
  return due;
}

/**
 * Accrues one interval, checked in this order: the price, the rate, then the time (already
 * accrued, skipping one, not yet reached). Below the checks, it cannot fail.
 */
export function accrueFunding(
  index: FundingIndex,
  accrual: FundingAccrual,
  nowMs: number,
): { readonly index: FundingIndex; readonly increment: bigint } | FundingIndexRejection {
  const { fundingMs, rate, price } = accrual;
  if (price <= 0n) return { code: 'funding_price_not_positive' };
  if (abs(rate) > fundingRateMax) return { code: 'funding_rate_above_max' };
  if (fundingMs <= index.lastFundingMs) {
    return {
      code: 'funding_interval_already_accrued',
      fundingMs,
      lastFundingMs: index.lastFundingMs,
    };
  }
  const next = nextFundingMs(index);
  if (fundingMs !== next)
    return { code: 'funding_interval_skipped', fundingMs, nextFundingMs: next };
  if (nowMs < fundingMs) return { code: 'funding_time_not_reached', fundingMs, nowMs };
  // Below this line the accrual succeeds.
  const increment = fundingIncrement(index.settlement, rate, price);
  return {
    index: { ...index, lastFundingMs: fundingMs, cumulative: index.cumulative + increment },
    increment,
  };
}

/** One interval's increment per contract-unit, at `fundingIndexScale`. */
export function fundingIncrement(settlement: Settlement, rate: Ratio, price: Price): bigint {
  assert(price > 0n, 'funding is paid at a positive price');
  return settlement === 'linear' ? rate * price : divTowardZero(rate * fundingIndexScale, price);
}

/**
 * A new interval from the last funding time on (a venue moving a contract from 8-hourly to
 * hourly funding does so at a funding time); the index carries over unchanged.
 */
export function rescheduleFunding(index: FundingIndex, intervalMs: number): FundingIndex {
  assertInterval(intervalMs);
  return { ...index, intervalMs };
}

function assertInterval(ms: number): void {
  assert(Number.isSafeInteger(ms), 'an interval is a whole number of ms');
  assert(ms >= fundingIntervalMsMin, 'an interval is at least the shortest allowed');
  assert(ms <= fundingIntervalMsMax, 'an interval is at most the longest allowed');
}
