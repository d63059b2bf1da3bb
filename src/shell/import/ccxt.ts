import { balancesPerAccountMax, positionsPerAccountMax } from '../../core/limits.ts';
import type { Portfolio } from '../../core/model/portfolio.ts';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import {
  type CcxtExchange,
  ccxtExchanges,
  crossWalletInInfo,
  exchangeTerms,
} from './ccxt-exchanges.ts';
import { ccxtNumber } from './ccxt-number.ts';
import { PathMap } from './ccxt-paths.ts';
import { type CcxtPosition, readCcxtPosition } from './ccxt-position.ts';
import { portfolioFormat, type RulebookSource, readPortfolio } from './portfolio-file.ts';
import { InputError, Reader, settle } from './reader.ts';
import { readUtcTime } from './utc-time.ts';

export const ccxtFormat = 'xmargin.ccxt/1';

/** Whether a parsed file says it is a ccxt export (its `format`), so it is read as one. */
export function isCcxtExport(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    (json as Record<string, unknown>).format === ccxtFormat
  );
}

/**
 * ccxt's unified `balance` and `positions` structures, as a trader exports them with
 * `fetchBalance()` and `fetchPositions()`, wrapped with what they lack (docs/ccxt.schema.json):
 *
 *   { "format": "xmargin.ccxt/1", "exchange": "binanceusdm", "rulebook": "binance-usdm",
 *     "asOf": "2025-10-10T12:00:00Z", "assetPrices": { "USDT": "1", "BTC": "60000" },
 *     "balance": {...}, "positions": [...] }
 *
 * `exchange` (ccxt's id) says what the figures mean: each venue's `total` and `collateral` hold
 * different things (ExchangeTerms), turned here into the cross wallet and isolated margins the
 * engine margins from. `asOf` is the export's time, at which dated contracts are valued (absent:
 * `nowMs`). The result goes through the portfolio reader, so every later check applies; its
 * issues are given back with the paths of this file.
 */
export function readCcxtExport(
  json: unknown,
  rulebookOf: RulebookSource,
  nowMs: number,
): Portfolio {
  const root = new Reader(json, '');
  if (!root.object()) settle(root);
  root.only([
    'format',
    'description',
    'exchange',
    'account',
    'rulebook',
    'asOf',
    'assetPrices',
    'balance',
    'positions',
  ]);
  if (root.has('description')) root.field('description').text();
  if (root.field('format').string() !== ccxtFormat) {
    root.field('format').fail(`must be "${ccxtFormat}"`);
  }
  const exchange = readExchange(root.field('exchange'));
  if (root.has('asOf')) readUtcTime(root.field('asOf'), '2025-10-10T12:00:00Z');
  const rulebook = rulebookOf(root.field('rulebook'));
  const positions = root
    .field('positions')
    .items(positionsPerAccountMax)
    .flatMap((entry) => readCcxtPosition(entry, exchange) ?? []);
  checkOnePerSide(root, positions);
  const wallets = readWallets(root.field('balance'), exchange, positions);
  const isolatedMargins = positions.map((p) => isolatedMargin(root, exchange, p));
  settle(root);
  const { portfolio, paths } = wrapped(root, rulebook, positions, wallets, isolatedMargins);
  try {
    return readPortfolio(portfolio, () => rulebook, nowMs);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(error.issues.map((issue) => paths.issue(issue)));
  }
}

function readExchange(field: Reader): CcxtExchange {
  if (field.value === undefined) {
    field.fail(
      `is required: the ccxt exchange id (${ccxtExchanges.join(', ')}), ` +
        "which says what the balance's figures hold",
    );
    return ccxtExchanges[0];
  }
  return field.oneOf(ccxtExchanges);
}

/**
 * One position per instrument, or in hedge mode one per side. ccxt marks each side of a pair
 * `hedged` (Binance positionSide LONG/SHORT, Bybit positionIdx 1/2); two positions on one
 * instrument that are not so marked are the same position twice.
 */
