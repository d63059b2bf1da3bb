import type { Price, Quantity } from '../num/fixed.ts';
import type { VolSurface } from '../pricing/vol-surface.ts';
import type { AssetId, InstrumentId } from './ids.ts';

/**
 * Prices at one instant. Asset prices are in the valuation currency (USD) and serve as each
 * underlying's index; an instrument's mark is in its own quote currency (an option's is its
 * premium). A price that is needed and missing is an input error, never zero.
 */
export interface Market {
  readonly assetPrices: ReadonlyMap<AssetId, Price>;
  readonly markPrices: ReadonlyMap<InstrumentId, Price>;
  /** The valuation instant (ms since the epoch): options' time to expiry runs from it. */
  readonly asOfMs?: number;
  /** Implied volatility surfaces by underlying, for pricing options under scenarios. */
  readonly volatility?: ReadonlyMap<AssetId, VolSurface>;
  /**
   * Risk arrays as a clearing house publishes them (a SPAN risk-parameter file), by instrument:
   * used in place of pricing the instrument's scenarios at these prices.
   */
  readonly riskArrays?: ReadonlyMap<InstrumentId, GivenRiskArray>;
  /**
   * Each market's open interest, in contracts (one side: the sum of the longs), as dYdX keeps it
   * (`Perpetual.OpenInterest`, base quantums; its contract size is one base unit). A rule scaled by
   * open interest values it at the price its own notional is measured at.
   */
  readonly openInterest?: ReadonlyMap<InstrumentId, Quantity>;
  /**
   * What the whole venue holds of each asset, in coins: every account's deposits and borrows (Mango's
   * bank `native_deposits` with its `potential_serum_tokens`, Drift's spot market deposit and borrow
   * balances). Collateral rules with a weight scale start read them.
   */
  readonly venueTotals?: ReadonlyMap<AssetId, VenueTotal>;
  /**
   * Stable prices (Mango's `StablePriceModel`: an average that follows the oracle slowly), by asset
   * (a bank's) and by perpetual (a perp market's, in its quote currency). Under a rulebook with
   * `initialAtStablePrice`, initial checks value a holding or a long at the lower of the price and
   * its stable price, a debt or a short at the higher (Mango's `Prices::asset`, `Prices::liab`).
   */
  readonly stablePrices?: ReadonlyMap<AssetId, Price>;
  readonly stableMarkPrices?: ReadonlyMap<InstrumentId, Price>;
}

export interface VenueTotal {
  readonly deposits: Quantity;
  readonly borrows: Quantity;
  /**
   * A bank's net borrows in its current window (`net_borrows_in_window`, coins, negative where
   * more was repaid) and the window's start (`last_net_borrows_window_start_ts`), for a rule with
   * a net borrow limit; absent: none yet.
   */
  readonly netBorrowsInWindow?: Quantity;
  readonly netBorrowsWindowStartMs?: number;
}

/**
 * One contract's published risk array: its loss (USD, a gain negative, SPAN's sign) in each
 * scenario of its underlying's grid, extreme scenarios already at their cover as published; and
 * its composite delta, in coins of the underlying per contract.
 */
export interface GivenRiskArray {
  readonly losses: readonly number[];
  readonly delta: number;
}
