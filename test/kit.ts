import fc from 'fast-check';
import { completeBrackets } from '../src/core/margin/brackets.ts';
import { bucketRisk } from '../src/core/margin/bucket-risk.ts';
import type { Account, Position } from '../src/core/model/account.ts';
import { bucketsOf } from '../src/core/model/bucket.ts';
import type { Instrument } from '../src/core/model/instrument.ts';
import type { Market } from '../src/core/model/market.ts';
import type { PriceView } from '../src/core/model/price-view.ts';
import type { MarginRule, PortfolioRule, Rulebook } from '../src/core/model/rulebook.ts';
import type { Venue } from '../src/core/model/venue.ts';
import { fixed, SCALE } from '../src/core/num/fixed.ts';
import type { VolSurface } from '../src/core/pricing/vol-surface.ts';

/** Builders and generators shared by the tests: small, explicit, in the trade's words. */
export const d = fixed;

export function linearPerp(
  id: string,
  underlying: string,
  overrides: Partial<Instrument> = {},
): Instrument {
  return {
    id,
    kind: 'perpetual',
    settlement: 'linear',
    underlying,
    quote: 'USDT',
    settle: 'USDT',
    contractSize: SCALE,
    tickSize: d('0.01'),
    sizeStep: d('0.001'),
    ...overrides,
  };
}

export function inversePerp(
  id: string,
  underlying: string,
  overrides: Partial<Instrument> = {},
): Instrument {
  return {
    id,
    kind: 'perpetual',
    settlement: 'inverse',
    underlying,
    quote: 'USD',
    settle: underlying,
    contractSize: d('100'),
    tickSize: d('0.1'),
    sizeStep: SCALE,
    ...overrides,
  };
}

/** Binance's BTCUSDT table as it stood for years (caps and rates; amounts derived). */
export const binanceLikeBrackets: MarginRule = {
  kind: 'brackets',
  brackets: completeBrackets([
    { cap: d('50000'), maxLeverage: d('125'), maintenanceRate: d('0.004') },
    { cap: d('250000'), maxLeverage: d('100'), maintenanceRate: d('0.005') },
    { cap: d('1000000'), maxLeverage: d('50'), maintenanceRate: d('0.01') },
    { cap: d('10000000'), maxLeverage: d('20'), maintenanceRate: d('0.025') },
    { cap: d('20000000'), maxLeverage: d('10'), maintenanceRate: d('0.05') },
    { cap: null, maxLeverage: d('5'), maintenanceRate: d('0.1') },
  ]),
};

export const coinBrackets: MarginRule = {
  kind: 'brackets',
  brackets: completeBrackets([
    { cap: d('5'), maxLeverage: d('125'), maintenanceRate: d('0.004') },
    { cap: d('10'), maxLeverage: d('100'), maintenanceRate: d('0.005') },
    { cap: d('20'), maxLeverage: d('50'), maintenanceRate: d('0.01') },
    { cap: null, maxLeverage: d('20'), maintenanceRate: d('0.025') },
  ]),
};

export function flatCollateral(weight: string, maintenanceWeight = weight) {
  return {
    tiers: [{ upTo: null, initialWeight: d(weight), maintenanceWeight: d(maintenanceWeight) }],
  };
}

export function rulebook(
  instruments: Record<string, MarginRule>,
  collateral: Rulebook['collateral'] = new Map([['USDT', flatCollateral('1')]]),
): Rulebook {
  return {
    id: 'test',
    name: 'test',
    crossPool: 'unified',
    collateral,
    instruments: new Map(Object.entries(instruments)),
  };
}

/** The engine's tests' price guard: a 20 % band, confirmed by the next tick within a minute. */
export const enginePriceGuard = {
  staleAfterMs: 60_000,
  futureSkewMs: 1_000,
  jumpBand: d('0.2'),
  confirmations: 2,
  confirmWithinMs: 60_000,
};

export function venue(instruments: Instrument[], book: Rulebook): Venue {
  return { instruments: new Map(instruments.map((i) => [i.id, i])), rulebook: book };
}

export function market(assets: Record<string, string>, marks: Record<string, string>): Market {
  return {
    assetPrices: new Map(Object.entries(assets).map(([k, v]) => [k, d(v)])),
    markPrices: new Map(Object.entries(marks).map(([k, v]) => [k, d(v)])),
  };
}

export function position(
  instrument: string,
  size: string,
  entryPrice: string,
  extra: Partial<Position> = {},
): Position {
  return {
    instrument,
    size: d(size),
    entryPrice: d(entryPrice),
    marginMode: 'cross',
    isolatedMargin: 0n,
    ...extra,
  };
}

export function account(
  balances: Record<string, string>,
  positions: Position[],
  id = 'a',
): Account {
  return {
    id,
    balances: new Map(Object.entries(balances).map(([k, v]) => [k, d(v)])),
    positions,
    openOrders: [],
  };
}

/** A decimal with up to `decimals` places between min and max (as whole-unit bounds). */
export function decimalArb(min: number, max: number, decimals = 4): fc.Arbitrary<bigint> {
  const unit = 10n ** BigInt(18 - decimals);
  return fc
    .bigInt(BigInt(Math.round(min * 10 ** decimals)), BigInt(Math.round(max * 10 ** decimals)))
    .map((units) => units * unit);
}

