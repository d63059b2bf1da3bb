import type { PositionReport } from '../../core/margin/risk-report.ts';
import { priceAt } from './figures.ts';

/**
 * A position's liquidation price as printed, at its tick. A future with none is one whose price
 * does not decide its bucket: where the bucket stands, no price of it liquidates the bucket
 * ("none"); where the bucket is already liquidatable, no price of it saves the bucket either
 * ("every price", `liquidatedAtEveryPrice`).
 */
export function liquidationPriceText(position: PositionReport): string {
  if (position.liquidationPrice !== null) {
    return priceAt(position.liquidationPrice, position.tickSize);
  }
  return position.liquidatedAtEveryPrice ? 'every price' : 'none';
}
