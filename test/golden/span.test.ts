import { describe, expect, it } from 'vitest';
import { marketView } from '../../src/core/model/price-view.ts';
import type { ScenarioGrid } from '../../src/core/model/rulebook.ts';
import { worstLoss } from '../../src/core/portfolio/portfolio-risk.ts';
import { riskArray } from '../../src/core/portfolio/risk-array.ts';
import { scenariosOf } from '../../src/core/portfolio/scenarios.ts';
import { unshocked } from '../../src/core/pricing/vol-shock.ts';
import { d, linearPerp, market } from '../kit.ts';

/**
 * SPAN's 16 standard scenarios and its classic risk arrays, from L. G. McMillan, "Options as a
 * Strategic Investment", ch. 34, pp. 668–670 (docs/portfolio-margin-sources.md, G1–G3): an S&P 500
 * future at $500 a point with a $10,000 (20-point) price scan range and a 14-point "extreme" move
 * (2 × 20 × 35 %). The scenario order is SPAN's: 0, +⅓, −⅓, +⅔, −⅔, +1, −1 of the range, each
 * with volatility up then down, then the extreme up and down moves.
 */
const range = 20 / 400;
const spanGrid: ScenarioGrid = {
  priceMoves: [0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1, -1].map((fraction) => fraction * range),
  volShocks: [
    { parallel: 0.01, proportional: 0 },
    { parallel: -0.01, proportional: 0 },
  ],
  extremeMoves: [2 * range, -2 * range],
  extremeCover: 0.35,
  extremeVolShock: unshocked,
  lookaheadYears: 0,
  rollShockRate: 0,
};
const scenarios = scenariosOf(spanGrid);

/** Published P&L (profit positive), scenarios 1–16. */
const longFuture = [
  0, 0, 3330, 3330, -3330, -3330, 6670, 6670, -6670, -6670, 10000, 10000, -10000, -10000, 7000,
  -7000,
];
const longCall410 = [
  460, -610, 2640, 1730, -1270, -2340, 5210, 4540, -2540, -3430, 8060, 7640, -3380, -3990, 3130,
  -1500,
];

describe('SPAN 16-scenario risk arrays', () => {
  it("a long future's array, priced from the scan range alone (G1): ±3,330 / ±6,670 / ±10,000 / extremes ±7,000 at 35 %", () => {
    const future = linearPerp('SP', 'SPX', {
      kind: 'future',
      quote: 'USD',
      settle: 'USD',
      contractSize: d('500'),
    });
    const array = riskArray(
      future,
      marketView(market({ SPX: '400', USD: '1' }, { SP: '400' })),
      scenarios,
      0,
      false,
    );
    expect(scenarios).toHaveLength(16);
    scenarios.forEach((scenario, s) => {
      // The book prints thirds rounded to $10; the extreme is published already at its 35 % cover.
      const published = longFuture[s]!;
      const weighted = array[s]! * scenario.weight;
      expect(Math.abs(weighted - published)).toBeLessThanOrEqual(scenario.extreme ? 1e-9 : 3.34);
    });
    const { scanLoss, binding } = worstLoss(array.subarray(0, 16), scenarios);
    expect(scanLoss).toBeCloseTo(10000, 9);
    expect(binding).toBe(12); // scenario 13: down 3/3, vol up (ties with 14 keep the first)
  });

  it('a long Dec 410 call: its scan risk is the worst loss, $3,990 in scenario 14 (G2)', () => {
    // The arrays below hold the extremes as printed (already weighted), so cover them at 1.
    const unweighted = scenarios.map((scenario) => ({ ...scenario, weight: 1 }));
    const { scanLoss, binding } = worstLoss(Float64Array.from(longCall410), unweighted);
    expect(scanLoss).toBe(3990);
    expect(binding).toBe(13);
  });

  it('a covered write (long future, short call) is scanned as one book: $6,620 in scenario 13 (G3)', () => {
    const unweighted = scenarios.map((scenario) => ({ ...scenario, weight: 1 }));
    const book = Float64Array.from(longFuture.map((pnl, s) => pnl - longCall410[s]!));
    const { scanLoss, binding } = worstLoss(book, unweighted);
    // McMillan's "Covered Write" column, scenario 13: −10,000 + 3,380 = −6,620 (ours from the
    // printed column; the book's own sentence is cut off in the stored copy).
    expect(scanLoss).toBe(6620);
    expect(binding).toBe(12);
    // The hedge: the book's scan risk is below the sum of the legs' (10,000 + 3,990).
    expect(scanLoss).toBeLessThan(10000 + 3990);
  });
});
