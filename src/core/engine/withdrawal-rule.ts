import { type Judgement, judge } from '../margin/what-if.ts';
import type { Account } from '../model/account.ts';
import type { AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { ProfitWeight, UnrealisedProfitRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount, Ratio } from '../num/fixed.ts';
import { min, ONE } from '../num/fixed.ts';

/**
 * Whether money may leave the account's cross pool: the what-if check of a withdrawal (the balance,
 * the venue's bank limits, initial margin after it), with unrealised profit counted at no more
 * than `profitShare` (SCENARIOS.md S6: a trader who withdraws paper profit leaves the venue the
 * loss when the price comes back; default 0, none of it). A loss still counts in full.
 */
export function judgeWithdrawal(
  account: Account,
  venue: Venue,
  prices: PriceView,
  asset: AssetId,
  amount: Amount,
  profitShare: Ratio,
): Judgement {
  return judge(account, withProfitAtMost(venue, profitShare), prices, {
    kind: 'transfer',
    asset,
    amount: -amount,
  });
}

/** The venue with every contract's weight on unrealised profit in initial at most `share`. */
export function withProfitAtMost(venue: Venue, share: Ratio): Venue {
  const rule = venue.rulebook.unrealisedProfit;
  const capped = (weight: ProfitWeight): ProfitWeight => ({
    ...weight,
    initialWeight: min(weight.initialWeight, share),
  });
  const unrealisedProfit: UnrealisedProfitRule = {
    ...capped(rule ?? { initialWeight: ONE, maintenanceWeight: ONE }),
    instruments: new Map([...(rule?.instruments ?? [])].map(([id, w]) => [id, capped(w)])),
  };
  return { ...venue, rulebook: { ...venue.rulebook, unrealisedProfit } };
}
