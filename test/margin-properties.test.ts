import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../src/core/margin/assess.ts';
import { bucketRisk } from '../src/core/margin/bucket-risk.ts';
import type { RiskReport } from '../src/core/margin/risk-report.ts';
import type { Account } from '../src/core/model/account.ts';
import { bucketsOf } from '../src/core/model/bucket.ts';
import type { Market } from '../src/core/model/market.ts';
import { marketView } from '../src/core/model/price-view.ts';
import { abs, SCALE } from '../src/core/num/fixed.ts';
import { bookArb, bookVenue, d } from './kit.ts';

const runs = { numRuns: 200 };

function withMark(market: Market, instrument: string, mark: bigint): Market {
  return { ...market, markPrices: new Map([...market.markPrices, [instrument, mark]]) };
}

function crossHealth(account: Account, market: Market): bigint {
  const cross = bucketsOf(account, bookVenue)[0]!;
  const risk = bucketRisk(bookVenue, cross, marketView(market));
  return risk.equity - risk.maintenanceMargin;
}

describe('liquidation price', () => {
  // At the displayed price the bucket still stands (to the 10^-15 USD the exact evaluation's own
  // roundings may take), and one tick further it is liquidatable: the price is the root, rounded
  // one tick at most toward the mark.
  it('is where equity meets maintenance margin: standing there, liquidatable one tick beyond', () => {
    let checked = 0;
    fc.assert(
      fc.property(bookArb, ({ account, market }) => {
        const report = assess(account, bookVenue, market);
        for (const position of report.positions) {
          if (position.liquidationPrice === null) continue;
          const tick = bookVenue.instruments.get(position.instrument)!.tickSize;
          const price = position.liquidationPrice;
          const beyond = position.size > 0n ? price - tick : price + tick;
          const atPrice = crossHealth(account, withMark(market, position.instrument, price));
          // A short that every price liquidates is reported at the first tick, where it falls.
          if (position.size < 0n && price === tick && atPrice < 0n) continue;
          expect(atPrice).toBeGreaterThanOrEqual(0n);
          if (beyond <= 0n) continue;
          expect(crossHealth(account, withMark(market, position.instrument, beyond))).toBeLessThan(
            0n,
          );
          checked += 1;
        }
      }),
      runs,
    );
    expect(checked).toBeGreaterThan(runs.numRuns);
  });

  // Random books almost never put the root exactly on a tick, so this one is built to: long 300
  // BTCUSD (30,000 USD face) from 40,000, 12,500 USDT = 0.25 BTC at 50,000 beside it, rate 0.4 %
  // (notional under 5 BTC). The root solves 0.25 + 30,000 × (1/40,000 − 1/P) − 30,000 × 0.004/P
  // = 0, so 30,000 × 1.004 / P = 1 and P = 30,120.0, a whole tick. There the exact health is 0,
  // but the engine rounds the loss (30,000/30,120 BTC) down and the requirement (120/30,120 BTC)
  // up, so at 30,120.0 itself the bucket is liquidatable by 5 × 10^-14 USD.
  it('stands at the reported price even when the root lies exactly on a tick', () => {
    const acct: Account = {
      id: 'tick',
      balances: new Map([['USDT', d('12500')]]),
      positions: [
        {
          instrument: 'BTCUSD',
          size: d('300'),
          entryPrice: d('40000'),
          marginMode: 'cross',
          isolatedMargin: 0n,
        },
      ],
      openOrders: [],
    };
    const m: Market = {
      assetPrices: new Map([
        ['USDT', SCALE],
        ['BTC', d('50000')],
      ]),
      markPrices: new Map([['BTCUSD', d('35000')]]),
    };
    const [position] = assess(acct, bookVenue, m).positions;
    const price = position!.liquidationPrice!;
    // The root rounded to the tick toward the mark: 30,120.0, or one tick above it.
    expect(price === d('30120') || price === d('30120.1')).toBe(true);
    expect(crossHealth(acct, withMark(m, 'BTCUSD', price))).toBeGreaterThanOrEqual(0n);
    expect(crossHealth(acct, withMark(m, 'BTCUSD', price - d('0.1')))).toBeLessThan(0n);
  });
});

