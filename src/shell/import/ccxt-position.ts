import { abs, SCALE } from '../../core/num/fixed.ts';
import { divHalfEven } from '../../core/num/rounding.ts';
import { type CcxtExchange, type CcxtSymbol, exchangeTerms } from './ccxt-exchanges.ts';
import { ccxtNumber, optionalCcxtNumber } from './ccxt-number.ts';
import type { Reader } from './reader.ts';

/**
 * One ccxt position, read whole: every field is checked even after another fails, so a file is
 * fixed in one pass. Figures are exact fixed-point; `paths` says, for what the portfolio reader
 * may later refuse, which field of the user's file it came from.
 */
export interface CcxtPosition {
  readonly path: string;
  readonly symbol: string;
  readonly venueId: string;
  readonly parts: CcxtSymbol;
  readonly settlement: 'linear' | 'inverse';
  readonly contractSize: bigint;
  /** Signed contracts: negative short. */
  readonly size: bigint;
  readonly side: 'long' | 'short';
  /** ccxt's `hedged`: a side of a hedge-mode pair (Binance positionSide LONG/SHORT, Bybit idx). */
  readonly hedged: boolean;
  readonly entryPrice: bigint;
  readonly markPrice: bigint;
  readonly isolated: boolean;
  /** The venue's `collateral` of an isolated position (see ExchangeTerms). */
  readonly collateral: bigint | undefined;
  readonly unrealizedPnl: bigint | undefined;
  readonly leverage: bigint | undefined;
  /** Where each figure came from in the user's file, by the portfolio field it became. */
  readonly paths: {
    readonly markPrice: string;
    readonly leverage: string;
    readonly isolatedMargin: string;
  };
}

const symbolPattern = /^([A-Z0-9]+)\/([A-Z0-9]+):([A-Z0-9]+)(?:-(\d{6}))?$/;
const symbolExample = '"BTC/USDT:USDT" or "BTC/USD:BTC-261225"';

/** A position of `contracts` 0 (ccxt lists closed ones for some venues) reads as undefined. */
export function readCcxtPosition(entry: Reader, exchange: CcxtExchange): CcxtPosition | undefined {
  if (!entry.object()) return undefined;
  const terms = exchangeTerms[exchange];
  const before = entry.issues.length;
  const symbol = entry.field('symbol').string();
  const parts = parseSymbol(entry.field('symbol'), symbol);
  const contracts = ccxtNumber(entry.field('contracts'));
  const side = readSide(entry);
  const size = signedSize(entry, contracts, side);
  const contractSize = optionalCcxtNumber(entry.field('contractSize')) ?? SCALE;
  if (contractSize <= 0n) entry.field('contractSize').fail('must be greater than zero');
  const entryPrice = ccxtNumber(entry.field('entryPrice'));
  const inverse = parts !== undefined && parts.settle === parts.base;
  const mark = readMark(entry, contracts, contractSize, inverse);
  const isolated = readIsolated(entry, terms.isolatedInInfo(entry.field('info')));
  const collateral = isolated ? ccxtNumber(entry.field('collateral')) : undefined;
  const unrealizedPnl = optionalCcxtNumber(entry.field('unrealizedPnl'));
  const leverage = readLeverage(entry);
  if (entry.issues.length > before || parts === undefined || size === undefined) return undefined;
  if (size === 0n) return undefined;
  return {
    path: entry.path,
    symbol,
    venueId: terms.venueId(parts, entry.field('info')),
    parts,
    settlement: inverse ? 'inverse' : 'linear',
    contractSize,
    size,
    side,
    hedged: entry.field('hedged').value === true,
    entryPrice: entryPrice!,
    markPrice: mark.price!,
    isolated,
    collateral,
    unrealizedPnl,
    leverage: leverage.value,
    paths: {
      markPrice: mark.path,
      leverage: leverage.path,
      isolatedMargin: entry.field('collateral').path,
    },
  };
}

