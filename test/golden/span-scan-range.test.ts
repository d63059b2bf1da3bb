import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import type { Account } from '../../src/core/model/account.ts';
import { marketView } from '../../src/core/model/price-view.ts';
import type { PortfolioRule, ScenarioGrid } from '../../src/core/model/rulebook.ts';
import { SCALE } from '../../src/core/num/fixed.ts';
import { riskArray } from '../../src/core/portfolio/risk-array.ts';
import { scanRangeFraction } from '../../src/core/portfolio/scan-range.ts';
import { scaledScenarios } from '../../src/core/portfolio/scenarios.ts';
import { unshocked } from '../../src/core/pricing/vol-shock.ts';
import { d, flatCollateral, linearPerp, market, rulebook, venue } from '../kit.ts';

/**
 * Scan ranges as a risk-parameter file states them: an amount per contract, by expiry. McMillan,
 * "Options as a Strategic Investment", ch. 34 (docs/portfolio-margin-sources.md, G1): an S&P 500
 * future at $500 a point, "price scan range $10,000"; SPAN's scenarios move 0, ±⅓, ±⅔, ±1 of it,
 * and ±2 at 35 % cover. Here the grid's moves are those multiples, not fractions of price.
 */
const grid: ScenarioGrid = {
  priceMoves: [0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1, -1],
  volShocks: [
    { parallel: 0.01, proportional: 0 },
    { parallel: -0.01, proportional: 0 },
  ],
  extremeMoves: [2, -2],
  extremeCover: 0.35,
  extremeVolShock: unshocked,
  lookaheadYears: 0,
  rollShockRate: 0,
  scanRanges: [
    { upToDays: 60, range: { perContract: 10_000 } },
    { upToDays: null, range: { perContract: 6_000 } },
  ],
};

/** Published P&L of one long future (profit positive), scenarios 1–16, thirds rounded to $10. */
const longFuture = [
  0, 0, 3330, 3330, -3330, -3330, 6670, 6670, -6670, -6670, 10000, 10000, -10000, -10000, 7000,
  -7000,
];

const asOfMs = Date.UTC(2026, 11, 1);
const day = 86_400_000;
const near = linearPerp('SP-MAR', 'SPX', {
  kind: 'future',
  quote: 'USD',
  settle: 'USD',
  contractSize: d('500'),
  expiryMs: asOfMs + 30 * day,
});
const far = { ...near, id: 'SP-SEP', expiryMs: asOfMs + 200 * day };
const prices = market({ SPX: '400', USD: '1' }, { 'SP-MAR': '400', 'SP-SEP': '400' });
const view = { ...marketView({ ...prices, asOfMs }) };

describe('SPAN price scan ranges per contract, by expiry', () => {
  it("$10,000 per contract of a $200,000 future is a 5 % move; its array is McMillan's (G1)", () => {
    const fraction = scanRangeFraction(grid, near, 400, asOfMs);
    expect(fraction).toBeCloseTo(0.05, 15);
    const scenarios = scaledScenarios(grid, fraction);
    const array = riskArray(near, view, scenarios, 0, false);
    scenarios.forEach((scenario, s) => {
      const weighted = array[s]! * scenario.weight;
      expect(Math.abs(weighted - longFuture[s]!)).toBeLessThanOrEqual(
        scenario.extreme ? 1e-9 : 3.34,
      );
    });
  });

  it('a later expiry moves by its own range in the same scenario', () => {
    const fraction = scanRangeFraction(grid, far, 400, asOfMs);
    const array = riskArray(far, view, scaledScenarios(grid, fraction), 0, false);
    // Scenario 11 is +1 range: $6,000 for the far contract, where the near one makes $10,000.
    expect(array[10]).toBeCloseTo(6000, 6);
  });

  it('a calendar spread is scanned on the two ranges: long near, short far loses $4,000 at −1', () => {
    const rule: PortfolioRule = {
      aggregation: 'span',
      grid,
      gridByUnderlying: new Map(),
      scanSpot: false,
      basisRate: 0n,
      calendarRate: 0n,
      deltaShockRate: 0n,
      shortOptionMinimumRate: 0n,
      contractFloorRate: 0n,
      offsets: [],
      expiryTiers: [],
      calendarSpreads: [],
      maintenanceFactor: SCALE,
      initialToMaintenance: SCALE,
    };
    const spanVenue = venue([near, far], {
      ...rulebook(
        { '*': { kind: 'max-leverage', maxLeverage: d('10') } },
        new Map([['USD', flatCollateral('1')]]),
      ),
      defaultRule: { kind: 'max-leverage', maxLeverage: d('10') },
      portfolio: rule,
    });
    const account: Account = {
      id: 'spread',
      poolMode: 'portfolio',
      balances: new Map([['USD', 100_000n * SCALE]]),
      positions: [
        {
          instrument: 'SP-MAR',
          size: SCALE,
          entryPrice: d('400'),
          marginMode: 'cross',
          isolatedMargin: 0n,
        },
        {
          instrument: 'SP-SEP',
          size: -SCALE,
          entryPrice: d('400'),
          marginMode: 'cross',
          isolatedMargin: 0n,
        },
      ],
      openOrders: [],
    };
    // At −1 range the near leg loses 10,000 and the far leg gains 6,000; the extreme −2 at 35 %
    // loses 0.35 × (20,000 − 12,000) = 2,800, less. MM = 4,000.
    const report = assess(account, spanVenue, { ...prices, asOfMs });
    expect(report.maintenanceMargin).toBe(4000n * SCALE);
  });
});
