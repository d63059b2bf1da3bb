import { dirname, resolve } from 'node:path';
import type { Portfolio } from '../../core/model/portfolio.ts';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { readCcxtExport } from './ccxt.ts';
import { readPortfolio } from './portfolio-file.ts';
import { readJsonFile, readPreset, readRulebookFile } from './presets.ts';
import type { Reader } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

export type InputFormat = 'xmargin' | 'ccxt';

export interface LoadOptions {
  readonly from: InputFormat;
  /** A preset id or a rulebook file, overriding the one the portfolio names. */
  readonly rulebook?: string;
  readonly nowMs: number;
}

/** A portfolio or ccxt export from disk, validated whole: a Portfolio, or an InputError. */
export function loadPortfolio(path: string, options: LoadOptions): Portfolio {
  const json = readJsonFile(path);
  const folder = dirname(resolve(path));
  const rulebookOf = (reader: Reader): Rulebook => {
    if (options.rulebook !== undefined) return rulebookByName(options.rulebook, process.cwd());
    if (typeof reader.value === 'string') return rulebookByName(reader.value, folder);
    return readRulebook(reader);
  };
  if (options.from === 'ccxt') return readCcxtExport(json, rulebookOf, options.nowMs);
  return readPortfolio(json, rulebookOf, options.nowMs);
}

/** "binance-usdm" names a preset; anything ending in .json is a rulebook file. */
function rulebookByName(name: string, folder: string): Rulebook {
  if (name.endsWith('.json')) return readRulebookFile(resolve(folder, name), name);
  return readPreset(name);
}
