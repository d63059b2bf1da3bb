import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../src/core/margin/assess.ts';
import { initialHealthAfter, maxOrderSize, maxWithdrawal } from '../src/core/margin/what-if.ts';
import type { Account, Position } from '../src/core/model/account.ts';
import { bucketsOf } from '../src/core/model/bucket.ts';
import { marketView } from '../src/core/model/price-view.ts';
import type { PortfolioRule } from '../src/core/model/rulebook.ts';
import { SCALE } from '../src/core/num/fixed.ts';
import { portfolioRisk } from '../src/core/portfolio/portfolio-risk.ts';
import { viewAfterTick } from '../src/core/portfolio/tick.ts';
import { decimalArb, pmInstruments, pmMarket, pmVenue, spanLikeRule } from './kit.ts';

const pool = (
  positions: Position[],
  balances: Record<string, bigint> = { USDC: 1_000_000n * SCALE },
): Account => ({
  id: 'pm',
  poolMode: 'portfolio',
  balances: new Map(Object.entries(balances)),
  positions,
  openOrders: [],
});

const held = (instrument: string, size: bigint): Position => ({
  instrument,
  size,
  entryPrice: pmMarket.markPrices.get(instrument)!,
  marginMode: 'cross',
  isolatedMargin: 0n,
});

function risk(account: Account, rule: PortfolioRule = spanLikeRule) {
  const bucket = bucketsOf(account, pmVenue)[0]!;
  return portfolioRisk(pmVenue, bucket, marketView(pmMarket), rule);
}

const bookArb = fc
  .array(fc.tuple(fc.constantFrom(...pmInstruments), decimalArb(-20, 20, 1)), {
    minLength: 1,
    maxLength: 6,
  })
  .map((entries) => {
    const sizes = new Map<string, bigint>();
    for (const [instrument, size] of entries)
      sizes.set(instrument, (sizes.get(instrument) ?? 0n) + size);
    return [...sizes]
      .filter(([, size]) => size !== 0n)
      .map(([instrument, size]) => held(instrument, size));
  })
  .filter((positions) => positions.length > 0);

