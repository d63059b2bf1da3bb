import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookArb, bookVenue, d, decimalArb } from '../../../test/kit.ts';
import { assess } from '../margin/assess.ts';
import { completeBrackets, continueBrackets } from '../margin/brackets.ts';
import type { Account, OpenOrder } from '../model/account.ts';
import type { Market } from '../model/market.ts';
import type { ClosingFeeRule, MarginRule, Rulebook } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { toNumber } from '../num/fixed.ts';
import {
  accountEquity,
  accountInitialMargin,
  accountMaintenanceMargin,
  crossMaintenanceMargin,
  fastTolerance,
  figureCount,
  magnitude,
  marginAccount,
} from './fast-margin.ts';
import { buildRiskBook } from './risk-book.ts';
import { screenLiquidatable } from './screen.ts';

/**
 * Two-paths spec (two-paths.test.ts) for the venues' liquidation rules: maintenance measured at
 * the entry (Bybit's USDT, KuCoin's and Phemex's isolated formulas), tiers by contracts (OKX), a
 * bounded last bracket (a position limit), and a closing fee on the notional (OKX, Gate, KuCoin)
 * or at the bankruptcy price (Bybit, Phemex), in maintenance and in initial margin. Every variant
 * margins the same random books (test/kit.ts `bookArb`, one position isolated at times, open
 * orders at times) on both paths.
 */
function withRules(venue: Venue, change: Partial<Rulebook>, rule?: (r: MarginRule) => MarginRule) {
  const instruments = new Map(
    [...venue.rulebook.instruments].map(([id, r]) => [id, rule === undefined ? r : rule(r)]),
  );
  return { ...venue, rulebook: { ...venue.rulebook, ...change, instruments } };
}

const fee = (valuedAt: ClosingFeeRule['valuedAt'], takerRate = '0.00055'): ClosingFeeRule => ({
  takerRate: d(takerRate),
  valuedAt,
  inMaintenance: true,
  inInitial: true,
});

const atEntry = (r: MarginRule): MarginRule =>
  r.kind === 'option-standard' ? r : { ...r, marginPrice: 'entry' };

/** OKX's BTC-USDT-SWAP tiers by contracts (whole-position rates), the last one a limit. */
const okxTiers: MarginRule = {
  kind: 'brackets',
  tierBy: 'contracts',
  brackets: completeBrackets(
    [
      { cap: d('1'), maxLeverage: d('100'), maintenanceRate: d('0.004'), initialRate: d('0.01') },
      { cap: d('5'), maxLeverage: d('66.66'), maintenanceRate: d('0.005') },
      { cap: d('20'), maxLeverage: d('50'), maintenanceRate: d('0.0075') },
      { cap: d('40'), maxLeverage: d('40'), maintenanceRate: d('0.0125') },
    ],
    'contracts',
  ),
};

/**
 * OKX's published continuation ("Increase by N conts from the previous tier", + 0.5 % MMR and
 * IMR): from two listed tiers, by 1.5 contracts a tier, to tier 12 (a limit of 20 contracts), or
 * on to 100 % initial margin (tier 198, 299.5 contracts), so a book crosses many derived edges.
 */
function okxContinued(tiersMax?: number): MarginRule {
  const listed = [
    { cap: d('1'), maxLeverage: d('100'), maintenanceRate: d('0.004'), initialRate: d('0.01') },
    { cap: d('5'), maxLeverage: d('66.66'), maintenanceRate: d('0.005'), initialRate: d('0.015') },
  ];
  const continuation = {
    capStep: d('1.5'),
    maintenanceRateStep: d('0.005'),
    initialRateStep: d('0.005'),
    ...(tiersMax === undefined ? {} : { tiersMax }),
  };
  const terms = continueBrackets(listed, continuation);
  if (!Array.isArray(terms)) throw new Error(terms.failure);
  return {
    kind: 'brackets',
    tierBy: 'contracts',
    brackets: completeBrackets(terms, 'contracts'),
    continued: { ...continuation, listedTiers: listed.length },
  };
}

const variants: [string, Venue][] = [
  ['maintenance at the entry', withRules(bookVenue, {}, atEntry)],
  ['a fee on the notional', withRules(bookVenue, { closingFee: fee('notional') })],
  ['a fee at the bankruptcy price', withRules(bookVenue, { closingFee: fee('bankruptcy') })],
  [
    'the entry and a bankruptcy fee together',
    withRules(bookVenue, { closingFee: fee('bankruptcy', '0.001') }, atEntry),
  ],
  [
    'tiers by contracts, bounded',
    withRules(bookVenue, { closingFee: fee('notional', '0.0005') }, (r) =>
      r.kind === 'brackets' ? okxTiers : r,
    ),
  ],
  [
    'tiers by contracts, continued by the rule to tiersMax',
    withRules(bookVenue, { closingFee: fee('notional', '0.0005') }, (r) =>
      r.kind === 'brackets' ? okxContinued(12) : r,
    ),
  ],
  [
    'tiers by contracts, continued by the rule to 1× leverage',
    withRules(bookVenue, {}, (r) => (r.kind === 'brackets' ? okxContinued() : r)),
  ],
  // Mango's perp orders: counted in maintenance, filled at the mark, and both.
  ['open orders in maintenance', withRules(bookVenue, { openOrdersInMaintenance: true })],
  ['open orders filled at the mark', withRules(bookVenue, { openOrdersFilledAtMark: true })],
  [
    'open orders in maintenance, filled at the mark, a fee on the notional',
    withRules(bookVenue, {
      openOrdersInMaintenance: true,
      openOrdersFilledAtMark: true,
      closingFee: fee('notional'),
    }),
  ],
];

