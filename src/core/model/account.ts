import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import type { AccountId, AssetId, InstrumentId } from './ids.ts';

export type MarginMode = 'cross' | 'isolated';

export interface Position {
  readonly instrument: InstrumentId;
  /** Signed number of contracts: positive long, negative short. */
  readonly size: Quantity;
  readonly entryPrice: Price;
  readonly marginMode: MarginMode;
  /** Collateral ring-fenced for an isolated position, in the instrument's settle asset. */
  readonly isolatedMargin: Amount;
  /** The leverage the trader chose, where the venue sets initial margin from it. */
  readonly leverage?: Ratio;
}

export type Side = 'buy' | 'sell';

export interface OpenOrder {
  readonly instrument: InstrumentId;
  readonly side: Side;
  /** Contracts still open, always positive. */
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
}
