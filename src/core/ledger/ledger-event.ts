import type {
  MarginMode,
  OpenOrder,
  PoolMode,
  Position,
  PositionSide,
  Side,
} from '../model/account.ts';
import type { AccountId, AssetId, InstrumentId } from '../model/ids.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import type { FundingIndex } from './funding-index.ts';
import type {
  LiquidationEnd,
  LiquidationOrder,
  LiquidationPace,
  WaterfallStep,
} from './liquidation-order.ts';
import type { LocationId, PendingMove } from './location.ts';
import type { Movement } from './movement.ts';
import type { FeedState } from './price-feed.ts';
import type { VolatilityFeed } from './volatility-feed.ts';

/**
 * What happened, as the ledger records it: one union, applied by `applyEvent`, replayed the same
 * way after a crash. An event is a fact, never re-checked when applied: `decide` (engine/) has
 * checked everything before it is written.
 */
export type LedgerEvent =
  | { readonly type: 'account_opened'; readonly account: AccountId; readonly poolMode: PoolMode }
  /** Money that came into the venue, to an account's cross pool, held at `location` (absent: home). */
  | {
      readonly type: 'deposited';
      readonly account: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
      readonly location?: LocationId;
    }
  /** Money that left the venue, from an account's cross pool, from `location` (absent: home). */
  | {
      readonly type: 'withdrawn';
      readonly account: AccountId;
      readonly asset: AssetId;
      readonly amount: Amount;
      readonly location?: LocationId;
    }
  /** Collateral leaving one place of an account for another (location.ts), pending until settled. */
  | ({ readonly type: 'collateral_move_started'; readonly move: string } & PendingMove)
  /** The venue confirmed the move: the collateral is held at its destination. */
  | { readonly type: 'collateral_move_settled'; readonly move: string; readonly account: AccountId }
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
   * tick; `price_held` holds the tick for confirmation and moves no price. A source of an index
   * computed from several (`index:BTC@okx`, engine/index-sources.ts) moves no price itself: its
   * tick is a `price_held` naming the sources the index then left out (the alert), and the index
   * follows as its own event.
   */
  | {
      readonly type: 'price_accepted' | 'price_held';
      readonly feed: PriceFeed;
      readonly state: FeedState;
      readonly excluded?: readonly SourceExcluded[];
      /**
       * The price margin takes, where the mark's basis cap moved it from the feed's last tick
       * (engine/mark-basis.ts).
       */
      readonly applied?: Price;
    }
  /** An underlying's volatility surface, as its feed set it (engine/decide-volatility.ts). */
  | ({ readonly type: 'volatility_set'; readonly underlying: AssetId } & VolatilityFeed)
  /**
   * A fill from the venue's matching engine (apply-fill.ts), recorded as its outcome: each side's
   * position after it and every amount it moved (fees, realised PnL, premium, rounding), so a
   * replay gives the same books whatever later builds compute.
   */
  | {
      readonly type: 'filled';
      readonly instrument: InstrumentId;
      readonly taker: AccountId;
      readonly maker: AccountId;
      readonly takerSide: Side;
      readonly size: Quantity;
      readonly price: Price;
      readonly positions: readonly PositionChange[];
      readonly movements: readonly Movement[];
    }
  /**
   * One funding interval of a perpetual: its index after accruing `rate` at `price`, every
   * holder paid against it (funding-settlement.ts), each position's carry below one unit; an
   * isolated position's payment moves its margin (`positions`, as a fill's do).
   */
  | {
      readonly type: 'funding_paid';
      readonly index: FundingIndex;
      readonly rate: Ratio;
      readonly price: Price;
      readonly carries: readonly FundingCarry[];
      readonly positions: readonly PositionChange[];
      readonly movements: readonly Movement[];
    }
  /**
   * An account's margin state changed with the command's other events (margin-state.ts): the
   * state it is in after them, with the figures that put it there.
   */
  | {
      readonly type: 'margin_state_changed';
      readonly account: AccountId;
      readonly state: MarginState;
      readonly equity: Amount;
      readonly initialMargin: Amount;
      readonly maintenanceMargin: Amount;
    }
  /** Collateral into (positive) or out of (negative) an isolated position, from or to cross. */
  | {
      readonly type: 'isolated_margin_moved';
      readonly account: AccountId;
      readonly instrument: InstrumentId;
      readonly side?: PositionSide;
      /** The instrument's settle asset, the one the cross pool pays or receives. */
      readonly asset: AssetId;
      readonly amount: Amount;
    }
  | {
      readonly type: 'leverage_set';
      readonly account: AccountId;
      readonly instrument: InstrumentId;
      readonly leverage: Ratio;
    }
  | {
      readonly type: 'margin_mode_set';
      readonly account: AccountId;
      readonly instrument: InstrumentId;
      readonly marginMode: MarginMode;
    }
  /** An order now resting on the book, with the venue's id. */
  | { readonly type: 'order_placed'; readonly account: AccountId; readonly order: OpenOrder }
  /** An order's new open size and price (a fill of part of it, or the trader's amendment). */
  | {
      readonly type: 'order_amended';
      readonly account: AccountId;
      readonly orderId: string;
      readonly size: Quantity;
      readonly price: Price;
    }
  /** An order off the book: cancelled, or filled in full. */
  | { readonly type: 'order_removed'; readonly account: AccountId; readonly orderId: string }
  /**
   * The venue's rules the events after it were decided under: the SHA-256 of the venue's files
   * (instruments, rulebook, places) as the engine was started with them. A log replayed under
   * other rules would not give the same answers. `rules`: those rules themselves, as the shell
   * wrote them (a text the core never reads), so the log alone can be margined again.
   */
  | { readonly type: 'venue_set'; readonly digest: string; readonly rules?: string }
  /**
   * A bucket below maintenance: the engine cancelled its open orders (`order_removed` before this)
   * and emits a liquidation order for the venue's matching engine.
   */
  | {
      readonly type: 'liquidation_ordered';
      readonly order: LiquidationOrder;
      /** The account's pace after it. */
      readonly pace: LiquidationPace;
    }
  /** A fill of part of a liquidation order: `size` contracts of it are left. */
  | {
      readonly type: 'liquidation_reduced';
      readonly account: AccountId;
      readonly orderId: string;
      readonly size: Quantity;
    }
  /** A liquidation order no longer outstanding, and why. */
  | {
      readonly type: 'liquidation_ended';
      readonly account: AccountId;
      readonly orderId: string;
      readonly reason: LiquidationEnd;
    }
  /**
   * A liquidation order's position the book could not absorb, taken at its bankruptcy price by a
   * backstop or by auto-deleveraging an opposite position (engine/decide-waterfall.ts); the
   * `filled` event after it moves the positions and the cash.
   */
  | {
      readonly type: 'waterfall_step';
      readonly step: WaterfallStep;
      readonly account: AccountId;
      readonly orderId: string;
      readonly counterparty: AccountId;
      readonly size: Quantity;
      readonly price: Price;
      /** Auto-deleveraging: the counterparty is not liquidated before this log time (S5). */
      readonly graceUntilMs?: number;
    }
  /**
   * A bucket that owed with nothing left to liquidate, paid by the insurance fund
   * (liquidation/debt-cover.ts): the fund's movements to the account's balances.
   */
  | {
      readonly type: 'debt_covered';
      readonly account: AccountId;
      readonly bucket: string;
      readonly movements: readonly Movement[];
    }
  /** Trading on the instrument stopped, or started again. */
  | { readonly type: 'instrument_halted' | 'instrument_resumed'; readonly instrument: InstrumentId }
  /** A dated future or option settled at expiry: every position closed at `price`. */
  | {
      readonly type: 'expiry_settled';
      readonly instrument: InstrumentId;
      readonly price: Price;
      readonly positions: readonly PositionChange[];
      readonly movements: readonly Movement[];
    };

