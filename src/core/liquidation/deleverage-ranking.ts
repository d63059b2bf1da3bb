import type { PositionSide } from '../model/account.ts';
import type { AccountId } from '../model/ids.ts';
import type { AutoDeleverageRanking } from '../model/rulebook.ts';
import type { Amount, Quantity } from '../num/fixed.ts';

/** A position on the other side of a liquidated one, as auto-deleveraging ranks it. */
export interface DeleverageCandidate {
  readonly account: AccountId;
  readonly positionSide?: PositionSide;
  /** Signed contracts. */
  readonly size: Quantity;
  /** At the mark, in the settle asset. */
  readonly unrealisedPnl: Amount;
  /** |size| at the entry price, in the settle asset: above 0. */
  readonly entryValue: Amount;
  /** |size| at the mark, in USD. */
  readonly markValue: Amount;
  /** The equity of the bucket holding it, in USD. */
  readonly equity: Amount;
}

/**
 * The candidates auto-deleveraging closes, first to last: only profitable positions in buckets
 * with equity above zero (an account at a loss or bankrupt is not asked to pay a bankrupt one's
 * loss), by the rulebook's ranking, highest first, ties to the smaller account id, so the order
 * is the same on every replay.
 * - `profit_times_leverage`, Bybit's and Binance's published ranking: profit percentage
 *   (unrealised PnL / entry value) × effective leverage (mark value / equity);
 * - `profit`: the profit percentage alone.
 * Compared exactly, cross-multiplied: a float's rounding would let two replays order a tie apart.
 */
export function deleverageOrder(
  candidates: readonly DeleverageCandidate[],
  ranking: AutoDeleverageRanking,
): readonly DeleverageCandidate[] {
  const ranked = candidates.filter((c) => c.unrealisedPnl > 0n && c.equity > 0n);
  // score = numerator / denominator, both above zero.
  const numerator = (c: DeleverageCandidate) =>
    ranking === 'profit' ? c.unrealisedPnl : c.unrealisedPnl * c.markValue;
  const denominator = (c: DeleverageCandidate) =>
    ranking === 'profit' ? c.entryValue : c.entryValue * c.equity;
  // An account holds one position at most on the side opposite a liquidated one (hedge mode's
  // other is on its side): the account id breaks every tie.
  return ranked.sort((a, b) => {
    const left = numerator(b) * denominator(a);
    const right = numerator(a) * denominator(b);
    if (left !== right) return left > right ? 1 : -1;
    return a.account < b.account ? -1 : 1;
  });
}
