import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookFile } from '../bench/book-file.ts';
import { summariseBook } from '../src/core/fast/book-summary.ts';
import { buildRiskBook } from '../src/core/fast/risk-book.ts';
import {
  compareStandings,
  exactStanding,
  type MarginState,
  type Standing,
} from '../src/core/fast/standing.ts';
import { assessWith } from '../src/core/margin/assess.ts';
import type { RiskReport } from '../src/core/margin/risk-report.ts';
import type { Account } from '../src/core/model/account.ts';
import type { Portfolio } from '../src/core/model/portfolio.ts';
import { marketView } from '../src/core/model/price-view.ts';
import { toNumber } from '../src/core/num/fixed.ts';
import { readPortfolio } from '../src/shell/import/portfolio-file.ts';
import { readPreset } from '../src/shell/import/presets.ts';

/**
 * The book summary (src/core/fast/book-summary.ts) says what the exact path says: on varied
 * generated books under rulebooks of every kind the columns margin (brackets, closing fees,
 * apportioned prices, tiers, weighted collateral and profit), with a share of accounts put exactly
 * on a threshold so the screen must hand them to the exact path, its counts by margin state, its
 * riskiest accounts and its totals by asset equal those computed from each account's exact report;
 * its float totals lie within their stated bound of the exact sums.
 */
const rulebooks = [
  'binance-usdm',
  'bybit-linear',
  'kucoin-futures',
  'phemex-futures',
  'hyperliquid',
  'drift',
];

interface Book {
  readonly portfolio: Portfolio;
  readonly accounts: readonly Account[];
}

/** A generated book; under another rulebook than binance-usdm, without leverage settings. */
function book(accounts: number, seed: number, rulebook: string, onEdge: number): Book {
  const doc = JSON.parse(bookFile({ accounts, seed })) as {
    accounts: { positions: Record<string, string>[] }[];
  };
  if (rulebook !== 'binance-usdm') {
    for (const account of doc.accounts) {
      for (const position of account.positions) delete position.leverage;
    }
  }
  const portfolio = readPortfolio(doc, () => readPreset(rulebook), Date.UTC(2026, 0, 30));
  return { portfolio, accounts: onThreshold(portfolio, onEdge) };
}

/**
 * Every `every`-th account's USDT moved so its lowest bucket sits exactly on maintenance (or one
 * unit of 1e-18 either side), found on the exact path: within any float error of the threshold.
 */
function onThreshold(portfolio: Portfolio, every: number): Account[] {
  const prices = marketView(portfolio.market);
  return portfolio.accounts.map((account, i) => {
    if (every === 0 || i % every !== 0) return account;
    const cross = assessWith(account, portfolio.venue, prices).buckets.find(
      (b) => b.id === 'cross',
    );
    if (cross === undefined || cross.maintenanceMargin === 0n) return account;
    const usdt = account.balances.get('USDT') ?? 0n;
    // USDT counts at weight 1 in these rulebooks' cross pools, so its balance moves health 1:1.
    const nudge = BigInt((i % 3) - 1);
    const balance = usdt - (cross.equity - cross.maintenanceMargin) + nudge;
    if (balance < 0n) return account;
    return { ...account, balances: new Map([...account.balances, ['USDT', balance]]) };
  });
}

function stateOf(report: RiskReport): MarginState {
  if (report.liquidatable) return 'liquidatable';
  return report.freeCollateral < 0n ? 'below-initial' : 'healthy';
}