describe('portfolio margin properties', () => {
  it('a long and a short of the same future net to zero scenario loss', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('BTC-PERP', 'BTC-MAR', 'ETH-PERP'),
        decimalArb(0.1, 50, 1),
        (instrument, size) => {
          // Two accounts' worth in one book: the same contract bought and sold.
          const long = risk(pool([held(instrument, size)]));
          const hedged = long.underlyings[0]!.pnl.map(
            (pnl, s) => pnl + risk(pool([held(instrument, -size)])).underlyings[0]!.pnl[s]!,
          );
          for (const pnl of hedged) expect(Math.abs(pnl)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a linear book hedged to zero delta has only its basis and calendar charges left', () => {
    const mark = (id: string) => pmMarket.markPrices.get(id)!;
    fc.assert(
      fc.property(
        decimalArb(0.1, 30, 1),
        fc.constantFrom<[string, string]>(['BTC-PERP', 'BTC-MAR'], ['BTC-MAR', 'BTC-JUN']),
        (size, [near, far]) => {
          // Sized by the marks, so the two legs' deltas cancel (to 10^-18 of a contract).
          const hedge = -(size * mark(near)) / mark(far);
          const btc = risk(pool([held(near, size), held(far, hedge)])).underlyings[0]!;
          const notional = (Number(size) / 1e18) * (Number(mark(near)) / 1e18);
          expect(Math.abs(btc.netDelta)).toBeLessThan(1e-6 * notional);
          expect(btc.scanLoss).toBeLessThan(1e-6 * notional);
          const spread = near === 'BTC-PERP' ? btc.charges.basis : btc.charges.calendar;
          expect(spread).toBeGreaterThan(0);
          expect(btc.requirement).toBeCloseTo(btc.charges.basis + btc.charges.calendar, 6);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a book's MM never exceeds the sum of its positions' standalone MMs plus its add-ons", () => {
    fc.assert(
      fc.property(bookArb, (positions) => {
        const book = risk(pool(positions));
        const standalone = positions.reduce(
          (sum, position) => sum + Number(risk(pool([position])).maintenanceMargin),
          0,
        );
        let addOns = 0;
        for (const u of book.underlyings)
          addOns += u.charges.basis + u.charges.calendar + u.charges.deltaShock;
        expect(Number(book.maintenanceMargin) / 1e18).toBeLessThanOrEqual(
          standalone / 1e18 + addOns + 1e-6,
        );
      }),
      { numRuns: 60 },
    );
  });

  it('scaling every size by k scales the scenario P&L by k', () => {
    fc.assert(
      fc.property(bookArb, fc.integer({ min: 2, max: 7 }), (positions, k) => {
        const one = risk(pool(positions));
        const many = risk(pool(positions.map((p) => ({ ...p, size: p.size * BigInt(k) }))));
        one.underlyings.forEach((u, i) => {
          u.pnl.forEach((pnl, s) => {
            expect(Math.abs(many.underlyings[i]!.pnl[s]! - k * pnl)).toBeLessThanOrEqual(
              1e-7 * (1 + Math.abs(k * pnl)),
            );
          });
        });
      }),
      { numRuns: 60 },
    );
  });

  it('the binding loss never falls when a scenario is added to the grid', () => {
    fc.assert(
      fc.property(bookArb, fc.double({ min: -0.5, max: 0.5, noNaN: true }), (positions, move) => {
        const before = risk(pool(positions));
        const wider: PortfolioRule = {
          ...spanLikeRule,
          grid: { ...spanLikeRule.grid, priceMoves: [...spanLikeRule.grid.priceMoves, move] },
        };
        const after = risk(pool(positions), wider);
        before.underlyings.forEach((u, i) => {
          expect(after.underlyings[i]!.scanLoss).toBeGreaterThanOrEqual(u.scanLoss);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('a hedge between underlyings earns a credit, and MM is the sum of what each then owes', () => {
    // Long 2 BTC against short 60 ETH: one spread is 1 BTC : 30 ETH of delta, so 2 spreads use
    // about all of both deltas (a perpetual's delta is at its mark, a hair off the index) and each
    // leg is credited about half its scan loss.
    const book = risk(pool([held('BTC-PERP', 2n * SCALE), held('ETH-PERP', -60n * SCALE)]));
    expect(book.credits).toHaveLength(1);
    expect(book.credits[0]!.spreads).toBeCloseTo(2, 2);
    for (const u of book.underlyings) {
      expect(Math.abs(u.credit - 0.5 * u.scanLoss)).toBeLessThan(0.001 * u.scanLoss);
      expect(u.requirement).toBeCloseTo(u.outright - u.credit, 6);
    }
    const sum = book.underlyings.reduce((total, u) => total + u.requirement, 0);
    expect(Number(book.maintenanceMargin) / 1e18).toBeCloseTo(sum, 6);
    expect(book.maintenanceMargin > 0n).toBe(true);
  });

  it('a credit never takes an underlying below its short-option minimum (SPAN: max(SOM, …))', () => {
    // Short BTC puts (scan loss small next to the minimum once hedged) against an ETH short: the
    // credit may lower the outright, never the floor.
    fc.assert(
      fc.property(bookArb, (positions) => {
        const book = risk(pool(positions));
        for (const u of book.underlyings) {
          expect(u.requirement).toBeGreaterThanOrEqual(u.charges.shortOptionMinimum);
          expect(u.requirement).toBeGreaterThanOrEqual(u.outright - u.credit - 1e-9);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('a SPAN spread credit never exceeds its rate × the scan loss of the leg it credits', () => {
    fc.assert(
      fc.property(bookArb, (positions) => {
        const book = risk(pool(positions));
        for (const u of book.underlyings) {
          expect(u.credit).toBeGreaterThanOrEqual(0);
          expect(u.credit).toBeLessThanOrEqual(0.5 * u.scanLoss * (1 + 1e-12));
        }
      }),
      { numRuns: 80 },
    );
  });

  it('the credit is continuous in the hedge: a few dollars of delta move MM by cents', () => {
    // A short ETH straddle-like book is short gamma with a net delta near zero; a hair of ETH
    // perpetual either way flips the sign of that delta. Credit on the sign alone jumps there.
    const base = [held('BTC-PERP', 1n * SCALE), held('ETH-C3500', -40n * SCALE)];
    const delta = risk(pool(base)).underlyings.find((u) => u.underlying === 'ETH')!.netDelta;
    const hedge = -delta / 3300; // ETH perpetual that zeroes ETH's net delta
    const mm = (shift: number) => {
      const size = BigInt(Math.round((hedge + shift) * 1e6)) * 10n ** 12n;
      const book = risk(pool([...base, held('ETH-PERP', size)]));
      return Number(book.maintenanceMargin) / 1e18;
    };
    const below = mm(-0.001);
    const above = mm(0.001);
    // 0.002 ETH of delta is about 6.6 USD; the book's MM is thousands.
    expect(Math.abs(above - below)).toBeLessThan(10);
  });

  it('explains itself: contributions add up to the binding loss', () => {
    fc.assert(
      fc.property(bookArb, (positions) => {
        for (const u of risk(pool(positions)).underlyings) {
          if (u.binding < 0) continue;
          const total = u.contributions.reduce((sum, c) => sum + c.pnl, 0);
          expect(Math.abs(total - u.pnl[u.binding]!)).toBeLessThan(1e-6 * (1 + Math.abs(total)));
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('portfolio mode in the risk report and the what-ifs', () => {
  const coveredCall: Account = pool([held('BTC-C100', -1n * SCALE)], {
    USDC: 20_000n * SCALE,
    BTC: SCALE,
  });

  // Cross charges the call its standard margin and haircuts the BTC; portfolio mode scans them as
  // one book, where the BTC covers the call.
  it('a covered call leaves more free collateral in portfolio mode than in cross', () => {
    const portfolio = assess(coveredCall, pmVenue, pmMarket);
    const cross = assess({ ...coveredCall, poolMode: 'cross' }, pmVenue, pmMarket);
    expect(portfolio.buckets[0]!.marginMode).toBe('portfolio');
    expect(portfolio.buckets[0]!.portfolio).toBeDefined();
    expect(portfolio.freeCollateral > cross.freeCollateral).toBe(true);
  });

  it('max order size and max withdrawal hold the pool at initial margin', () => {
    const prices = marketView(pmMarket);
    const size = maxOrderSize(
      coveredCall,
      pmVenue,
      prices,
      'BTC-C100',
      'sell',
      pmMarket.markPrices.get('BTC-C100')!,
    );
    expect(size > 0n).toBe(true);
    const order = (q: bigint) => ({
      kind: 'order' as const,
      instrument: 'BTC-C100',
      side: 'sell' as const,
      size: q,
      price: pmMarket.markPrices.get('BTC-C100')!,
    });
    expect(initialHealthAfter(coveredCall, pmVenue, prices, order(size), 'cross') >= 0n).toBe(true);
    expect(initialHealthAfter(coveredCall, pmVenue, prices, order(size + d01), 'cross') < 0n).toBe(
      true,
    );
    const usdc = maxWithdrawal(coveredCall, pmVenue, prices, 'USDC');
    expect(usdc > 0n && usdc <= 20_000n * SCALE).toBe(true);
  });

  it('a liquidation move is found for a short straddle', () => {
    const straddle = pool([held('BTC-C100', -5n * SCALE), held('BTC-P90', -5n * SCALE)], {
      USDC: 150_000n * SCALE,
    });
    const report = assess(straddle, pmVenue, pmMarket, { jointMoves: true });
    const move = report.buckets[0]!.jointMoves.find((m) => m.underlying === 'BTC')!;
    expect(move.down !== null && move.down < 0n).toBe(true);
    expect(move.up !== null && move.up > 0n).toBe(true);
  });
});

const d01 = SCALE / 10n;

describe('a tick reprices only what it touched', () => {
  it('keeps the arrays of unmoved underlyings and matches a fresh computation', () => {
    const account = pool([
      held('BTC-C100', -SCALE),
      held('ETH-C3500', 10n * SCALE),
      held('BTC-PERP', SCALE),
    ]);
    const bucket = bucketsOf(account, pmVenue)[0]!;
    const before = marketView(pmMarket);
    portfolioRisk(pmVenue, bucket, before, spanLikeRule);
    const btc = pmMarket.assetPrices.get('BTC')!;
    const moved = {
      ...pmMarket,
      assetPrices: new Map([...pmMarket.assetPrices, ['BTC', btc + btc / 100n]]),
    };
    const after = viewAfterTick(before, moved, pmVenue, new Set(['BTC']));
    expect(after.riskArrays.get('ETH-C3500')).toBe(before.riskArrays.get('ETH-C3500'));
    expect(after.riskArrays.has('BTC-C100')).toBe(false);
    const incremental = portfolioRisk(pmVenue, bucket, after, spanLikeRule);
    const fresh = portfolioRisk(pmVenue, bucket, marketView(moved), spanLikeRule);
    expect(incremental.maintenanceMargin).toBe(fresh.maintenanceMargin);
  });
});

describe('option greeks in the report', () => {
  it('a long call has positive delta, gamma and vega and decays; a short one the opposite', () => {
    const long = assess(pool([held('BTC-C100', SCALE)]), pmVenue, pmMarket).positions[0]!.greeks!;
    const short = assess(pool([held('BTC-C100', -SCALE)]), pmVenue, pmMarket).positions[0]!.greeks!;
    expect(long.delta).toBeGreaterThan(0);
    expect(long.delta).toBeLessThan(1);
    expect(long.gamma).toBeGreaterThan(0);
    expect(long.vega).toBeGreaterThan(0);
    expect(long.theta).toBeLessThan(0);
    expect(short.delta).toBeCloseTo(-long.delta, 12);
    expect(short.vega).toBeCloseTo(-long.vega, 12);
  });
});
