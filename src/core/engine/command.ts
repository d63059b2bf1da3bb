import type { Fill, FillRejectionCode } from '../ledger/fill.ts';
import type { FundingIndexRejection } from '../ledger/funding-index.ts';
import type { PriceFeed } from '../ledger/ledger-event.ts';
import type { LocationId } from '../ledger/location.ts';
import type { DatedSlice } from '../ledger/volatility-feed.ts';
import type { MarginMode, PoolMode, PositionSide, Side } from '../model/account.ts';
import type { AccountId, AssetId, InstrumentId } from '../model/ids.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import type { FundingRateBounds, PremiumFundingTerms } from '../pricing/funding-rate.ts';
import type {
  ImpactPrices,
  PremiumRejection,
  PremiumWeighting,
} from '../pricing/funding-rate-premium.ts';
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
  /** Money in or out, at `location` (ledger/location.ts; absent: the venue's own place). */
  | {
      readonly type: 'deposit' | 'withdraw';
      readonly account: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
      readonly location?: LocationId;
    }
  /** Collateral of one account from one of its places to another: pending until confirmed. */
  | {
      readonly type: 'move_collateral';
      readonly account: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
      readonly from: LocationId;
      readonly to: LocationId;
    }
  /** Trading on an instrument stops (a venue's halt) or starts again: no fill, no new order. */
  | {
      readonly type: 'halt_instrument' | 'resume_instrument';
      readonly instrument: InstrumentId;
    }
  /** The venue's confirmation that a move (the id of the command that began it) settled. */
  | { readonly type: 'settle_collateral_move'; readonly move: string }
  | {
      readonly type: 'transfer';
      readonly from: AccountId;
      readonly to: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
    }
  /**
   * A price from a feed, with the feed's own sequence number and stamp (price-guard.ts); for an
   * index computed from several sources, the source it is from (index-sources.ts).
   */
  | {
      readonly type: 'price_tick';
      readonly feed: PriceFeed;
      readonly source?: string;
      readonly sequence: number;
      readonly timeMs: number;
      readonly price: Price;
    }
  /**
   * An underlying's volatility surface from the venue's feed (decide-volatility.ts), with the
   * feed's sequence number and stamp: every slice replaces the last surface's.
   */
  | {
      readonly type: 'volatility_surface';
      readonly underlying: AssetId;
      readonly sequence: number;
      readonly timeMs: number;
      readonly slices: readonly DatedSlice[];
    }
  /**
   * The venue's matching engine could not fill what is left of a liquidation order within its
   * limit: the rulebook's loss waterfall takes it (decide-waterfall.ts).
   */
  | { readonly type: 'liquidation_unfilled'; readonly orderId: string }
  /** A fill from the venue's matching engine (fill.ts), at the log's time. */
  | ({ readonly type: 'fill' } & Omit<Fill, 'timeMs'>)
  /**
   * A perpetual's funding interval ending at `fundingMs`, at the rate the venue set for it
   * (pricing/funding-rate.ts computes one from premiums), paid at the instrument's mark.
   * `intervalMs` is the market's funding interval; a new one takes effect from this interval.
   */
  | ({
      readonly type: 'funding';
      readonly instrument: InstrumentId;
      readonly fundingMs: number;
      readonly intervalMs: number;
    } & (
      | { readonly rate: Ratio }
      /** The rate computed from the interval's premium samples (pricing/funding-rate.ts). */
      | { readonly premium: PremiumFunding }
    ))
  /**
   * A dated future or option settled at its expiry, at the venue's settlement price: a future's
   * delivery price; an option's final value, its premium at expiry in the premium's currency (the
   * quote for a linear option, the coin for an inverse one; 0 if it expired worthless).
   */
  | { readonly type: 'settle_expiry'; readonly instrument: InstrumentId; readonly price: Price }
  /**
   * Collateral into an isolated position from the cross pool (`amount` positive) or back out of it
   * (negative), in the instrument's settle asset; `side` names a hedge-mode position.
   */
  | {
      readonly type: 'move_isolated_margin';
      readonly account: AccountId;
      readonly instrument: InstrumentId;
      readonly side?: PositionSide;
      readonly amount: Amount;
    }
  /** The account's leverage on an instrument: initial margin at least notional / leverage. */
  | {
      readonly type: 'set_leverage';
      readonly account: AccountId;
      readonly instrument: InstrumentId;
      readonly leverage: Ratio;
    }
  /** The margin mode the account's next position on the instrument opens in. */
  | {
      readonly type: 'set_margin_mode';
      readonly account: AccountId;
      readonly instrument: InstrumentId;
      readonly marginMode: MarginMode;
    }
  /** An order resting on the venue's book: its worst case counts in initial margin. */
  | {
      readonly type: 'place_order';
      readonly account: AccountId;
      readonly orderId: string;
      readonly instrument: InstrumentId;
      readonly side: Side;
      readonly size: Quantity;
      readonly price: Price;
    }
  | {
      readonly type: 'amend_order';
      readonly account: AccountId;
      readonly orderId: string;
      readonly size: Quantity;
      readonly price: Price;
    }
  | { readonly type: 'cancel_order'; readonly account: AccountId; readonly orderId: string };

/** A venue's premium-and-interest funding formula applied to one interval's samples. */
export interface PremiumFunding {
  /** Oldest first; each the impact bid and ask and the index at one sampling time. */
  readonly samples: readonly ImpactPrices[];
  readonly weighting: PremiumWeighting;
  readonly terms: PremiumFundingTerms;
  readonly bounds: FundingRateBounds;
}

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
  | 'account_reserved'
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
  | 'source_not_found'
  | 'price_unreliable'
  | 'open_interest_limit'
  | 'underlying_not_found'
  | 'slice_expired'
  | 'surface_invalid'
  | 'instrument_not_found'
  | 'instrument_not_perpetual'
  | 'instrument_not_dated'
  | 'instrument_not_expired'
  | 'instrument_settled'
  | 'instrument_halted'
  | 'instrument_not_halted'
  | 'funding_interval_invalid'
  | 'funding_terms_invalid'
  | PremiumRejection['code']
  | 'price_not_positive'
  | 'price_negative'
  | 'price_above_max'
  | 'position_not_found'
  | 'position_not_isolated'
  | 'amount_zero'
  | 'leverage_invalid'
  | 'position_open'
  | 'orders_open'
  | 'location_not_found'
  | 'same_location'
  | 'move_not_found'
  | 'move_not_due'
  | 'order_id_invalid'
  | 'order_exists'
  | 'order_size_exceeded'
  | 'liquidation_limit_exceeded'
  | 'insurance_fund_short'
  | 'waterfall_not_configured'
  | 'bankruptcy_price_unavailable'
  | 'waterfall_exhausted'
  | 'order_not_found'
  | 'orders_per_account_max'
  | FillRejectionCode
  | FundingIndexRejection['code']
  | TickRefusal;
