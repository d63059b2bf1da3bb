import { dirname, resolve } from 'node:path';
import type { Portfolio } from '../../core/model/portfolio.ts';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { parseBookJson } from './book-json.ts';
import { streamBookFile } from './book-stream.ts';
import { isCcxtExport, readCcxtExport } from './ccxt.ts';
import { inputLabel, readInputText, stdinName } from './input-text.ts';
import { parseJsonText } from './json-text.ts';
import { type AccountProgress, readPortfolio } from './portfolio-file.ts';
import { readPreset, readRulebookFile } from './presets.ts';
import { InputError, type Reader } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

export type InputFormat = 'xmargin' | 'ccxt';

export interface LoadOptions {
  readonly from: InputFormat;
  /** A preset id or a rulebook file, overriding the one the portfolio names. */
  readonly rulebook?: string;
  readonly nowMs: number;
  /** Told how many accounts of a portfolio file have been read, for a progress bar. */
  readonly onAccount?: AccountProgress;
}

/**
 * A portfolio or ccxt export from disk (`-`: standard input), validated whole: a Portfolio, or an
 * InputError. A rulebook file it names is found beside it (beside the working folder for stdin).
 */
export function loadPortfolio(path: string, options: LoadOptions): Portfolio {
  const label = inputLabel(path);
  // A big book's file is read a chunk at a time (book-stream.ts); the rest, and stdin, whole.
  const streamed = path === stdinName ? undefined : streamBookFile(path, label);
  const text = streamed === undefined ? readInputText(path, label) : undefined;
  const book = streamed ?? parseBookJson(text!, label);
  const folder = path === stdinName ? process.cwd() : dirname(resolve(path));
  const rulebookOf = (reader: Reader): Rulebook => {
    if (options.rulebook !== undefined) return rulebookByName(options.rulebook, process.cwd());
    if (typeof reader.value === 'string') return rulebookByName(reader.value, folder);
    return readRulebook(reader);
  };
  // A ccxt export says so in its `format`: read as one with or without `--from ccxt`.
  if (options.from === 'ccxt' || isCcxtExport(book.json)) {
    // An export's own reader takes the whole tree.
    const json =
      book.source === undefined
        ? book.json
        : parseJsonText(text ?? readInputText(path, label), label);
    return readCcxtExport(json, rulebookOf, options.nowMs);
  }
  // The tree was parsed here and is nobody else's: the reader lets each account's part go.
  const source = book.source ?? { release: true };
  return readPortfolio(book.json, rulebookOf, options.nowMs, options.onAccount, source);
}

/**
 * A portfolio file's JSON already in memory (one a command built: `replay --venue`'s book), read
 * as one from disk is; a rulebook file it names is found in `folder`.
 */
export function portfolioOfJson(
  json: unknown,
  folder: string,
  nowMs: number,
  label?: string,
): Portfolio {
  const rulebookOf = (reader: Reader): Rulebook =>
    typeof reader.value === 'string' ? rulebookByName(reader.value, folder) : readRulebook(reader);
  try {
    return readPortfolio(json, rulebookOf, nowMs);
  } catch (error) {
    // Issues named by where the JSON came from, as a file's are by its name.
    if (label === undefined || !(error instanceof InputError)) throw error;
    throw new InputError(error.issues.map((issue) => `${label}: ${issue}`));
  }
}

/** "binance-usdm" names a preset; anything ending in .json is a rulebook file. */
function rulebookByName(name: string, folder: string): Rulebook {
  if (name.endsWith('.json')) return readRulebookFile(resolve(folder, name), name);
  return readPreset(name);
}
