import type { Instrument } from '../model/instrument.ts';
import type { ScanRange, ScenarioGrid } from '../model/rulebook.ts';
import { toNumber } from '../num/fixed.ts';

const dayMs = 86_400_000;

/**
 * How far one scan range moves this contract's underlying, as a fraction of its price: the grid's
 * moves are multiplied by it. 1 where the grid states its moves as fractions of price already.
 * A range per contract is over what one contract covers: contractSize × the index for a linear
 * contract or an option, the USD face (contractSize) for an inverse future.
 */
export function scanRangeFraction(
  grid: ScenarioGrid,
  instrument: Instrument | undefined,
  index: number,
  asOfMs: number,
): number {
  if (grid.scanRanges === undefined) return 1;
  const days = instrument?.expiryMs === undefined ? 0 : (instrument.expiryMs - asOfMs) / dayMs;
  const { range } = rangeFor(grid.scanRanges, days);
  if ('fraction' in range) return range.fraction;
  const covered =
    instrument === undefined
      ? index
      : instrument.kind !== 'option' && instrument.settlement === 'inverse'
        ? toNumber(instrument.contractSize)
        : toNumber(instrument.contractSize) * index;
  // At a zero price every move is zero whatever its scale.
  return covered === 0 ? 1 : range.perContract / covered;
}

function rangeFor(ranges: readonly ScanRange[], days: number): ScanRange {
  for (const range of ranges) {
    if (range.upToDays === null || days <= range.upToDays) return range;
  }
  return ranges.at(-1)!;
}
