import { describe, expect, it } from 'vitest';
import {
  account,
  binanceLikeBrackets,
  d,
  deribitOptionRule,
  flatCollateral,
  inversePerp,
  linearPerp,
  market,
  option,
  position,
  rulebook,
  surface,
  venue,
} from '../../../test/kit.ts';
import { assess } from '../margin/assess.ts';
import type { Account, OpenOrder, Position } from '../model/account.ts';
import type { Rulebook } from '../model/rulebook.ts';
import {
  accountEquity,
  accountInitialMargin,
  accountMaintenanceMargin,
  crossEquity,
  crossInitialEquity,
  figureCount,
  initialNearEdge,
  lowestHealth,
  lowestWarningHealth,
  magnitude,
  maintenanceNearEdge,
  marginAccount,
  roundingSlack,
  worstMaintenance,
  worstStanding,
} from './fast-margin.ts';
import { buildRiskBook } from './risk-book.ts';
import { screenLiquidatable } from './screen.ts';

const btc = linearPerp('BTC-USDT', 'BTC');
const eth = linearPerp('ETH-USDT', 'ETH');
// Maintenance at 1 / (2 × 20) of the notional: 2,500 on a BTC at 100,000, 500 on 10 ETH at 2,000.
const rules = (extra: Partial<Rulebook> = {}): Rulebook => ({
  ...rulebook({
    'BTC-USDT': { kind: 'max-leverage', maxLeverage: d('20') },
    'ETH-USDT': { kind: 'max-leverage', maxLeverage: d('20') },
  }),
  ...extra,
});
const prices = market(
  { USDT: '1', BTC: '100000', ETH: '2000' },
  { 'BTC-USDT': '100000', 'ETH-USDT': '2000' },
);
const isolated = (p: Position, margin: string): Position => ({
  ...p,
  marginMode: 'isolated',
  isolatedMargin: d(margin),
});

function figures(balances: Record<string, string>, positions: Position[], book = rules()) {
  const out = new Float64Array(figureCount);
  marginAccount(
    buildRiskBook([account(balances, positions)], venue([btc, eth], book), prices),
    0,
    out,
  );
  return out;
}

describe('the fast path ranks an account by its worst bucket', () => {
  const big = isolated(position('BTC-USDT', '1', '100000'), '5000');
  const small = isolated(position('ETH-USDT', '10', '2000'), '1000');

  it('of two buckets at the same standing the larger maintenance margin is the worst, in either order', () => {
    // Both stand at 2 (5,000 / 2,500 and 1,000 / 500); the queue takes the 2,500 first.
    for (const positions of [
      [big, small],
      [small, big],
    ]) {
      const out = figures({}, positions);
      expect(out[worstStanding]).toBe(2);
      expect(out[worstMaintenance]).toBe(2500);
    }
  });

  it('a lower standing wins over a larger maintenance margin', () => {
    const thin = isolated(position('ETH-USDT', '10', '2000'), '750');
    for (const positions of [
      [big, thin],
      [thin, big],
    ]) {
      const out = figures({ USDT: '100000' }, positions);
      expect(out[worstStanding]).toBe(1.5);
      expect(out[worstMaintenance]).toBe(500);
      // The lowest health is the thin bucket's 750 − 500, not the rich one's 2,500 nor the
      // cross pool's 100,000 with no requirement.
      expect(out[lowestHealth]).toBe(250);
    }
  });

  it('an empty account, or one in credit with no requirement, is at no risk', () => {
    for (const balances of [{}, { USDT: '100' }]) {
      const out = figures(balances, []);
      expect(out[worstStanding]).toBe(Number.POSITIVE_INFINITY);
      expect(out[worstMaintenance]).toBe(0);
    }
  });

  it('a debt with no requirement stands at −∞, except where liquidation needs a margin (dYdX)', () => {
    const owes = figures({ USDT: '-50' }, []);
    expect(owes[worstStanding]).toBe(Number.NEGATIVE_INFINITY);
    expect(owes[lowestHealth]).toBe(-50);
    const dydx = figures({ USDT: '-50' }, [], rules({ liquidationNeedsMargin: true }));
    expect(dydx[worstStanding]).toBe(Number.POSITIVE_INFINITY);
    expect(dydx[lowestHealth]).toBe(-50);
  });
});

