import { type Comparison, compareModes, type ModeOutcome } from '../../core/margin/compare.ts';
import type { Account } from '../../core/model/account.ts';
import type { BucketMode } from '../../core/model/bucket.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import type { Amount } from '../../core/num/fixed.ts';
import { min } from '../../core/num/fixed.ts';
import { toJsonLine } from './figures.ts';
import type { Progress } from './progress.ts';

/** One mode's figures summed over the accounts margined in it, exact. */
export interface ModeTotals {
  readonly mode: BucketMode;
  /** Every account, or (portfolio) those whose rulebook offers portfolio margin. */
  readonly accounts: number;
  readonly requiredCapital: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  /** How many of them are below maintenance margin in this mode. */
  readonly liquidatable: number;
}

/** `compareModes` over a book: each mode's totals, and what pooling and scanning free. */
export interface BookComparison {
  readonly accounts: number;
  readonly isolated: ModeTotals;
  readonly cross: ModeTotals;
  /** Present where at least one account's rulebook offers portfolio margin. */
  readonly portfolio?: ModeTotals;
  /** Σ capitalFreed: isolated − cross, over every account. */
  readonly capitalFreed: Amount;
  /** Σ portfolioCapitalFreed: cross − portfolio, over the accounts that have portfolio margin. */
  readonly portfolioCapitalFreed?: Amount;
}

type Tally = { -readonly [K in keyof ModeTotals]: ModeTotals[K] };

function tally(mode: BucketMode): Tally {
  const zero: Amount = 0n;
  return {
    mode,
    accounts: 0,
    requiredCapital: zero,
    initialMargin: zero,
    maintenanceMargin: zero,
    liquidatable: 0,
  };
}

function add(totals: Tally, outcome: ModeOutcome): void {
  totals.accounts += 1;
  totals.requiredCapital += outcome.requiredCapital;
  totals.initialMargin += outcome.initialMargin;
  totals.maintenanceMargin += outcome.maintenanceMargin;
  if (outcome.report.liquidatable) totals.liquidatable += 1;
}

/** Adds up the comparisons of a book, one at a time, so none needs to be kept. */
export class BookComparisonTally {
  private readonly isolated = tally('isolated');
  private readonly cross = tally('cross');
  private readonly portfolio = tally('portfolio');
  private capitalFreed: Amount = 0n;
  private portfolioCapitalFreed: Amount = 0n;
  private accounts = 0;

  add(comparison: Comparison): void {
    this.accounts += 1;
    add(this.isolated, comparison.isolated);
    add(this.cross, comparison.cross);
    this.capitalFreed += comparison.capitalFreed;
    if (comparison.portfolio === undefined) return;
    add(this.portfolio, comparison.portfolio);
    this.portfolioCapitalFreed += comparison.portfolioCapitalFreed ?? 0n;
  }

  result(): BookComparison {
    const book = {
      accounts: this.accounts,
      isolated: { ...this.isolated },
      cross: { ...this.cross },
      capitalFreed: this.capitalFreed,
    };
    if (this.portfolio.accounts === 0) return book;
    return {
      ...book,
      portfolio: { ...this.portfolio },
      portfolioCapitalFreed: this.portfolioCapitalFreed,
    };
  }
}

/**
 * What the best mode the venue offers frees over isolated margin: isolated's capital used less
 * the least of cross's and portfolio's.
 */
export function capitalGained(comparison: Comparison): Amount {
  const { isolated, cross, portfolio } = comparison;
  const best =
    portfolio === undefined
      ? cross.requiredCapital
      : min(cross.requiredCapital, portfolio.requiredCapital);
  return isolated.requiredCapital - best;
}

export interface ComparedBook {
  readonly book: BookComparison;
  /** The accounts that gain the most, most first, compared in full (joint moves searched). */
  readonly top: readonly Comparison[];
}

/**
 * Every account compared on the exact path (the book's figures are sums of exact figures, and
 * the fast path has no isolated split), without joint moves: they are most of the cost and no
 * total needs them. Then the `top` accounts compared again in full.
 *
 * The accounts shown are those that gain the most from pooling, not those standing worst: a desk
 * runs `compare` to ask where a change of mode matters, and `margin`'s summary already ranks the
 * book by standing; how many accounts each mode leaves liquidatable is in the totals.
 */
export function compareBook(
  portfolio: Portfolio,
  accounts: readonly Account[],
  top: number,
  progress: Progress,
): ComparedBook {
  const prices = marketView(portfolio.market);
  const totals = new BookComparisonTally();
  // The `top` best so far, most gained first; ties keep the file's order.
  const best: { index: number; gained: Amount }[] = [];
  progress.stage('comparing', accounts.length);
  accounts.forEach((account, index) => {
    const comparison = compareModes(account, venueOf(portfolio, account), prices, {
      jointMoves: false,
    });
    totals.add(comparison);
    keepBest(best, { index, gained: capitalGained(comparison) }, top);
    if ((index + 1) % 64 === 0) progress.update(index + 1);
  });
  progress.stage(`comparing the ${best.length} that gain the most in full`);
  const shown = best.map(({ index }) => {
    const account = accounts[index]!;
    return compareModes(account, venueOf(portfolio, account), prices);
  });
  return { book: totals.result(), top: shown };
}

function keepBest(
  best: { index: number; gained: Amount }[],
  entry: { index: number; gained: Amount },
  top: number,
): void {
  if (top === 0) return;
  const last = best[best.length - 1];
  if (best.length === top && last !== undefined && entry.gained <= last.gained) return;
  let at = best.length;
  while (at > 0 && best[at - 1]!.gained < entry.gained) at -= 1;
  best.splice(at, 0, entry);
  if (best.length > top) best.pop();
}

/**
 * Every account's comparison as one line of JSON (the object `--json` prints for it), streamed
 * as each is compared, then one line `{"summary": …}` with the book's totals: a book never sits
 * whole in memory. Joint moves only where asked for.
 */
export function compareLines(
  portfolio: Portfolio,
  accounts: readonly Account[],
  jointMoves: boolean,
  progress: Progress,
  write: (line: string) => void,
): void {
  const prices = marketView(portfolio.market);
  const totals = new BookComparisonTally();
  progress.stage('comparing every account', accounts.length);
  accounts.forEach((account, i) => {
    const comparison = compareModes(account, venueOf(portfolio, account), prices, { jointMoves });
    totals.add(comparison);
    write(toJsonLine(comparison));
    if ((i + 1) % 64 === 0) progress.update(i + 1);
  });
  progress.end();
  write(toJsonLine({ summary: totals.result() }));
}