function checkOnePerSide(root: Reader, positions: readonly CcxtPosition[]): void {
  const byInstrument = new Map<string, CcxtPosition[]>();
  for (const position of positions) {
    const earlier = byInstrument.get(position.venueId) ?? [];
    const pair = (other: CcxtPosition) =>
      other.hedged && position.hedged && other.side !== position.side;
    const clash = earlier.find((other) => !pair(other));
    if (clash !== undefined) {
      root.fail(
        `a second position on "${position.symbol}" (as ${clash.path}); ` +
          'a hedge-mode pair is a long and a short, each marked "hedged": true',
        position.path,
      );
    }
    byInstrument.set(position.venueId, [...earlier, position]);
  }
}

interface Wallet {
  readonly amount: bigint;
  readonly path: string;
}

/**
 * Each asset's cross wallet balance: Binance's own `crossWalletBalance` where its raw balance
 * gives it, else `total` less what the venue's total holds beyond the cross wallet: the cross
 * positions' unrealised PnL where it holds them, and the isolated positions' collateral. A zero
 * (ccxt lists every asset the venue knows, `0` or `"0.00000000"`) is left out.
 */
function readWallets(
  balance: Reader,
  exchange: CcxtExchange,
  positions: readonly CcxtPosition[],
): Map<string, Wallet> {
  const terms = exchangeTerms[exchange];
  const own = crossWalletInInfo(exchange, balance);
  const wallets = new Map<string, Wallet>();
  if (!balance.object()) return wallets;
  for (const [asset, total] of balance.field('total').entries(balancesPerAccountMax)) {
    if (total.value === null) continue;
    const field = own.get(asset) ?? total;
    let amount = ccxtNumber(field);
    if (amount === undefined) continue;
    if (field === total) {
      for (const position of positions) {
        if (position.parts.settle !== asset) continue;
        if (position.isolated) amount -= position.collateral ?? 0n;
        else if (terms.totalHoldsCrossPnl) amount -= pnlOf(balance, exchange, position, 'total');
      }
    }
    if (amount !== 0n) wallets.set(asset, { amount, path: field.path });
  }
  return wallets;
}

/** A position's unrealised PnL, required where the venue's figures hold it. */
function pnlOf(root: Reader, exchange: CcxtExchange, position: CcxtPosition, holder: string) {
  if (position.unrealizedPnl !== undefined) return position.unrealizedPnl;
  root.fail(
    `is required: ${exchange}'s ${holder} includes it, and it is taken off to find the wallet`,
    `${position.path}.unrealizedPnl`,
  );
  return 0n;
}

/** An isolated position's own margin: its collateral, less its PnL where the venue adds it. */
function isolatedMargin(root: Reader, exchange: CcxtExchange, position: CcxtPosition) {
  if (!position.isolated || position.collateral === undefined) return undefined;
  if (!exchangeTerms[exchange].collateralHoldsPnl) return position.collateral;
  return position.collateral - pnlOf(root, exchange, position, 'collateral');
}