/**
 * What an account's margin says of it, the worst that holds: below maintenance in any bucket
 * (`liquidatable`); else a bucket's margin ratio at or above the rulebook's warning level
 * (`liquidation_warning`: `Rulebook.liquidationWarning`); else below initial margin
 * (`margin_call`: it may not add risk or take money out); else `healthy`.
 */
export type MarginState = 'healthy' | 'margin_call' | 'liquidation_warning' | 'liquidatable';

/** The margin states from the best to the worst. */
export const marginStates: readonly MarginState[] = [
  'healthy',
  'margin_call',
  'liquidation_warning',
  'liquidatable',
];

/** A position as an event left it: `after` absent when the event closed it. */
export interface PositionChange {
  readonly account: AccountId;
  readonly instrument: InstrumentId;
  /** Hedge mode's side; absent: the one-way position. */
  readonly side?: PositionSide;
  readonly after?: Position;
}

/** Funding owed to a position and not yet paid, below one unit (funding-settlement.ts). */
export interface FundingCarry {
  readonly account: AccountId;
  readonly side?: PositionSide;
  /** At 10^72; 0 is not listed. */
  readonly carry: bigint;
}

/** `mark:BTCUSDT`, an instrument's mark; `index:BTC`, an asset's price (its index). */
export type PriceFeed = `mark:${string}` | `index:${string}`;

/** A source an index left out, and why (engine/index-sources.ts). */
export interface SourceExcluded {
  readonly source: string;
  readonly reason: 'silent' | 'stale' | 'at_bound' | 'deviating';
}

/**
 * The events one accepted command produced, with the command's id and the digest of its body: a
 * command sent again is answered from here, and the record is replayed like any other.
 */
export interface CommandRecord {
  readonly command: string;
  readonly digest: string;
  readonly events: readonly LedgerEvent[];
}