describe('the fast path’s warning health: ratio × equity − MM of the bucket nearest the level', () => {
  const warning = rules({ liquidationWarning: d('0.8') });

  it('is none where the rulebook sets no warning level', () => {
    const out = figures({ USDT: '3000' }, [position('BTC-USDT', '1', '100000')]);
    expect(out[lowestWarningHealth]).toBe(Number.POSITIVE_INFINITY);
  });

  it('of a cross pool: 0.8 × 3,000 − 2,500 = −100, a long and a short alike', () => {
    for (const size of ['1', '-1']) {
      const out = figures({ USDT: '3000' }, [position('BTC-USDT', size, '100000')], warning);
      expect(out[lowestWarningHealth]).toBeCloseTo(-100, 9);
    }
  });

  it('of the isolated bucket nearest its level, not the cross pool nor the richer bucket', () => {
    // Cross: 0.8 × 10,000 − 0 = 8,000. BTC on 5,000: 0.8 × 5,000 − 2,500 = 1,500. ETH on 700:
    // 0.8 × 700 − 500 = 60, the lowest; in either order.
    const btcOn = isolated(position('BTC-USDT', '1', '100000'), '5000');
    const ethOn = isolated(position('ETH-USDT', '10', '2000'), '700');
    for (const positions of [
      [btcOn, ethOn],
      [ethOn, btcOn],
    ]) {
      const out = figures({ USDT: '10000' }, positions, warning);
      expect(out[lowestWarningHealth]).toBeCloseTo(60, 9);
    }
    // The cross pool nearest once its equity is small: 0.8 × 100 − 0 = 80 against BTC's 1,500.
    const out = figures({ USDT: '100' }, [btcOn], warning);
    expect(out[lowestWarningHealth]).toBeCloseTo(80, 9);
  });
});

describe('the error band counts every term it must', () => {
  it("an isolated bucket's margin widens the band (a health of exactly zero is not liquidated)", () => {
    // The cross pool stands at exactly zero health: 2,500 USDT against 2,500 of maintenance. The
    // rich isolated bucket's 10,000,000 of margin is in the magnitude; taken out, the band would
    // turn negative and the screen would call zero health below it.
    const accounts = [
      account({ USDT: '2500' }, [
        position('BTC-USDT', '1', '100000'),
        isolated(position('ETH-USDT', '1', '2000'), '10000000'),
      ]),
    ];
    const book = venue([btc, eth], rules());
    expect(assess(accounts[0]!, book, prices).liquidatable).toBe(false);
    const risk = buildRiskBook(accounts, book, prices);
    const out = new Float64Array(figureCount);
    marginAccount(risk, 0, out);
    expect(out[lowestHealth]).toBe(0);
    // Σ |collateral| 2,500 + the BTC leg's notional and |size × entry| 200,000 + the ETH leg's
    // 4,000 + its margin 10,000,000.
    expect(out[magnitude]).toBe(10_206_500);
    expect(screenLiquidatable(risk).liquidatable).toEqual([]);
  });
});

