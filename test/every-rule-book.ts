import fc from 'fast-check';
import { assess } from '../src/core/margin/assess.ts';
import type { Account, Position } from '../src/core/model/account.ts';
import type { Market } from '../src/core/model/market.ts';
import type { Venue } from '../src/core/model/venue.ts';
import { SCALE } from '../src/core/num/fixed.ts';
import {
  binanceLikeBrackets,
  coinBrackets,
  d,
  decimalArb,
  deribitOptionRule,
  flatCollateral,
  inversePerp,
  linearPerp,
  option,
  pmAsOfMs,
  rulebook,
  surface,
  venue,
} from './kit.ts';

/**
 * A venue with every kind of margin rule, and accounts on it built to sit at the edges where the
 * float64 path is weakest: sizes on a stepped premium's step boundaries (in contracts of 0.1, so
 * 3 × 0.1 is not 0.3 in floats), notionals on bracket caps, a requirement at the index, option
 * kinks, huge opposite PnLs that cancel, and collateral set so that maintenance health is zero
 * plus a small amount of either sign.
 */
export const everyRuleVenue: Venue = venue(
  [
    linearPerp('BR', 'BTC', { contractSize: d('0.1') }),
    linearPerp('ML', 'ETH', { contractSize: d('0.01') }),
    linearPerp('SQ', 'SOL', { contractSize: d('0.1') }),
    linearPerp('LN', 'ETH', { contractSize: d('0.1') }),
    linearPerp('ST', 'SOL', { contractSize: d('0.1') }),
    linearPerp('SI', 'BTC', { contractSize: d('0.1') }),
    inversePerp('INV', 'BTC'),
    linearPerp('CA', 'DOGE'),
    linearPerp('CB', 'DOGE'),
    option('BTC-C', 'BTC', 'call', '80000', 'inverse'),
    option('ETH-P', 'ETH', 'put', '3000', 'linear'),
  ],
  {
    ...rulebook(
      {
        BR: binanceLikeBrackets,
        ML: { kind: 'max-leverage', maxLeverage: d('20') },
        SQ: {
          kind: 'size-premium',
          initialRate: d('0.1'),
          maintenanceRate: d('0.05'),
          premium: { curve: 'sqrt', imfFactor: d('0.001') },
        },
        LN: {
          kind: 'size-premium',
          initialRate: d('0.02'),
          maintenanceRate: d('0.01'),
          premium: { curve: 'linear', ratePerUnit: d('0.00005'), appliesTo: 'both' },
          marginPrice: 'index',
        },
        ST: {
          kind: 'size-premium',
          initialRate: d('0.05'),
          maintenanceRate: d('0.03'),
          premium: {
            curve: 'stepped',
            baselineSize: d('0.3'),
            stepSize: d('0.3'),
            ratePerStep: d('0.01'),
            appliesTo: 'both',
          },
        },
        SI: {
          kind: 'size-premium',
          initialRate: d('0.05'),
          maintenanceRate: d('0.03'),
          premium: {
            curve: 'stepped',
            baselineSize: d('0'),
            stepSize: d('0.1'),
            ratePerStep: d('0.002'),
            appliesTo: 'initial',
          },
        },
        INV: coinBrackets,
        CA: { kind: 'max-leverage', maxLeverage: d('20') },
        CB: { kind: 'max-leverage', maxLeverage: d('20') },
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
    defaultOptionRule: { ...deribitOptionRule, marginFactor: d('1.02') },
  },
);

const contracts = (units: bigint) => units * SCALE;
/** Contracts of 0.1 at a stepped boundary: k steps of 0.3 past the baseline of 0.3. */
const onStep = fc.integer({ min: 0, max: 40 }).map((k) => contracts(3n + 3n * BigInt(k)));
/** Contracts of 0.1 on the 0.1 steps: any whole number of contracts. */
const onTenth = fc.integer({ min: 1, max: 500 }).map((k) => contracts(BigInt(k)));
const signed = (size: fc.Arbitrary<bigint>) =>
  fc.tuple(size, fc.boolean()).map(([s, short]) => (short ? -s : s));
const sizeOf = (edge: fc.Arbitrary<bigint>, min: number, max: number) =>
  fc.option(signed(fc.oneof(edge, decimalArb(min, max, 3))), { nil: undefined });

const legsArb = fc.record({
  BR: sizeOf(fc.constant(0n), 0.001, 400),
  ML: sizeOf(fc.constant(0n), 0.01, 5_000),
  SQ: sizeOf(onTenth, 0.1, 5_000),
  LN: sizeOf(onTenth, 0.1, 3_000),
  ST: sizeOf(onStep, 0.1, 200),
  SI: sizeOf(onTenth, 0.1, 200),
  INV: sizeOf(fc.constant(0n), 1, 5_000).map((s) =>
    s === undefined ? undefined : (s / SCALE) * SCALE,
  ),
  'BTC-C': sizeOf(fc.constant(0n), 0.1, 20).map((s) =>
    s === undefined ? undefined : (s / 10n ** 17n) * 10n ** 17n,
  ),
  'ETH-P': sizeOf(fc.constant(0n), 0.1, 50).map((s) =>
    s === undefined ? undefined : (s / 10n ** 17n) * 10n ** 17n,
  ),
});

/** Bracket caps of BR (binanceLikeBrackets) its notional is put on, or just under. */
const capsArb = fc.constantFrom(50_000n, 250_000n, 1_000_000n);

export const everyRuleMarketArb = fc
  .record({
    btc: decimalArb(20_000, 120_000, 1),
    eth: decimalArb(1_000, 6_000, 2),
    sol: decimalArb(20, 400, 3),
    ethBasisPermille: fc.integer({ min: -30, max: 30 }),
    callMark: decimalArb(0.0001, 0.3, 4),
    putMark: decimalArb(0.5, 600, 2),
  })
  .map((draw): Market => {
    const ethMark = draw.eth + (draw.eth * BigInt(draw.ethBasisPermille)) / 1000n;
    return {
      assetPrices: new Map([
        ['USDT', SCALE],
        ['BTC', draw.btc],
        ['ETH', draw.eth],
        ['SOL', draw.sol],
      ]),
      markPrices: new Map([
        ['BR', draw.btc],
        ['ML', ethMark],
        ['SQ', draw.sol],
        ['LN', ethMark],
        ['ST', draw.sol],
        ['SI', draw.btc],
        ['INV', draw.btc],
        ['CA', SCALE],
        ['CB', SCALE],
        ['BTC-C', draw.callMark],
        ['ETH-P', draw.putMark],
      ]),
      asOfMs: pmAsOfMs,
      volatility: new Map([
        ['BTC', surface(0.5)],
        ['ETH', surface(0.6)],
      ]),
    };
  });

export const accountDrawArb = fc.record({
  legs: legsArb,
  entryMoves: fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 9, maxLength: 9 }),
  bracketEdge: fc.option(capsArb, { nil: undefined }),
  cancelling: fc.option(
    fc.record({
      size: fc.integer({ min: 1, max: 100_000 }),
      entry: decimalArb(1_000_000, 1_000_000_000, 0),
      tail: fc.bigInt(1n, 10n ** 12n),
    }),
    { nil: undefined },
  ),
  btcBalance: decimalArb(0, 20, 4),
  /** Health is set to MM × sign × 10^-exponent (0: exactly at the threshold). */
  healthExponent: fc.integer({ min: 0, max: 18 }),
  healthSign: fc.constantFrom(-1n, 0n, 1n),
});

