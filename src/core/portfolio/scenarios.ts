import type { ScenarioGrid } from '../model/rulebook.ts';
import type { VolShock } from '../pricing/vol-shock.ts';

/** One market scenario of an underlying: a move of its price and a shock of its surface. */
export interface Scenario {
  /** Fraction of the underlying's price: −0.15 is a 15 % fall. */
  readonly priceMove: number;
  readonly volShock: VolShock;
  /** The share of a loss that counts: 1, or the extreme cover for an extreme move. */
  readonly weight: number;
  readonly extreme: boolean;
}

/**
 * The grid's scenarios in a fixed order: each price move with each volatility shock (price-major,
 * as a heat map reads), then the extreme moves. Index i of every risk array is scenario i.
 */
export function scenariosOf(grid: ScenarioGrid): readonly Scenario[] {
  const known = built.get(grid);
  if (known !== undefined) return known;
  const scenarios: Scenario[] = [];
  for (const priceMove of grid.priceMoves) {
    for (const volShock of grid.volShocks) {
      scenarios.push({ priceMove, volShock, weight: 1, extreme: false });
    }
  }
  for (const priceMove of grid.extremeMoves) {
    scenarios.push({
      priceMove,
      volShock: grid.extremeVolShock,
      weight: grid.extremeCover,
      extreme: true,
    });
  }
  built.set(grid, scenarios);
  return scenarios;
}

/** A grid's scenarios are built once: a rulebook's grids live as long as the rulebook. */
const built = new WeakMap<ScenarioGrid, readonly Scenario[]>();

/**
 * The grid's scenarios with every price move × `scale`: a contract's own moves where the grid
 * states its moves in price scan ranges (scan-range.ts). Scale 1 is the grid's own list.
 */
export function scaledScenarios(grid: ScenarioGrid, scale: number): readonly Scenario[] {
  const scenarios = scenariosOf(grid);
  if (scale === 1) return scenarios;
  let byScale = scaled.get(grid);
  if (byScale === undefined) {
    byScale = new Map();
    scaled.set(grid, byScale);
  }
  const known = byScale.get(scale);
  if (known !== undefined) return known;
  const moved = scenarios.map((scenario) => ({
    ...scenario,
    priceMove: scenario.priceMove * scale,
  }));
  byScale.set(scale, moved);
  return moved;
}

const scaled = new WeakMap<ScenarioGrid, Map<number, readonly Scenario[]>>();
