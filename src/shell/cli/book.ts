import { type BookSummary, summariseBook } from '../../core/fast/book-summary.ts';
import { buildRiskBook, type RiskBook } from '../../core/fast/risk-book.ts';
import { assessWith } from '../../core/margin/assess.ts';
import type { RiskReport } from '../../core/margin/risk-report.ts';
import type { Account } from '../../core/model/account.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import type { Venue } from '../../core/model/venue.ts';
import { toJsonLine } from './figures.ts';
import type { Progress } from './progress.ts';

/**
 * A file of more accounts than this is a book: its table is the book's summary and the riskiest
 * accounts in full, not every account (`--all` prints every one). The bundled examples, of one to
 * three accounts, print in full.
 */
export const bookAccountsMin = 11;

export interface BookOptions {
  /** How many of the worst-standing accounts to name and print in full. */
  readonly top: number;
  /** Search every underlying's joint move in the accounts printed (costly). */
  readonly jointMoves: boolean;
}

/** The accounts grouped by the venue whose rules margin them, one RiskBook each. */
export function riskBooks(portfolio: Portfolio, accounts: readonly Account[]): RiskBook[] {
  const byVenue = new Map<Venue, Account[]>();
  for (const account of accounts) {
    const venue = venueOf(portfolio, account);
    const list = byVenue.get(venue) ?? [];
    list.push(account);
    byVenue.set(venue, list);
  }
  return [...byVenue].map(([venue, list]) => buildRiskBook(list, venue, portfolio.market));
}

export interface MarginedBook {
  readonly summary: BookSummary;
  /** The riskiest accounts' full reports, exact, worst first (joint moves searched). */
  readonly riskiest: readonly RiskReport[];
}

/** The book summarised on the fast path, then the riskiest accounts assessed in full, exactly. */
export function marginBook(
  portfolio: Portfolio,
  accounts: readonly Account[],
  options: BookOptions,
  progress: Progress,
): MarginedBook {
  const parts = riskBooks(portfolio, accounts);
  progress.stage('margining', accounts.length);
  const summary = summariseBook(parts, {
    riskiest: options.top,
    progress: (done) => progress.update(done),
  });
  const prices = marketView(portfolio.market);
  progress.stage(`assessing the ${summary.riskiest.length} riskiest in full`);
  const riskiest = summary.riskiest.map((entry) => {
    const part = parts[entry.part]!;
    return assessWith(part.accounts[entry.index]!, part.venue, prices, { jointMoves: true });
  });
  return { summary, riskiest };
}

/**
 * Every account's report as one line of JSON (the object `--json` prints for it, with its
 * `liquidationRank`), streamed as each is assessed, then one line `{"summary": …}`: a book never
 * sits whole in memory as text. Joint moves only where asked for (`jointMoves`).
 */
export function marginLines(
  portfolio: Portfolio,
  accounts: readonly Account[],
  options: BookOptions,
  progress: Progress,
  write: (line: string) => void,
): void {
  const parts = riskBooks(portfolio, accounts);
  progress.stage('screening', accounts.length);
  const summary = summariseBook(parts, {
    riskiest: options.top,
    queue: true,
    progress: (done) => progress.update(done),
  });
  const rank = new Map<Account, number>();
  summary.liquidationQueue?.forEach((entry, i) => {
    rank.set(parts[entry.part]!.accounts[entry.index]!, i + 1);
  });
  const prices = marketView(portfolio.market);
  progress.stage('assessing every account', accounts.length);
  accounts.forEach((account, i) => {
    const report = assessWith(account, venueOf(portfolio, account), prices, {
      jointMoves: options.jointMoves,
    });
    write(toJsonLine({ ...report, liquidationRank: rank.get(account) ?? null }));
    if ((i + 1) % 256 === 0) progress.update(i + 1);
  });
  progress.end();
  const { liquidationQueue: _queue, ...rest } = summary;
  write(toJsonLine({ summary: summaryJson(rest) }));
}

/** The summary as `--jsonl`'s last line: accounts by id, not by their place in the columns. */
export function summaryJson(summary: Omit<BookSummary, 'liquidationQueue'>) {
  return {
    ...summary,
    riskiest: summary.riskiest.map(({ part: _part, index: _index, ...standing }) => standing),
  };
}