/** Within a part in 10^12 of `want`: the float sums' own error, far below any term left out. */
function near(got: number | undefined, want: number): void {
  expect(Math.abs(got! - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-12);
}

describe('the band on a coin-settled contract counts its terms in USD, at the coin price', () => {
  // 1,000 contracts of 100 USD at 50,000: 2 BTC of notional, 2 BTC of |face / entry|, MM 0.05 BTC.
  const inverse = inversePerp('BTC-USD', 'BTC');
  const units = new Map([
    ['USDT', { ...flatCollateral('1'), unit: d('0.000001') }],
    ['BTC', { ...flatCollateral('1'), unit: d('0.00000001') }],
  ]);
  const coinBook = venue(
    [inverse],
    rulebook({ 'BTC-USD': { kind: 'max-leverage', maxLeverage: d('20') } }, units),
  );
  const coinPrices = market({ USDT: '1', BTC: '50000' }, { 'BTC-USD': '50000' });
  const coin = (balances: Record<string, string>, positions: Position[]) => {
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([account(balances, positions)], coinBook, coinPrices), 0, out);
    return out;
  };
  const leg = position('BTC-USD', '1000', '50000');

  it('a cross leg: 4 BTC of terms at 50,000 and seven BTC units of rounding', () => {
    const out = coin({ USDT: '10000' }, [leg]);
    near(out[magnitude], 10_000 + 4 * 50_000);
    // A USDT unit for the balance; one BTC unit (0.0005 USD) for the value, three per requirement.
    near(out[roundingSlack], 0.000001 + 7 * 0.00000001 * 50_000);
  });

  it('an isolated leg: its 0.1 BTC of margin is 5,000 USD of equity and of magnitude', () => {
    const out = coin({ USDT: '10000' }, [
      { ...leg, marginMode: 'isolated', isolatedMargin: d('0.1') },
    ]);
    near(out[accountEquity], 15_000);
    near(out[lowestHealth], 2_500);
    near(out[magnitude], 10_000 + 4 * 50_000 + 5_000);
  });

  const withOrders = (balances: Record<string, string>, openOrders: OpenOrder[]): Account => ({
    ...account(balances, [leg]),
    openOrders,
  });
  const order = (side: 'buy' | 'sell', size: string, price: string): OpenOrder => ({
    instrument: 'BTC-USD',
    side,
    size: d(size),
    price: d(price),
  });

  it("open orders: each fill's terms and each side's notional after, at the coin price", () => {
    // Buy 500 at 40,000: 50,000 / 40,000 + 50,000 / 50,000 = 2.25 BTC; sell 200 at 62,500:
    // 0.32 + 0.4 = 0.72 BTC; after the fills 3 BTC and 1.6 BTC of notional. Both fill better
    // than the mark: no loss, the IM is the buys' 0.15 BTC.
    const a = withOrders({ USDT: '10000' }, [
      order('buy', '500', '40000'),
      order('sell', '200', '62500'),
    ]);
    for (const [inMaintenance, mm, sides, orderTerms] of [
      [false, 2_500, 2, 2.97 + 3 + 1.6],
      [true, 3_750, 4, 2 * (2.97 + 3 + 1.6)],
    ] as const) {
      const coinRules = { ...coinBook.rulebook, openOrdersInMaintenance: inMaintenance };
      const out = new Float64Array(figureCount);
      marginAccount(buildRiskBook([a], { ...coinBook, rulebook: coinRules }, coinPrices), 0, out);
      near(out[accountInitialMargin], 7_500);
      near(out[accountMaintenanceMargin], mm);
      near(out[magnitude], 10_000 + (4 + orderTerms) * 50_000);
      // Three BTC units more per side filled that counts.
      near(out[roundingSlack], 0.000001 + (7 + 3 * sides) * 0.00000001 * 50_000);
    }
  });

  it('an order filling worse than the mark adds its loss, in USD at the coin price', () => {
    // Buy 500 at 62,500 marked at 50,000: 50,000 × (1 / 62,500 − 1 / 50,000) = −0.2 BTC, 10,000
    // USD; with the 0.15 BTC (7,500) after it against the leg's own 5,000, IM 5,000 + 12,500.
    const a = withOrders({ USDT: '100000' }, [
      order('buy', '500', '62500'),
      order('sell', '200', '62500'),
    ]);
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([a], coinBook, coinPrices), 0, out);
    near(out[accountInitialMargin], 17_500);
    expect(assess(a, coinBook, coinPrices).initialMargin).toBe(d('17500'));
    near(out[magnitude], 100_000 + (4 + 1.8 + 0.72 + 3 + 1.6) * 50_000);
  });

  it('open orders alone (no position, so no entry) size the band: no 0 / 0 in the magnitude', () => {
    // Found by the simulator: an inverse order-only leg summed face / entry = 0 / 0, a NaN
    // magnitude, and a NaN band let the screen call an account healthy the exact path liquidates.
    const a: Account = {
      ...account({ USDT: '10000' }, []),
      openOrders: [order('buy', '500', '40000')],
    };
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([a], coinBook, coinPrices), 0, out);
    expect(Number.isFinite(out[magnitude]!)).toBe(true);
    // At least the balance and the fill's own terms: 50,000 / 40,000 + 50,000 / 50,000 BTC.
    expect(out[magnitude]!).toBeGreaterThanOrEqual(10_000 + 2.25 * 50_000);
  });

  it('a BTC balance rounds to a BTC unit, 0.0005 USD', () => {
    const out = coin({ BTC: '1' }, []);
    near(out[accountEquity], 50_000);
    near(out[roundingSlack], 0.00000001 * 50_000);
  });
});

