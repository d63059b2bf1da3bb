import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountDrawArb,
  everyRuleAccount,
  everyRuleMarketArb,
  everyRuleVenue,
} from '../../../test/every-rule-book.ts';
import { d } from '../../../test/kit.ts';
import type { Account } from '../model/account.ts';
import type { Market } from '../model/market.ts';
import { figureCount, magnitude, marginAccount } from './fast-margin.ts';
import { LiveBook } from './live-book.ts';
import { buildRiskBook } from './risk-book.ts';

/**
 * A live book, its rows rewritten and its prices moved in place, gives each account the figures a
 * RiskBook built afresh gives it: to the bit, but for the magnitude (an error bound, summed in
 * another order).
 */
function expectSameAsFresh(live: LiveBook, market: Market, rows: readonly number[]): void {
  const fresh = buildRiskBook(live.book.accounts, everyRuleVenue, market);
  const kept = new Float64Array(figureCount);
  const built = new Float64Array(figureCount);
  for (const row of rows) {
    if (fresh.exactOnly[row] === 1) continue;
    live.sum(row, kept);
    marginAccount(fresh, row, built);
    for (let f = 0; f < figureCount; f += 1) {
      if (f === magnitude) {
        expect(kept[f]).toBeCloseTo(built[f]!, 6);
      } else {
        expect(kept[f], `figure ${f} of row ${row}`).toBe(built[f]);
      }
    }
  }
}

const everyRow = (live: LiveBook) => Array.from({ length: live.size }, (_, row) => row);

/** An account with an isolated position and open orders on both sides, for the blocks to hold. */
function withOrdersAndIsolated(account: Account, extra: number): Account {
  const orders = Array.from({ length: extra }, (_, k) => ({
    instrument: 'BR',
    side: k % 2 === 0 ? ('buy' as const) : ('sell' as const),
    size: d('0.3'),
    price: d(String(60_000 + 1_000 * k)),
  }));
  return {
    ...account,
    positions: [
      ...account.positions.filter((p) => p.instrument !== 'ML'),
      {
        instrument: 'ML',
        size: d(String(extra + 1)),
        entryPrice: d('3100.5'),
        marginMode: 'isolated',
        // Funding may take an isolated bucket's margin below zero: still its own bucket.
        isolatedMargin: d(extra % 2 === 0 ? '155.123' : '-12.5'),
      },
    ],
    openOrders: orders,
  };
}

