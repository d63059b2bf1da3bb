import type { PoolMode } from '../model/account.ts';
import type { AccountId, AssetId } from '../model/ids.ts';
import type { Amount } from '../num/fixed.ts';
import type { FeedState } from './price-feed.ts';

/**
 * What happened, as the ledger records it: one union, applied by `applyEvent`, replayed the same
 * way after a crash. An event is a fact, never re-checked when applied: `decide` (engine/) has
 * checked everything before it is written.
 */
export type LedgerEvent =
  | { readonly type: 'account_opened'; readonly account: AccountId; readonly poolMode: PoolMode }
  /** Money that came into the venue, to an account's cross pool. */
  | {
      readonly type: 'deposited';
      readonly account: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
    }
  /** Money that left the venue, from an account's cross pool. */
  | {
      readonly type: 'withdrawn';
      readonly account: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
    }
  /** Between two accounts' cross pools, inside the venue. */
  | {
      readonly type: 'transferred';
      readonly from: AccountId;
      readonly to: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
    }
  /**
   * A price feed's new state after a tick (price-guard.ts): `price_accepted` moves the price it
   * feeds (`mark:INSTRUMENT` an instrument's mark, `index:ASSET` an asset's price) to its last
   * tick; `price_held` holds the tick for confirmation and moves no price.
   */
  | {
      readonly type: 'price_accepted' | 'price_held';
      readonly feed: PriceFeed;
      readonly state: FeedState;
    };

/** `mark:BTCUSDT`, an instrument's mark; `index:BTC`, an asset's price (its index). */
export type PriceFeed = `mark:${string}` | `index:${string}`;

/**
 * The events one accepted command produced, with the command's id and the digest of its body: a
 * command sent again is answered from here, and the record is replayed like any other.
 */
export interface CommandRecord {
  readonly command: string;
  readonly digest: string;
  readonly events: readonly LedgerEvent[];
}