describe('the fast path refuses an account it cannot margin', () => {
  it('a pool that is not unified is for the exact path', () => {
    const split = venue([btc, eth], { ...rules(), crossPool: 'per-settle-asset' });
    const risk = buildRiskBook([account({ USDT: '1' }, [])], split, prices);
    expect(risk.exactOnly[0]).toBe(1);
    expect(() => marginAccount(risk, 0, new Float64Array(figureCount))).toThrow(
      'the fast path margins a unified cross pool and isolated buckets only',
    );
  });
});

describe('open orders on a linear contract', () => {
  it("a buy above the mark: its loss, and the fill's terms size × (price + mark)", () => {
    // Long 10 ETH (IM 1,000) and a buy of 5 at 2,100: −500 on the fill, IM 1,500 after it.
    const a = {
      ...account({ USDT: '100000' }, [position('ETH-USDT', '10', '2000')]),
      openOrders: [
        { instrument: 'ETH-USDT', side: 'buy' as const, size: d('5'), price: d('2100') },
      ],
    };
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([a], venue([btc, eth], rules()), prices), 0, out);
    near(out[accountInitialMargin], 2_000);
    near(out[magnitude], 100_000 + 40_000 + 5 * (2_100 + 2_000) + 30_000);
  });

  it("an order ending on a bracket's cap flags the figure it feeds", () => {
    // 0.4 BTC at 100,000 and a buy of 0.1: 50,000 after the fill, Binance's first cap exactly.
    const bt = linearPerp('BTCUSDT', 'BTC');
    const a = {
      ...account({ USDT: '100000' }, [position('BTCUSDT', '0.4', '100000')]),
      openOrders: [
        { instrument: 'BTCUSDT', side: 'buy' as const, size: d('0.1'), price: d('100000') },
      ],
    };
    const at = market({ USDT: '1', BTC: '100000' }, { BTCUSDT: '100000' });
    for (const inMaintenance of [false, true]) {
      const brackets = {
        ...rulebook({ BTCUSDT: binanceLikeBrackets }),
        openOrdersInMaintenance: inMaintenance,
      };
      const risk = buildRiskBook([a], venue([bt], brackets), at);
      const out = new Float64Array(figureCount);
      marginAccount(risk, 0, out);
      expect(out[initialNearEdge]).toBe(1);
      // Only where orders count in maintenance is a maintenance figure at the edge, and the
      // screen then confirms the account exactly.
      expect(out[maintenanceNearEdge]).toBe(inMaintenance ? 1 : 0);
      expect(screenLiquidatable(risk).confirmedExactly).toBe(inMaintenance ? 1 : 0);
    }
  });
});

