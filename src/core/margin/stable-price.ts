import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import type { Price } from '../num/fixed.ts';
import { max, min } from '../num/fixed.ts';
import type { RequirementKind } from './requirement-kind.ts';

/**
 * Mango's two prices per bank and perp market (health/cache.rs `Prices`): initial health values an
 * asset at min(oracle, stable) and a liability at max(oracle, stable); maintenance at the oracle.
 * Under a rulebook without `initialAtStablePrice`, one price.
 */

/** An asset's stable price where the rulebook reads one for this kind of check; else undefined. */
export function assetStablePrice(
  venue: Venue,
  prices: PriceView,
  asset: AssetId,
  kind: RequirementKind,
): Price | undefined {
  if (kind !== 'initial' || venue.rulebook.initialAtStablePrice !== true) return undefined;
  const stable = prices.stablePrices?.get(asset);
  // Input validation asks for a stable price of every asset under such a rulebook.
  assert(stable !== undefined, `no stable price for asset ${asset}`);
  return stable;
}

/** The price a check values a holding of the asset at: `Prices::asset` (held) or `liab` (owed). */
export function assetPriceFor(price: Price, stable: Price | undefined, owed: boolean): Price {
  if (stable === undefined) return price;
  return owed ? max(price, stable) : min(price, stable);
}

/**
 * A futures or perpetual's mark as a check of this kind reads it for a position of this sign: the
 * mark, or under `initialAtStablePrice` in initial the lower of mark and stable price for a long
 * (or no position), the higher for a short. Options keep their mark (a premium, not a price of the
 * underlying; Mango lists none).
 */
export function markFor(
  venue: Venue,
  prices: PriceView,
  instrument: Instrument,
  kind: RequirementKind,
  short: boolean,
): Price {
  const mark = prices.markPrice(instrument.id);
  const stable = instrumentStablePrice(venue, prices, instrument, kind);
  return assetPriceFor(mark, stable, short);
}

/** A contract's stable price where the rulebook reads one for this kind of check. */
function instrumentStablePrice(
  venue: Venue,
  prices: PriceView,
  instrument: Instrument,
  kind: RequirementKind,
): Price | undefined {
  if (kind !== 'initial' || venue.rulebook.initialAtStablePrice !== true) return undefined;
  if (instrument.kind === 'option') return undefined;
  const id: InstrumentId = instrument.id;
  const stable = prices.stableMarkPrices?.get(id);
  assert(stable !== undefined, `no stable price for instrument ${id}`);
  return stable;
}
