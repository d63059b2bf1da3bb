import { scenariosPerGridMax } from '../../core/limits.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import type { GivenRiskArray } from '../../core/model/market.ts';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { scenariosOf } from '../../core/portfolio/scenarios.ts';
import type { Reader } from './reader.ts';

/** A published loss is a money amount per contract: bounded like any amount the file holds. */
const lossMax = 1e15;

/**
 * `market.riskArrays`: a clearing house's risk arrays by instrument (docs/portfolio-format.md),
 *   "ZC-MAR": { "losses": ["0", "-583.33", …], "delta": "1" }
 * one loss per scenario of the instrument's underlying grid (SPAN's sign: a loss positive, the
 * extreme scenarios at their cover as published), the composite delta in coins per contract.
 */
export function readRiskArrays(
  reader: Reader,
  instruments: ReadonlyMap<string, Instrument>,
  rulebook: Rulebook,
): Map<string, GivenRiskArray> {
  const arrays = new Map<string, GivenRiskArray>();
  if (reader.value === undefined) return arrays;
  if (rulebook.portfolio === undefined) {
    reader.fail(`rulebook "${rulebook.id}" has no portfolio section to scan risk arrays with`);
    return arrays;
  }
  const rule = rulebook.portfolio;
  for (const [id, entry] of reader.entries(instruments.size)) {
    const instrument = instruments.get(id);
    if (instrument === undefined) {
      entry.fail('unknown instrument');
      continue;
    }
    if (!entry.object()) continue;
    entry.only(['losses', 'delta']);
    const grid = rule.gridByUnderlying.get(instrument.underlying) ?? rule.grid;
    const count = scenariosOf(grid).length;
    const field = entry.field('losses');
    const losses = field
      .items(scenariosPerGridMax)
      .map((item) => item.float({ min: -lossMax, max: lossMax, maxName: 'the amount limit' }));
    if (Array.isArray(field.value) && field.value.length !== count) {
      field.fail(
        `must list ${count} losses, one per scenario of the ${instrument.underlying} grid`,
      );
    }
    const delta = entry.field('delta').float({ min: -lossMax, max: lossMax });
    arrays.set(id, { losses, delta });
  }
  return arrays;
}
