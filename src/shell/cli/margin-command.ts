import { statSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { assessWith } from '../../core/margin/assess.ts';
import { liquidationQueue } from '../../core/margin/liquidation-queue.ts';
import type { Account } from '../../core/model/account.ts';
import { type Portfolio, venueOf } from '../../core/model/portfolio.ts';
import { marketView } from '../../core/model/price-view.ts';
import type { AccountProgress } from '../import/portfolio-file.ts';
import { InputError } from '../import/reader.ts';
import { bookAccountsMin, marginBook, marginLines } from './book.ts';
import { bookText } from './book-text.ts';
import { countText, toJson } from './figures.ts';
import { printable } from './printable.ts';
import { type Progress, progressOn } from './progress.ts';
import { liquidationQueueText } from './queue-text.ts';
import { riskReportText } from './report-text.ts';

/** `--all`, `--top`: how much of a book a command prints. */
export interface BookFlags {
  readonly all?: boolean;
  readonly top: string;
}

export interface MarginOptions extends BookFlags {
  readonly json?: boolean;
  readonly jsonl?: boolean;
  readonly jointMoves?: boolean;
}

/** A file this large gets a progress line on a terminal: below it the run is over in a blink. */
const progressBytesMin = 1_000_000;
const topMax = 1_000;

/** The options of a command that prints a book's summary of `shown` in full (`whatif` too). */
export function withBookOptions(command: Command, shown = 'the riskiest accounts'): Command {
  return command
    .option('--all', `every account in full, however many (from ${bookAccountsMin} a summary)`)
    .addOption(new Option('--top <n>', `how many of ${shown} a book shows in full`).default('5'));
}

/** The options of a book command that also streams (`margin`, `compare`), ending in `last`. */
export function withStreamOptions(command: Command, last: string): Command {
  return command
    .option('--jsonl', `one line of JSON per account, streamed, then ${last} (for books)`)
    .option(
      '--joint-moves',
      `with --jsonl or a book's --json (${bookAccountsMin}+ accounts): every account's joint moves (costly)`,
    );
}

/** `margin`'s own options, beside the common ones. */
export function withMarginOptions(command: Command): Command {
  return withStreamOptions(withBookOptions(command), 'a summary line');
}

/** `--top`'s count. */
export function topOf(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > topMax) {
    throw new InputError([`--top: must be a whole number from 0 to ${topMax}`]);
  }
  return Number(text);
}

/** A progress line on a terminal's stderr for a file large enough to take a while. */
export function progressFor(file: string): Progress {
  return progressOn(isLarge(file) ? process.stderr : { write: () => true });
}

/** Whether a command prints the book's summary rather than every account. */
export function isBook(accounts: readonly Account[], options: { json?: boolean; all?: boolean }) {
  return options.json !== true && options.all !== true && accounts.length >= bookAccountsMin;
}

export interface BookCommandContext {
  readonly load: (onAccount?: AccountProgress) => { portfolio: Portfolio; accounts: Account[] };
  readonly print: (text: string) => void;
}

export interface MarginCommandContext extends BookCommandContext {
  readonly colour: boolean;
}

/** What a book command works on once its flags are checked and its file read. */
export interface LoadedBook {
  readonly portfolio: Portfolio;
  readonly accounts: Account[];
  readonly top: number;
  readonly progress: Progress;
}

/**
 * A book command (`margin`, `compare`): its flags checked, the file read with a progress line,
 * then `run` on what was read; the progress line cleared however it ends.
 */
export function bookCommand(
  file: string,
  options: MarginOptions,
  load: BookCommandContext['load'],
  run: (book: LoadedBook) => void,
): void {
  if (options.json === true && options.jsonl === true) {
    throw new InputError(['--json, --jsonl: choose one']);
  }
  const top = topOf(options.top);
  const progress = progressFor(file);
  // The file's name as the user typed it, made safe for the terminal like every printed string.
  progress.stage(`reading ${printable(file)}`);
  try {
    const { portfolio, accounts } = load((done, total) => {
      if (done === 0) progress.stage('reading accounts', total);
      else progress.update(done);
      // Every account read, the whole file's checks run before anything is margined.
      if (done === total) progress.stage(`checking ${countText(total)} accounts`);
    });
    run({ portfolio, accounts, top, progress });
  } finally {
    progress.end();
  }
}

/**
 * `margin FILE`: one account or a few, every report in full; a book (more than
 * `bookAccountsMin` accounts, no `--all`), its summary and its riskiest accounts in full;
 * `--jsonl`, every report as a line of JSON, streamed; `--json`, every report in one array.
 */
export function marginCommand(file: string, options: MarginOptions, context: MarginCommandContext) {
  bookCommand(file, options, context.load, ({ portfolio, accounts, top, progress }) => {
    const book = { top, jointMoves: options.jointMoves === true };
    if (options.jsonl === true) {
      marginLines(portfolio, accounts, book, progress, context.print);
      return;
    }
    if (isBook(accounts, options)) {
      const { summary, riskiest } = marginBook(portfolio, accounts, book, progress);
      progress.end();
      context.print(bookText(portfolio, summary, riskiest, context.colour));
      return;
    }
    // A book's --json, like --jsonl, searches joint moves only where asked: the costliest part.
    const jointMoves = options.jointMoves === true || accounts.length < bookAccountsMin;
    everyReport(portfolio, accounts, options.json === true, jointMoves, context, progress);
  });
}

function everyReport(
  portfolio: Portfolio,
  accounts: readonly Account[],
  json: boolean,
  jointMoves: boolean,
  context: MarginCommandContext,
  progress: Progress,
): void {
  const prices = marketView(portfolio.market);
  progress.stage('assessing', accounts.length);
  const reports = accounts.map((account, i) => {
    if ((i + 1) % 64 === 0) progress.update(i + 1);
    // Tables print every account's joint moves (--all); --json a book's only with --joint-moves.
    const search = jointMoves || !json;
    return assessWith(account, venueOf(portfolio, account), prices, { jointMoves: search });
  });
  progress.end();
  const queue = liquidationQueue(reports);
  if (json) {
    const rank = new Map(queue.map((entry, i) => [entry.account, i + 1]));
    context.print(
      toJson(reports.map((r) => ({ ...r, liquidationRank: rank.get(r.account) ?? null }))),
    );
    return;
  }
  const texts = reports.map((report) => riskReportText(report, context.colour));
  // A file of several accounts also says which the venue would liquidate first.
  if (reports.length > 1) texts.push(liquidationQueueText(queue));
  context.print(texts.join('\n\n\n'));
}

function isLarge(file: string): boolean {
  try {
    return file !== '-' && statSync(file).size >= progressBytesMin;
  } catch {
    // The reader says what is wrong with a file it cannot open.
    return false;
  }
}
