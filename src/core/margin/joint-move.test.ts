import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookVenue, decimalArb, pmMarket, pmVenue } from '../../../test/kit.ts';
import { amountMax, jointMoveUpMax, priceMax } from '../limits.ts';
import type { Account, Position } from '../model/account.ts';
import { bucketsOf } from '../model/bucket.ts';
import type { Market } from '../model/market.ts';
import { marketView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { min, ONE, SCALE } from '../num/fixed.ts';
import { bucketRisk } from './bucket-risk.ts';
import { jointMoves } from './joint-move.ts';
import { movedView } from './moved-view.ts';

/**
 * The covered-call fuzz (issue 8) found a joint move that could not be searched at a settle-coin
 * price of 10^-18. Over prices from that smallest one up to the input limit, on a cross book and a
 * portfolio book with options, every search ends, and each answer is what it claims: standing at
 * the reported move and falling within one search resolution beyond it; "now" where the bucket
 * is below maintenance already; "none" standing at the furthest move searched.
 */
const resolution = SCALE / 10n ** 9n;

/** A price anywhere from 10^-18 to the input limit, most orders of magnitude equally likely. */
const extremePrice = fc
  .tuple(fc.integer({ min: -18, max: 12 }), fc.bigInt(1n, 9_999n))
  .map(([exponent, mantissa]) => {
    const price = (mantissa * 10n ** BigInt(18 + exponent)) / 1_000n;
    if (price < 1n) return 1n;
    return price > priceMax ? priceMax : price;
  });

function scaled(market: Market, prices: Record<string, bigint>, venue: Venue): Market {
  const markPrices = new Map<string, bigint>();
  for (const [id, mark] of market.markPrices) {
    const underlying = venue.instruments.get(id)!.underlying;
    const reference = market.assetPrices.get(underlying)!;
    // Each mark keeps its ratio to its underlying's price (an option's premium too, roughly).
    const moved = (mark * (prices[underlying] ?? reference)) / reference;
    markPrices.set(id, moved < 1n ? 1n : moved);
  }
  const assetPrices = new Map([...market.assetPrices].map(([a, p]) => [a, prices[a] ?? p]));
  return { ...market, assetPrices, markPrices };
}

const held = (instrument: string, size: bigint, entryPrice: bigint): Position => ({
  instrument,
  size,
  entryPrice,
  marginMode: 'cross',
  isolatedMargin: 0n,
});

const crossBook = fc
  .record({
    usdt: extremePrice,
    btc: extremePrice,
    eth: extremePrice,
    // Up to the input limit on an amount, too.
    usdtBalance: fc.oneof(decimalArb(0, 2_000_000, 2), fc.bigInt(0n, amountMax)),
    btcBalance: decimalArb(0, 20, 4),
    sizes: fc.tuple(
      decimalArb(-30, 30, 3),
      decimalArb(-300, 300, 3),
      fc.integer({ min: -99, max: 99 }),
    ),
    entryPercent: fc.integer({ min: 70, max: 130 }),
  })
  .map((draw) => {
    const base: Market = {
      assetPrices: new Map([
        ['USDT', SCALE],
        ['BTC', SCALE],
        ['ETH', SCALE],
        ['SOL', SCALE],
      ]),
      markPrices: new Map(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BTCUSD'].map((id) => [id, SCALE])),
    };
    const market = scaled(base, { USDT: draw.usdt, BTC: draw.btc, ETH: draw.eth }, bookVenue);
    const entry = (id: string) => {
      const price = (market.markPrices.get(id)! * BigInt(draw.entryPercent)) / 100n;
      return price < 1n ? 1n : price;
    };
    const positions = [
      held('BTCUSDT', draw.sizes[0], entry('BTCUSDT')),
      held('ETHUSDT', draw.sizes[1], entry('ETHUSDT')),
      held('BTCUSD', BigInt(draw.sizes[2]) * SCALE, entry('BTCUSD')),
    ].filter((position) => position.size !== 0n);
    const account: Account = {
      id: 'extreme',
      balances: new Map([
        ['USDT', draw.usdtBalance],
        ['BTC', draw.btcBalance],
      ]),
      positions,
      openOrders: [],
    };
    return { venue: bookVenue, account, market };
  });

/** The covered call of examples/covered-call.json, at any USDC and BTC price. */
const coveredCall = fc
  .record({
    usdc: extremePrice,
    btc: extremePrice,
    usdcBalance: decimalArb(0, 200_000, 2),
    perp: decimalArb(0, 5, 1),
    calls: decimalArb(-5, 0, 1),
  })
  .map((draw) => {
    const market = scaled(pmMarket, { USDC: draw.usdc, BTC: draw.btc }, pmVenue);
    const mark = (id: string) => market.markPrices.get(id)!;
    const positions = [
      held('BTC-PERP', draw.perp, mark('BTC-PERP')),
      held('BTC-C110-JUN', draw.calls, mark('BTC-C110-JUN')),
    ].filter((position) => position.size !== 0n);
    const account: Account = {
      id: 'covered',
      poolMode: 'portfolio',
      balances: new Map([['USDC', draw.usdcBalance]]),
      positions,
      openOrders: [],
    };
    return { venue: pmVenue, account, market };
  });

/**
 * The lowest factor a move reaches: one at which every price it moves, but an option's, stays at
 * or above one unit (10^-18), the smallest a file can write.
 */
function lowestFactor(venue: Venue, account: Account, market: Market, underlying: string) {
  const moved: bigint[] = account.positions
    .filter((p) => venue.instruments.get(p.instrument)!.underlying === underlying)
    .filter((p) => venue.instruments.get(p.instrument)!.kind !== 'option')
    .map((p) => market.markPrices.get(p.instrument)!);
  if ((account.balances.get(underlying) ?? 0n) !== 0n) {
    moved.push(market.assetPrices.get(underlying)!);
  }
  const lowest = moved.reduce<bigint>(min, ONE);
  // price × factor ≥ SCALE, rounded up.
  const floor = (SCALE + lowest - 1n) / lowest;
  return floor > ONE ? ONE : floor;
}

function checkEveryMove({
  venue,
  account,
  market,
}: {
  venue: Venue;
  account: Account;
  market: Market;
}) {
  const prices = marketView(market);
  let claims = 0;
  for (const bucket of bucketsOf(account, venue)) {
    const risk = bucketRisk(venue, bucket, prices);
    const health = (underlying: string, factor: bigint) => {
      const moved = bucketRisk(venue, bucket, movedView(venue, prices, underlying, factor));
      return moved.equity - moved.maintenanceMargin;
    };
    for (const move of jointMoves(venue, bucket, risk, prices)) {
      const { underlying } = move;
      if (move.down === 0n && move.up === 0n) {
        expect(health(underlying, ONE)).toBeLessThan(0n);
        claims += 1;
        continue;
      }
      const floor = lowestFactor(venue, account, market, underlying);
      const furthestDown = floor > ONE / 10_000n ? floor : ONE / 10_000n;
      if (move.down === null) {
        if (floor < ONE) expect(health(underlying, furthestDown)).toBeGreaterThanOrEqual(0n);
      } else {
        const factor = ONE + move.down;
        expect(factor).toBeGreaterThanOrEqual(floor);
        expect(health(underlying, factor)).toBeGreaterThanOrEqual(0n);
        // One resolution beyond, or the floor where that is nearer: below it is no price.
        const beyond = factor - resolution < floor ? floor : factor - resolution;
        expect(beyond).toBeLessThan(factor);
        expect(health(underlying, beyond)).toBeLessThan(0n);
      }
      if (move.up === null) {
        expect(health(underlying, jointMoveUpMax * ONE)).toBeGreaterThanOrEqual(0n);
      } else {
        const factor = ONE + move.up;
        expect(health(underlying, factor)).toBeGreaterThanOrEqual(0n);
        expect(health(underlying, factor + resolution)).toBeLessThan(0n);
      }
      claims += 2;
    }
  }
  return claims;
}

describe('joint move over extreme prices', () => {
  it('a cross book: every search ends, standing at its move and falling just beyond', () => {
    let claims = 0;
    fc.assert(
      fc.property(crossBook, (book) => {
        claims += checkEveryMove(book);
      }),
      { numRuns: 150 },
    );
    expect(claims).toBeGreaterThan(150);
  });

  it('a covered call in portfolio margin: likewise, options repriced on the moved index', () => {
    let claims = 0;
    fc.assert(
      fc.property(coveredCall, (book) => {
        claims += checkEveryMove(book);
      }),
      { numRuns: 60 },
    );
    expect(claims).toBeGreaterThan(60);
  });

  it('the covered-call fuzz case: USDC at 10^-18 gives the moves of USDC at 1', () => {
    const at = (usdc: bigint) => {
      const market = scaled(
        pmMarket,
        { USDC: usdc, BTC: pmMarket.assetPrices.get('BTC')! },
        pmVenue,
      );
      const account: Account = {
        id: 'standard',
        balances: new Map([['USDC', 50_000n * SCALE]]),
        positions: [held('BTC-PERP', 2n * SCALE, market.markPrices.get('BTC-PERP')!)],
        openOrders: [],
      };
      const prices = marketView(market);
      const [bucket] = bucketsOf(account, pmVenue);
      return jointMoves(pmVenue, bucket!, bucketRisk(pmVenue, bucket!, prices), prices);
    };
    const tiny = at(1n).find((move) => move.underlying === 'BTC')!;
    const usual = at(SCALE).find((move) => move.underlying === 'BTC')!;
    expect(tiny.down).not.toBeNull();
    // At 10^-18 health counts in single units: the move is known to a few 10^-4, not to 10^-9.
    expect(Number(tiny.down! - usual.down!) / 1e18).toBeCloseTo(0, 3);
    // 50,000 − 190,020 × (1 − f) = 190,020 × f × 2.5 % (20× maximum leverage, maintenance half
    // of initial): f = 140,020 / 185,269.5, a fall of 24.42 %.
    expect(Number(usual.down) / 1e18).toBeCloseTo(140_020 / 185_269.5 - 1, 6);
  });
});