const stepArb = fc.oneof(
  fc.record({
    kind: fc.constant('rewrite' as const),
    which: fc.nat(),
    draw: accountDrawArb,
    extra: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({ kind: fc.constant('open' as const), draw: accountDrawArb }),
  fc.record({
    kind: fc.constant('mark' as const),
    instrument: fc.constantFrom('BR', 'ML', 'SQ', 'LN', 'ST', 'SI', 'INV'),
    movePermille: fc.integer({ min: -200, max: 200 }),
  }),
);

describe('a live book', () => {
  it('keeps every account at the figures a fresh RiskBook gives it, through rewrites and ticks', () => {
    fc.assert(
      fc.property(
        everyRuleMarketArb,
        fc.array(accountDrawArb, { minLength: 1, maxLength: 5 }),
        fc.array(stepArb, { minLength: 1, maxLength: 25 }),
        (start, draws, steps) => {
          const market: Market = {
            ...start,
            assetPrices: new Map(start.assetPrices),
            markPrices: new Map(start.markPrices),
          };
          const accounts = draws.map((draw, k) => everyRuleAccount(draw, market, `e${k}`));
          const live = new LiveBook(accounts, everyRuleVenue, market);
          expectSameAsFresh(live, market, everyRow(live));
          for (const step of steps) {
            if (step.kind === 'mark') {
              const before = market.markPrices.get(step.instrument)!;
              const price = before + (before * BigInt(step.movePermille)) / 1000n;
              (market.markPrices as Map<string, bigint>).set(step.instrument, price);
              live.setMark(step.instrument, price);
              const holders = live.markHolders(step.instrument)!;
              const out = new Float64Array(figureCount);
              const moved = [...holders.rows.subarray(0, holders.size)];
              for (const row of moved) {
                if (live.book.exactOnly[row] === 0)
                  live.remarginOn(row, live.instrumentRow(step.instrument)!, out);
              }
              // Every holder, and no one else: an account not listed holds nothing on it.
              for (const row of everyRow(live)) {
                const { positions, openOrders } = live.book.accounts[row]!;
                const on = (c: { instrument: string }) => c.instrument === step.instrument;
                const holds = positions.some(on) || openOrders.some(on);
                expect(holders.has(row)).toBe(holds);
              }
            } else {
              const id = step.kind === 'open' ? `n${live.size}` : `e${step.which % draws.length}`;
              const fresh = everyRuleAccount(step.draw, market, id);
              live.setAccount(
                step.kind === 'open' ? fresh : withOrdersAndIsolated(fresh, step.extra),
              );
            }
            expectSameAsFresh(live, market, everyRow(live));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('lays its columns out afresh once moved blocks outnumber the rows in use, losing nothing', () => {
    const m: Market = {
      assetPrices: new Map([
        ['USDT', d('1')],
        ['BTC', d('95000')],
        ['ETH', d('3400')],
        ['SOL', d('190')],
        ['DOGE', d('0.31')],
      ]),
      markPrices: new Map([
        ['BR', d('95010.5')],
        ['ML', d('3401.25')],
        ['SQ', d('190.125')],
        ['LN', d('3399.5')],
        ['ST', d('190.5')],
        ['SI', d('95000.5')],
        ['INV', d('95005.5')],
        ['CA', d('0.31')],
        ['CB', d('0.31')],
      ]),
    };
    const base: Account = {
      id: 'a',
      balances: new Map([['USDT', d('5000.123457')]]),
      positions: [],
      openOrders: [],
    };
    const live = new LiveBook([base], everyRuleVenue, m);
    // Each rewrite outgrows the block it has: thousands of rows are left behind and reclaimed.
    for (let extra = 0; extra < 300; extra += 1) {
      live.setAccount({ ...withOrdersAndIsolated(base, extra % 40), id: `k${extra % 7}` });
      live.setAccount(withOrdersAndIsolated(base, (extra * 7) % 40));
    }
    expect(live.size).toBe(8);
    expect(live.book.orderSize.length).toBeLessThan(4096);
    expectSameAsFresh(live, m, everyRow(live));
  });

  it('rewrites an account in its block while it fits, and moves it to the end once it does not', () => {
    const m: Market = {
      assetPrices: new Map([
        ['USDT', d('1')],
        ['BTC', d('95000')],
        ['ETH', d('3400')],
      ]),
      markPrices: new Map([
        ['BR', d('95010.5')],
        ['ML', d('3401.25')],
      ]),
    };
    const one = (id: string, size: string): Account => ({
      id,
      balances: new Map([['USDT', d('5000.123457')]]),
      positions: [
        {
          instrument: 'BR',
          size: d(size),
          entryPrice: d('95000'),
          marginMode: 'cross',
          isolatedMargin: 0n,
        },
      ],
      openOrders: [],
    });
    const live = new LiveBook([one('a', '1'), one('b', '2')], everyRuleVenue, m);
    const start = { a: live.book.legStart[0], b: live.book.legStart[1] };
    // Blocks are laid out with room for one more leg: a second position fits where a is.
    live.setAccount({
      ...one('a', '3'),
      positions: [...one('a', '3').positions, { ...one('a', '1').positions[0]!, instrument: 'ML' }],
    });
    expect(live.book.legStart[0]).toBe(start.a);
    expect(live.book.legEnd[0]! - live.book.legStart[0]!).toBe(2);
    // A third does not: a moves past every block, b stays.
    const three = ['BR', 'ML', 'SQ'].map((instrument) => ({
      ...one('a', '1').positions[0]!,
      instrument,
    }));
    live.setAccount({ ...one('a', '1'), positions: three });
    expect(live.book.legStart[0]).toBeGreaterThan(start.b!);
    expect(live.book.legStart[1]).toBe(start.b);
    // An instrument the venue does not list: the account is margined on the exact path, held by
    // nothing the book can price.
    live.setAccount({
      ...one('b', '1'),
      positions: [{ ...one('b', '1').positions[0]!, instrument: 'XYZ' }],
    });
    expect(live.book.exactOnly[1]).toBe(1);
    expect(live.markHolders('BR')!.has(1)).toBe(false);
    expect(live.markHolders('XYZ')).toBeUndefined();
    expect(live.assetHolders('XYZ')).toBeUndefined();
    expect(live.instrumentRow('XYZ')).toBeUndefined();
  });

  it('grows past its first capacity, a row for every account set, each summed as built', () => {
    const m: Market = {
      assetPrices: new Map([
        ['USDT', d('1')],
        ['BTC', d('95000')],
      ]),
      markPrices: new Map([['BR', d('95010.5')]]),
    };
    const live = new LiveBook([], everyRuleVenue, m);
    for (let k = 0; k < 300; k += 1) {
      live.setAccount({
        id: `a${k}`,
        balances: new Map([['USDT', d(String(1_000 + k))]]),
        positions: [
          {
            instrument: 'BR',
            size: d(String((k % 7) - 3 || 1)),
            entryPrice: d(String(90_000 + k)),
            marginMode: 'cross',
            isolatedMargin: 0n,
          },
        ],
        openOrders: [],
      });
    }
    expect(live.size).toBe(300);
    expect(live.markHolders('BR')!.size).toBe(300);
    expectSameAsFresh(live, m, everyRow(live));
  });
});
