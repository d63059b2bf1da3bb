import type { PositionReport, RiskReport } from '../../core/margin/risk-report.ts';
import { priceAt } from './figures.ts';

/**
 * A position's liquidation price as printed, at its tick. A future with none is one whose price
 * does not decide its bucket: where the bucket stands, no price of it liquidates the bucket
 * ("none"); where the bucket is already liquidatable, no price of it saves the bucket either
 * ("every price": an inverse long whose coin debt outweighs what the position can ever be worth).
 */
export function liquidationPriceText(position: PositionReport, report: RiskReport): string {
  if (position.liquidationPrice !== null) {
    return priceAt(position.liquidationPrice, position.tickSize);
  }
  // An option (it carries greeks) and a portfolio bucket's legs have no price of their own.
  const priced = position.greeks === undefined && position.marginMode !== 'portfolio';
  const bucket = report.buckets.find((b) => b.id === position.bucket);
  return priced && bucket?.liquidatable === true ? 'every price' : 'none';
}