describe('collateral and profit weights on the fast path', () => {
  const sol = (imf: string) => ({
    tiers: [{ upTo: null, initialWeight: d('0.9'), maintenanceWeight: d('0.9') }],
    liabilityInitialWeight: d('1.2'),
    liabilityMaintenanceWeight: d('1.1'),
    imfFactor: d(imf),
  });
  const withSol = (imf: string) =>
    rulebook(
      { 'ETH-USDT': { kind: 'max-leverage', maxLeverage: d('20') } },
      new Map([
        ['USDT', flatCollateral('1')],
        ['SOL', sol(imf)],
      ]),
    );
  const solPrices = market({ USDT: '1', SOL: '100', ETH: '2000' }, { 'ETH-USDT': '2000' });
  const weigh = (book: Rulebook, a: Account) => {
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([a], venue([eth], book), solPrices), 0, out);
    return out;
  };

  it("Drift's size premium on a borrow: 0.8 w + imf × √coins where that is above the weight", () => {
    // 100 SOL owed at 100: 0.8 × 1.1 + 0.1 × √100 = 1.88 in maintenance, 0.96 + 1 = 1.96 initial.
    const out = weigh(withSol('0.1'), account({ USDT: '100000', SOL: '-100' }, []));
    near(out[crossEquity], 100_000 - 18_800);
    near(out[crossInitialEquity], 100_000 - 19_600);
  });

  it("Drift's size discount on a deposit: 1.1 / (1 + imf × √coins) below the tier's weight", () => {
    // 10,000 SOL at 100: 1.1 / (1 + 0.01 × 100) = 0.55 < 0.9, both kinds.
    const out = weigh(withSol('0.01'), account({ SOL: '10000' }, []));
    near(out[crossEquity], 550_000);
    near(out[crossInitialEquity], 550_000);
  });

  it('a gain at its profit weights, the initial one at most the size discount', () => {
    // 10 ETH from 1,000 to 2,000: +10,000 at 0.5 in maintenance; initial min(0.8, 1.1 / (1 +
    // 0.01 × √10,000)) = 0.55, and 0.8 with no IMF factor.
    const a = account({ USDT: '1000' }, [position('ETH-USDT', '10', '1000')]);
    for (const [imf, initialEquity] of [
      [{ imfFactor: d('0.01') }, 1_000 + 5_500],
      [{}, 1_000 + 8_000],
    ] as const) {
      const book = {
        ...rules(),
        unrealisedProfit: {
          initialWeight: d('0.8'),
          maintenanceWeight: d('0.5'),
          ...imf,
          instruments: new Map(),
        },
      };
      const out = weigh(book, a);
      near(out[crossEquity], 1_000 + 5_000);
      near(out[crossInitialEquity], initialEquity);
    }
  });
});

