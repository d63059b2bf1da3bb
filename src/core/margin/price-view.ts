import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { Market } from '../model/market.ts';
import { assert } from '../num/assert.ts';
import type { Price } from '../num/fixed.ts';

/**
 * Prices as the margin calculation reads them. What-if searches swap in a view that moves some of
 * them; the calculation itself never knows. A missing price is a bug here: input validation
 * refuses a portfolio that needs one it does not have.
 */
export interface PriceView {
  assetPrice(asset: AssetId): Price;
  markPrice(instrument: InstrumentId): Price;
}

export function marketView(market: Market): PriceView {
  return {
    assetPrice(asset) {
      const price = market.assetPrices.get(asset);
      assert(price !== undefined, `no price for asset ${asset}`);
      return price;
    },
    markPrice(instrument) {
      const price = market.markPrices.get(instrument);
      assert(price !== undefined, `no mark price for instrument ${instrument}`);
      return price;
    },
  };
}