/** The portfolio file the ccxt export amounts to, and the way back to this file's paths. */
function wrapped(
  root: Reader,
  rulebook: Rulebook,
  positions: readonly CcxtPosition[],
  wallets: ReadonlyMap<string, Wallet>,
  isolatedMargins: readonly (bigint | undefined)[],
) {
  const paths = new PathMap()
    .renamed('market.assetPrices', 'assetPrices')
    .whole('market.asOf', 'asOf')
    .whole('market.markPrices', 'positions')
    .whole('instruments', 'positions')
    .whole('assets', 'balance.total')
    .whole('accounts[0].id', 'account')
    .whole('accounts[0].balances', 'balance.total')
    .whole('accounts[0].positions', 'positions')
    .whole('accounts', '(root)');
  const instruments = new Map<string, object>();
  const markPrices: Record<string, string> = {};
  const assets = new Set<string>();
  for (const position of positions) {
    const { venueId: id, parts } = position;
    assets.add(parts.base);
    assets.add(parts.settle);
    if (instruments.has(id)) continue;
    const k = instruments.size;
    instruments.set(id, instrumentOf(position));
    markPrices[id] = formatFixed(position.markPrice);
    paths.whole(`instruments[${k}]`, `${position.path}.symbol`);
    paths.whole(`market.markPrices.${id}`, position.paths.markPrice);
    paths.whole(`accounts[0].leverage.${id}`, position.paths.leverage);
  }
  const balances: Record<string, string> = {};
  for (const [asset, wallet] of wallets) {
    assets.add(asset);
    balances[asset] = formatFixed(wallet.amount);
    paths.whole(`accounts[0].balances.${asset}`, wallet.path);
  }
  const prices = pricesOf(root.field('assetPrices'), rulebook, wallets, positions);
  for (const asset of Object.keys(prices)) assets.add(asset);
  const account = positions.map((position, i) => {
    const at = `accounts[0].positions[${i}]`;
    paths
      .whole(at, position.path)
      .whole(`${at}.instrument`, `${position.path}.symbol`)
      .whole(`${at}.size`, `${position.path}.contracts`)
      .whole(`${at}.entryPrice`, `${position.path}.entryPrice`)
      .whole(`${at}.marginMode`, `${position.path}.marginMode`)
      .whole(`${at}.isolatedMargin`, position.paths.isolatedMargin)
      .whole(`${at}.leverage`, position.paths.leverage)
      .whole(`${at}.side`, `${position.path}.side`);
    const margin = isolatedMargins[i];
    return {
      instrument: position.venueId,
      size: formatFixed(position.size),
      entryPrice: formatFixed(position.entryPrice),
      marginMode: position.isolated ? 'isolated' : 'cross',
      // A hedge-mode side is a position of its own (Position.side); one-way has none.
      ...(position.hedged ? { side: position.side } : {}),
      ...(margin === undefined ? {} : { isolatedMargin: formatFixed(margin) }),
      ...(position.leverage === undefined ? {} : { leverage: formatFixed(position.leverage) }),
    };
  });
  const portfolio = {
    format: portfolioFormat,
    rulebook: rulebook.id,
    assets: [...assets].sort().map((id) => ({ id })),
    instruments: [...instruments.values()],
    market: {
      ...(root.has('asOf') ? { asOf: root.field('asOf').value } : {}),
      assetPrices: prices,
      markPrices,
    },
    accounts: [
      {
        id: root.has('account') ? root.field('account').value : 'ccxt',
        balances,
        positions: account,
      },
    ],
  };
  return { portfolio, paths };
}

/** Binance, Bybit and OKX expire dated contracts at 08:00 UTC. */
function instrumentOf(position: CcxtPosition): object {
  const { venueId, parts, settlement, contractSize } = position;
  const expiry = parts.expiry;
  return {
    id: venueId,
    kind: expiry === undefined ? 'perpetual' : 'future',
    settlement,
    underlying: parts.base,
    quote: parts.quote,
    settle: parts.settle,
    contractSize: formatFixed(contractSize),
    ...(expiry === undefined
      ? {}
      : { expiry: `20${expiry.slice(0, 2)}-${expiry.slice(2, 4)}-${expiry.slice(4)}T08:00:00Z` }),
  };
}

/**
 * The file's `assetPrices`, and a price of 0 for a coin held that the rulebook counts for nothing
 * (no collateral rule, or weights of 0) and that no position settles in: its value is 0 at any
 * price, so none is demanded. Under a portfolio rulebook a coin may count through its scenarios,
 * so there every coin held still needs its price.
 */
function pricesOf(
  field: Reader,
  rulebook: Rulebook,
  wallets: ReadonlyMap<string, Wallet>,
  positions: readonly CcxtPosition[],
): Record<string, unknown> {
  if (!field.isObject()) return field.value as Record<string, unknown>;
  const prices: Record<string, unknown> = { ...(field.value as Record<string, unknown>) };
  const settled = new Set(positions.flatMap((p) => [p.parts.settle, p.parts.base]));
  for (const [asset, wallet] of wallets) {
    if (asset in prices || settled.has(asset) || wallet.amount < 0n) continue;
    if (rulebook.portfolio !== undefined) continue;
    const tiers = rulebook.collateral.get(asset)?.tiers ?? [];
    if (tiers.every((t) => t.initialWeight === 0n && t.maintenanceWeight === 0n)) {
      prices[asset] = '0';
    }
  }
  return prices;
}