const book = fc
  .tuple(
    bookArb,
    fc.boolean(),
    decimalArb(0, 50_000, 2),
    fc.array(fc.tuple(fc.boolean(), decimalArb(0.001, 5, 3), fc.integer({ min: -5, max: 5 })), {
      maxLength: 2,
    }),
  )
  .map(([{ account, market }, isolate, isolatedMargin, orders]) => {
    const positions = account.positions.map((p, i) =>
      isolate && i === 0 ? { ...p, marginMode: 'isolated' as const, isolatedMargin } : p,
    );
    const mark = market.markPrices.get('BTCUSDT')!;
    const openOrders: OpenOrder[] = orders.map(([buy, size, move]) => ({
      instrument: 'BTCUSDT',
      side: buy ? 'buy' : 'sell',
      size,
      price: mark + (mark * BigInt(move)) / 100n,
    }));
    return { account: { ...account, positions, openOrders }, market };
  });

interface Figures {
  equity: number;
  initialMargin: number;
  maintenanceMargin: number;
  crossMaintenanceMargin: number;
  magnitude: number;
}

function exact(account: Account, venue: Venue, market: Market): Figures {
  const report = assess(account, venue, market);
  return {
    equity: toNumber(report.equity),
    initialMargin: toNumber(report.initialMargin),
    maintenanceMargin: toNumber(report.maintenanceMargin),
    crossMaintenanceMargin: toNumber(report.buckets[0]!.maintenanceMargin),
    magnitude: 0,
  };
}

function fast(account: Account, venue: Venue, market: Market): Figures {
  const out = new Float64Array(figureCount);
  marginAccount(buildRiskBook([account], venue, market), 0, out);
  return {
    equity: out[accountEquity]!,
    initialMargin: out[accountInitialMargin]!,
    maintenanceMargin: out[accountMaintenanceMargin]!,
    crossMaintenanceMargin: out[crossMaintenanceMargin]!,
    magnitude: out[magnitude]!,
  };
}

describe.each(variants)('both paths, with %s', (_name, venue) => {
  it('agree on every figure within the fast path’s band', () => {
    fc.assert(
      fc.property(book, ({ account, market }) => {
        // The cross bucket is the first one the exact report lists only when there is one.
        if (!account.positions.some((p) => p.marginMode === 'cross')) return;
        const a = exact(account, venue, market);
        const b = fast(account, venue, market);
        const band = b.magnitude * fastTolerance + 1e-9;
        for (const key of [
          'equity',
          'initialMargin',
          'maintenanceMargin',
          'crossMaintenanceMargin',
        ] as const) {
          expect(Math.abs(a[key] - b[key]), key).toBeLessThanOrEqual(band);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('screen the book to exactly the accounts the exact path finds liquidatable', () => {
    fc.assert(
      fc.property(fc.array(book, { minLength: 1, maxLength: 6 }), (draws) => {
        const market = draws[0]!.market;
        const accounts = draws.map((draw, i) => ({ ...draw.account, id: `a${i}` }));
        const screened = screenLiquidatable(buildRiskBook(accounts, venue, market));
        const want = accounts.flatMap((a, i) => (assess(a, venue, market).liquidatable ? [i] : []));
        expect(screened.liquidatable).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });
});

describe('both paths under a rulebook that reads stable prices', () => {
  const venue = withRules(bookVenue, { initialAtStablePrice: true });
  const stable = (market: Market): Market => ({
    ...market,
    stablePrices: new Map([...market.assetPrices].map(([id, p]) => [id, (p * 99n) / 100n])),
    stableMarkPrices: new Map([...market.markPrices].map(([id, p]) => [id, (p * 101n) / 100n])),
  });

  it('the screen hands every account to the exact path, and agrees with it', () => {
    fc.assert(
      fc.property(fc.array(book, { minLength: 1, maxLength: 4 }), (draws) => {
        const market = stable(draws[0]!.market);
        const accounts = draws.map((draw, i) => ({ ...draw.account, id: `a${i}` }));
        const riskBook = buildRiskBook(accounts, venue, market);
        expect([...riskBook.exactOnly]).toEqual(accounts.map(() => 1));
        const screened = screenLiquidatable(riskBook);
        expect(screened.confirmedExactly).toBe(accounts.length);
        const want = accounts.flatMap((a, i) => (assess(a, venue, market).liquidatable ? [i] : []));
        expect(screened.liquidatable).toEqual(want);
      }),
      { numRuns: 30 },
    );
  });
});
