/**
 * A risk desk's export, generated: a portfolio file (docs/portfolio-format.md) of many accounts
 * under binance-usdm, as text, for the big-book benchmark (bench/book.ts) and its tests. Seeded,
 * so a run is repeatable.
 *
 * What varies, account by account: the collateral (USDT always, some USDC, BTC, ETH, BNB, a few
 * borrowed nothing: binance-usdm lends none), one to eight perpetuals of ten (five with the
 * venue's own brackets, five under its `*` default), sizes spread over three orders of magnitude,
 * entries drawn from the 90 closes before the marks' date (real closes from ../shared/data where
 * present), a leverage setting within the bracket, an isolated position in one of six, resting
 * orders in one of five, and about one in twenty-five accounts placed just above or below
 * maintenance, so the screen has edge cases to send to the exact path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dataFile = resolve(here, '../../shared/data/prices-daily.csv');

interface Listed {
  readonly id: string;
  readonly underlying: string;
  readonly tick: number;
  readonly step: number;
  /** Closes, oldest first; the last is the mark. */
  readonly closes: readonly number[];
}

/** Brackets as binance-usdm lists them: cap (USDT), max leverage, MM rate, MM amount. */
type Bracket = readonly [number, number, number, number];

/** The preset's own bracket tables, so a generated leverage setting is one the reader allows. */
function presetBrackets(): Map<string, Bracket[]> {
  const preset = JSON.parse(readFileSync(resolve(here, '../rulebooks/binance-usdm.json'), 'utf8'));
  const tables = new Map<string, Bracket[]>();
  for (const [id, rule] of Object.entries<{ brackets: Record<string, string | null>[] }>(
    preset.instruments,
  )) {
    tables.set(
      id,
      rule.brackets.map((b) => [
        b.notionalCap === null ? Number.POSITIVE_INFINITY : Number(b.notionalCap),
        Number(b.maxLeverage),
        Number(b.maintenanceRate),
        Number(b.maintenanceAmount),
      ]),
    );
  }
  return tables;
}

/** The real closes of BTC, ETH, SOL, BNB and XRP (the last 91 days of the data file). */
function realCloses(): Map<string, number[]> {
  const fallback: Record<string, number> = {
    BTC: 84650.16,
    ETH: 2822.59,
    SOL: 117.82,
    BNB: 868.69,
    XRP: 1.8076,
  };
  const closes = new Map<string, number[]>();
  if (!existsSync(dataFile)) {
    // A fresh clone without the shared data: a flat history at the file's last closes.
    for (const [asset, price] of Object.entries(fallback)) closes.set(asset, [price]);
    return closes;
  }
  const rows = readFileSync(dataFile, 'utf8').trim().split(/\r?\n/);
  const header = rows[0]!.split(',');
  for (const row of rows.slice(-91)) {
    const cells = row.split(',');
    header.forEach((asset, c) => {
      if (c === 0) return;
      const list = closes.get(asset) ?? [];
      list.push(Number(cells[c]));
      closes.set(asset, list);
    });
  }
  return closes;
}

function listed(): Listed[] {
  const real = realCloses();
  const ticks: Record<string, [number, number]> = {
    BTC: [0.1, 0.001],
    ETH: [0.01, 0.001],
    SOL: [0.01, 1],
    BNB: [0.01, 0.01],
    XRP: [0.0001, 0.1],
  };
  const own = [...real].map(([asset, closes]) => ({
    id: `${asset}USDT`,
    underlying: asset,
    tick: ticks[asset]![0],
    step: ticks[asset]![1],
    closes,
  }));
  // Contracts under the `*` default: no real closes here, so a history of ±15 % around a level.
  const others: [string, number, number, number][] = [
    ['DOGE', 0.12, 0.00001, 1],
    ['ADA', 0.35, 0.0001, 1],
    ['LINK', 12.5, 0.001, 0.01],
    ['AVAX', 13.2, 0.001, 1],
    ['LTC', 68.4, 0.01, 0.001],
  ];
  const synthetic = others.map(([asset, level, tick, step], k) => ({
    id: `${asset}USDT`,
    underlying: asset,
    tick,
    step,
    closes: Array.from({ length: 91 }, (_, d) => level * (1 + 0.15 * Math.sin(d / 9 + k))),
  }));
  return [...own, ...synthetic];
}

