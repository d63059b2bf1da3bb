import type { SviSlice, VolSurface } from '../pricing/vol-surface.ts';
import { yearMs } from '../pricing/year.ts';

/**
 * One expiry of a volatility surface as a feed delivers it and the ledger keeps it: dated by its
 * expiry (ms), since the log's clock moves on and the time left to it with it. The smile's
 * parameters are pricing-zone floats (vol-surface.ts), never money.
 */
export type DatedSlice = Omit<SviSlice, 'yearsToExpiry'> & { readonly expiryMs: number };

/**
 * An underlying's surface as its feed last set it: the feed's sequence and stamp (judged as a
 * price tick's are: price-guard.ts), the slices in increasing expiry.
 */
export interface VolatilityFeed {
  readonly sequence: number;
  readonly timeMs: number;
  readonly slices: readonly DatedSlice[];
}

/**
 * The surface options are priced from at `nowMs`: the slices still to expire, each its time left
 * in years; undefined once none is (the surface has run out, and options on the underlying
 * are not priced until the feed sets a new one).
 */
export function surfaceAt(slices: readonly DatedSlice[], nowMs: number): VolSurface | undefined {
  const live: SviSlice[] = [];
  for (const { expiryMs, ...smile } of slices) {
    if (expiryMs > nowMs) live.push({ yearsToExpiry: (expiryMs - nowMs) / yearMs, ...smile });
  }
  return live.length === 0 ? undefined : { slices: live };
}
