import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bookArb,
  d,
  decimalArb,
  deribitOptionRule,
  flatCollateral,
  linearPerp,
  market,
  option,
  optionVenue,
  pmAsOfMs,
  surface,
  venue,
} from '../../../test/kit.ts';
import { assess } from '../margin/assess.ts';
import type { Account, OpenOrder } from '../model/account.ts';
import type { Market } from '../model/market.ts';
import type { Venue } from '../model/venue.ts';
import { fixed, toNumber } from '../num/fixed.ts';
import {
  accountEquity,
  accountInitialMargin,
  accountMaintenanceMargin,
  crossEquity,
  crossInitialEquity,
  crossInitialMargin,
  crossMaintenanceMargin,
  fastTolerance,
  figureCount,
  lowestHealth,
  magnitude,
  marginAccount,
} from './fast-margin.ts';
import { buildRiskBook } from './risk-book.ts';
import { movePrices, screenLiquidatable } from './screen.ts';

/** One spec, two engines (STYLE.md 9): the same behaviours, run on the exact and the fast path. */
interface Figures {
  crossEquity: number;
  crossInitialEquity: number;
  crossInitialMargin: number;
  crossMaintenanceMargin: number;
  equity: number;
  initialMargin: number;
  maintenanceMargin: number;
  liquidatable: boolean;
  magnitude: number;
}

type Engine = (account: Account, venue: Venue, market: Market) => Figures;

const exact: Engine = (account, v, m) => {
  const report = assess(account, v, m);
  const cross = report.buckets[0]!;
  return {
    crossEquity: toNumber(cross.equity),
    crossInitialEquity: toNumber(cross.initialEquity),
    crossInitialMargin: toNumber(cross.initialMargin),
    crossMaintenanceMargin: toNumber(cross.maintenanceMargin),
    equity: toNumber(report.equity),
    initialMargin: toNumber(report.initialMargin),
    maintenanceMargin: toNumber(report.maintenanceMargin),
    liquidatable: report.liquidatable,
    magnitude: 0,
  };
};

const fast: Engine = (account, v, m) => {
  const out = new Float64Array(figureCount);
  marginAccount(buildRiskBook([account], v, m), 0, out);
  return {
    crossEquity: out[crossEquity]!,
    crossInitialEquity: out[crossInitialEquity]!,
    crossInitialMargin: out[crossInitialMargin]!,
    crossMaintenanceMargin: out[crossMaintenanceMargin]!,
    equity: out[accountEquity]!,
    initialMargin: out[accountInitialMargin]!,
    maintenanceMargin: out[accountMaintenanceMargin]!,
    liquidatable: out[lowestHealth]! < 0,
    magnitude: out[magnitude]!,
  };
};

/** Options need their underlying's surface (for their greeks in the report). */
function withSurfaces(m: Market): Market {
  return {
    ...m,
    asOfMs: pmAsOfMs,
    volatility: new Map([
      ['BTC', surface(0.5)],
      ['ETH', surface(0.6)],
    ]),
  };
}

const optionSpecVenue = venue([option('BTC-C110', 'BTC', 'call', '110000', 'inverse')], {
  id: 'spec-options',
  name: 'spec-options',
  crossPool: 'unified',
  collateral: new Map([['BTC', flatCollateral('1')]]),
  instruments: new Map(),
  defaultOptionRule: deribitOptionRule,
});

const deribitLike = venue([linearPerp('BTC_USDC', 'BTC', { quote: 'USDC', settle: 'USDC' })], {
  id: 'spec',
  name: 'spec',
  crossPool: 'unified',
  collateral: new Map([
    ['USDC', { tiers: [{ upTo: null, initialWeight: fixed('1'), maintenanceWeight: fixed('1') }] }],
  ]),
  instruments: new Map([
    [
      'BTC_USDC',
      {
        kind: 'size-premium',
        initialRate: d('0.02'),
        maintenanceRate: d('0.01'),
        premium: { curve: 'linear', ratePerUnit: d('0.00005'), appliesTo: 'both' },
      },
    ],
  ]),
});

