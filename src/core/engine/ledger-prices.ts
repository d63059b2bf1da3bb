import type { Ledger } from '../ledger/ledger.ts';
import { surfaceAt } from '../ledger/volatility-feed.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import { marketView, type PriceView } from '../model/price-view.ts';
import { assert } from '../num/assert.ts';
import type { Quantity } from '../num/fixed.ts';
import type { VolSurface } from '../pricing/vol-surface.ts';

/**
 * Prices as the engine's margin reads them, at the log's time: the ledger's marks and indexes, its
 * markets' open interest as its positions make it (a rule scaled by it, dYdX's OIMF, reads the
 * venue's own), and each underlying's surface with the time left to each of its expiries from
 * `nowMs` (the slices already past left out). A surface is dated once per view, when an option first reads it: a
 * tick on a book without options never pays for it.
 */
export function ledgerPrices(ledger: Ledger, nowMs: number): PriceView {
  const { assetPrices, markPrices } = ledger;
  const dated = new Map<AssetId, VolSurface | undefined>();
  return {
    ...marketView({
      assetPrices,
      markPrices,
      asOfMs: nowMs,
      openInterest: new LiveOpenInterest(ledger.openInterest),
    }),
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

/**
 * The ledger's open interest as margin reads it: a market no account holds has none, not an
 * unknown one (a snapshot file's market must give it; the engine knows it).
 */
class LiveOpenInterest implements ReadonlyMap<InstrumentId, Quantity> {
  constructor(private readonly held: ReadonlyMap<InstrumentId, Quantity>) {}

  get(instrument: InstrumentId): Quantity {
    return this.held.get(instrument) ?? 0n;
  }

  has(_instrument: InstrumentId): boolean {
    return true;
  }

  get size(): number {
    return this.held.size;
  }

  forEach(
    each: (value: Quantity, key: InstrumentId, map: ReadonlyMap<InstrumentId, Quantity>) => void,
  ): void {
    for (const [key, value] of this.held) each(value, key, this);
  }

  entries(): MapIterator<[InstrumentId, Quantity]> {
    return this.held.entries();
  }

  keys(): MapIterator<InstrumentId> {
    return this.held.keys();
  }

  values(): MapIterator<Quantity> {
    return this.held.values();
  }

  [Symbol.iterator](): MapIterator<[InstrumentId, Quantity]> {
    return this.held.entries();
  }
}