describe("a leg's value in whole units", () => {
  it('without netNotionalValue the PnL is rounded once, not its two products apart', () => {
    // 1 ETH from 2,000.3 to 2,000.6 with a unit of 1 USDT: +0.3 rounds down to 0; rounding
    // −2,000.3 down and 2,000.6 toward zero apart would make it −1.
    const units = rulebook(
      { 'ETH-USDT': { kind: 'max-leverage', maxLeverage: d('20') } },
      new Map([['USDT', { ...flatCollateral('1'), unit: d('1') }]]),
    );
    const at = market({ USDT: '1', ETH: '2000.6' }, { 'ETH-USDT': '2000.6' });
    const a = account({ USDT: '1000' }, [position('ETH-USDT', '1', '2000.3')]);
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([a], venue([eth], units), at), 0, out);
    expect(out[crossEquity]).toBe(1000);
    expect(assess(a, venue([eth], units), at).equity).toBe(d('1000'));
  });

  const net = {
    ...rulebook(
      {
        'BTC-USD': { kind: 'max-leverage', maxLeverage: d('20') },
        'ETH-USDT': { kind: 'max-leverage', maxLeverage: d('20') },
      },
      new Map([
        ['USDT', flatCollateral('1')],
        ['BTC', flatCollateral('1')],
      ]),
    ),
    netNotionalValue: true,
  };
  const at = market(
    { USDT: '1', BTC: '50000', ETH: '2000' },
    { 'BTC-USD': '50000', 'ETH-USDT': '2000' },
  );
  const valued = (instrument: ReturnType<typeof linearPerp>, leg: Position) => {
    const out = new Float64Array(figureCount);
    marginAccount(
      buildRiskBook([account({ USDT: '10000' }, [leg])], venue([instrument], net), at),
      0,
      out,
    );
    return out[crossEquity];
  };

  it('under netNotionalValue an inverse contract keeps its own PnL (0.5 BTC)', () => {
    // 1,000 × 100 USD from 40,000 to 50,000: 100,000 × (1 / 40,000 − 1 / 50,000) = 0.5 BTC.
    near(valued(inversePerp('BTC-USD', 'BTC'), position('BTC-USD', '1000', '40000')), 35_000);
  });

  it('under netNotionalValue a linear face is size × contract size', () => {
    // 100 contracts of 0.01 ETH from 1,000 to 2,000: +1,000.
    const small = linearPerp('ETH-USDT', 'ETH', { contractSize: d('0.01') });
    near(valued(small, position('ETH-USDT', '100', '1000')), 11_000);
  });
});

describe('a rule margined at the index counts the mark term in the magnitude too', () => {
  const atIndex = rulebook(
    {
      'ETH-USDT': { kind: 'max-leverage', maxLeverage: d('20'), marginPrice: 'index' },
      'BTC-USD': { kind: 'max-leverage', maxLeverage: d('20'), marginPrice: 'index' },
    },
    new Map([
      ['USDT', flatCollateral('1')],
      ['BTC', flatCollateral('1')],
    ]),
  );
  const at = market(
    { USDT: '1', BTC: '50000', ETH: '2000' },
    { 'BTC-USD': '40000', 'ETH-USDT': '2500' },
  );
  const sized = (instrument: ReturnType<typeof linearPerp>, leg: Position) => {
    const out = new Float64Array(figureCount);
    marginAccount(
      buildRiskBook([account({ USDT: '10000' }, [leg])], venue([instrument], atIndex), at),
      0,
      out,
    );
    return out[magnitude];
  };

  it('linear: notional at the index 20,000, |size × entry| 10,000, |size × mark| 25,000', () => {
    near(sized(eth, position('ETH-USDT', '10', '1000')), 10_000 + 20_000 + 10_000 + 25_000);
  });

  it('inverse: 2 BTC at the index, 2 BTC at the entry, 2.5 BTC at the mark', () => {
    const inverse = inversePerp('BTC-USD', 'BTC');
    near(sized(inverse, position('BTC-USD', '1000', '50000')), 10_000 + 6.5 * 50_000);
  });
});

