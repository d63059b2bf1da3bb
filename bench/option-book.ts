/**
 * Synthetic option books for the portfolio-margin benchmarks: deterministic (a seeded LCG), on
 * USDC-settled linear options around price levels near late-2025 closes, with SVI surfaces.
 */

import type { Account, Position } from '../src/core/model/account.ts';
import type { Bucket } from '../src/core/model/bucket.ts';
import type { Instrument } from '../src/core/model/instrument.ts';
import type { Market } from '../src/core/model/market.ts';
import { marketView } from '../src/core/model/price-view.ts';
import type { PortfolioRule, Rulebook } from '../src/core/model/rulebook.ts';
import type { Venue } from '../src/core/model/venue.ts';
import { fixed, SCALE } from '../src/core/num/fixed.ts';
import { amountNearest } from '../src/core/num/float-bridge.ts';
import { optionPremium } from '../src/core/portfolio/option-premium.ts';
import { unshocked } from '../src/core/pricing/vol-shock.ts';
import type { VolSurface } from '../src/core/pricing/vol-surface.ts';

export const asOfMs = Date.UTC(2026, 10, 24);
const day = 86_400_000;

const levels: Record<string, number> = { BTC: 95_000, ETH: 3_300, SOL: 140, BNB: 900, XRP: 2.2 };

/** 21 price moves of ±15 % × 5 volatility shocks, extremes ±30 % at 35 %: the grid. */
export const benchRule: PortfolioRule = {
  aggregation: 'span',
  grid: {
    priceMoves: Array.from({ length: 21 }, (_, i) => -0.15 + (0.3 * i) / 20),
    volShocks: [-0.1, -0.05, 0, 0.05, 0.1].map((parallel) => ({ parallel, proportional: 0 })),
    extremeMoves: [-0.3, 0.3],
    extremeCover: 0.35,
    extremeVolShock: unshocked,
    lookaheadYears: 1 / 365.25,
    rollShockRate: 0,
  },
  gridByUnderlying: new Map(),
  scanSpot: false,
  basisRate: fixed('0.005'),
  calendarRate: fixed('0.003'),
  deltaShockRate: 0n,
  shortOptionMinimumRate: fixed('0.01'),
  contractFloorRate: 0n,
  offsets: [
    {
      underlyings: ['BTC', 'ETH'],
      deltaPerSpread: [fixed('1'), fixed('30')],
      credit: [fixed('0.5'), fixed('0.5')],
    },
  ],
  expiryTiers: [],
  calendarSpreads: [],
  maintenanceFactor: SCALE,
  initialToMaintenance: fixed('1.25'),
};

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function surface(atm: number): VolSurface {
  return {
    slices: [7, 30, 90, 180].map((days) => ({
      yearsToExpiry: days / 365.25,
      atmVolatility: atm,
      b: 0.08,
      rho: -0.25,
      m: 0.02,
      sigma: 0.25,
    })),
  };
}

export interface OptionBook {
  readonly venue: Venue;
  readonly market: Market;
  readonly instruments: readonly Instrument[];
}

/** `perUnderlying` options on each of the first `underlyings` assets. */
export function optionBook(underlyings: number, perUnderlying: number, seed = 11): OptionBook {
  const next = random(seed);
  const assets = Object.keys(levels).slice(0, underlyings);
  const instruments: Instrument[] = [];
  for (const asset of assets) {
    for (let i = 0; i < perUnderlying; i += 1) {
      const moneyness = 0.6 + 0.8 * next();
      const strike = Number((levels[asset]! * moneyness).toPrecision(4));
      const right = next() < 0.5 ? 'call' : 'put';
      const expiryDays = [7, 14, 30, 60, 90, 180][Math.floor(next() * 6)]!;
      instruments.push({
        id: `${asset}-${expiryDays}D-${strike}-${right === 'call' ? 'C' : 'P'}-${i}`,
        kind: 'option',
        settlement: 'linear',
        underlying: asset,
        quote: 'USDC',
        settle: 'USDC',
        contractSize: SCALE,
        tickSize: fixed('0.0001'),
        sizeStep: fixed('0.01'),
        expiryMs: asOfMs + expiryDays * day,
        option: { right, strike: fixed(String(strike)) },
      });
    }
  }
  const volatility = new Map(assets.map((asset, i) => [asset, surface(0.5 + 0.1 * i)]));
  const assetPrices = new Map<string, bigint>([['USDC', SCALE]]);
  for (const asset of assets) assetPrices.set(asset, fixed(String(levels[asset]!)));
  const rulebook: Rulebook = {
    id: 'bench',
    name: 'bench',
    crossPool: 'unified',
    collateral: new Map([
      ['USDC', { tiers: [{ upTo: null, initialWeight: SCALE, maintenanceWeight: SCALE }] }],
    ]),
    instruments: new Map(),
    defaultOptionRule: {
      kind: 'option-standard',
      initialRate: fixed('0.15'),
      initialFloor: fixed('0.1'),
      maintenanceRate: fixed('0.075'),
      marginFactor: SCALE,
    },
    portfolio: benchRule,
  };
  const venue: Venue = { instruments: new Map(instruments.map((i) => [i.id, i])), rulebook };
  const bare: Market = { assetPrices, markPrices: new Map(), asOfMs, volatility };
  const view = marketView(bare);
  const markPrices = new Map(
    instruments.map((instrument) => {
      const index = Number(assetPrices.get(instrument.underlying)!) / 1e18;
      const premium = optionPremium(
        instrument,
        index,
        view.volatility(instrument.underlying),
        asOfMs,
        unshocked,
        0,
      );
      return [instrument.id, amountNearest(premium)] as const;
    }),
  );
  return { venue, market: { ...bare, markPrices }, instruments };
}

/** An account of `count` option positions drawn from the book, in portfolio mode. */
export function optionAccount(book: OptionBook, count: number, seed: number): Account {
  if (count > book.instruments.length) throw new Error('one position per instrument');
  const next = random(seed);
  const positions = new Map<string, Position>();
  while (positions.size < count) {
    const instrument = book.instruments[Math.floor(next() * book.instruments.length)]!;
    const size = fixed((Math.round((next() - 0.5) * 40) / 10 || 0.1).toFixed(1));
    positions.set(instrument.id, {
      instrument: instrument.id,
      size,
      entryPrice: book.market.markPrices.get(instrument.id)!,
      marginMode: 'cross',
      isolatedMargin: 0n,
    });
  }
  return {
    id: `options-${seed}`,
    poolMode: 'portfolio' as const,
    balances: new Map([['USDC', fixed('1000000')]]),
    positions: [...positions.values()],
    openOrders: [],
  };
}

/**
 * `count` option positions spread evenly over every instrument of the book, several per
 * instrument: an omnibus book (a prime broker's, sub-accounts netted into one pool) as a bucket.
 */
export function omnibusBucket(book: OptionBook, count: number, seed: number): Bucket {
  const next = random(seed);
  const legs = Array.from({ length: count }, (_, i) => {
    const instrument = book.instruments[i % book.instruments.length]!;
    return {
      instrument: instrument.id,
      size: fixed((Math.round((next() - 0.5) * 40) / 10 || 0.1).toFixed(1)),
      entryPrice: book.market.markPrices.get(instrument.id)!,
      leverage: undefined,
      orders: [],
    };
  });
  return { id: 'cross', mode: 'portfolio', balances: new Map([['USDC', fixed('10000000')]]), legs };
}