function parseSymbol(field: Reader, symbol: string): CcxtSymbol | undefined {
  const match = symbolPattern.exec(symbol);
  if (match === null) {
    if (symbol !== '') field.fail(`must be a ccxt contract symbol such as ${symbolExample}`);
    return undefined;
  }
  const [, base, quote, settle, expiry] = match as unknown as string[];
  if (settle !== quote && settle !== base) {
    field.fail('settles in neither its base nor its quote asset');
    return undefined;
  }
  return { base: base!, quote: quote!, settle: settle!, ...(expiry ? { expiry } : {}) };
}

function readSide(entry: Reader): 'long' | 'short' {
  return entry.field('side').oneOf(['long', 'short'] as const);
}

/**
 * ccxt writes `contracts` unsigned and the direction in `side`; some venues' parsers pass a
 * signed amount through. A sign that agrees with `side` is read; one that contradicts it is an
 * issue (which of the two is wrong cannot be told).
 */
function signedSize(
  entry: Reader,
  contracts: bigint | undefined,
  side: string,
): bigint | undefined {
  if (contracts === undefined) return undefined;
  if (contracts < 0n && side === 'long') {
    entry.field('contracts').fail('is negative, but side is "long"');
    return undefined;
  }
  return side === 'short' ? -abs(contracts) : contracts;
}

/**
 * The mark: `markPrice`, else (Hyperliquid writes none) the one `notional` and `contracts`
 * imply, notional = contracts × contractSize × mark (linear), contracts × contractSize / mark
 * (inverse, notional in coin). Half-even: a mark is a price, not a requirement.
 */
function readMark(
  entry: Reader,
  contracts: bigint | undefined,
  contractSize: bigint,
  inverse: boolean,
) {
  const markField = entry.field('markPrice');
  if (markField.value !== undefined && markField.value !== null) {
    const price = ccxtNumber(markField);
    if (price !== undefined && price <= 0n) markField.fail('must be greater than zero');
    return { price, path: markField.path };
  }
  const notionalField = entry.field('notional');
  if (notionalField.value === undefined || notionalField.value === null) {
    markField.fail('is required (or notional, from which the mark follows)');
    return { price: undefined, path: markField.path };
  }
  const notional = ccxtNumber(notionalField);
  if (notional === undefined || contracts === undefined)
    return { price: undefined, path: markField.path };
  const units = abs(contracts) * contractSize; // at scale²
  if (notional === 0n || units === 0n) {
    notionalField.fail('must not be zero: the mark follows from notional / contracts');
    return { price: undefined, path: notionalField.path };
  }
  const price = inverse
    ? divHalfEven(units, abs(notional))
    : divHalfEven(abs(notional) * SCALE * SCALE, units);
  return { price, path: notionalField.path };
}

/** `marginMode` ("cross", "isolated", or null as ccxt's Python edition writes), else `isolated`. */
function readIsolated(entry: Reader, isolatedInInfo: boolean): boolean {
  const mode = entry.field('marginMode');
  if (mode.value !== undefined && mode.value !== null) {
    return mode.oneOf(['cross', 'isolated'] as const) === 'isolated';
  }
  const flag = entry.field('isolated').value;
  if (flag !== undefined && flag !== null) {
    if (typeof flag !== 'boolean') entry.field('isolated').fail('must be true, false or null');
    return flag === true;
  }
  return isolatedInInfo;
}

/**
 * The account's leverage on the instrument: ccxt's `leverage`, else (Binance's v3 positionRisk
 * carries none) the one the venue's own initial margin implies, notional / initialMargin, to two
 * decimals (Binance's settings are whole, Bybit's step is 0.01). Neither: the rulebook's maximum.
 */
function readLeverage(entry: Reader): { value: bigint | undefined; path: string } {
  const field = entry.field('leverage');
  if (field.value !== undefined && field.value !== null) {
    const value = ccxtNumber(field);
    if (value !== undefined && value <= 0n) field.fail('must be greater than zero');
    return { value, path: field.path };
  }
  const marginField = entry.field('initialMargin');
  const margin = optionalCcxtNumber(marginField);
  const notional = optionalCcxtNumber(entry.field('notional'));
  if (margin === undefined || notional === undefined || margin <= 0n || notional === 0n) {
    return { value: undefined, path: field.path };
  }
  const hundredths = divHalfEven(abs(notional) * 100n, margin);
  return { value: hundredths * 10n ** 16n, path: marginField.path };
}
