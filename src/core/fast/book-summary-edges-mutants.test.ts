import { describe, expect, it } from 'vitest';
import {
  account,
  d,
  flatCollateral,
  linearPerp,
  market,
  position,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import type { Account } from '../model/account.ts';
import type { Market } from '../model/market.ts';
import { marketView } from '../model/price-view.ts';
import type { CollateralRule } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { toNumber } from '../num/fixed.ts';
import { type BookSummary, summariseBook } from './book-summary.ts';
import {
  accountEquity,
  accountInitialMargin,
  crossInitialEquity,
  crossInitialMargin,
  figureCount,
  initialNearEdge,
  marginAccount,
} from './fast-margin.ts';
import { buildRiskBook } from './risk-book.ts';
import { errorBand } from './screen.ts';
import { exactStanding } from './standing.ts';

/**
 * Pins of book-summary.ts on small books built by hand, each account placed where one branch of
 * the fast path's call decides: free collateral exactly zero and a unit either side (the exact path
 * decides), clearly either side (the fast path does), exactly on the band's edge, a step of the
 * initial premium within float error of its edge, a NaN figure, a bucket below zero with no
 * requirement where that does not liquidate (dYdX), the exact ranking where the float one ties or
 * is cut short, and the totals' tolerance.
 */
const BTC = linearPerp('BTCUSDT', 'BTC');
/** 0.1 BTC a contract: 3 contracts are 0.30000000000000004 BTC in floats, 4 steps of 0.1. */
const SI = linearPerp('SI', 'BTC', { contractSize: d('0.1') });
const plainVenue: Venue = venue(
  [BTC, SI],
  rulebook({
    // IM 10 %, MM 5 % of the notional.
    BTCUSDT: { kind: 'max-leverage', maxLeverage: d('10') },
    SI: {
      kind: 'size-premium',
      initialRate: d('0.05'),
      maintenanceRate: d('0.03'),
      premium: {
        curve: 'stepped',
        baselineSize: d('0'),
        stepSize: d('0.1'),
        ratePerStep: d('0.002'),
        appliesTo: 'initial',
      },
    },
  }),
);
const dydxLike: Venue = {
  ...plainVenue,
  rulebook: { ...plainVenue.rulebook, liquidationNeedsMargin: true },
};
/** Pools per settle asset: the columns do not margin them, every account is decided exactly. */
const perCoin: Venue = {
  ...plainVenue,
  rulebook: { ...plainVenue.rulebook, crossPool: 'per-settle-asset' },
};
const m: Market = market({ USDT: '1', BTC: '50000' }, { BTCUSDT: '50000', SI: '50000' });

/** Long `btc` BTC at the mark (no PnL): IM 5,000 and MM 2,500 a BTC; `usdt` its collateral. */
function longBtc(id: string, usdt: string, btc = '1'): Account {
  return account({ USDT: usdt }, [position('BTCUSDT', btc, '50000')], id);
}

function summary(accounts: readonly Account[], on: Venue = plainVenue): BookSummary {
  return summariseBook([buildRiskBook(accounts, on, m)], { riskiest: 2, queue: true });
}

function exactState(a: Account, on: Venue = plainVenue) {
  return exactStanding(a, on, marketView(m)).state;
}

describe('book summary at the initial-margin edge (free collateral 0)', () => {
  // IM 5,000: free collateral = USDT − 5,000; MM 2,500 is far below, so only the initial edge
  // is in question.
  const cases = [
    { usdt: '5000', state: 'healthy', exactly: true },
    { usdt: '5000.000000000000000001', state: 'healthy', exactly: true },
    { usdt: '4999.999999999999999999', state: 'below-initial', exactly: true },
    { usdt: '5001', state: 'healthy', exactly: false },
    { usdt: '4999', state: 'below-initial', exactly: false },
  ] as const;

  it.each(cases)('USDT $usdt: $state, decided exactly: $exactly', ({ usdt, state, exactly }) => {
    const a = longBtc('a', usdt);
    expect(exactState(a)).toBe(state);
    const s = summary([a]);
    expect(s.byState[state]).toBe(1);
    expect(s.accounts).toBe(1);
    // Within the band of zero the exact path decides; clearly either side the fast path does.
    expect(s.decidedExactly).toBe(exactly ? 1 : 0);
  });

  it('the five in one book: counts by state and how many were decided exactly', () => {
    const s = summary(cases.map((c, i) => longBtc(`a${i}`, c.usdt)));
    expect(s.byState).toEqual({ liquidatable: 0, 'below-initial': 2, healthy: 3 });
    expect(s.decidedExactly).toBe(3);
    expect(s.liquidationQueue).toEqual([]);
  });

  it('a step of the initial premium within float error of its edge is decided exactly', () => {
    // 3 contracts of 0.1 BTC: exactly 3 steps (IM rate 5.6 %: 840 on 15,000), 4 in floats (870).
    const a = account({ USDT: '855' }, [position('SI', '3', '50000')], 'step');
    const s = exactStanding(a, plainVenue, marketView(m));
    expect(s.initialMargin).toBe(d('840'));
    expect(s.state).toBe('healthy');
    const book = buildRiskBook([a], plainVenue, m);
    const out = new Float64Array(figureCount);
    marginAccount(book, 0, out);
    expect(out[initialNearEdge]).toBe(1);
    // In floats its free collateral is 855 − 870 < 0: the flag, not the band, sends it exact.
    expect(out[accountInitialMargin]).toBeCloseTo(870, 6);
    const summed = summariseBook([book], { riskiest: 1 });
    expect(summed.byState.healthy).toBe(1);
    expect(summed.decidedExactly).toBe(1);
  });
});

describe('book summary: the band around free collateral 0 is closed', () => {
  // JUNK counts for nothing but widens the band: its unit of 1,000 is 1,000 USD of rounding
  // slack, so the band (about 1,000) has few enough low bits for a balance to meet it exactly.
  const junkVenue: Venue = venue(
    [BTC],
    rulebook(
      { BTCUSDT: { kind: 'max-leverage', maxLeverage: d('10') } },
      new Map<string, CollateralRule>([
        ['USDT', flatCollateral('1')],
        ['JUNK', { ...flatCollateral('0'), unit: d('1000') }],
      ]),
    ),
  );
  const junkMarket = market({ USDT: '1', BTC: '50000', JUNK: '1' }, { BTCUSDT: '50000' });
  const cases = [
    { usdt: '6000.000116000000161876', junk: '10000', sign: 1, state: 'healthy' },
    { usdt: '3999.999893000000156462', junk: '3000', sign: -1, state: 'below-initial' },
  ] as const;

  it.each(cases)('free collateral = $sign × the band exactly: decided exactly', (c) => {
    const a = account({ USDT: c.usdt, JUNK: c.junk }, [position('BTCUSDT', '1', '50000')], 'a');
    const book = buildRiskBook([a], junkVenue, junkMarket);
    const out = new Float64Array(figureCount);
    marginAccount(book, 0, out);
    const free = out[crossInitialEquity]! - out[crossInitialMargin]!;
    expect(errorBand(out)).toBeGreaterThan(1000);
    expect(free).toBe(c.sign * errorBand(out));
    const s = summariseBook([book], { riskiest: 1 });
    expect(s.byState[c.state]).toBe(1);
    expect(s.decidedExactly).toBe(1);
    expect(exactStanding(a, junkVenue, marketView(junkMarket)).state).toBe(c.state);
  });
});

describe('book summary: a figure the float model could not price', () => {
  it('a NaN collateral column is decided exactly, not called healthy', () => {
    // No input gives a NaN today; the column is set by hand, as a model that could not price a
    // figure would leave it. The lowest health skips a NaN (NaN < x is false) and the band is NaN,
    // so the maintenance screen says "clearly not"; the free collateral's NaN must stop the call.
    const a = longBtc('nan', '1000');
    expect(exactState(a)).toBe('liquidatable');
    const book = buildRiskBook([a], plainVenue, m);
    book.price[book.assetIndex.get('USDT')!] = Number.NaN;
    const s = summariseBook([book], { riskiest: 1, queue: true });
    expect(s.byState).toEqual({ liquidatable: 1, 'below-initial': 0, healthy: 0 });
    expect(s.decidedExactly).toBe(1);
    expect(s.liquidationQueue?.map((q) => q.account)).toEqual(['nan']);
  });
});

describe('book summary below maintenance', () => {
  it('clearly below maintenance: liquidatable on the fast path, queued alone', () => {
    // Equity 1,000 against MM 2,500; the others are clearly healthy and clearly below initial.
    const accounts = [longBtc('low', '1000'), longBtc('ok', '6000'), longBtc('short', '4000')];
    const s = summary(accounts);
    expect(s.byState).toEqual({ liquidatable: 1, 'below-initial': 1, healthy: 1 });
    expect(s.decidedExactly).toBe(0);
    expect(s.liquidationQueue?.map((q) => [q.account, q.state, q.part, q.index])).toEqual([
      ['low', 'liquidatable', 0, 0],
    ]);
    expect(s.riskiest.map((r) => r.account)).toEqual(['low', 'short']);
  });

  it('its totals are the exact ones even where an initial step sat at its edge', () => {
    // Equity 0 against MM 450: liquidatable beyond doubt, but the float IM is a whole step (30)
    // above the exact 840, which no float band covers: the exact path gives its figures.
    const a = account({ USDT: '0' }, [position('SI', '3', '50000')], 'step');
    const s = summary([a]);
    expect(s.byState.liquidatable).toBe(1);
    expect(Math.abs(s.initialMargin - 840)).toBeLessThanOrEqual(s.totalsTolerance);
    expect(Math.abs(s.maintenanceMargin - 450)).toBeLessThanOrEqual(s.totalsTolerance);
    expect(s.totalsTolerance).toBeLessThan(1e-3);
  });

  it('below zero with no requirement: liquidatable, except where that needs a requirement', () => {
    // A debt of 100 USDT and no position: equity −100, maintenance margin 0.
    const debt = account({ USDT: '-100' }, [], 'debt');
    expect(exactState(debt)).toBe('liquidatable');
    expect(exactState(debt, dydxLike)).toBe('below-initial');
    const plain = summary([debt]);
    expect(plain.byState.liquidatable).toBe(1);
    expect(plain.decidedExactly).toBe(0);
    expect(plain.liquidationQueue?.map((q) => q.account)).toEqual(['debt']);
    // Where a bucket with no requirement is not liquidatable the fast path cannot say so: exact.
    const needs = summary([debt], dydxLike);
    expect(needs.byState).toEqual({ liquidatable: 0, 'below-initial': 1, healthy: 0 });
    expect(needs.decidedExactly).toBe(1);
    expect(needs.liquidationQueue).toEqual([]);
  });
});

describe('book summary: the riskiest, ranked exactly', () => {
  it('accounts with no bucket at risk are not named, nor do they break the ranking', () => {
    const accounts = [
      account({ USDT: '10' }, [], 'cash'),
      longBtc('held', '7500'),
      account({ USDT: '0' }, [], 'empty'),
    ];
    const s = summariseBook([buildRiskBook(accounts, perCoin, m)], { riskiest: 3 });
    expect(s.decidedExactly).toBe(3);
    expect(s.byState.healthy).toBe(3);
    expect(s.riskiest.map((r) => [r.account, r.worst?.equity])).toEqual([['held', d('7500')]]);
  });

  it('beyond the ranking margin the exact standing, not the requirement, picks the riskiest', () => {
    // 40 accounts decided exactly: the riskiest (equity 1.5 × MM) has the smallest requirement.
    const accounts = Array.from({ length: 40 }, (_, i) => {
      const btc = 1 + i;
      const usdt = i === 0 ? 3750 : 5000 * btc;
      return longBtc(`r${String(i).padStart(2, '0')}`, String(usdt), String(btc));
    });
    const s = summariseBook([buildRiskBook(accounts, perCoin, m)], { riskiest: 2 });
    expect(s.decidedExactly).toBe(40);
    // Then, of the equal standings (2 × MM), the larger requirement.
    expect(s.riskiest.map((r) => r.account)).toEqual(['r00', 'r39']);
  });

  it('two standings equal in floats are ordered exactly', () => {
    // 7,500 − 1e-15 is 7,500 in floats: both stand at 3 × MM there, and the float ranking puts
    // the larger requirement first; exactly, the one a hair below 3 stands worse.
    const hair = longBtc('hair', '7499.999999999999999');
    const twice = longBtc('twice', '15000', '2');
    const s = summariseBook([buildRiskBook([twice, hair], plainVenue, m)], { riskiest: 2 });
    expect(s.decidedExactly).toBe(0);
    expect(s.riskiest.map((r) => r.account)).toEqual(['hair', 'twice']);
    const one = summariseBook([buildRiskBook([twice, hair], plainVenue, m)], { riskiest: 1 });
    expect(one.riskiest.map((r) => r.account)).toEqual(['hair']);
  });
});

describe('book summary: totals tolerance and progress on the fast path', () => {
  it('the tolerance is the screen bands plus the running sums rounding, nothing less', () => {
    const accounts = [longBtc('a', '6000'), longBtc('b', '4000'), longBtc('c', '1000', '3')];
    const book = buildRiskBook(accounts, plainVenue, m);
    const s = summariseBook([book], { riskiest: 1 });
    expect(s.decidedExactly).toBe(0);
    const out = new Float64Array(figureCount);
    let bands = 0;
    let magnitude = 0;
    for (let a = 0; a < accounts.length; a += 1) {
      marginAccount(book, a, out);
      bands += errorBand(out);
      magnitude += Math.abs(out[accountEquity]!) + out[accountInitialMargin]!;
    }
    // Σ (|equity| + IM) = 6,000 + 5,000 + 4,000 + 5,000 + 1,000 + 15,000.
    expect(magnitude).toBe(36_000);
    const want = bands + 2 * accounts.length * Number.EPSILON * magnitude;
    expect(Math.abs(s.totalsTolerance - want)).toBeLessThanOrEqual(want * 1e-12);
    const exact = accounts.map((a) => exactStanding(a, plainVenue, marketView(m)));
    const sum = exact.reduce((t, e) => t + toNumber(e.initialMargin), 0);
    expect(Math.abs(s.initialMargin - sum)).toBeLessThanOrEqual(s.totalsTolerance);
  });

  it('without a progress callback a book of 4,096 accounts is summarised', () => {
    const many = Array.from({ length: 4096 }, (_, i) => longBtc(`p${i}`, '6000'));
    const s = summariseBook([buildRiskBook(many, plainVenue, m)], { riskiest: 1 });
    expect(s.accounts).toBe(4096);
    expect(s.byState.healthy).toBe(4096);
  });
});