/**
 * A multi-asset venue and a random cross book on it: BTC and ETH linear perps (bracketed), a BTC
 * inverse perp (coin brackets), a SOL perp on a max-leverage rule, USDT and BTC collateral.
 */
export const bookVenue = venue(
  [
    linearPerp('BTCUSDT', 'BTC', { tickSize: d('0.1') }),
    linearPerp('ETHUSDT', 'ETH'),
    linearPerp('SOLUSDT', 'SOL', { tickSize: d('0.001') }),
    inversePerp('BTCUSD', 'BTC'),
  ],
  rulebook(
    {
      BTCUSDT: binanceLikeBrackets,
      ETHUSDT: binanceLikeBrackets,
      SOLUSDT: { kind: 'max-leverage', maxLeverage: d('20') },
      BTCUSD: coinBrackets,
    },
    new Map([
      ['USDT', flatCollateral('1')],
      [
        'BTC',
        {
          tiers: [
            { upTo: d('100000'), initialWeight: d('0.95'), maintenanceWeight: d('0.97') },
            { upTo: null, initialWeight: d('0.9'), maintenanceWeight: d('0.95') },
          ],
        },
      ],
    ]),
  ),
);

export const bookArb = fc
  .record({
    btc: decimalArb(20_000, 120_000, 1),
    eth: decimalArb(1_000, 6_000, 2),
    sol: decimalArb(20, 400, 3),
    usdt: decimalArb(1_000, 2_000_000, 2),
    btcBalance: decimalArb(0, 20, 4),
    sizes: fc.tuple(
      decimalArb(-30, 30, 3),
      decimalArb(-300, 300, 3),
      decimalArb(-5_000, 5_000, 1),
      fc.integer({ min: -20_000, max: 20_000 }),
    ),
    entryMoves: fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: -30, max: 30 }))),
  })
  .map((draw) => {
    const marks: Record<string, bigint> = {
      BTCUSDT: draw.btc,
      ETHUSDT: draw.eth,
      SOLUSDT: draw.sol,
      BTCUSD: draw.btc,
    };
    const ids = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BTCUSD'];
    const positions: Position[] = ids.flatMap((instrument, index) => {
      const size = index === 3 ? BigInt(draw.sizes[3]) * SCALE : draw.sizes[index as 0 | 1 | 2];
      if (size === 0n) return [];
      const mark = marks[instrument]!;
      const entryPrice = mark + (mark * BigInt(draw.entryMoves[index]!)) / 100n;
      return [{ instrument, size, entryPrice, marginMode: 'cross' as const, isolatedMargin: 0n }];
    });
    const acct: Account = {
      id: 'prop',
      balances: new Map([
        ['USDT', draw.usdt],
        ['BTC', draw.btcBalance],
      ]),
      positions,
      openOrders: [],
    };
    const mkt: Market = {
      assetPrices: new Map([
        ['USDT', SCALE],
        ['BTC', draw.btc],
        ['ETH', draw.eth],
        ['SOL', draw.sol],
      ]),
      markPrices: new Map(Object.entries(marks)),
    };
    return { account: acct, market: mkt };
  });

/** Deribit's standard option margin: 0.15 − OTM, floor 0.10; maintenance 0.075; plus the mark. */
export const deribitOptionRule = {
  kind: 'option-standard' as const,
  initialRate: d('0.15'),
  initialFloor: d('0.1'),
  maintenanceRate: d('0.075'),
  marginFactor: SCALE,
};

export function option(
  id: string,
  underlying: string,
  right: 'call' | 'put',
  strike: string,
  settlement: 'linear' | 'inverse',
): Instrument {
  return {
    id,
    kind: 'option',
    settlement,
    underlying,
    quote: settlement === 'inverse' ? 'USD' : 'USDT',
    settle: settlement === 'inverse' ? underlying : 'USDT',
    contractSize: SCALE,
    tickSize: d('0.0001'),
    sizeStep: d('0.1'),
    expiryMs: Date.UTC(2027, 2, 26, 8),
    option: { right, strike: d(strike) },
  };
}

/** bookVenue with an inverse BTC call and a linear ETH put on standard option margin. */
export const optionVenue = venue(
  [
    ...bookVenue.instruments.values(),
    option('BTC-C', 'BTC', 'call', '80000', 'inverse'),
    option('ETH-P', 'ETH', 'put', '3000', 'linear'),
  ],
  // OKX's tier-2 margin factor, so both paths are held to the same factor ≠ 1.
  { ...bookVenue.rulebook, defaultOptionRule: { ...deribitOptionRule, marginFactor: d('1.02') } },
);

/** A flat-ish SVI surface: the ATM level at every expiry, a mild skew. */
export function surface(atmVolatility: number): VolSurface {
  return {
    slices: [0.05, 0.25, 1].map((yearsToExpiry) => ({
      yearsToExpiry,
      atmVolatility,
      b: 0.05,
      rho: -0.3,
      m: 0,
      sigma: 0.2,
    })),
  };
}

