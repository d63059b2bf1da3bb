import type { Price } from '../num/fixed.ts';
import type { VolSurface } from '../pricing/vol-surface.ts';
import type { AssetId, InstrumentId } from './ids.ts';

/**
 * Prices at one instant. Asset prices are in the valuation currency (USD) and serve as each
 * underlying's index; an instrument's mark is in its own quote currency (an option's is its
 * premium). A price that is needed and missing is an input error, never zero.
 */
export interface Market {
  readonly assetPrices: ReadonlyMap<AssetId, Price>;
  readonly markPrices: ReadonlyMap<InstrumentId, Price>;
  /** The valuation instant (ms since the epoch): options' time to expiry runs from it. */
  readonly asOfMs?: number;
  /** Implied volatility surfaces by underlying, for pricing options under scenarios. */
  readonly volatility?: ReadonlyMap<AssetId, VolSurface>;
}
