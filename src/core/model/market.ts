import type { Price } from '../num/fixed.ts';
import type { AssetId, InstrumentId } from './ids.ts';

/**
 * Prices at one instant. Asset prices are in the valuation currency (USD); an instrument's mark is
 * in its own quote currency. A price that is needed and missing is an input error, never zero.
 */
export interface Market {
  readonly assetPrices: ReadonlyMap<AssetId, Price>;
  readonly markPrices: ReadonlyMap<InstrumentId, Price>;
}
