import type { PositionSide } from '../model/account.ts';
import type { BucketMode } from '../model/bucket.ts';
import type { AccountId, AssetId, InstrumentId } from '../model/ids.ts';
import type { Amount, Price, Quantity, Ratio } from '../num/fixed.ts';
import type { PositionGreeks } from '../portfolio/option-greeks.ts';
import type { PortfolioRisk } from '../portfolio/portfolio-risk.ts';
import type { CollateralLine } from './collateral-lines.ts';
import type { JointMove } from './joint-move.ts';

/** Amounts are in the valuation currency (USD) unless the name says settle asset. */
export interface PositionReport {
  readonly instrument: InstrumentId;
  /** Hedge mode: the side of the instrument's position this is (Position.side). */
  readonly side?: PositionSide;
  readonly bucket: string;
  readonly marginMode: BucketMode;
  readonly size: Quantity;
  readonly entryPrice: Price;
  readonly markPrice: Price;
  readonly underlying: AssetId;
  readonly settle: AssetId;
  /**
   * The currency its entry, mark and liquidation prices are in: the quote currency, or the
   * settle coin for an inverse option (its premium is quoted in the coin).
   */
  readonly priceCurrency: string;
  /** The instrument's price tick and size step, to print prices and sizes at. */
  readonly tickSize: Price;
  readonly sizeStep: Quantity;
  /**
   * The rulebook entry that margined it: its own symbol, `*` (the rulebook's default) or
   * `option` (the default for options) (rule-for.ts `ruleKeyFor`).
   */
  readonly marginRule: string;
  /** The account's leverage setting for it; null: none, margined at the rule's own rate. */
  readonly leverage: Ratio | null;
  /**
   * The leverage its initial margin implies: notional value / initial margin (open orders
   * apart), rounded down; null for an option or where the initial margin is zero.
   */
  readonly leverageUsed: Ratio | null;
  /** In the settle asset. */
  readonly notional: Amount;
  /** In the settle asset. */
  readonly unrealisedPnl: Amount;
  readonly unrealisedPnlValue: Amount;
  /** What it adds to its bucket's equity: a future's unrealised PnL, an option's market value. */
  readonly equityValue: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  readonly openOrderMargin: Amount;
  /**
   * The closing fee its maintenance margin includes, where the rulebook counts one in the
   * liquidation condition (taker rate × the value at the bankruptcy price, or × the notional); 0
   * where none.
   */
  readonly closingFee: Amount;
  /** The mark at which its bucket falls to maintenance, all else held; null: none. */
  readonly liquidationPrice: Price | null;
  /**
   * A future with no liquidation price whose bucket is liquidatable already: no price of it saves
   * the bucket (an inverse long beside a coin debt it can never be worth), where a null price
   * alone would read as safe. False for an option and in a portfolio bucket (no price of their own).
   */
  readonly liquidatedAtEveryPrice: boolean;
  /**
   * The mark at which its bucket's equity is zero, all else at their marks (rounded to the tick on
   * the mark's side); null: none (a linear long whose cushion outlasts a fall to zero) or an option.
   */
  readonly bankruptcyPrice: Price | null;
  /**
   * The venue's own cross liquidation price where its rulebook defines one other than xmargin's
   * (`crossLiquidationPrice`): KuCoin apportions the pool's equity to each position by its mark
   * value. Only a reference: the pool falls where `liquidationPrice` says.
   */
  readonly apportionedLiquidationPrice?: Price | null;
  /** |liquidation price − mark| / mark, rounded down (the distance never looks longer than it is). */
  readonly liquidationDistance: Ratio | null;
  /** An option's greeks on the market's surface. */
  readonly greeks?: PositionGreeks;
}

export interface BucketReport {
  readonly id: string;
  readonly marginMode: BucketMode;
  readonly collateralValue: Amount;
  /** Each balance, its value and what it counts for under the rulebook (collateral-lines.ts). */
  readonly collateral: readonly CollateralLine[];
  readonly unrealisedPnl: Amount;
  /** Σ the positions' equity values: equity = weighted collateral + this. */
  readonly positionValue: Amount;
  readonly equity: Amount;
  readonly initialEquity: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  readonly freeCollateral: Amount;
  readonly marginRatio: Ratio | null;
  readonly liquidatable: boolean;
  /** Negative equity with no maintenance requirement: owed, not liquidated (bucket-risk.ts). */
  readonly debt: Amount;
  /**
   * Under the rulebook's `liquidationEndHealth` (Mango): the health at which a liquidation that
   * has started stops, ≥ 0 (liquidation-end.ts); absent under other rulebooks.
   */
  readonly liquidationEndHealth?: Amount;
  readonly jointMoves: readonly JointMove[];
  /** A portfolio bucket's scenario risk: why its requirement is what it is. */
  readonly portfolio?: PortfolioRisk;
}

export interface RiskReport {
  readonly account: AccountId;
  /** The id of the rulebook that margined the account. */
  readonly rulebook: string;
  /** Cross equity plus each isolated bucket's equity above zero: an isolated loss stops at its margin. */
  readonly equity: Amount;
  readonly initialMargin: Amount;
  readonly maintenanceMargin: Amount;
  /** The cross pools': what the account may still commit or withdraw (per-asset pools above 0). */
  readonly freeCollateral: Amount;
  /** Any bucket below maintenance. */
  readonly liquidatable: boolean;
  readonly buckets: readonly BucketReport[];
  readonly positions: readonly PositionReport[];
}