function decimals(step: number): number {
  const text = String(step);
  return text.includes('.') ? text.split('.')[1]!.length : 0;
}

function onGrid(value: number, step: number): string {
  const steps = Math.max(1, Math.round(value / step));
  return trim((steps * step).toFixed(decimals(step)));
}

function trim(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** The highest leverage the brackets allow at `notional`, and the MM there. */
function bracketAt(brackets: readonly Bracket[], notional: number): Bracket {
  return brackets.find(([cap]) => notional <= cap) ?? brackets[brackets.length - 1]!;
}

export interface BookOptions {
  readonly accounts: number;
  readonly seed?: number;
}

/** The file's text; about 550 bytes an account. */
export function bookFile(options: BookOptions): string {
  let state = (options.seed ?? 1) >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const contracts = listed();
  const tables = presetBrackets();
  const mark = new Map(contracts.map((c) => [c.id, c.closes[c.closes.length - 1]!]));
  const spot: Record<string, number> = { USDT: 1, USDC: 0.9999 };
  for (const c of contracts.slice(0, 5)) spot[c.underlying] = mark.get(c.id)!;
  const accounts: string[] = [];
  for (let a = 0; a < options.accounts; a += 1) {
    accounts.push(JSON.stringify(account(a, { next, pick, contracts, mark, spot, tables })));
  }
  const assets = ['USDT', 'USDC', ...contracts.map((c) => c.underlying)];
  const head = {
    format: 'xmargin.portfolio/1',
    description: `A generated book of ${options.accounts} accounts (bench/book-file.ts)`,
    rulebook: 'binance-usdm',
    assets: assets.map((id) => ({ id })),
    instruments: contracts.map((c) => ({
      id: c.id,
      kind: 'perpetual',
      settlement: 'linear',
      underlying: c.underlying,
      quote: 'USDT',
      settle: 'USDT',
      contractSize: '1',
      tickSize: trim(c.tick.toFixed(decimals(c.tick))),
      sizeStep: trim(c.step.toFixed(decimals(c.step))),
    })),
    market: {
      asOf: '2026-01-29T23:59:59Z',
      assetPrices: Object.fromEntries(
        Object.entries(spot).map(([asset, price]) => [asset, trim(price.toFixed(6))]),
      ),
      markPrices: Object.fromEntries(contracts.map((c) => [c.id, onGrid(mark.get(c.id)!, c.tick)])),
    },
  };
  const text = JSON.stringify(head, null, 1);
  return `${text.slice(0, -2)},\n "accounts": [\n${accounts.join(',\n')}\n ]\n}\n`;
}

interface AccountJson {
  id: string;
  balances: Record<string, string>;
  positions: Record<string, string>[];
  openOrders?: Record<string, string>[];
}

interface Draw {
  readonly next: () => number;
  readonly pick: <T>(xs: readonly T[]) => T;
  readonly contracts: readonly Listed[];
  readonly mark: ReadonlyMap<string, number>;
  readonly spot: Record<string, number>;
  readonly tables: ReadonlyMap<string, Bracket[]>;
}

function account(a: number, draw: Draw): AccountJson {
  const { next, pick, contracts, mark, spot, tables } = draw;
  // Account sizes are lognormal-ish: most small, a few whales.
  const scale = 10 ** (2 + next() * 3.5);
  const legs = 1 + Math.floor(next() ** 2 * 8);
  const chosen = new Set<Listed>();
  while (chosen.size < legs) chosen.add(pick(contracts));
  const positions: Record<string, string>[] = [];
  let crossMaintenance = 0;
  let crossInitial = 0;
  let crossPnl = 0;
  for (const c of chosen) {
    // The mark as the file writes it, on the tick: what the engine values the position at.
    const price = Number(onGrid(mark.get(c.id)!, c.tick));
    const entry = pick(c.closes);
    const notional = scale * (0.2 + 3 * next());
    const long = next() < 0.55;
    const size = onGrid(notional / price, c.step);
    const real = Number(size) * price;
    const brackets = tables.get(c.id) ?? tables.get('*')!;
    const [, maxLeverage, rate, amount] = bracketAt(brackets, real);
    const leverage = Math.min(maxLeverage, pick([2, 3, 5, 10, 20, 25, 50]));
    const position: Record<string, string> = {
      instrument: c.id,
      size: long ? size : `-${size}`,
      entryPrice: onGrid(entry, c.tick),
      marginMode: 'cross',
      leverage: String(leverage),
    };
    const pnl = (long ? 1 : -1) * Number(size) * (price - Number(position.entryPrice));
    if (next() < 1 / 6) {
      position.marginMode = 'isolated';
      // A venue would have liquidated most isolated positions whose loss ate their margin.
      const cover = next() < 0.97 ? Math.max(0, -pnl) : 0;
      position.isolatedMargin = trim(((real / leverage) * (0.6 + next()) + cover).toFixed(2));
    } else {
      crossMaintenance += real * rate - amount;
      crossInitial += real / leverage;
      crossPnl += pnl;
    }
    positions.push(position);
  }
  const balances: Record<string, string> = {};
  const extras: [string, number][] = [];
  for (const asset of ['USDC', 'BTC', 'ETH', 'BNB']) {
    if (next() < 0.2) extras.push([asset, (scale * (0.1 + next())) / spot[asset]!]);
  }
  // binance-usdm's haircuts; each balance as the file writes it.
  const weight: Record<string, number> = { USDC: 0.9999, BTC: 0.95, ETH: 0.95, BNB: 0.95 };
  const other = extras.reduce(
    (sum, [asset, units]) => sum + Number(units.toFixed(6)) * spot[asset]! * weight[asset]!,
    0,
  );
  const needed = crossMaintenance - crossPnl - other;
  // Most accounts hold more than initial margin; some fall between the two (they may open
  // nothing); a few hold less than maintenance (a venue would be liquidating them).
  let usdt = scale * (0.3 + 2 * next());
  const standing = next();
  const initial = crossInitial - Math.min(crossPnl, 0) - other;
  if (standing < 0.9) usdt = Math.max(usdt, initial + scale * next());
  else if (standing < 0.97) usdt = needed + (initial - needed) * next();
  // One account in 25 sits near maintenance (its cross pool's health), on either side: half
  // within a few dollars, half within 1e-4 USD, inside the fast path's error band for most, so
  // the screen has accounts to send to the exact path.
  let decimals = 2;
  if (next() < 0.04 && crossMaintenance > 0) {
    const close = next() < 0.5;
    usdt = needed + (next() - 0.5) * (close ? 2e-4 : 4);
    decimals = close ? 8 : 2;
  }
  balances.USDT = trim(Math.max(usdt, 0).toFixed(decimals));
  for (const [asset, units] of extras) balances[asset] = trim(units.toFixed(6));
  const result: AccountJson = { id: `acct-${String(a).padStart(6, '0')}`, balances, positions };
  if (next() < 0.2) {
    const c = pick([...chosen]);
    const price = mark.get(c.id)!;
    const buy = next() < 0.5;
    result.openOrders = [
      {
        instrument: c.id,
        side: buy ? 'buy' : 'sell',
        size: onGrid((scale * next()) / price, c.step),
        price: onGrid(price * (buy ? 0.97 : 1.03), c.tick),
      },
    ];
  }
  return result;
}
