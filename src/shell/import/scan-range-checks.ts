import type { Portfolio } from '../../core/model/portfolio.ts';
import { toNumber } from '../../core/num/fixed.ts';
import { scanRangeFraction } from '../../core/portfolio/scan-range.ts';
import type { Reader } from './reader.ts';

/**
 * A scan range stated per contract becomes a fraction of price only at the file's prices: the
 * lowest move of it must leave the price above zero, or the scenario has no price to value at.
 */
export function checkScanRanges(portfolio: Portfolio, root: Reader): void {
  const rule = portfolio.venue.rulebook.portfolio;
  if (rule === undefined) return;
  for (const instrument of portfolio.venue.instruments.values()) {
    const grid = rule.gridByUnderlying.get(instrument.underlying) ?? rule.grid;
    if (grid.scanRanges === undefined) continue;
    const index = portfolio.market.assetPrices.get(instrument.underlying);
    if (index === undefined || index === 0n) continue;
    const fraction = scanRangeFraction(grid, instrument, toNumber(index), portfolio.market.asOfMs!);
    const lowest = Math.min(0, ...grid.priceMoves, ...grid.extremeMoves);
    if (fraction * lowest <= -1) {
      root.fail(
        `the scan range of "${instrument.id}" is ${(fraction * 100).toFixed(2)} % of its price, ` +
          `so the move ${lowest} would take the price to zero or below`,
        'rulebook.portfolio',
      );
    }
  }
}
