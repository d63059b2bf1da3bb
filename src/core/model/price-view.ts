import { assert } from '../num/assert.ts';
import type { Price, Quantity } from '../num/fixed.ts';
import type { VolSurface } from '../pricing/vol-surface.ts';
import type { AssetId, InstrumentId } from './ids.ts';
import type { GivenRiskArray, Market, VenueTotal } from './market.ts';

/**
 * Prices as the margin calculation reads them. What-if searches swap in a view that moves some of
 * them; the calculation itself never knows. A missing price is a bug here: input validation
 * refuses a portfolio that needs one it does not have.
 */
export interface PriceView {
  assetPrice(asset: AssetId): Price;
  markPrice(instrument: InstrumentId): Price;
  /** The volatility surface options on this underlying are priced from. */
  volatility(underlying: AssetId): VolSurface;
  /** The valuation instant (ms since the epoch). */
  readonly asOfMs: number;
  /**
   * Risk arrays priced for this view, by instrument: they depend on prices alone, so every
   * account and every what-if step assessed at these prices shares them.
   */
  readonly riskArrays: Map<InstrumentId, Float64Array>;
  /**
   * Published risk arrays, valid at the market's own prices only: a view that moves prices leaves
   * them out, and the instruments are priced by the model there.
   */
  readonly givenRiskArrays?: ReadonlyMap<InstrumentId, GivenRiskArray>;
  /** Markets' open interest, in contracts (`Market.openInterest`): a price move keeps it. */
  readonly openInterest?: ReadonlyMap<InstrumentId, Quantity>;
  /** The venue's totals per asset (`Market.venueTotals`): a price move keeps them. */
  readonly venueTotals?: ReadonlyMap<AssetId, VenueTotal>;
  /** Stable prices (`Market.stablePrices`, `stableMarkPrices`): a price move keeps them. */
  readonly stablePrices?: ReadonlyMap<AssetId, Price>;
  readonly stableMarkPrices?: ReadonlyMap<InstrumentId, Price>;
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
    volatility(underlying) {
      const surface = market.volatility?.get(underlying);
      assert(surface !== undefined, `no volatility surface for ${underlying}`);
      return surface;
    },
    // No valuation time: pricing an option then fails loudly on a NaN time to expiry.
    asOfMs: market.asOfMs ?? Number.NaN,
    riskArrays: new Map(),
    ...(market.riskArrays === undefined ? {} : { givenRiskArrays: market.riskArrays }),
    ...(market.openInterest === undefined ? {} : { openInterest: market.openInterest }),
    ...(market.venueTotals === undefined ? {} : { venueTotals: market.venueTotals }),
    ...(market.stablePrices === undefined ? {} : { stablePrices: market.stablePrices }),
    ...(market.stableMarkPrices === undefined ? {} : { stableMarkPrices: market.stableMarkPrices }),
  };
}
