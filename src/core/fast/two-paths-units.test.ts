import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  account,
  d,
  decimalArb,
  linearPerp,
  position,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import { assess } from '../margin/assess.ts';
import type { Account } from '../model/account.ts';
import type { Market } from '../model/market.ts';
import type { LiquidityTierRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { toNumber } from '../num/fixed.ts';
import {
  accountEquity,
  accountInitialMargin,
  accountMaintenanceMargin,
  fastTolerance,
  figureCount,
  initialNearEdge,
  lowestHealth,
  magnitude,
  marginAccount,
  roundingSlack,
} from './fast-margin.ts';
import { buildRiskBook } from './risk-book.ts';
import { movePrices, screenLiquidatable } from './screen.ts';

/**
 * Two-paths spec (two-paths.test.ts) for the assets' units and dYdX's liquidity tiers: the same
 * figures on the exact and the fast path. The worked figures are dYdX v4's own unit-test vectors
 * (protocol/x/perpetuals/lib/lib_test.go `TestGetMarginRequirementsInQuoteQuantums_2`, see
 * test/golden/dydx.test.ts), here carried by a whole account.
 */
const usdc = {
  tiers: [{ upTo: null, initialWeight: d('1'), maintenanceWeight: d('1') }],
  unit: d('0.000001'),
};

function tier(initial: string, fraction: string, caps?: [string, string]): LiquidityTierRule {
  return {
    kind: 'liquidity-tier',
    initialRate: d(initial),
    maintenanceFraction: d(fraction),
    ...(caps === undefined ? {} : { openInterestCaps: { lower: d(caps[0]), upper: d(caps[1]) } }),
  };
}

function dydxVenue(rule: LiquidityTierRule): Venue {
  const perp = linearPerp('BTC-USD', 'BTC', { quote: 'USDC', settle: 'USDC' });
  return venue([perp], rulebook({ 'BTC-USD': rule }, new Map([['USDC', usdc]])));
}

function dydxMarket(mark: string, openInterest?: string): Market {
  return {
    assetPrices: new Map([
      ['USDC', d('1')],
      ['BTC', d(mark)],
    ]),
    markPrices: new Map([['BTC-USD', d(mark)]]),
    ...(openInterest === undefined
      ? {}
      : { openInterest: new Map([['BTC-USD', d(openInterest)]]) }),
  };
}

interface Figures {
  equity: number;
  initialMargin: number;
  maintenanceMargin: number;
}
type Engine = (a: Account, v: Venue, m: Market) => Figures;

const exact: Engine = (a, v, m) => {
  const report = assess(a, v, m);
  return {
    equity: toNumber(report.equity),
    initialMargin: toNumber(report.initialMargin),
    maintenanceMargin: toNumber(report.maintenanceMargin),
  };
};

const fast: Engine = (a, v, m) => {
  const out = new Float64Array(figureCount);
  marginAccount(buildRiskBook([a], v, m), 0, out);
  return {
    equity: out[accountEquity]!,
    initialMargin: out[accountInitialMargin]!,
    maintenanceMargin: out[accountMaintenanceMargin]!,
  };
};

describe.each([
  ['exact', exact],
  ['fast', fast],
] as const)('units and liquidity tiers on the %s path', (_name, engine) => {
  // Within a tenth of a unit: the two paths land on the same quantum.
  const close = (got: number, want: string) =>
    expect(Math.abs(got - Number(want))).toBeLessThanOrEqual(1e-7);

  it('dYdX 5 % / 60 %: 0.074523 BTC at 123,456 needs 460.015575 IM and 276.009345 MM', () => {
    const a = account({ USDC: '1000' }, [position('BTC-USD', '0.074523', '123456')]);
    const got = engine(a, dydxVenue(tier('0.05', '0.6')), dydxMarket('123456'));
    close(got.initialMargin, '460.015575');
    close(got.maintenanceMargin, '276.009345');
  });

  it('dYdX 25 % / 60 %: MM 1,380.0467232 is rounded up to 1,380.046724', () => {
    const a = account({ USDC: '5000' }, [position('BTC-USD', '-0.074523', '123456')]);
    const got = engine(a, dydxVenue(tier('0.25', '0.6')), dydxMarket('123456'));
    close(got.initialMargin, '2300.077872');
    close(got.maintenanceMargin, '1380.046724');
  });

  it('dYdX OIMF: open interest 408.163265 between caps of 10M and 20M scales IM to 599,999 ppm', () => {
    const a = account({ USDC: '1000' }, [position('BTC-USD', '0.012', '36750')]);
    const rule = tier('0.2', '0.5', ['10000000', '20000000']);
    const got = engine(a, dydxVenue(rule), dydxMarket('36750', '408.163265'));
    close(got.initialMargin, '264.599559');
    close(got.maintenanceMargin, '44.1');
  });

  it('a balance finer than its unit counts its whole units; a PnL too', () => {
    // 100.0000009 USDC is 100.000000; a PnL of 0.0123 × 0.0789 = 0.00097047 is 0.00097.
    const a = account({ USDC: '100.0000009' }, [position('BTC-USD', '0.0123', '50000')]);
    const got = engine(a, dydxVenue(tier('0.05', '0.6')), dydxMarket('50000.0789'));
    close(got.equity, '100.00097');
  });
});

describe('the fast path agrees with the exact path under units and liquidity tiers', () => {
  const rule = tier('0.05', '0.6', ['40000000', '100000000']);
  const v = dydxVenue(rule);
  const book = fc.record({
    balance: decimalArb(0, 200_000, 8),
    size: decimalArb(-50, 50, 6),
    entry: decimalArb(20_000, 80_000, 2),
    mark: decimalArb(20_000, 80_000, 2),
    openInterest: decimalArb(0, 3_000, 6),
    leverage: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  });
  const build = (b: Parameters<Parameters<typeof book.map>[0]>[0], id = 'a') => {
    const held: Account = {
      ...account({}, [{ ...position('BTC-USD', '1', '1'), size: b.size, entryPrice: b.entry }], id),
      balances: new Map([['USDC', b.balance]]),
      ...(b.leverage === undefined ? {} : { leverage: new Map([['BTC-USD', d(`${b.leverage}`)]]) }),
    };
    const m: Market = {
      ...dydxMarket('1'),
      assetPrices: new Map([
        ['USDC', d('1')],
        ['BTC', b.mark],
      ]),
      markPrices: new Map([['BTC-USD', b.mark]]),
      openInterest: new Map([['BTC-USD', b.openInterest]]),
    };
    return { held, m };
  };

  it('within float error plus the rounding slack on every figure', () => {
    fc.assert(
      fc.property(book, (b) => {
        const { held, m } = build(b);
        const want = exact(held, v, m);
        const out = new Float64Array(figureCount);
        marginAccount(buildRiskBook([held], v, m), 0, out);
        const band = out[magnitude]! * fastTolerance + out[roundingSlack]! + 1e-9;
        expect(Math.abs(out[accountEquity]! - want.equity)).toBeLessThanOrEqual(band);
        expect(
          Math.abs(out[accountMaintenanceMargin]! - want.maintenanceMargin),
        ).toBeLessThanOrEqual(band);
        // The open-interest scaling's whole-ppm floor is a step: trusted only off its edges.
        if (out[initialNearEdge] === 0) {
          expect(Math.abs(out[accountInitialMargin]! - want.initialMargin)).toBeLessThanOrEqual(
            band,
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a screen after a tick finds exactly the accounts the exact path finds', () => {
    fc.assert(
      fc.property(
        fc.array(book, { minLength: 5, maxLength: 20 }),
        fc.integer({ min: 50, max: 150 }),
        (books, percent) => {
          const built = books.map((b, i) => build(b, `a${i}`));
          const accounts = built.map((b) => b.held);
          const risk = buildRiskBook(accounts, v, built[0]!.m);
          const moved = (books[0]!.mark * BigInt(percent)) / 100n;
          movePrices(risk, new Map([['BTC', moved]]), new Map([['BTC-USD', moved]]));
          const expected = accounts.flatMap((a, i) =>
            assess(a, v, risk.market).liquidatable ? [i] : [],
          );
          expect(screenLiquidatable(risk).liquidatable).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an account a unit from its maintenance margin goes to the exact path, though past float error', () => {
    // With a unit of 0.01: 0.074523 BTC at 123,456 is 9,200.31 of notional, base IM 460.02, MM
    // ⌈276.012⌉ = 276.02. Equity 276.01 is one unit short: far outside float error (≈ 2e-5 here),
    // but within what rounding to units may move, so the screen confirms it on the exact path.
    const cents = { ...usdc, unit: d('0.01') };
    const perp = linearPerp('BTC-USD', 'BTC', { quote: 'USDC', settle: 'USDC' });
    const v = venue(
      [perp],
      rulebook({ 'BTC-USD': tier('0.05', '0.6') }, new Map([['USDC', cents]])),
    );
    const a = account({ USDC: '276.01' }, [position('BTC-USD', '0.074523', '123456')]);
    expect(assess(a, v, dydxMarket('123456')).maintenanceMargin).toBe(d('276.02'));
    const risk = buildRiskBook([a], v, dydxMarket('123456'));
    const out = new Float64Array(figureCount);
    marginAccount(risk, 0, out);
    expect(out[lowestHealth]!).toBeLessThan(-out[magnitude]! * fastTolerance);
    expect(-out[lowestHealth]!).toBeLessThanOrEqual(out[roundingSlack]!);
    const screened = screenLiquidatable(risk);
    expect(screened.confirmedExactly).toBe(1);
    expect(screened.liquidatable).toEqual([0]);
  });
});