describe.each([
  ['exact', exact],
  ['fast', fast],
] as const)('the margin spec on the %s path', (_name, engine) => {
  const close = (got: number, want: number) =>
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6);

  it('Deribit size-linear: 25 BTC at 100,000 needs 53,125 initial and 28,125 maintenance', () => {
    const figures = engine(
      {
        id: 'x',
        balances: new Map([['USDC', d('60000')]]),
        positions: [
          {
            instrument: 'BTC_USDC',
            size: d('25'),
            entryPrice: d('100000'),
            marginMode: 'cross',
            isolatedMargin: 0n,
          },
        ],
        openOrders: [],
      },
      deribitLike,
      market({ USDC: '1' }, { BTC_USDC: '100000' }),
    );
    close(figures.crossInitialMargin, 53125);
    close(figures.crossMaintenanceMargin, 28125);
    close(figures.crossEquity, 60000);
    expect(figures.liquidatable).toBe(false);
  });

  it('a loss past the maintenance margin makes the account liquidatable', () => {
    const figures = engine(
      {
        id: 'x',
        balances: new Map([['USDC', d('30000')]]),
        positions: [
          {
            instrument: 'BTC_USDC',
            size: d('25'),
            entryPrice: d('100100'),
            marginMode: 'cross',
            isolatedMargin: 0n,
          },
        ],
        openOrders: [],
      },
      deribitLike,
      market({ USDC: '1' }, { BTC_USDC: '100000' }),
    );
    close(figures.crossEquity, 30000 - 2500);
    expect(figures.liquidatable).toBe(true);
  });

  it('the worse side of open orders is charged as if filled at its price', () => {
    const orders: OpenOrder[] = [
      { instrument: 'BTC_USDC', side: 'buy', size: d('1'), price: d('101000') },
      { instrument: 'BTC_USDC', side: 'sell', size: d('0.5'), price: d('99000') },
    ];
    const figures = engine(
      { id: 'x', balances: new Map([['USDC', d('60000')]]), positions: [], openOrders: orders },
      deribitLike,
      market({ USDC: '1' }, { BTC_USDC: '100000' }),
    );
    // Buy side: 1 BTC at 101,000 loses 1,000 at once and needs 2.005 % of 100,000.
    close(figures.crossInitialMargin, 1000 + 2005);
    close(figures.crossMaintenanceMargin, 0);
  });

  it('a resting bid below the mark is not credited with its gain', () => {
    const figures = engine(
      {
        id: 'x',
        balances: new Map([['USDC', d('60000')]]),
        positions: [],
        openOrders: [{ instrument: 'BTC_USDC', side: 'buy', size: d('1'), price: d('90000') }],
      },
      deribitLike,
      market({ USDC: '1' }, { BTC_USDC: '100000' }),
    );
    // 2.005 % of 100,000; the 10,000 it would gain by filling at 90,000 does not offset it.
    close(figures.crossInitialMargin, 2005);
  });

  it("a short inverse call: Deribit's 0.15 − OTM (floor 0.10) + mark, maintenance 0.075 + mark", () => {
    const figures = engine(
      {
        id: 'x',
        balances: new Map([['BTC', d('1')]]),
        positions: [
          {
            instrument: 'BTC-C110',
            size: d('-1'),
            entryPrice: d('0.012'),
            marginMode: 'cross',
            isolatedMargin: 0n,
          },
        ],
        openOrders: [],
      },
      optionSpecVenue,
      withSurfaces(market({ BTC: '100000' }, { 'BTC-C110': '0.01' })),
    );
    // OTM 10 %: IM = max(0.15 − 0.10, 0.10) + 0.01 = 0.11 BTC; MM = 0.075 + 0.01 = 0.085 BTC.
    close(figures.crossInitialMargin, 11000);
    close(figures.crossMaintenanceMargin, 8500);
    // 1 BTC less the short call's value of 0.01 BTC (its premium already sits in the balance).
    close(figures.crossEquity, 99000);
  });

  it('an isolated loss stops at its margin: account equity counts it at zero', () => {
    const figures = engine(
      {
        id: 'x',
        balances: new Map([['USDC', d('10000')]]),
        positions: [
          {
            instrument: 'BTC_USDC',
            size: d('1'),
            entryPrice: d('110000'),
            marginMode: 'isolated',
            isolatedMargin: d('2000'),
          },
        ],
        openOrders: [],
      },
      deribitLike,
      market({ USDC: '1' }, { BTC_USDC: '100000' }),
    );
    close(figures.crossEquity, 10000);
    close(figures.equity, 10000);
    expect(figures.liquidatable).toBe(true);
  });
});

