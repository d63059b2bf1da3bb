import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import type { AccountId, AssetId, InstrumentId } from './ids.ts';
import type { SpotMarketId } from './spot-market.ts';

export type MarginMode = 'cross' | 'isolated';

/**
 * The side of a hedge-mode position. In hedge mode (Binance, Bybit and OKX allow it) an account
 * holds a long and a short on one instrument at once, each its own position with its own entry,
 * margin and bracket; absent, the account is in one-way mode: one net position per instrument.
 */
export type PositionSide = 'long' | 'short';

export interface Position {
  readonly instrument: InstrumentId;
  /** Signed number of contracts: positive long, negative short. */
  readonly size: Quantity;
  /** Hedge mode only: which of the instrument's two positions this is (its sign is the size's). */
  readonly side?: PositionSide;
  readonly entryPrice: Price;
  readonly marginMode: MarginMode;
  /** Collateral ring-fenced for an isolated position, in the instrument's settle asset. */
  readonly isolatedMargin: Amount;
  /**
   * PnL realised but not yet settled into a balance, in the settle asset (the position's quote
   * balance beyond −size × entry, as Mango, Drift and dYdX hold it): part of the position's value,
   * weighted with its unrealised PnL. Absent: 0.
   */
  readonly unsettledPnl?: Amount;
}

export type Side = 'buy' | 'sell';

export interface OpenOrder {
  /** The venue's id of the order, where the engine tracks it (amended, cancelled, filled). */
  readonly id?: string;
  readonly instrument: InstrumentId;
  readonly side: Side;
  /** Contracts still open, always positive. */
  readonly size: Quantity;
  readonly price: Price;
}

/**
 * A resting order on a spot market: `size` base units to buy or sell at `price` (quote per base).
 * The funds it locks stay in the account's balances (they are the account's until it fills).
 */
export interface SpotOrder {
  readonly market: SpotMarketId;
  readonly side: Side;
  readonly size: Quantity;
  readonly price: Price;
}

/**
 * How the account's pooled (non-isolated) positions are margined: position by position ('cross',
 * the venue's standard margin) or as one book over a scenario grid ('portfolio').
 */
export type PoolMode = 'cross' | 'portfolio';

export interface Account {
  readonly id: AccountId;
  /** Absent: cross. */
  readonly poolMode?: PoolMode;
  /** Cross-pool balances by asset; a negative balance is a borrowing. */
  readonly balances: ReadonlyMap<AssetId, Amount>;
  readonly positions: readonly Position[];
  readonly openOrders: readonly OpenOrder[];
  /** Resting spot orders, margined with the cross pool's balances; absent: none. */
  readonly spotOrders?: readonly SpotOrder[];
  /**
   * The leverage the trader chose per instrument, where the venue sets initial margin from it
   * (initial margin ≥ notional / leverage). A setting of the account, not of a position: it holds
   * before any position exists, so an order on the instrument is margined at it too.
   */
  readonly leverage?: ReadonlyMap<InstrumentId, Ratio>;
}
