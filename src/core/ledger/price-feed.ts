import type { Price } from '../num/fixed.ts';

/**
 * A price feed as the ledger keeps it: the last tick accepted and the ticks held for confirmation
 * (engine/price-guard.ts decides which). One per instrument's mark and per asset's index.
 */
export interface Tick {
  readonly sequence: number;
  /** The feed's own stamp, in ms. */
  readonly timeMs: number;
  readonly price: Price;
}

export interface FeedState {
  /** The last accepted tick; undefined before the first (which no band can hold). */
  readonly last?: Tick;
  /** Ticks beyond the band, waiting for confirmation, oldest first. */
  readonly held: readonly Tick[];
  /** The highest sequence seen, accepted or held. */
  readonly sequence: number;
  /**
   * For an index computed from several sources: the log time since which too few of them have
   * been healthy (engine/index-sources.ts). Absent: reliable.
   */
  readonly unreliableSinceMs?: number;
}

export const newFeed: FeedState = { held: [], sequence: -1 };
