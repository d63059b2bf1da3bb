import type { Ledger } from '../ledger/ledger.ts';
import { assessWith } from '../margin/assess.ts';
import type { BucketReport } from '../margin/risk-report.ts';
import type { Account } from '../model/account.ts';
import type { SettingsContext } from './decide-account-settings.ts';
import { viewOf } from './decide-location.ts';
import { ledgerPrices } from './ledger-prices.ts';
import { withProfitAtMost } from './withdrawal-rule.ts';

/*
 * The checks of collateral leaving a bucket (an isolated move, a lower leverage, money out of
 * another place): with unrealised profit counted at most at the venue's withdrawable share, as a
 * withdrawal's is (S6: paper profit never leaves).
 */

/** The venue with unrealised profit counted at most at the withdrawable share, and the prices. */
function profitCapped(ledger: Ledger, context: SettingsContext) {
  return {
    venue: withProfitAtMost(context.venue, context.withdrawableProfitShare),
    prices: ledgerPrices(ledger, context.nowMs),
  };
}

/**
 * Whether every bucket `counts` picks is at or above initial margin (its free collateral ≥ 0), the
 * account seen by its margin on `ledger` (its places at their weights).
 */
export function atOrAboveInitial(
  account: Account,
  counts: (bucket: BucketReport) => boolean,
  ledger: Ledger,
  context: SettingsContext,
): boolean {
  const { venue, prices } = profitCapped(ledger, context);
  const report = assessWith(viewOf(ledger, account, context), venue, prices);
  return report.buckets.every((b) => !counts(b) || b.freeCollateral >= 0n);
}

/** Whether the change leaves some bucket below initial margin, and lower than it was. */
export function worsensBelowInitial(
  before: Account,
  after: Account,
  ledger: Ledger,
  context: SettingsContext,
): boolean {
  const { venue, prices } = profitCapped(ledger, context);
  const was = new Map(
    assessWith(viewOf(ledger, before, context), venue, prices).buckets.map((b) => [
      b.id,
      b.freeCollateral,
    ]),
  );
  return assessWith(viewOf(ledger, after, context), venue, prices).buckets.some(
    (b) => b.freeCollateral < 0n && b.freeCollateral < (was.get(b.id) ?? 0n),
  );
}
