import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { everyRuleBookArb, everyRuleVenue } from '../../../test/every-rule-book.ts';
import type { Account } from '../model/account.ts';
import type { Market } from '../model/market.ts';
import { marketView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { toNumber } from '../num/fixed.ts';
import { summariseBook } from './book-summary.ts';
import { buildRiskBook } from './risk-book.ts';
import { compareStandings, exactStanding, type Standing } from './standing.ts';

/**
 * Pins of book-summary.ts against the exact path on books near their thresholds: every state
 * called (fast or exact) is the exact one, the liquidation queue is every liquidatable account in
 * compareStandings order, the totals lie within their bound and the bound is not loose, and the
 * holdings are split by sign.
 */
const strip = (s: Standing) => ({ account: s.account, state: s.state, worst: s.worst });

function exactOf(accounts: readonly Account[], venue: Venue, m: Market): Standing[] {
  const prices = marketView(m);
  return accounts.map((a) => exactStanding(a, venue, prices));
}

const venues: Venue[] = [
  everyRuleVenue,
  {
    ...everyRuleVenue,
    rulebook: { ...everyRuleVenue.rulebook, liquidationNeedsMargin: true },
  },
  // Pools per settle asset: the columns do not margin them, every account goes exact.
  { ...everyRuleVenue, rulebook: { ...everyRuleVenue.rulebook, crossPool: 'per-settle-asset' } },
];

describe('book summary: states, queue and totals equal the exact path', () => {
  it('counts by state, the liquidation queue and the riskiest equal the exact standings', () => {
    fc.assert(
      fc.property(
        fc.array(everyRuleBookArb, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(0, 1, 2),
        fc.integer({ min: 0, max: 4 }),
        (books, v, top) => {
          const venue = venues[v]!;
          const parts = books.map((b) => buildRiskBook(b.accounts, venue, b.market));
          const summary = summariseBook(parts, { riskiest: top, queue: true });
          const standings = books.flatMap((b) => exactOf(b.accounts, venue, b.market));
          const byState = { liquidatable: 0, 'below-initial': 0, healthy: 0 };
          for (const s of standings) byState[s.state] += 1;
          expect(summary.byState).toEqual(byState);
          expect(summary.accounts).toBe(standings.length);
          // What the columns do not margin is decided exactly. That the rest is not all exact is
          // pinned on hand-built books (book-summary-edges-mutants.test.ts): these accounts sit on
          // their thresholds, and about one run in 8 drew none the fast path could call.
          const exactOnly = parts.reduce((t, b) => t + b.exactOnly.reduce((x, y) => x + y, 0), 0);
          expect(summary.decidedExactly).toBeGreaterThanOrEqual(exactOnly);
          const places = books.flatMap((b, p) => b.accounts.map((_, i) => ({ part: p, index: i })));
          const queue = standings
            .map((s, i) => ({ ...s, ...places[i]! }))
            .filter((s) => s.state === 'liquidatable' && s.worst !== null)
            .sort(compareStandings);
          expect(summary.liquidationQueue?.map(strip)).toEqual(queue.map(strip));
          expect(summary.liquidationQueue?.map((q) => [q.part, q.index])).toEqual(
            queue.map((q) => [q.part, q.index]),
          );
          const ranked = standings.filter((s) => s.worst !== null).sort(compareStandings);
          expect(summary.riskiest.map(strip)).toEqual(ranked.slice(0, top).map(strip));

          const sum = (f: (s: Standing) => bigint) =>
            standings.reduce((t, s) => t + toNumber(f(s)), 0);
          const magnitude = standings.reduce(
            (t, s) => t + Math.abs(toNumber(s.equity)) + toNumber(s.initialMargin),
            0,
          );
          const slack = summary.totalsTolerance + 1e-9;
          expect(Math.abs(summary.equity - sum((s) => s.equity))).toBeLessThanOrEqual(slack);
          expect(Math.abs(summary.initialMargin - sum((s) => s.initialMargin))).toBeLessThanOrEqual(
            slack,
          );
          expect(
            Math.abs(summary.maintenanceMargin - sum((s) => s.maintenanceMargin)),
          ).toBeLessThanOrEqual(slack);
          // The bound holds at least the rounding of the running sums, and is not a blanket.
          const rounding = 2 * standings.length * Number.EPSILON * magnitude;
          expect(summary.totalsTolerance).toBeGreaterThanOrEqual(rounding * (1 - 1e-6));
          expect(summary.totalsTolerance).toBeLessThan(magnitude + 1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('without queue: no liquidationQueue key, the rest unchanged', () => {
    fc.assert(
      fc.property(everyRuleBookArb, ({ accounts, market: m }) => {
        const parts = [buildRiskBook(accounts, everyRuleVenue, m)];
        const bare = summariseBook(parts, { riskiest: 2 });
        const queued = summariseBook(parts, { riskiest: 2, queue: true });
        expect('liquidationQueue' in bare).toBe(false);
        const { liquidationQueue, ...rest } = queued;
        expect(liquidationQueue).toBeDefined();
        expect(rest).toEqual(bare);
      }),
      { numRuns: 40 },
    );
  });

  it('riskiest 0 names nobody; holdings split by sign and counted per holder', () => {
    fc.assert(
      fc.property(everyRuleBookArb, ({ accounts, market: m }) => {
        const summary = summariseBook([buildRiskBook(accounts, everyRuleVenue, m)], {
          riskiest: 0,
        });
        expect(summary.riskiest).toEqual([]);
        for (const t of summary.assets) {
          const bs = accounts.flatMap((a) => {
            const b = a.balances.get(t.asset);
            return b === undefined ? [] : [b];
          });
          expect(t.accounts).toBe(bs.length);
          expect(t.held).toBe(bs.filter((b) => b > 0n).reduce((x, y) => x + y, 0n));
          expect(t.borrowed).toBe(bs.filter((b) => b <= 0n).reduce((x, y) => x + y, 0n));
        }
        for (const t of summary.instruments) {
          const ss = accounts.flatMap((a) =>
            a.positions.filter((p) => p.instrument === t.instrument).map((p) => p.size),
          );
          expect(t.accounts).toBe(ss.length);
          expect(t.long).toBe(ss.filter((s) => s > 0n).reduce((x, y) => x + y, 0n));
          expect(t.short).toBe(ss.filter((s) => s <= 0n).reduce((x, y) => x + y, 0n));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('progress is told every 4096 accounts and at the end', () => {
    const { accounts, market: m } = fc.sample(everyRuleBookArb, { numRuns: 1, seed: 7 })[0]!;
    const many = Array.from({ length: 4097 }, (_, i) => accounts[i % accounts.length]!);
    const seen: number[] = [];
    const summary = summariseBook([buildRiskBook(many, everyRuleVenue, m)], {
      riskiest: 1,
      progress: (d) => seen.push(d),
    });
    expect(seen).toEqual([4096, 4097]);
    expect(summary.accounts).toBe(4097);
  });

  it('progress is told the final count once for a small book', () => {
    const seen: number[] = [];
    fc.assert(
      fc.property(everyRuleBookArb, ({ accounts, market: m }) => {
        seen.length = 0;
        summariseBook([buildRiskBook(accounts, everyRuleVenue, m)], {
          riskiest: 1,
          progress: (d) => seen.push(d),
        });
        expect(seen).toEqual([accounts.length]);
      }),
      { numRuns: 20 },
    );
  });
});
