import type { Reader } from './reader.ts';

/** The ccxt exchange ids whose structures the reader knows how to turn into a wallet. */
export const ccxtExchanges = ['binanceusdm', 'binancecoinm', 'bybit', 'hyperliquid'] as const;
export type CcxtExchange = (typeof ccxtExchanges)[number];

/** A ccxt contract symbol taken apart: BASE/QUOTE:SETTLE, with -YYMMDD for a dated future. */
export interface CcxtSymbol {
  readonly base: string;
  readonly quote: string;
  readonly settle: string;
  /** "YYMMDD" of a dated future. */
  readonly expiry?: string;
}

/**
 * What one exchange's ccxt structures mean. ccxt names the fields alike across exchanges, but the
 * figures under them are each venue's own:
 * - `total` of the balance: Binance's is the margin balance (wallet + unrealised PnL of every
 *   position, isolated wallets included: `marginBalance`); Hyperliquid's is `accountValue`, which
 *   holds the cross PnL and every isolated position's margin with its PnL; Bybit's is the coin's
 *   `walletBalance`, which holds no PnL but does hold the margin of isolated positions.
 * - `collateral` of an isolated position: Binance's is `isolatedWallet` + unrealised PnL,
 *   Hyperliquid's `marginUsed` (deposit + PnL), Bybit's `positionBalance` (no PnL).
 * The wallet an engine margins from is `total` less what it holds beyond the cross wallet.
 */
export interface ExchangeTerms {
  /** `total` includes the unrealised PnL of cross positions. */
  readonly totalHoldsCrossPnl: boolean;
  /** An isolated position's `collateral` includes its unrealised PnL. */
  readonly collateralHoldsPnl: boolean;
  /** The venue's id of the instrument, the one rulebooks are keyed by ("BTCUSDT", "BTC"). */
  venueId(symbol: CcxtSymbol, info: Reader): string;
  /** A margin mode the venue says in its raw position where ccxt writes none. */
  isolatedInInfo(info: Reader): boolean;
}

const months = 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC'.split(' ');

/** The venue's own `info.symbol`, where ccxt passed it through. */
function infoSymbol(info: Reader): string | undefined {
  const value = info.field('symbol').value;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const binanceBase = {
  totalHoldsCrossPnl: true,
  collateralHoldsPnl: true,
  isolatedInInfo: (info: Reader) => info.field('marginType').value === 'isolated',
};

export const exchangeTerms: Record<CcxtExchange, ExchangeTerms> = {
  binanceusdm: {
    ...binanceBase,
    venueId: (s, info) =>
      infoSymbol(info) ?? `${s.base}${s.quote}${s.expiry === undefined ? '' : `_${s.expiry}`}`,
  },
  binancecoinm: {
    ...binanceBase,
    venueId: (s, info) => infoSymbol(info) ?? `${s.base}${s.quote}_${s.expiry ?? 'PERP'}`,
  },
  bybit: {
    totalHoldsCrossPnl: false,
    collateralHoldsPnl: false,
    // v5 position list: tradeMode 1 is isolated (ccxt leaves marginMode unset).
    isolatedInInfo: (info) => info.field('tradeMode').value === 1,
    venueId: (s, info) => {
      const own = infoSymbol(info);
      if (own !== undefined) return own;
      if (s.expiry === undefined) return `${s.base}${s.quote}`;
      const [yy, mm, dd] = [s.expiry.slice(0, 2), s.expiry.slice(2, 4), s.expiry.slice(4)];
      return `${s.base}${s.quote}-${dd}${months[Number(mm) - 1]}${yy}`;
    },
  },
  hyperliquid: {
    totalHoldsCrossPnl: true,
    collateralHoldsPnl: true,
    isolatedInInfo: (info) =>
      info.field('position').field('leverage').field('type').value === 'isolated',
    // Hyperliquid names a perpetual by its coin ("BTC", "kPEPE"): info.position.coin.
    venueId: (s, info) => {
      const coin = info.field('position').field('coin').value;
      return typeof coin === 'string' && coin !== '' ? coin : s.base;
    },
  },
};

/**
 * Binance's raw balance says each asset's cross wallet itself (`info.assets[].crossWalletBalance`
 * of GET /fapi/v3/account and /dapi/v1/account): read where present, it needs no positions taken
 * off, so positions fetched a moment apart from the balance do not shift it.
 */
export function crossWalletInInfo(exchange: CcxtExchange, balance: Reader): Map<string, Reader> {
  const found = new Map<string, Reader>();
  if (exchange !== 'binanceusdm' && exchange !== 'binancecoinm') return found;
  const assets = balance.field('info').field('assets');
  if (!Array.isArray(assets.value)) return found;
  for (const entry of assets.items(1_000)) {
    const asset = entry.field('asset').value;
    const wallet = entry.field('crossWalletBalance');
    if (typeof asset === 'string' && wallet.value !== undefined) found.set(asset, wallet);
  }
  return found;
}