describe('book summary against the exact path', () => {
  it('counts by state, riskiest accounts and asset totals equal the exact reports', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 12, max: 90 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...rulebooks),
        fc.constantFrom(0, 2, 5),
        fc.integer({ min: 0, max: 12 }),
        (count, seed, rulebook, onEdge, top) => {
          const { portfolio, accounts } = book(count, seed, rulebook, onEdge);
          const { venue, market } = portfolio;
          const prices = marketView(market);
          const summary = summariseBook([buildRiskBook(accounts, venue, market)], {
            riskiest: top,
          });
          const reports = accounts.map((a) => assessWith(a, venue, prices));
          const states = { liquidatable: 0, 'below-initial': 0, healthy: 0 };
          for (const report of reports) states[stateOf(report)] += 1;
          expect(summary.byState).toEqual(states);
          expect(summary.accounts).toBe(accounts.length);

          const standings = accounts.map((a) => exactStanding(a, venue, prices));
          standings.forEach((standing, i) => {
            const report = reports[i]!;
            expect(standing.state).toBe(stateOf(report));
            expect(standing.equity).toBe(report.equity);
            expect(standing.initialMargin).toBe(report.initialMargin);
            expect(standing.maintenanceMargin).toBe(report.maintenanceMargin);
            expect(standing.freeCollateral).toBe(report.freeCollateral);
          });
          const ranked = standings.filter((s) => s.worst !== null).sort(compareStandings);
          const strip = (s: Standing) => ({ account: s.account, worst: s.worst, state: s.state });
          expect(summary.riskiest.map(strip)).toEqual(ranked.slice(0, top).map(strip));

          const equity = reports.reduce((sum, r) => sum + toNumber(r.equity), 0);
          const maintenance = reports.reduce((sum, r) => sum + toNumber(r.maintenanceMargin), 0);
          const slack = summary.totalsTolerance + 1e-9 * Math.abs(equity) + 1e-6;
          expect(Math.abs(summary.equity - equity)).toBeLessThanOrEqual(slack);
          expect(Math.abs(summary.maintenanceMargin - maintenance)).toBeLessThanOrEqual(slack);

          for (const total of summary.assets) {
            let held = 0n;
            let borrowed = 0n;
            let holders = 0;
            for (const account of accounts) {
              const balance = account.balances.get(total.asset);
              if (balance === undefined) continue;
              holders += 1;
              if (balance > 0n) held += balance;
              else borrowed += balance;
            }
            expect({ held, borrowed, holders }).toEqual({
              held: total.held,
              borrowed: total.borrowed,
              holders: total.accounts,
            });
          }
          for (const total of summary.instruments) {
            const sizes = accounts.flatMap((a) =>
              a.positions.filter((p) => p.instrument === total.instrument).map((p) => p.size),
            );
            expect(total.long).toBe(sizes.filter((s) => s > 0n).reduce((x, y) => x + y, 0n));
            expect(total.short).toBe(sizes.filter((s) => s < 0n).reduce((x, y) => x + y, 0n));
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('accounts put exactly on maintenance are decided on the exact path, and counted right', () => {
    const { portfolio, accounts } = book(60, 42, 'binance-usdm', 2);
    const { venue, market } = portfolio;
    const summary = summariseBook([buildRiskBook(accounts, venue, market)], { riskiest: 3 });
    const prices = marketView(market);
    const onEdge = accounts.filter((a, i) => i % 2 === 0 && a !== portfolio.accounts[i]);
    expect(onEdge.length).toBeGreaterThanOrEqual(5);
    // Each on-edge account is within 1e-18 of the threshold: far inside the fast path's band.
    expect(summary.decidedExactly).toBeGreaterThanOrEqual(onEdge.length);
    const liquidatable = accounts.filter((a) => assessWith(a, venue, prices).liquidatable).length;
    expect(summary.byState.liquidatable).toBe(liquidatable);
    // Those one unit below maintenance (a third of them) are liquidatable; those on it are not.
    const below = onEdge.filter((a) => {
      const cross = assessWith(a, venue, prices).buckets.find((b) => b.id === 'cross')!;
      return cross.equity - cross.maintenanceMargin === -1n;
    });
    expect(below.length).toBeGreaterThan(0);
    for (const account of below) {
      expect(exactStanding(account, venue, prices).state).toBe('liquidatable');
    }
  });

  it('holdings: false leaves out the sums by asset and instrument, and nothing else', () => {
    const { portfolio, accounts } = book(40, 7, 'binance-usdm', 0);
    const { venue, market } = portfolio;
    const full = summariseBook([buildRiskBook(accounts, venue, market)], { riskiest: 3 });
    const bare = summariseBook([buildRiskBook(accounts, venue, market)], {
      riskiest: 3,
      holdings: false,
    });
    expect(full.assets.length).toBeGreaterThan(0);
    expect(full.instruments.length).toBeGreaterThan(0);
    expect(bare).toEqual({ ...full, assets: [], instruments: [] });
  });
});