describe('rounding and symmetry', () => {
  it('the report does not depend on the order of positions or balances', () => {
    fc.assert(
      fc.property(bookArb, fc.nat(), ({ account, market }, turn) => {
        const rotate = <T>(items: T[]) => items.map((_, i) => items[(i + turn) % items.length]!);
        const reversed: Account = {
          ...account,
          positions: rotate([...account.positions].reverse()),
          balances: new Map(rotate([...account.balances].reverse())),
        };
        const a = assess(account, bookVenue, market, { jointMoves: true });
        const b = assess(reversed, bookVenue, market, { jointMoves: true });
        expect(normalised(b)).toEqual(normalised(a));
      }),
      { numRuns: 60 },
    );
  });

  // Within the first bracket: past it, the maintenance amount is a fixed deduction that does not
  // scale (MM = k·n·r − cum), so the "within one bracket" holds only where cum = 0.
  it('scaling every size and balance by k scales every figure by k, within the first bracket', () => {
    fc.assert(
      fc.property(bookArb, fc.integer({ min: 2, max: 9 }), ({ account, market }, k) => {
        const small = scaled(account, 1n);
        const large = scaled(account, BigInt(k));
        const a = assess(small, bookVenue, market);
        const b = assess(large, bookVenue, market);
        fc.pre(b.positions.every((p) => inFirstBracket(p.instrument, p.notional)));
        // Each figure is a sum of a few terms, each rounded once in its settle asset (one unit) and
        // once more on conversion at a price up to ~10^5: k × 10^6 units is 10^-12 USD per step.
        const slack = BigInt(k) * 10n ** 6n;
        for (const key of [
          'equity',
          'initialMargin',
          'maintenanceMargin',
          'freeCollateral',
        ] as const) {
          expect(abs(b[key] - BigInt(k) * a[key])).toBeLessThanOrEqual(slack);
        }
        a.positions.forEach((p, i) => {
          const q = b.positions[i]!;
          expect(abs(q.maintenanceMargin - BigInt(k) * p.maintenanceMargin)).toBeLessThanOrEqual(
            slack,
          );
          expect(q.liquidationPrice === null).toBe(p.liquidationPrice === null);
        });
      }),
      { numRuns: 150 },
    );
  });

  it("an isolated position's loss never reaches the cross bucket", () => {
    fc.assert(
      fc.property(bookArb, fc.integer({ min: 1, max: 400 }), ({ account, market }, percent) => {
        fc.pre(account.positions.some((p) => p.instrument === 'SOLUSDT'));
        const isolated: Account = {
          ...account,
          positions: account.positions.map((p) =>
            p.instrument === 'SOLUSDT'
              ? { ...p, marginMode: 'isolated', isolatedMargin: 100n * SCALE }
              : p,
          ),
        };
        const before = assess(isolated, bookVenue, market);
        const sol = market.markPrices.get('SOLUSDT')!;
        const moved = withMark(market, 'SOLUSDT', (sol * BigInt(percent)) / 100n);
        const after = assess(isolated, bookVenue, moved);
        expect(after.buckets[0]!.equity).toBe(before.buckets[0]!.equity);
        expect(after.buckets[0]!.maintenanceMargin).toBe(before.buckets[0]!.maintenanceMargin);
        const solBucket = after.buckets.find((b) => b.id === 'SOLUSDT')!;
        const crossPart = after.buckets[0]!.equity;
        expect(after.equity).toBe(crossPart + (solBucket.equity > 0n ? solBucket.equity : 0n));
      }),
      runs,
    );
  });
});

function normalised(report: RiskReport) {
  return {
    ...report,
    positions: [...report.positions].sort((x, y) => x.instrument.localeCompare(y.instrument)),
  };
}

/** Sizes and balances × k / 1000: exact, since the generators draw at most four decimals. */
function scaled(account: Account, k: bigint): Account {
  const scale = (value: bigint) => (value * k) / 1000n;
  return {
    ...account,
    balances: new Map([...account.balances].map(([asset, amount]) => [asset, scale(amount)])),
    positions: account.positions.map((p) => ({ ...p, size: scale(p.size) })),
  };
}

function inFirstBracket(instrument: string, notional: bigint): boolean {
  const rule = bookVenue.rulebook.instruments.get(instrument)!;
  return rule.kind !== 'brackets' || notional <= rule.brackets[0]!.cap!;
}

describe('joint move', () => {
  // Every price on the underlying × (1 + move): standing at the reported move, liquidatable a
  // hair (two search resolutions) beyond it.
  it('is where the cross bucket falls to maintenance as the underlying moves as a whole', () => {
    const scaledBy = (market: Market, underlying: string, factor: bigint): Market => ({
      ...market,
      assetPrices: new Map(
        [...market.assetPrices].map(([asset, price]) => [
          asset,
          asset === underlying ? (price * factor) / SCALE : price,
        ]),
      ),
      markPrices: new Map(
        [...market.markPrices].map(([id, price]) => [
          id,
          bookVenue.instruments.get(id)!.underlying === underlying
            ? (price * factor) / SCALE
            : price,
        ]),
      ),
    });
    let checked = 0;
    fc.assert(
      fc.property(bookArb, ({ account, market }) => {
        const report = assess(account, bookVenue, market, { jointMoves: true });
        for (const move of report.buckets[0]!.jointMoves) {
          for (const [value, beyond] of [
            [move.down, -1n],
            [move.up, 1n],
          ] as const) {
            if (value === null || value === 0n) continue;
            const factor = SCALE + value;
            const hair = (2n * SCALE) / 10n ** 9n;
            expect(
              crossHealth(account, scaledBy(market, move.underlying, factor)),
            ).toBeGreaterThanOrEqual(-(10n ** 6n));
            expect(
              crossHealth(account, scaledBy(market, move.underlying, factor + beyond * hair)),
            ).toBeLessThan(0n);
            checked += 1;
          }
        }
      }),
      { numRuns: 60 },
    );
    expect(checked).toBeGreaterThan(30);
  });
});
