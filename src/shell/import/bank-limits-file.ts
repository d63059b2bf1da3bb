import { amountMax } from '../../core/limits.ts';
import type { VenueTotal } from '../../core/model/market.ts';
import type { CollateralRule } from '../../core/model/rulebook.ts';
import { ONE, SCALE } from '../../core/num/fixed.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';
import { readUtcTime } from './utc-time.ts';

/** The longest net borrow window taken: a year of seconds (Mango's are a day or so). */
const windowSecondsMax = 366n * 24n * 3600n;

/**
 * A collateral entry's bank limits (docs/rulebook-format.md): `depositLimit` and `borrowLimit`
 * (coins, above zero), `netBorrowLimit` `{ perWindow (USD, above zero), windowSeconds (a whole number of
 * seconds, above zero) }` and `loanOriginationFeeRate` (0 to 1), each optional.
 */
export function readBankLimits(
  reader: Reader,
): Pick<
  CollateralRule,
  'depositLimit' | 'borrowLimit' | 'netBorrowLimit' | 'loanOriginationFeeRate'
> {
  const amount = { positive: true, max: atMost(amountMax, 'the amount limit') };
  const depositLimit = reader.field('depositLimit').optionalDecimal(amount);
  const borrowLimit = reader.field('borrowLimit').optionalDecimal(amount);
  const feeRate = reader
    .field('loanOriginationFeeRate')
    .optionalDecimal({ min: nonNegative, max: atMost(ONE, '1') });
  let netBorrowLimit: CollateralRule['netBorrowLimit'];
  if (reader.has('netBorrowLimit')) {
    const limit = reader.field('netBorrowLimit');
    if (limit.object()) {
      limit.only(['perWindow', 'windowSeconds']);
      const perWindow = limit.field('perWindow').decimal(amount);
      const seconds = limit.field('windowSeconds');
      const window = seconds.decimal({
        positive: true,
        max: atMost(windowSecondsMax * SCALE, `${windowSecondsMax}`),
      });
      if (window % SCALE !== 0n) seconds.fail('must be a whole number of seconds');
      netBorrowLimit = { perWindow, windowMs: Number(window / SCALE) * 1000 };
    }
  }
  return {
    ...(depositLimit === undefined ? {} : { depositLimit }),
    ...(borrowLimit === undefined ? {} : { borrowLimit }),
    ...(netBorrowLimit === undefined ? {} : { netBorrowLimit }),
    ...(feeRate === undefined ? {} : { loanOriginationFeeRate: feeRate }),
  };
}

export const bankLimitFields = [
  'depositLimit',
  'borrowLimit',
  'netBorrowLimit',
  'loanOriginationFeeRate',
];

/**
 * A `market.venueTotals` entry's net borrow window (Mango's `net_borrows_in_window`, coins,
 * negative where more was repaid, and `last_net_borrows_window_start_ts` as an ISO-8601 UTC
 * time), given together or not at all.
 */
export function readNetBorrowWindow(
  reader: Reader,
): Pick<VenueTotal, 'netBorrowsInWindow' | 'netBorrowsWindowStartMs'> {
  const has = reader.has('netBorrowsInWindow');
  if (has !== reader.has('netBorrowsWindowStart')) {
    reader.fail('give netBorrowsInWindow and netBorrowsWindowStart together');
    return {};
  }
  if (!has) return {};
  const bound = atMost(amountMax, 'the amount limit');
  const net = reader.field('netBorrowsInWindow');
  const inWindow = net.decimal({ max: bound });
  if (-inWindow > bound.value) net.fail('must be at least minus the amount limit');
  const startMs = readUtcTime(reader.field('netBorrowsWindowStart'), '2026-11-25T08:00:00Z');
  if (startMs === undefined) return {};
  return { netBorrowsInWindow: inWindow, netBorrowsWindowStartMs: startMs };
}