/** An account on `everyRuleVenue` at `m`, its USDT balance set so its health is near zero. */
export function everyRuleAccount(draw: AccountDraw, m: Market, id: string): Account {
  const positions: Position[] = [];
  const ids = Object.keys(draw.legs) as (keyof AccountDraw['legs'])[];
  ids.forEach((instrument, index) => {
    let size = draw.legs[instrument];
    if (instrument === 'BR' && draw.bracketEdge !== undefined) {
      // The notional on the cap, or a hair under it where the mark does not divide it.
      const mark = m.markPrices.get('BR')!;
      size = (draw.bracketEdge * 10n * SCALE * SCALE) / mark;
    }
    if (size === undefined || size === 0n) return;
    const mark = m.markPrices.get(instrument)!;
    const entryPrice = mark + (mark * BigInt(draw.entryMoves[index]!)) / 100n;
    positions.push(cross(instrument, size, entryPrice));
  });
  if (draw.cancelling !== undefined) {
    const { size, entry, tail } = draw.cancelling;
    positions.push(cross('CA', BigInt(size) * SCALE, entry + tail));
    positions.push(cross('CB', -BigInt(size) * SCALE, entry));
  }
  const unadjusted: Account = {
    id,
    balances: new Map([
      ['USDT', 0n],
      ['BTC', draw.btcBalance],
    ]),
    positions,
    openOrders: [],
  };
  const report = assess(unadjusted, everyRuleVenue, m);
  const health = report.buckets[0]!.equity - report.buckets[0]!.maintenanceMargin;
  const offset = (draw.healthSign * report.maintenanceMargin) / 10n ** BigInt(draw.healthExponent);
  return { ...unadjusted, balances: new Map([...unadjusted.balances, ['USDT', offset - health]]) };
}

export type AccountDraw = {
  legs: Record<
    'BR' | 'ML' | 'SQ' | 'LN' | 'ST' | 'SI' | 'INV' | 'BTC-C' | 'ETH-P',
    bigint | undefined
  >;
  entryMoves: number[];
  bracketEdge: bigint | undefined;
  cancelling: { size: number; entry: bigint; tail: bigint } | undefined;
  btcBalance: bigint;
  healthExponent: number;
  healthSign: bigint;
};

function cross(instrument: string, size: bigint, entryPrice: bigint): Position {
  return { instrument, size, entryPrice, marginMode: 'cross', isolatedMargin: 0n };
}

/** A market and a handful of accounts on it, each near its maintenance threshold. */
export const everyRuleBookArb = fc
  .tuple(everyRuleMarketArb, fc.array(accountDrawArb, { minLength: 1, maxLength: 6 }))
  .map(([m, draws]) => ({
    market: m,
    accounts: draws.map((draw, i) => everyRuleAccount(draw, m, `e${i}`)),
  }));