export const pmAsOfMs = Date.UTC(2026, 10, 24);
const day = 24 * 60 * 60 * 1000;

export const spanLikeRule: PortfolioRule = {
  aggregation: 'span',
  grid: {
    priceMoves: [0, 0.05, -0.05, 0.1, -0.1, 0.15, -0.15],
    volShocks: [
      { parallel: 0.1, proportional: 0 },
      { parallel: -0.1, proportional: 0 },
    ],
    extremeMoves: [0.3, -0.3],
    extremeCover: 0.35,
    extremeVolShock: { parallel: 0, proportional: 0 },
    lookaheadYears: 1 / 365.25,
    rollShockRate: 0,
  },
  gridByUnderlying: new Map(),
  scanSpot: true,
  basisRate: d('0.005'),
  calendarRate: d('0.003'),
  deltaShockRate: 0n,
  shortOptionMinimumRate: d('0.01'),
  contractFloorRate: 0n,
  offsets: [
    {
      underlyings: ['BTC', 'ETH'],
      deltaPerSpread: [d('1'), d('30')],
      credit: [d('0.5'), d('0.5')],
    },
  ],
  expiryTiers: [],
  calendarSpreads: [],
  maintenanceFactor: SCALE,
  initialToMaintenance: d('1.25'),
};

function usdcFuture(id: string, underlying: string, expiryMs?: number): Instrument {
  return linearPerp(id, underlying, {
    quote: 'USDC',
    settle: 'USDC',
    ...(expiryMs === undefined ? {} : { kind: 'future', expiryMs }),
  });
}

function usdcOption(
  id: string,
  underlying: string,
  right: 'call' | 'put',
  strike: string,
  expiryMs: number,
): Instrument {
  return {
    ...option(id, underlying, right, strike, 'linear'),
    quote: 'USDC',
    settle: 'USDC',
    expiryMs,
  };
}

/** USDC-settled BTC and ETH perpetuals, two dated futures and options on each, in portfolio mode. */
export const pmVenue = venue(
  [
    usdcFuture('BTC-PERP', 'BTC'),
    usdcFuture('BTC-MAR', 'BTC', pmAsOfMs + 120 * day),
    usdcFuture('BTC-JUN', 'BTC', pmAsOfMs + 210 * day),
    usdcOption('BTC-C100', 'BTC', 'call', '100000', pmAsOfMs + 30 * day),
    usdcOption('BTC-P90', 'BTC', 'put', '90000', pmAsOfMs + 30 * day),
    usdcOption('BTC-C110-JUN', 'BTC', 'call', '110000', pmAsOfMs + 210 * day),
    usdcFuture('ETH-PERP', 'ETH'),
    usdcOption('ETH-C3500', 'ETH', 'call', '3500', pmAsOfMs + 30 * day),
  ],
  {
    ...rulebook(
      { '*': { kind: 'max-leverage', maxLeverage: d('20') } },
      new Map([
        ['USDC', flatCollateral('1')],
        ['BTC', flatCollateral('0.85', '0.9')],
        ['ETH', flatCollateral('0.85', '0.9')],
      ]),
    ),
    defaultRule: { kind: 'max-leverage', maxLeverage: d('20') },
    defaultOptionRule: deribitOptionRule,
    portfolio: spanLikeRule,
  },
);

export const pmMarket: Market = {
  assetPrices: new Map([
    ['USDC', SCALE],
    ['BTC', d('95000')],
    ['ETH', d('3300')],
  ]),
  markPrices: new Map([
    ['BTC-PERP', d('95010')],
    ['BTC-MAR', d('96500')],
    ['BTC-JUN', d('97600')],
    ['BTC-C100', d('2600')],
    ['BTC-P90', d('1900')],
    ['BTC-C110-JUN', d('7200')],
    ['ETH-PERP', d('3301')],
    ['ETH-C3500', d('95')],
  ]),
  asOfMs: pmAsOfMs,
  volatility: new Map([
    ['BTC', surface(0.5)],
    ['ETH', surface(0.65)],
  ]),
};

export const pmInstruments = [...pmVenue.instruments.keys()];

/**
 * The account with its USDT cut (or topped up) until its first bucket's equity is `percent` % of
 * that bucket's maintenance margin: a book below maintenance for the liquidation tests.
 */
export function withEquityAt(
  held: Account,
  on: Venue,
  prices: PriceView,
  percent: number,
): Account {
  const risk = bucketRisk(on, bucketsOf(held, on)[0]!, prices);
  const cut = risk.equity - (risk.maintenanceMargin * BigInt(percent)) / 100n;
  const usdt = (held.balances.get('USDT') ?? 0n) - cut;
  return { ...held, balances: new Map([...held.balances, ['USDT', usdt]]) };
}

/**
 * The account with a liquidation fee paid from its `asset` balance: a close made the what-if's
 * way, then charged, for the liquidation tests to check a step against independently.
 */
export function withFeePaid(held: Account, asset: string, fee: bigint): Account {
  const left = (held.balances.get(asset) ?? 0n) - fee;
  return { ...held, balances: new Map([...held.balances, [asset, left]]) };
}
