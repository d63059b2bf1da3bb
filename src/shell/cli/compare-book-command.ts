import type { Command } from 'commander';
import { compareModes } from '../../core/margin/compare.ts';
import { venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import { bookAccountsMin } from './book.ts';
import { compareBook, compareLines } from './compare-book.ts';
import { bookComparisonText } from './compare-book-text.ts';
import { comparisonText } from './compare-text.ts';
import { toJson } from './figures.ts';
import {
  type BookCommandContext,
  bookCommand,
  isBook,
  type MarginOptions,
  withBookOptions,
  withStreamOptions,
} from './margin-command.ts';

/** `compare`'s own options, beside the common ones: `margin`'s, but ranking by what is gained. */
export function withCompareOptions(command: Command): Command {
  return withStreamOptions(
    withBookOptions(command, 'the accounts gaining most from pooling'),
    'the totals',
  );
}

/**
 * `compare FILE`: one account or a few, every comparison in full; a book (`bookAccountsMin`
 * accounts or more, no `--all`), the book's totals per mode and the accounts that gain the most
 * in full; `--jsonl`, every comparison as a line of JSON, streamed, then the totals;
 * `--json`, every comparison in one array.
 */
export function compareCommand(
  file: string,
  options: MarginOptions,
  /** `load` checks every price the comparison needs (portfolio mode's too). */
  context: BookCommandContext,
) {
  bookCommand(file, options, context.load, ({ portfolio, accounts, top, progress }) => {
    // A book's JSON, like margin's, searches joint moves only where asked: the costliest part.
    const jointMoves = options.jointMoves === true || accounts.length < bookAccountsMin;
    if (options.jsonl === true) {
      compareLines(portfolio, accounts, jointMoves, progress, context.print);
      return;
    }
    if (isBook(accounts, options)) {
      const { book, top: shown } = compareBook(portfolio, accounts, top, progress);
      progress.end();
      context.print(bookComparisonText(book, shown));
      return;
    }
    const prices = marketView(portfolio.market);
    const json = options.json === true;
    progress.stage('comparing', accounts.length);
    const comparisons = accounts.map((account, i) => {
      if ((i + 1) % 64 === 0) progress.update(i + 1);
      return compareModes(account, venueOf(portfolio, account), prices, {
        jointMoves: jointMoves || !json,
      });
    });
    progress.end();
    context.print(json ? toJson(comparisons) : comparisons.map(comparisonText).join('\n\n\n'));
  });
}
