import type { Ledger } from '../ledger/ledger.ts';
import { surfaceAt } from '../ledger/volatility-feed.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { VenueTotal } from '../model/market.ts';
import { marketView, type PriceView } from '../model/price-view.ts';
import { assert } from '../num/assert.ts';
import type { Quantity } from '../num/fixed.ts';
import type { VolSurface } from '../pricing/vol-surface.ts';

/**
 * Prices as the engine's margin reads them, at the log's time: the ledger's marks and indexes, its
 * markets' open interest as its positions make it (a rule scaled by it, dYdX's OIMF, reads the
 * venue's own), its totals of each asset as its balances make them (Mango's weights scaled by
 * them, a bank's deposit limit), and each underlying's surface with the time left to each of its expiries from
 * `nowMs` (the slices already past left out). A surface is dated once per view, when an option first reads it: a
 * tick on a book without options never pays for it.
 */
const noTotal: VenueTotal = { deposits: 0n, borrows: 0n };

export function ledgerPrices(ledger: Ledger, nowMs: number): PriceView {
  const { assetPrices, markPrices } = ledger;
  const dated = new Map<AssetId, VolSurface | undefined>();
  return {
    ...marketView({
      assetPrices,
      markPrices,
      asOfMs: nowMs,
      openInterest: new Defaulted<InstrumentId, Quantity>(ledger.openInterest, 0n),
      venueTotals: new Defaulted<AssetId, VenueTotal>(ledger.venueTotals, noTotal),
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
 * A ledger's running total as margin reads it: where the ledger keeps none, there is none (an open
 * interest of 0, no deposits nor borrows), not an unknown (a snapshot file's market must give it;
 * the engine knows it).
 */
class Defaulted<K, V> implements ReadonlyMap<K, V> {
  constructor(
    private readonly held: ReadonlyMap<K, V>,
    private readonly none: V,
  ) {}

  get(key: K): V {
    return this.held.get(key) ?? this.none;
  }

  has(_key: K): boolean {
    return true;
  }

  get size(): number {
    return this.held.size;
  }

  forEach(each: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [key, value] of this.held) each(value, key, this);
  }

  entries(): MapIterator<[K, V]> {
    return this.held.entries();
  }

  keys(): MapIterator<K> {
    return this.held.keys();
  }

  values(): MapIterator<V> {
    return this.held.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.held.entries();
  }
}
