import type { InstrumentId } from './ids.ts';
import type { Instrument } from './instrument.ts';
import type { Rulebook } from './rulebook.ts';
import type { SpotMarket, SpotMarketId } from './spot-market.ts';

/** What does not change tick to tick: the contracts listed and the rules that margin them. */
export interface Venue {
  readonly instruments: ReadonlyMap<InstrumentId, Instrument>;
  readonly rulebook: Rulebook;
  /** The spot pairs orders may rest on; absent: none. */
  readonly spotMarkets?: ReadonlyMap<SpotMarketId, SpotMarket>;
}
