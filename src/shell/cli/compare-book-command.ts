import { type Command, Option } from 'commander';
import { compareModes } from '../../core/margin/compare.ts';
import type { Account } from '../../core/model/account.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import type { AccountProgress } from '../import/portfolio-file.ts';
import { InputError } from '../import/reader.ts';
import { bookAccountsMin } from './book.ts';
import { compareBook, compareLines } from './compare-book.ts';
import { bookComparisonText } from './compare-book-text.ts';
import { comparisonText } from './compare-text.ts';
import { toJson } from './figures.ts';
import { isBook, type MarginOptions, progressFor, topOf } from './margin-command.ts';
import { printable } from './printable.ts';

/** `compare`'s own options, beside the common ones: `margin`'s, but ranking by what is gained. */
export function withCompareOptions(command: Command): Command {
  return command
    .option('--all', `every account in full, however many (from ${bookAccountsMin} a summary)`)
    .addOption(
      new Option(
        '--top <n>',
        'how many of the accounts gaining most from pooling a book shows in full',
      ).default('5'),
    )
    .option('--jsonl', 'one line of JSON per account, streamed, then the totals (for books)')
    .option(
      '--joint-moves',
      `with --jsonl or a book's --json (${bookAccountsMin}+ accounts): every account's joint moves (costly)`,
    );
}

export interface CompareCommandContext {
  /** Loads the file and checks every price the comparison needs (portfolio mode's too). */
  readonly load: (onAccount?: AccountProgress) => { portfolio: Portfolio; accounts: Account[] };
  readonly print: (text: string) => void;
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
  context: CompareCommandContext,
) {
  if (options.json === true && options.jsonl === true) {
    throw new InputError(['--json, --jsonl: choose one']);
  }
  const top = topOf(options.top);
  const progress = progressFor(file);
  progress.stage(`reading ${printable(file)}`);
  try {
    const { portfolio, accounts } = context.load((done, total) => {
      if (done === 0) progress.stage('reading accounts', total);
      else progress.update(done);
      if (done === total) progress.stage(`checking ${total.toLocaleString('en-US')} accounts`);
    });
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
  } finally {
    progress.end();
  }
}
