import type { Account, MarginMode, Position, PositionSide, Side } from '../model/account.ts';
import type { AccountId, InstrumentId } from '../model/ids.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import type { Movement } from './movement.ts';

/**
 * A fill from the venue's matching engine, between a taker and a maker: the taker trades
 * `takerSide`, the maker the other side, `size` contracts at `price` (an option's premium per
 * contract). One side may be outside the venue (`external`): its account is the venue's record of
 * that counterparty (a hedge venue, a liquidity provider), holding the position so that per
 * instrument Σ sizes stays 0, and paying no fee here (its venue charges it).
 */
export interface Fill {
  readonly instrument: InstrumentId;
  readonly takerSide: Side;
  /** Contracts, positive, a multiple of the instrument's size step. */
  readonly size: Quantity;
  /** Positive, a multiple of the instrument's tick. */
  readonly price: Price;
  readonly taker: FillParty;
  readonly maker: FillParty;
  readonly external?: 'taker' | 'maker';
  /** The log's time of the fill (ms): an expired instrument takes no fill. */
  readonly timeMs: number;
  /** The underlying's index: a linear option's fee is charged on the underlying it covers. */
  readonly indexPrice?: Price;
  /** Options only: the venue's cap on a fee (or rebate) as a share of the premium, in (0, 1]
   * (Deribit 12.5 %). Absent: uncapped. */
  readonly optionFeeCap?: Ratio;
}

export interface FillParty {
  readonly account: AccountId;
  /**
   * The fee rate on the trade's value (trade-fee.ts): positive a fee, negative a rebate. A rebate
   * is paid by the fee account out of the other side's fee on the same fill: the two rates must
   * not sum below zero, so the fee account never pays out on a fill.
   */
  readonly feeRate: Ratio;
  /** Hedge mode: the position the fill trades (a sell against the long closes it); absent: the
   * account's one net position on the instrument (one-way mode). */
  readonly positionSide?: PositionSide;
  /** For a position the fill opens; an existing one keeps its own. Absent: cross. */
  readonly marginMode?: MarginMode;
  /** The resting order of this side the fill takes from, where the engine tracks it. */
  readonly orderId?: string;
}

/** The venue's own accounts a fill credits. */
export interface VenueAccounts {
  /** Receives every fee and pays every rebate. */
  readonly fees: AccountId;
  /** Keeps what does not divide evenly (an option premium's last unit). */
  readonly rounding: AccountId;
  /**
   * The instrument's PnL pool (Drift's name; a clearing house's settlement account): it pays
   * realised profit and receives realised loss. Realised PnL is not zero-sum fill by fill (a
   * close against an opening trade realises on one side only), so the pool holds exactly −Σ the
   * market's realised PnL; once every position of the market is flat it holds the rounding, ≥ 0.
   */
  readonly pnlPool: AccountId;
}

/** One side's part of a fill. */
export interface SideFill {
  /** The account after the fill: position, balances and isolated margin moved. */
  readonly account: Account;
  /** Signed contracts this side traded. */
  readonly traded: Quantity;
  readonly before: Position | undefined;
  /** Undefined when the fill closed the position. */
  readonly after: Position | undefined;
  /** The part that reduced the position: a flip is a close then an open. */
  readonly close?: FillLeg & { readonly realisedPnl: Amount };
  /** The part that opened or added to the position. */
  readonly open?: FillLeg;
  /** An option's premium received (negative: paid); 0 for a future. */
  readonly premium: Amount;
  /** The whole fee paid (negative: rebate received) = close fee + open fee. */
  readonly fee: Amount;
}

export interface FillLeg {
  /** Signed as traded. */
  readonly size: Quantity;
  /** The leg's share of the fee, by size. */
  readonly fee: Amount;
}

/** Checked in this order; the first failing check answers (STYLE.md 1). */
export const fillRejectionCodes = [
  'size_not_positive',
  'size_above_max',
  'size_off_step',
  'price_not_positive',
  'price_above_max',
  'price_off_tick',
  'instrument_expired',
  'self_trade',
  'fee_rate_above_max',
  'external_fee_rate_not_zero',
  'rebate_above_fee',
  'option_fee_cap_not_option',
  'option_fee_cap_not_positive',
  'option_fee_cap_above_one',
  'index_price_missing',
  'index_price_not_positive',
  'index_price_above_max',
  'position_side_required',
  'position_side_in_one_way_mode',
  'position_side_crossed',
  'position_above_max',
  'positions_per_account_max',
] as const;

export type FillRejectionCode = (typeof fillRejectionCodes)[number];

export interface FillRejection {
  readonly kind: 'rejected';
  readonly code: FillRejectionCode;
  /** The field at fault: `size`, `taker.feeRate`, `maker.positionSide`… */
  readonly field: string;
}

export interface FillApplied {
  readonly kind: 'filled';
  readonly taker: SideFill;
  readonly maker: SideFill;
  /** Every amount the fill moves, in order; per asset they sum to zero. */
  readonly movements: readonly Movement[];
}

export type FillOutcome = FillApplied | FillRejection;
