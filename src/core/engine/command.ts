import type { PriceFeed } from '../ledger/ledger-event.ts';
import type { PoolMode } from '../model/account.ts';
import type { AccountId, AssetId } from '../model/ids.ts';
import type { Amount, Price } from '../num/fixed.ts';
import type { TickRefusal } from './price-guard.ts';

/**
 * What a client asks the engine to do. Every command carries an id: sent again with the same body
 * it is answered as the first time and has no second effect; with another body it is refused.
 * `issuedAtMs` and `timeToLiveMs` (log time) bound how late it may still be applied (SCENARIOS.md
 * S8: orders queued through an outage must not fill on a price from after they were meant for).
 */
export type Command = CommandHead & CommandBody;

export interface CommandHead {
  readonly id: string;
  readonly issuedAtMs?: number;
  readonly timeToLiveMs?: number;
}

export type CommandBody =
  | { readonly type: 'open_account'; readonly account: AccountId; readonly poolMode: PoolMode }
  | {
      readonly type: 'deposit';
      readonly account: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
    }
  | {
      readonly type: 'withdraw';
      readonly account: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
    }
  | {
      readonly type: 'transfer';
      readonly from: AccountId;
      readonly to: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
    }
  /** A price from a feed, with the feed's own sequence number and stamp (price-guard.ts). */
  | {
      readonly type: 'price_tick';
      readonly feed: PriceFeed;
      readonly sequence: number;
      readonly timeMs: number;
      readonly price: Price;
    };

/**
 * Why a command was refused: a stable snake_case code and the command field it is about. Codes
 * are tested in a fixed order, documented with `decide`; the first that fails is the answer.
 */
export interface Rejection {
  readonly code: RejectionCode;
  readonly field: string;
}

export type RejectionCode =
  | 'command_id_invalid'
  | 'command_id_reused'
  | 'command_expired'
  | 'account_exists'
  | 'account_not_found'
  | 'pool_mode_unavailable'
  | 'transfer_to_self'
  | 'asset_not_accepted'
  | 'amount_not_positive'
  | 'amount_too_large'
  | 'amount_off_unit'
  | 'insufficient_balance'
  | 'bank_limit_exceeded'
  | 'position_limit_exceeded'
  | 'initial_margin_insufficient'
  | 'price_unavailable'
  | 'feed_not_found'
  | TickRefusal;
