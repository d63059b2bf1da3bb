import type { Ledger } from '../ledger/ledger.ts';
import { surfaceAt } from '../ledger/volatility-feed.ts';
import type { AssetId } from '../model/ids.ts';
import { marketView, type PriceView } from '../model/price-view.ts';
import { assert } from '../num/assert.ts';
import type { VolSurface } from '../pricing/vol-surface.ts';

/**
 * Prices as the engine's margin reads them, at the log's time: the ledger's marks and indexes, and
 * each underlying's surface with the time left to each of its expiries from `nowMs` (the slices
 * already past left out). A surface is dated once per view, when an option first reads it: a
 * tick on a book without options never pays for it.
 */
export function ledgerPrices(ledger: Ledger, nowMs: number): PriceView {
  const { assetPrices, markPrices } = ledger;
  const dated = new Map<AssetId, VolSurface | undefined>();
  return {
    ...marketView({ assetPrices, markPrices, asOfMs: nowMs }),
    volatility(underlying) {
      if (!dated.has(underlying)) dated.set(underlying, liveSurface(ledger, underlying, nowMs));
      const surface = dated.get(underlying);
      assert(surface !== undefined, `no volatility surface for ${underlying}`);
      return surface;
    },
  };
}

/** The underlying's surface at `nowMs`; undefined where the feed set none or every slice is past. */
function liveSurface(ledger: Ledger, underlying: AssetId, nowMs: number): VolSurface | undefined {
  const feed = ledger.volatility.get(underlying);
  return feed === undefined ? undefined : surfaceAt(feed.slices, nowMs);
}
