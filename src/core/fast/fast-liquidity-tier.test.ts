import { describe, expect, it } from 'vitest';
import { account, d, linearPerp, position, rulebook, venue } from '../../../test/kit.ts';
import { assess } from '../margin/assess.ts';
import type { Account } from '../model/account.ts';
import type { Market } from '../model/market.ts';
import type { LiquidityTierRule } from '../model/rulebook.ts';
import {
  accountInitialMargin,
  accountMaintenanceMargin,
  figureCount,
  initialNearEdge,
  marginAccount,
} from './fast-margin.ts';
import { buildRiskBook } from './risk-book.ts';

/**
 * dYdX's liquidity tier on the fast path at the edges of its steps: the open-interest caps, a
 * whole-ppm increase and a leverage whose rate is a whole ppm. Off an edge the fast figure is the
 * exact one; on an edge the account is flagged for the exact path, and only there. The rule is
 * dYdX's Mid-Cap tier (IMF 5 %, maintenance 60 % of it, caps 40M / 100M USDC); the position is
 * 1 BTC at 50,000, so the open interest in BTC × 50,000 is its notional in USDC.
 */
const rule: LiquidityTierRule = {
  kind: 'liquidity-tier',
  initialRate: d('0.05'),
  maintenanceFraction: d('0.6'),
  openInterestCaps: { lower: d('40000000'), upper: d('100000000') },
};
const usdc = {
  tiers: [{ upTo: null, initialWeight: d('1'), maintenanceWeight: d('1') }],
  unit: d('0.000001'),
};
const dydx = venue(
  [linearPerp('BTC-USD', 'BTC', { quote: 'USDC', settle: 'USDC' })],
  rulebook({ 'BTC-USD': rule }, new Map([['USDC', usdc]])),
);

function market(openInterest: string): Market {
  return {
    assetPrices: new Map([
      ['USDC', d('1')],
      ['BTC', d('50000')],
    ]),
    markPrices: new Map([['BTC-USD', d('50000')]]),
    openInterest: new Map([['BTC-USD', d(openInterest)]]),
  };
}

function held(leverage?: string): Account {
  const a = account({ USDC: '100000' }, [position('BTC-USD', '1', '50000')]);
  return leverage === undefined ? a : { ...a, leverage: new Map([['BTC-USD', d(leverage)]]) };
}

function bothPaths(a: Account, openInterest: string) {
  const m = market(openInterest);
  const report = assess(a, dydx, m);
  const out = new Float64Array(figureCount);
  marginAccount(buildRiskBook([a], dydx, m), 0, out);
  return {
    exactInitial: report.initialMargin,
    exactMaintenance: report.maintenanceMargin,
    fastInitial: out[accountInitialMargin]!,
    fastMaintenance: out[accountMaintenanceMargin]!,
    flagged: out[initialNearEdge] === 1,
  };
}

describe('the liquidity tier on the fast path, at the edges of its steps', () => {
  it.each([
    // open interest (BTC), its notional, initial margin, flagged
    ['0', 'far below the lower cap: the base 5 %', 2_500, false],
    ['800', 'at the lower cap (40M): still the base, flagged', 2_500, true],
    ['1400', 'increase 950,000 × 30M / 60M = 475,000 ppm, a whole ppm: flagged', 26_250, true],
    ['1400.0001', '475,000.079 ppm floored to 475,000: not an edge', 26_250, false],
    ['1000.123', '158,430.708 ppm floored: 20.843 %', 10_421.5, false],
    ['2000', 'at the upper cap (100M): 100 %, flagged', 50_000, true],
    ['2400', 'past the upper cap: 100 %', 50_000, false],
  ] as const)('open interest %s BTC (%s): IM %d', (openInterest, _why, initial, flagged) => {
    const got = bothPaths(held(), openInterest);
    expect(got.exactInitial).toBe(d(`${initial}`));
    expect(got.fastInitial).toBeCloseTo(initial, 6);
    expect(got.flagged).toBe(flagged);
  });

  it('maintenance never reads open interest: 60 % of the base 2,500 on both sides of the caps', () => {
    for (const openInterest of ['0', '1400', '2400']) {
      const got = bothPaths(held(), openInterest);
      expect(got.exactMaintenance).toBe(d('1500'));
      expect(got.fastMaintenance).toBeCloseTo(1_500, 6);
    }
  });

  it.each([
    // leverage, why, initial margin, flagged
    ['3', '1/3 rounded up to 333,334 ppm', 16_666.7, false],
    ['8', '1/8 is 125,000 ppm exactly: a whole ppm, flagged', 6_250, true],
    ['25', '1/25 = 4 % is below the tier: the tier rate', 2_500, false],
    ['20', '1/20 = 5 % is the tier rate itself: either gives the same', 2_500, false],
    ['0.5', 'more than 100 % is capped at 100 %, no step left to cross', 50_000, false],
  ] as const)('a leverage setting of %s (%s): IM %d', (leverage, _why, initial, flagged) => {
    const got = bothPaths(held(leverage), '0');
    expect(got.exactInitial).toBe(d(`${initial}`));
    expect(got.fastInitial).toBeCloseTo(initial, 6);
    expect(got.flagged).toBe(flagged);
  });

  it('a leverage rate below the open-interest rate leaves the larger one, unflagged', () => {
    // 1/8 = 12.5 % is a whole ppm, but the open interest asks for 52.5 %: no edge in play.
    const got = bothPaths(held('8'), '1400.0001');
    expect(got.exactInitial).toBe(d('26250'));
    expect(got.fastInitial).toBeCloseTo(26_250, 6);
    expect(got.flagged).toBe(false);
  });
});
