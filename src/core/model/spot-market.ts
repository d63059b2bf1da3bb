import type { AssetId } from './ids.ts';

export type SpotMarketId = string;

/**
 * A pair on which spot orders rest: `base` bought or sold for `quote`, prices in quote per base.
 * Spot holdings are balances; a market is needed only to margin the orders resting on it.
 */
export interface SpotMarket {
  readonly id: SpotMarketId;
  readonly base: AssetId;
  readonly quote: AssetId;
}
