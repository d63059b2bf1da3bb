import type { Ledger } from './ledger.ts';

/**
 * A ledger that reads through to another and keeps its own writes: the events a command would
 * make, applied here, show the books after it without touching the ledger itself, which changes
 * only once the events are durable (DESIGN.md: appended, then applied). Only what the events
 * change is copied: a command on one account of 100,000 copies one entry, not the book.
 */
export function ledgerOverlay(base: Ledger): Ledger {
  return {
    accounts: new OverlayMap(base.accounts),
    holdings: new OverlayMap(base.holdings),
    pendingMoves: new OverlayMap(base.pendingMoves),
    house: new OverlayMap(base.house),
    deposited: new OverlayMap(base.deposited),
    withdrawn: new OverlayMap(base.withdrawn),
    assetPrices: new OverlayMap(base.assetPrices),
    markPrices: new OverlayMap(base.markPrices),
    feeds: new OverlayMap(base.feeds),
    volatility: new OverlayMap(base.volatility),
    funding: new OverlayMap(base.funding),
    fundingCarry: new OverlayMap(base.fundingCarry),
    settled: new OverlayMap(base.settled),
    halted: new OverlayMap(base.halted),
    marginModes: new OverlayMap(base.marginModes),
    openInterest: new OverlayMap(base.openInterest),
    venueTotals: new OverlayMap(base.venueTotals),
    marginStates: new OverlayMap(base.marginStates),
    liquidations: new OverlayMap(base.liquidations),
    liquidationPace: new OverlayMap(base.liquidationPace),
    deleverageGrace: new OverlayMap(base.deleverageGrace),
    answered: new OverlayMap(base.answered),
    events: base.events,
    ...(base.venue === undefined ? {} : { venue: base.venue }),
    ...(base.venueRules === undefined ? {} : { venueRules: base.venueRules }),
  };
}

/** A Map over a base map: reads fall through, writes and deletions stay here. */
class OverlayMap<K, V> extends Map<K, V> {
  private readonly deleted = new Set<K>();

  constructor(private readonly base: ReadonlyMap<K, V>) {
    super();
  }

  override get(key: K): V | undefined {
    if (super.has(key)) return super.get(key);
    return this.deleted.has(key) ? undefined : this.base.get(key);
  }

  override has(key: K): boolean {
    return super.has(key) || (!this.deleted.has(key) && this.base.has(key));
  }

  override set(key: K, value: V): this {
    this.deleted.delete(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const had = this.has(key);
    super.delete(key);
    if (this.base.has(key)) this.deleted.add(key);
    return had;
  }

  override get size(): number {
    let size = 0;
    for (const _ of this.entries()) size += 1;
    return size;
  }

  override *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      if (this.deleted.has(key)) continue;
      yield [key, super.has(key) ? (super.get(key) as V) : value];
    }
    for (const entry of super.entries()) if (!this.base.has(entry[0])) yield entry;
  }

  override *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  override *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }

  override clear(): void {
    for (const key of this.base.keys()) this.deleted.add(key);
    super.clear();
  }
}