describe('the fast path agrees with the exact path', () => {
  const richBook = fc
    .tuple(
      bookArb,
      fc.boolean(),
      decimalArb(0, 50_000, 2),
      fc.array(fc.tuple(fc.boolean(), decimalArb(0.001, 5, 3), fc.integer({ min: -5, max: 5 })), {
        maxLength: 3,
      }),
      fc.tuple(
        decimalArb(-20, 20, 1),
        decimalArb(0.0001, 0.3, 4),
        decimalArb(-50, 50, 1),
        decimalArb(0.5, 600, 2),
      ),
    )
    .map(
      ([
        { account, market: m },
        isolate,
        isolatedMargin,
        orders,
        [calls, callMark, puts, putMark],
      ]) => {
        const options = [
          {
            instrument: 'BTC-C',
            size: calls,
            entryPrice: callMark,
            marginMode: 'cross' as const,
            isolatedMargin: 0n,
          },
          {
            instrument: 'ETH-P',
            size: puts,
            entryPrice: putMark,
            marginMode: 'cross' as const,
            isolatedMargin: 0n,
          },
        ].filter((p) => p.size !== 0n);
        const positions = [...account.positions, ...options].map((p, i) =>
          isolate && i === 0 ? { ...p, marginMode: 'isolated' as const, isolatedMargin } : p,
        );
        m = withSurfaces({
          ...m,
          markPrices: new Map([...m.markPrices, ['BTC-C', callMark], ['ETH-P', putMark]]),
        });
        const mark = m.markPrices.get('BTCUSDT')!;
        const openOrders: OpenOrder[] = orders.map(([buy, size, move]) => ({
          instrument: 'BTCUSDT',
          side: buy ? 'buy' : 'sell',
          size,
          price: mark + (mark * BigInt(move)) / 100n,
        }));
        return { account: { ...account, positions, openOrders }, market: m };
      },
    );

  it('within its stated tolerance on every figure, and on liquidatable outside the band', () => {
    fc.assert(
      fc.property(richBook, ({ account, market: m }) => {
        const a = exact(account, optionVenue, m);
        const b = fast(account, optionVenue, m);
        const band = b.magnitude * fastTolerance + 1e-9;
        for (const key of [
          'crossEquity',
          'crossInitialEquity',
          'crossInitialMargin',
          'crossMaintenanceMargin',
          'equity',
          'initialMargin',
          'maintenanceMargin',
        ] as const) {
          expect(Math.abs(a[key] - b[key]), key).toBeLessThanOrEqual(band);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a screen of the whole book after a tick finds exactly the accounts the exact path finds', () => {
    fc.assert(
      fc.property(
        fc.array(bookArb, { minLength: 5, maxLength: 30 }),
        fc.integer({ min: 50, max: 150 }),
        (books, percent) => {
          const accounts = books.map((b, i) => ({ ...b.account, id: `a${i}` }));
          const book = buildRiskBook(accounts, optionVenue, books[0]!.market);
          const btc = books[0]!.market.assetPrices.get('BTC')!;
          const moved = (btc * BigInt(percent)) / 100n;
          movePrices(
            book,
            new Map([['BTC', moved]]),
            new Map([
              ['BTCUSDT', moved],
              ['BTCUSD', moved],
            ]),
          );
          const screened = screenLiquidatable(book).liquidatable;
          const expected = accounts.flatMap((account, i) =>
            assess(account, optionVenue, book.market).liquidatable ? [i] : [],
          );
          expect(screened).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('accounts the columns do not margin go to the exact path', () => {
  it('a per-coin pool (COIN-M) is screened exactly as the exact path finds it', () => {
    const coinVenue = venue([option('BTC-C110', 'BTC', 'call', '110000', 'inverse')], {
      id: 'coin',
      name: 'coin',
      crossPool: 'per-settle-asset',
      collateral: new Map([['BTC', flatCollateral('1')]]),
      instruments: new Map(),
      defaultOptionRule: deribitOptionRule,
    });
    const m = withSurfaces(market({ BTC: '100000' }, { 'BTC-C110': '0.01' }));
    const accounts = ['0.2', '0.05'].map((btc, i) => ({
      id: `c${i}`,
      balances: new Map([['BTC', d(btc)]]),
      positions: [
        {
          instrument: 'BTC-C110',
          size: d('-1'),
          entryPrice: d('0.01'),
          marginMode: 'cross' as const,
          isolatedMargin: 0n,
        },
      ],
      openOrders: [],
    }));
    const book = buildRiskBook(accounts, coinVenue, m);
    expect(Array.from(book.exactOnly)).toEqual([1, 1]);
    const screened = screenLiquidatable(book);
    expect(screened.confirmedExactly).toBe(2);
    expect(screened.liquidatable).toEqual(
      accounts.flatMap((a, i) => (assess(a, coinVenue, m).liquidatable ? [i] : [])),
    );
    expect(screened.liquidatable).toEqual([1]);
  });
});