describe('a closing fee counts only in the figures its rule names', () => {
  const inverse = inversePerp('BTC-USD', 'BTC');
  const base = rulebook(
    {
      'ETH-USDT': { kind: 'max-leverage', maxLeverage: d('20') },
      'BTC-USD': { kind: 'max-leverage', maxLeverage: d('20') },
    },
    new Map([
      ['USDT', flatCollateral('1')],
      ['BTC', flatCollateral('1')],
    ]),
  );
  const at = market(
    { USDT: '1', BTC: '50000', ETH: '2000' },
    { 'BTC-USD': '50000', 'ETH-USDT': '2000' },
  );
  const cross = account({ USDT: '10000' }, [position('ETH-USDT', '10', '2000')]);
  // 0.1 BTC isolated on 1,000 × 100 USD long at 50,000: 2 BTC at the entry + 0.1 of cushion at
  // bankruptcy, 0.0021 BTC (105 USD) of fee at 0.1 %.
  const bucket = account({ USDT: '10000' }, [
    { ...position('BTC-USD', '1000', '50000'), marginMode: 'isolated', isolatedMargin: d('0.1') },
  ]);
  // [valued at, in maintenance, in initial, cross IM, cross MM, isolated IM, isolated MM]: a
  // notional fee is 0.1 % of 20,000 (20) or of 2 BTC (100 USD); at bankruptcy the cross leg's
  // is on 20,000 − 10,000 of cushion in maintenance (10), 20,000 − 1,000 of IM in initial (19).
  const cases = [
    ['notional', true, false, 1_000, 520, 5_000, 2_600],
    ['notional', false, true, 1_020, 500, 5_100, 2_500],
    ['bankruptcy', true, false, 1_000, 510, 5_000, 2_605],
    ['bankruptcy', false, true, 1_019, 500, 5_105, 2_500],
  ] as const;
  it.each(cases)(
    '%s, in maintenance %s, in initial %s',
    (valuedAt, inMaintenance, inInitial, ...want) => {
      const book = venue([eth, inverse], {
        ...base,
        closingFee: { takerRate: d('0.001'), valuedAt, inMaintenance, inInitial },
      });
      const got = [cross, bucket].flatMap((a) => {
        const out = new Float64Array(figureCount);
        marginAccount(buildRiskBook([a], book, at), 0, out);
        return [out[accountInitialMargin]!, out[accountMaintenanceMargin]!];
      });
      got.forEach((figure, k) => {
        near(figure, want[k]!);
      });
      const exact = [cross, bucket].flatMap((a) => {
        const report = assess(a, book, at);
        return [report.initialMargin, report.maintenanceMargin];
      });
      exact.forEach((figure, k) => {
        expect(Math.abs(Number(figure) / 1e18 - want[k]!)).toBeLessThan(1e-9);
      });
    },
  );
});

describe('an option on the fast path is worth its mark, with no closing fee', () => {
  // 10 puts of 0.1 ETH marked at 150 (bought at 100): worth ±150, its notional 1 ETH at 2,900.
  const put = { ...option('ETH-P3000', 'ETH', 'put', '3000', 'linear'), contractSize: d('0.1') };
  const base = rulebook({ 'ETH-P3000': deribitOptionRule });
  const at = {
    ...market({ USDT: '1', ETH: '2900' }, { 'ETH-P3000': '150' }),
    asOfMs: Date.UTC(2026, 10, 24),
    volatility: new Map([['ETH', surface(0.7)]]),
  };
  const long = account({ USDT: '1000' }, [position('ETH-P3000', '10', '100')]);
  const short = account({ USDT: '1000' }, [position('ETH-P3000', '-10', '100')]);
  const fee = (valuedAt: 'notional' | 'bankruptcy') => ({
    ...base,
    closingFee: { takerRate: d('0.01'), valuedAt, inMaintenance: true, inInitial: true },
  });
  const books: [string, Rulebook][] = [
    ['plain', base],
    ['netNotionalValue', { ...base, netNotionalValue: true }],
    ['a notional fee', fee('notional')],
    ['a bankruptcy fee', fee('bankruptcy')],
  ];
  it.each(books)('%s', (_name, rules) => {
    const book = venue([put], rules);
    const risk = buildRiskBook([long, short], book, at);
    const out = new Float64Array(figureCount);
    marginAccount(risk, 0, out);
    near(out[accountEquity], 1_150);
    near(out[magnitude], 1_000 + 2_900 + 150);
    marginAccount(risk, 1, out);
    near(out[accountEquity], 850);
    near(out[accountInitialMargin], 585);
    near(out[accountMaintenanceMargin], 367.5);
    const exact = assess(short, book, at);
    expect([exact.equity, exact.initialMargin, exact.maintenanceMargin]).toEqual([
      d('850'),
      d('585'),
      d('367.5'),
    ]);
  });
});
