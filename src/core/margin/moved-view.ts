import type { AssetId } from '../model/ids.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import type { Ratio } from '../num/fixed.ts';
import { toNumber } from '../num/fixed.ts';
import { amountNearest } from '../num/float-bridge.ts';
import { mulFloor } from '../num/rounding.ts';
import { optionPremium } from '../portfolio/option-premium.ts';
import { unshocked } from '../pricing/vol-shock.ts';

/**
 * The market with every price on one underlying multiplied by `factor`: its index (asset price),
 * its futures' marks, and its options' marks repriced on the same surface (the quoted mark moves
 * by the model's change, so its gap to the model is kept).
 */
export function movedView(
  venue: Venue,
  prices: PriceView,
  underlying: AssetId,
  factor: Ratio,
): PriceView {
  return {
    assetPrice: (asset) =>
      asset === underlying ? mulFloor(prices.assetPrice(asset), factor) : prices.assetPrice(asset),
    markPrice: (id) => {
      const instrument = venue.instruments.get(id)!;
      const mark = prices.markPrice(id);
      if (instrument.underlying !== underlying) return mark;
      if (instrument.kind !== 'option') return mulFloor(mark, factor);
      // Only options read the index: an underlying with no asset price moves its marks alone.
      const index = toNumber(prices.assetPrice(underlying));
      const movedIndex = index * toNumber(factor);
      const surface = prices.volatility(underlying);
      const before = optionPremium(instrument, index, surface, prices.asOfMs, unshocked, 0);
      const after = optionPremium(instrument, movedIndex, surface, prices.asOfMs, unshocked, 0);
      const moved = mark + amountNearest(after - before);
      return moved > 0n ? moved : 0n;
    },
    volatility: (asset) => prices.volatility(asset),
    asOfMs: prices.asOfMs,
    riskArrays: new Map(),
    ...(prices.venueTotals === undefined ? {} : { venueTotals: prices.venueTotals }),
    // Open interest is in contracts: a price move revalues it but does not change it.
    ...(prices.openInterest === undefined ? {} : { openInterest: prices.openInterest }),
    // A stable price follows the oracle slowly (Mango's StablePriceModel): a shock leaves it.
    ...(prices.stablePrices === undefined ? {} : { stablePrices: prices.stablePrices }),
    ...(prices.stableMarkPrices === undefined ? {} : { stableMarkPrices: prices.stableMarkPrices }),
  };
}
