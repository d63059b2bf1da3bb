import { positionsPerAccountMax } from '../../core/limits.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import { portfolioFormat, type RulebookSource, readPortfolio } from './portfolio-file.ts';
import { Reader, settle } from './reader.ts';

export const ccxtFormat = 'xmargin.ccxt/1';

/**
 * ccxt's unified `balance` and `positions` structures, as a trader exports them with
 * `fetchBalance()` and `fetchPositions()`, wrapped with the prices and rulebook they lack:
 *
 *   { "format": "xmargin.ccxt/1", "account": "main", "rulebook": "binance-usdm",
 *     "assetPrices": { "USDT": "1", "BTC": "60000" }, "balance": {...}, "positions": [...] }
 *
 * ccxt writes numbers as JSON numbers; each is read through its shortest decimal form (the one
 * JSON.parse round-trips), which is the decimal the exchange sent for any value of up to 15
 * significant digits. The result goes through the portfolio reader, so every later check applies.
 */
export function readCcxtExport(
  json: unknown,
  rulebookOf: RulebookSource,
  nowMs: number,
): Portfolio {
  const root = new Reader(json, '');
  if (!root.object()) settle(root);
  root.only(['format', 'account', 'rulebook', 'assetPrices', 'balance', 'positions']);
  if (root.field('format').string() !== ccxtFormat)
    root.field('format').fail(`must be "${ccxtFormat}"`);
  const assets = new Set<string>();
  const balances: Record<string, string> = {};
  for (const [asset, total] of root.field('balance').field('total').entries(1_000)) {
    const amount = decimalOf(total);
    if (amount !== undefined && amount !== '0') balances[asset] = amount;
    assets.add(asset);
  }
  const instruments = new Map<string, object>();
  const markPrices: Record<string, string> = {};
  const positions = root
    .field('positions')
    .items(positionsPerAccountMax)
    .flatMap((entry) => {
      const position = readCcxtPosition(entry, nowMs);
      if (position === undefined) return [];
      for (const asset of position.assets) assets.add(asset);
      instruments.set(position.instrument.id, position.instrument);
      markPrices[position.instrument.id] = position.markPrice;
      return [position.position];
    });
  settle(root);
  const portfolio = {
    format: portfolioFormat,
    rulebook: root.field('rulebook').value,
    assets: [...assets].sort().map((id) => ({ id })),
    instruments: [...instruments.values()],
    market: { assetPrices: root.field('assetPrices').value, markPrices },
    accounts: [
      { id: root.has('account') ? root.field('account').string() : 'ccxt', balances, positions },
    ],
  };
  return readPortfolio(portfolio, rulebookOf, nowMs);
}

const symbolPattern = /^([A-Z0-9]+)\/([A-Z0-9]+):([A-Z0-9]+)(?:-(\d{2})(\d{2})(\d{2}))?$/;

function readCcxtPosition(entry: Reader, nowMs: number) {
  if (!entry.object()) return undefined;
  const symbol = entry.field('symbol').string();
  const match = symbolPattern.exec(symbol);
  if (match === null) {
    entry
      .field('symbol')
      .fail('must be a ccxt contract symbol such as "BTC/USDT:USDT" or "BTC/USD:BTC-261225"');
    return undefined;
  }
  const [, base, quote, settleAsset, yy, mm, dd] = match as unknown as string[];
  const settlement =
    settleAsset === quote ? 'linear' : settleAsset === base ? 'inverse' : undefined;
  if (settlement === undefined) {
    entry.field('symbol').fail('settles in neither its base nor its quote asset');
    return undefined;
  }
  const contracts = decimalOf(entry.field('contracts'));
  const side = entry.field('side').oneOf(['long', 'short'] as const);
  const marginMode = entry.has('marginMode')
    ? entry.field('marginMode').oneOf(['cross', 'isolated'] as const)
    : entry.field('isolated').value === true
      ? 'isolated'
      : 'cross';
  const markPrice = decimalOf(entry.field('markPrice'));
  const entryPrice = decimalOf(entry.field('entryPrice'));
  if (contracts === undefined || markPrice === undefined || entryPrice === undefined)
    return undefined;
  // Binance, Bybit and OKX expire dated contracts at 08:00 UTC.
  const expiry = yy === undefined ? undefined : `20${yy}-${mm}-${dd}T08:00:00Z`;
  if (expiry !== undefined && Date.parse(expiry) <= nowMs)
    entry.field('symbol').fail('has expired');
  const leverage =
    entry.has('leverage') && entry.field('leverage').value !== null
      ? decimalOf(entry.field('leverage'))
      : undefined;
  const collateral = marginMode === 'isolated' ? decimalOf(entry.field('collateral')) : undefined;
  // Rulebooks name instruments by the venue's own id ("BTCUSDT"), which Binance and Bybit pass
  // through as info.symbol; ccxt's unified symbol matches no rule and would fall to "*".
  const venueId = entry.field('info').field('symbol').value;
  const id = typeof venueId === 'string' && venueId !== '' ? venueId : symbol;
  return {
    assets: [base!, settleAsset!],
    markPrice,
    instrument: {
      id,
      kind: expiry === undefined ? 'perpetual' : 'future',
      settlement,
      underlying: base,
      quote,
      settle: settleAsset,
      contractSize: entry.has('contractSize') ? decimalOf(entry.field('contractSize')) : '1',
      ...(expiry === undefined ? {} : { expiry }),
    },
    position: {
      instrument: id,
      size: side === 'short' ? `-${contracts}` : contracts,
      entryPrice,
      marginMode,
      ...(leverage === undefined ? {} : { leverage }),
      ...(collateral === undefined ? {} : { isolatedMargin: collateral }),
    },
  };
}

/** A ccxt number (or numeric string) as a plain decimal string; undefined after an issue. */
function decimalOf(reader: Reader): string | undefined {
  const value = reader.value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    reader.fail('must be a finite number');
    return undefined;
  }
  return plainDecimal(value);
}

/** Shortest round-trip form of a float, with any exponent written out: 1e-7 → "0.0000001". */
function plainDecimal(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign, lead, rest = '', exponentText] = match;
  const digits = `${lead}${rest}`;
  const exponent = Number(exponentText);
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  return `${sign}${digits.padEnd(exponent + 1, '0')}`;
}
