import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { everyRuleBookArb, everyRuleVenue } from '../../../test/every-rule-book.ts';
import {
  account,
  binanceLikeBrackets,
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
  position,
  rulebook,
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
  initialNearEdge,
  lowestHealth,
  magnitude,
  maintenanceNearEdge,
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

  it("an order alone on an instrument is margined at the account's leverage setting", () => {
    // 1 BTC bid at 50,000 is in the first bracket (125x, IM 400), but the account set 5x:
    // its initial margin is 50,000 / 5 = 10,000, position or not.
    const binanceLike = venue(
      [linearPerp('BTCUSDT', 'BTC')],
      rulebook({ BTCUSDT: binanceLikeBrackets }),
    );
    const figures = engine(
      {
        id: 'x',
        balances: new Map([['USDT', d('20000')]]),
        positions: [],
        openOrders: [{ instrument: 'BTCUSDT', side: 'buy', size: d('1'), price: d('50000') }],
        leverage: new Map([['BTCUSDT', d('5')]]),
      },
      binanceLike,
      market({ USDT: '1' }, { BTCUSDT: '50000' }),
    );
    close(figures.crossInitialMargin, 10000);
    close(figures.crossMaintenanceMargin, 0);
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
      fc.boolean(),
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
        hedge,
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
        const held = [...account.positions, ...options].map((p, i) =>
          isolate && i === 0 ? { ...p, marginMode: 'isolated' as const, isolatedMargin } : p,
        );
        // Hedge mode: the BTCUSDT position beside one of the other side, each a leg of its own,
        // and the orders on BTCUSDT a third.
        const positions = held.flatMap((p) =>
          hedge && p.instrument === 'BTCUSDT'
            ? [
                { ...p, side: p.size > 0n ? ('long' as const) : ('short' as const) },
                {
                  ...p,
                  size: -p.size / 3n,
                  side: p.size > 0n ? ('short' as const) : ('long' as const),
                },
              ]
            : [p],
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

describe('the screen sends to the exact path what its floats cannot call', () => {
  const steppedVenue = (contractSize: string, baselineSize: string, stepSize: string) =>
    venue([linearPerp('STEP', 'STEP', { contractSize: d(contractSize) })], {
      ...rulebook({
        STEP: {
          kind: 'size-premium',
          initialRate: d('0.02'),
          maintenanceRate: d('0.01'),
          premium: {
            curve: 'stepped',
            baselineSize: d(baselineSize),
            stepSize: d(stepSize),
            ratePerStep: d('0.01'),
            appliesTo: 'both',
          },
        },
      }),
    });
  const screenedAndExact = (account: Account, v: Venue, m: Market) => {
    const book = buildRiskBook([account], v, m);
    const exactly = assess(account, v, m).liquidatable ? [0] : [];
    return { screened: screenLiquidatable(book).liquidatable, exactly };
  };

  it('3 contracts of 0.1 on a step of 0.3 are one step (0.3 × 3 is not 0.30000000000000004)', () => {
    // Exact: 0.3 base units, ⌈0.3 / 0.3⌉ = 1 step, MM 2 % of 30 = 0.6 ≤ 0.75: healthy. Floats
    // count 3 × 0.1 / 0.3 = 1.0000000000000002, two steps, MM 0.9: "liquidatable" by 0.15.
    const v = steppedVenue('0.1', '0', '0.3');
    const m = market({ USDT: '1', STEP: '100' }, { STEP: '100' });
    const a = account({ USDT: '0.75' }, [position('STEP', '3', '100')]);
    const { screened, exactly } = screenedAndExact(a, v, m);
    expect(exactly).toEqual([]);
    expect(screened).toEqual(exactly);
  });

  it('a size a hair past a step boundary is the next step, though its float sits on it', () => {
    // Exact: ⌈0.600000000000000001 / 0.6⌉ = 2 steps, MM 3 % of 60 = 1.8 > 1.5: liquidatable.
    // The float of the size is 0.6: one step, MM 1.2, "healthy" by 0.3.
    const v = steppedVenue('1', '0', '0.6');
    const m = market({ USDT: '1', STEP: '100' }, { STEP: '100' });
    const a = account({ USDT: '1.5' }, [position('STEP', '0.600000000000000001', '100')]);
    const { screened, exactly } = screenedAndExact(a, v, m);
    expect(exactly).toEqual([0]);
    expect(screened).toEqual(exactly);
  });

  it('two huge opposite PnLs that cancel count in the error band', () => {
    // Long and short 1,000 contracts marked at 1, entered near 1e9: each PnL is ±1e12, netting
    // to −0.000063, which leaves the account 0.000001 below maintenance (50). In float64 a
    // running sum near 1e12 keeps only multiples of 2^-13 (0.000122), so the fast path puts the
    // account 0.000122 above it: outside a band of 1e-9 × (collateral + notional) = 0.000002,
    // which ignores the 2e12 of |size × entry| whose rounding the sum carries.
    const v = venue([linearPerp('CA', 'CA'), linearPerp('CB', 'CB')], {
      ...rulebook({
        CA: { kind: 'max-leverage', maxLeverage: d('20') },
        CB: { kind: 'max-leverage', maxLeverage: d('20') },
      }),
    });
    const m = market({ USDT: '1', CA: '1', CB: '1' }, { CA: '1', CB: '1' });
    const a = account({ USDT: '50.000062' }, [
      position('CA', '1000', '1000000000.000000063'),
      position('CB', '-1000', '1000000000'),
    ]);
    const { screened, exactly } = screenedAndExact(a, v, m);
    expect(exactly).toEqual([0]);
    expect(screened).toEqual(exactly);
  });
});

describe('every rule kind, at its edges, on both paths', () => {
  it('the screen finds exactly the accounts the exact path finds', () => {
    fc.assert(
      fc.property(everyRuleBookArb, ({ accounts, market: m }) => {
        const book = buildRiskBook(accounts, everyRuleVenue, m);
        const expected = accounts.flatMap((a, i) =>
          assess(a, everyRuleVenue, m).liquidatable ? [i] : [],
        );
        expect(screenLiquidatable(book).liquidatable).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('every figure is within the band, unless the fast path flagged a step near its edge', () => {
    fc.assert(
      fc.property(everyRuleBookArb, ({ accounts, market: m }) => {
        const book = buildRiskBook(accounts, everyRuleVenue, m);
        const out = new Float64Array(figureCount);
        accounts.forEach((account, i) => {
          marginAccount(book, i, out);
          const a = exact(account, everyRuleVenue, m);
          const band = out[magnitude]! * fastTolerance + 1e-9;
          const within = (key: keyof Figures, got: number) =>
            expect(Math.abs((a[key] as number) - got), key).toBeLessThanOrEqual(band);
          within('equity', out[accountEquity]!);
          within('crossInitialEquity', out[crossInitialEquity]!);
          if (out[maintenanceNearEdge] === 0) {
            within('maintenanceMargin', out[accountMaintenanceMargin]!);
          }
          if (out[initialNearEdge] === 0) within('initialMargin', out[accountInitialMargin]!);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('pool weights (profit weight, unsettled PnL, size and venue-total weights) on both paths', () => {
  const poolVenue = venue([linearPerp('SOL-PERP', 'SOL', { quote: 'USDC', settle: 'USDC' })], {
    id: 'pool',
    name: 'pool',
    crossPool: 'unified',
    collateral: new Map([
      [
        'USDC',
        {
          ...flatCollateral('1'),
          liabilityInitialWeight: d('1.1'),
          liabilityMaintenanceWeight: d('1.05'),
        },
      ],
      [
        'SOL',
        {
          tiers: [{ upTo: null, initialWeight: d('0.8'), maintenanceWeight: d('0.9') }],
          liabilityInitialWeight: d('1.2'),
          liabilityMaintenanceWeight: d('1.1'),
          imfFactor: d('0.0005'),
          depositWeightScaleStart: d('1000000'),
          borrowWeightScaleStart: d('200000'),
        },
      ],
    ]),
    instruments: new Map([
      [
        'SOL-PERP',
        {
          kind: 'size-premium',
          initialRate: d('0.1'),
          maintenanceRate: d('0.05'),
          premium: { curve: 'sqrt', imfFactor: d('0.001') },
        },
      ],
    ]),
    unrealisedProfit: {
      initialWeight: d('0.5'),
      maintenanceWeight: d('1'),
      imfFactor: d('0.001'),
      instruments: new Map(),
    },
  });
  const poolBook = fc
    .tuple(
      decimalArb(-20_000, 1_000_000, 2),
      decimalArb(-1_000, 100_000, 3),
      decimalArb(-500, 500, 2),
      decimalArb(20, 300, 2),
      decimalArb(20, 300, 2),
      decimalArb(-20_000, 20_000, 2),
      decimalArb(0, 50_000, 0),
      decimalArb(0, 5_000, 0),
    )
    .map(([usdc, sol, size, entry, price, unsettled, deposits, borrows]) => {
      const positions =
        size === 0n
          ? []
          : [
              {
                instrument: 'SOL-PERP',
                size,
                entryPrice: entry,
                marginMode: 'cross' as const,
                isolatedMargin: 0n,
                unsettledPnl: unsettled,
              },
            ];
      const a: Account = {
        id: 'p',
        balances: new Map([
          ['USDC', usdc],
          ['SOL', sol],
        ]),
        positions,
        openOrders: [],
      };
      const m: Market = {
        ...market({ USDC: '1', SOL: '0' }, {}),
        assetPrices: new Map([
          ['USDC', d('1')],
          ['SOL', price],
        ]),
        markPrices: new Map([['SOL-PERP', price]]),
        venueTotals: new Map([['SOL', { deposits: deposits * 100n, borrows: borrows * 100n }]]),
      };
      return { account: a, market: m };
    });

  it('every figure within the band', () => {
    fc.assert(
      fc.property(poolBook, ({ account: a, market: m }) => {
        const x = exact(a, poolVenue, m);
        const y = fast(a, poolVenue, m);
        const band = y.magnitude * fastTolerance + 1e-6;
        for (const key of ['crossEquity', 'crossInitialEquity', 'crossInitialMargin'] as const) {
          expect(Math.abs(x[key] - y[key]), key).toBeLessThanOrEqual(band);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('spot orders and contract health in the settle asset go to the exact path, screened alike', () => {
    const spot = {
      ...poolVenue,
      spotMarkets: new Map([['SOL/USDC', { id: 'SOL/USDC', base: 'SOL', quote: 'USDC' }]]),
    };
    const m: Market = {
      ...market({ USDC: '1', SOL: '100' }, { 'SOL-PERP': '100' }),
      venueTotals: new Map([['SOL', { deposits: d('1000'), borrows: d('10') }]]),
    };
    const accounts: Account[] = ['200', '20'].map((usdc, i) => ({
      id: `s${i}`,
      balances: new Map([['USDC', d(usdc)]]),
      positions: [],
      openOrders: [],
      spotOrders: [{ market: 'SOL/USDC', side: 'buy', size: d('2'), price: d('100') }],
    }));
    const book = buildRiskBook(accounts, spot, m);
    expect(Array.from(book.exactOnly)).toEqual([1, 1]);
    const screened = screenLiquidatable(book);
    expect(screened.confirmedExactly).toBe(2);
    expect(screened.liquidatable).toEqual(
      accounts.flatMap((a, i) => (assess(a, spot, m).liquidatable ? [i] : [])),
    );
    const folded = {
      ...poolVenue,
      rulebook: { ...poolVenue.rulebook, contractHealthInSettleAsset: true },
    };
    expect(
      Array.from(
        buildRiskBook(
          accounts.map((a) => ({ ...a, spotOrders: [] })),
          folded,
          m,
        ).exactOnly,
      ),
    ).toEqual([1, 1]);
  });
});
