import { type Amount, fixed, ONE, type Price, type Quantity, type Ratio } from '../num/fixed.ts';
import type { VolShock } from '../pricing/vol-shock.ts';
import type { AccountId, AssetId, InstrumentId } from './ids.ts';

/** A band of holding value (in the valuation currency) and the weights applied to the part in it. */
export interface CollateralTier {
  readonly upTo: Amount | null;
  readonly initialWeight: Ratio;
  readonly maintenanceWeight: Ratio;
}

export interface CollateralRule {
  readonly tiers: readonly CollateralTier[];
  /** Present only where the asset may be borrowed; a liability is valued at price × weight (≥ 1). */
  readonly liabilityInitialWeight?: Ratio;
  readonly liabilityMaintenanceWeight?: Ratio;
  /**
   * A wrapped or staked token (wBETH, stETH, a liquid staking token): one unit redeems for `rate`
   * of `asset`, so it is valued at no more than that, whatever its own index says
   * (engine/redemption-cap.ts, SCENARIOS.md S2): a pump of its market cannot lend against more
   * than it redeems for, and a real discount is followed.
   */
  readonly redemption?: { readonly asset: AssetId; readonly rate: Ratio };
  /**
   * The asset's smallest unit (dYdX's quote quantum, 0.000001 USDC; an exchange's wallet
   * precision). Where given, a balance counts in whole units (rounded down), and a requirement in
   * this settle asset is rounded up to it, a position's value down, at the step the rule says.
   */
  readonly unit?: Amount;
  /**
   * Drift's spot IMF: the weights follow the holding's size in coins, both kinds,
   *   asset weight ≤ 1.1 / (1 + imfFactor × √size),  liability weight ≥ 0.8 w + imfFactor × √size
   * (protocol-v2 `calculate_size_discount_asset_weight`, `calculate_size_premium_liability_weight`).
   */
  readonly imfFactor?: Ratio;
  /**
   * Venue-wide limits (USD): once the venue's total deposits of the asset are worth more, initial
   * asset weights scale by start / deposits value; once its borrows are, the initial liability
   * weight by borrows value / start (Mango's deposit_ and borrow_weight_scale_start_quote, Drift's
   * scale_initial_asset_weight_start). The totals are market data (`Market.venueTotals`).
   */
  readonly depositWeightScaleStart?: Amount;
  readonly borrowWeightScaleStart?: Amount;
  /**
   * Mango's maintenance weight shift (a bank's `maint_weight_shift_start`, `_end`,
   * `_asset_target`, `_liab_target`): governance moves the maintenance weights linearly over time;
   * one tier only. Read at the market's valuation time (`Market.asOfMs`).
   */
  readonly maintenanceWeightShift?: MaintenanceWeightShift;
  /**
   * Mango's bank `deposit_limit`, in coins: a deposit that takes the venue's deposits of the asset
   * (`Market.venueTotals`, with the coins its spot orders may receive) to it is refused.
   */
  readonly depositLimit?: Quantity;
  /**
   * Mango's net borrow limit: a borrowing that takes the window's net borrows, valued at the
   * higher of price and stable price, past `perWindow` (USD) is refused.
   */
  readonly netBorrowLimit?: NetBorrowLimit;
  /**
   * A borrow cap (Aave's `borrowCap`), in coins: a borrowing that takes every account's borrows of
   * the asset together (`Market.venueTotals`) past it is refused (S17: no one borrows 92M of a
   * thin token).
   */
  readonly borrowLimit?: Quantity;
  /** Mango's `loan_origination_fee_rate`: charged on a new borrowing, which it adds to. */
  readonly loanOriginationFeeRate?: Ratio;
}

/**
 * A bank's `net_borrow_limit_per_window_quote` (USD) and `net_borrow_limit_window_size_ts`: net
 * borrows (borrowed less repaid) count from the window's start; a new window starts from zero.
 */
export interface NetBorrowLimit {
  readonly perWindow: Amount;
  readonly windowMs: number;
}

/**
 * From `startMs` to `endMs` the maintenance asset weight moves from the tier's to `assetTarget`
 * and the maintenance liability weight from the rule's to `liabilityTarget`, linearly in time;
 * at or before the start the listed weights hold, at or after the end the targets
 * (`Bank::maint_weights`).
 */
export interface MaintenanceWeightShift {
  readonly startMs: number;
  readonly endMs: number;
  readonly assetTarget: Ratio;
  readonly liabilityTarget: Ratio;
}

/**
 * How much of a contract's positive value (unrealised plus unsettled PnL) counts: × the weight of
 * the kind, and for initial × Drift's size discount min(1, 1.1 / (1 + imfFactor × √value in USD))
 * where given. A loss counts in full. Options' market value is not PnL and is never weighted.
 */
export interface ProfitWeight {
  readonly initialWeight: Ratio;
  readonly maintenanceWeight: Ratio;
  readonly imfFactor?: Ratio;
}

/** The rulebook's weight on positive PnL, and the instruments that have their own. */
export interface UnrealisedProfitRule extends ProfitWeight {
  readonly instruments: ReadonlyMap<InstrumentId, ProfitWeight>;
}

export interface Bracket {
  /**
   * Notional (settle asset), or contracts (`TierMeasure`), above which this bracket starts; the
   * previous bracket's cap.
   */
  readonly floor: Amount;
  /**
   * null: unbounded. A cap on the last bracket is the largest position the venue allows: an order
   * beyond it is refused (`position_limit_exceeded`), a position already beyond it (the mark moved)
   * is margined at the last bracket.
   */
  readonly cap: Amount | null;
  readonly maxLeverage: Ratio;
  readonly maintenanceRate: Ratio;
  /** Replaces 1 / leverage where a venue publishes an initial rate. */
  readonly initialRate?: Ratio;
  /** Derived from the brackets so that maintenance margin is continuous in notional. */
  readonly maintenanceAmount: Amount;
}

/**
 * The price at which a future's or perpetual's requirement notional is measured: its own mark, or
 * the index (the underlying asset's price), as Deribit margins its linear perpetuals, or the
 * position's entry price (Bybit's USDT and KuCoin's and Phemex's isolated formulas: "Position Value
 * = Contract Size × Entry Price"), which then also fixes where its liquidation price lies. PnL is
 * at the mark either way. Absent: the mark, so a liquidation price is solved with the requirement
 * measured at that price itself (Binance, OKX, Gate).
 */
export type MarginPrice = 'mark' | 'index' | 'entry';

/**
 * What a bracket's cap bounds: the position's notional (Binance, Bybit), or its size in contracts
 * (OKX's position tiers, "the unit is contracts"). By contracts, the tier's rate applies to the
 * whole position (no maintenance amount), as OKX applies it.
 */
export type TierMeasure = 'notional' | 'contracts';

export interface BracketsRule {
  readonly kind: 'brackets';
  /** Every tier, the continued ones (`continued`) included. */
  readonly brackets: readonly Bracket[];
  readonly marginPrice?: MarginPrice;
  /** Absent: notional. */
  readonly tierBy?: TierMeasure;
  /** Where the venue publishes a rule that continues its listed tiers; absent: all are listed. */
  readonly continued?: ContinuedTiers;
}

/**
 * A venue's rule for the tiers after its listed ones (OKX: "Increase by 6000 conts from the
 * previous tier", "Increase by 0.5% from the previous tier" for the maintenance and the initial
 * rate, "Max. leverage of the tier"). `capStep` is in the table's measure (contracts or notional).
 * `tiersMax`: the venue's last tier number (its position limit); absent, the tiers go on while the
 * initial rate stays at or below 1 (margin/brackets.ts `continueBrackets`).
 */
export interface TierContinuation {
  readonly capStep: Amount;
  readonly maintenanceRateStep: Ratio;
  readonly initialRateStep: Ratio;
  readonly tiersMax?: number;
}

/** The continuation as read, with how many of the table's tiers were listed before it. */
export interface ContinuedTiers extends TierContinuation {
  readonly listedTiers: number;
}

export interface MaxLeverageRule {
  readonly kind: 'max-leverage';
  readonly maxLeverage: Ratio;
  readonly marginPrice?: MarginPrice;
}

export type SizePremium =
  | { readonly curve: 'sqrt'; readonly imfFactor: Ratio }
  | { readonly curve: 'linear'; readonly ratePerUnit: Ratio; readonly appliesTo: PremiumScope }
  | {
      readonly curve: 'stepped';
      readonly baselineSize: Ratio;
      readonly stepSize: Ratio;
      readonly ratePerStep: Ratio;
      readonly appliesTo: PremiumScope;
    };

export type PremiumScope = 'both' | 'initial';

export interface SizePremiumRule {
  readonly kind: 'size-premium';
  readonly initialRate: Ratio;
  readonly maintenanceRate: Ratio;
  readonly premium: SizePremium;
  readonly marginPrice?: MarginPrice;
}

/**
 * Standard (non-portfolio) margin of an option, per contract, in the settle asset, with U the
 * underlying a contract covers (contractSize coins for an inverse option, contractSize × index in
 * quote for a linear one) and OTM the out-of-the-money amount as a fraction of the index:
 *   short call: IM = max(initialRate − OTM, initialFloor)·F·U + mark;  MM = maintenanceRate·F·U + mark
 *   short put:  IM = max(the same, MM);                                MM = maintenanceRate·F·U + mark
 *   long:       nothing (the premium is paid in full).
 * F is the margin factor (OKX's, by position tier; 1 at Deribit). Deribit's schedule is
 * (0.15, 0.10, 0.075); OKX's is the same shape with (b, a, c) = (0.15, 0.10, 0.03 or 0.05).
 */
export interface OptionStandardRule {
  readonly kind: 'option-standard';
  readonly initialRate: Ratio;
  readonly initialFloor: Ratio;
  readonly maintenanceRate: Ratio;
  readonly marginFactor: Ratio;
}

/**
 * dYdX v4's liquidity tier (x/perpetuals `LiquidityTier`), with its own arithmetic in ppm:
 *   base IM   = notional × initialRate, rounded up to the settle unit
 *   MM        = base IM × maintenanceFraction, rounded up to the unit (never scaled by OI)
 *   IM        = notional × max(OI-scaled rate, the account's leverage rate), rounded up to the unit
 * where the OI-scaled rate rises linearly from initialRate at `openInterestLowerCap` to 1 at
 * `openInterestUpperCap`, its increase rounded down to a whole ppm (`GetAdjustedInitialMarginPpm`),
 * and notional is truncated to the unit. Rates are whole ppm.
 */
export interface LiquidityTierRule {
  readonly kind: 'liquidity-tier';
  readonly initialRate: Ratio;
  readonly maintenanceFraction: Ratio;
  /** The market's open interest, as a notional in the settle asset; absent: no OI scaling. */
  readonly openInterestCaps?: { readonly lower: Amount; readonly upper: Amount };
  readonly marginPrice?: MarginPrice;
}

export type MarginRule =
  | BracketsRule
  | MaxLeverageRule
  | SizePremiumRule
  | OptionStandardRule
  | LiquidityTierRule;

/** Whether the asset's weights follow the venue's totals of it (Mango's scale starts). */
export function scalesWithVenueTotals(rule: CollateralRule): boolean {
  return rule.depositWeightScaleStart !== undefined || rule.borrowWeightScaleStart !== undefined;
}

/** Whether the rule's initial margin rises with its market's open interest (dYdX's OIMF). */
export function scalesWithOpenInterest(rule: MarginRule): boolean {
  return rule.kind === 'liquidity-tier' && rule.openInterestCaps !== undefined;
}

/** Whether any of the rulebook's contract rules scales with open interest. */
export function anyScalesWithOpenInterest(rulebook: Rulebook): boolean {
  const rules = [
    ...rulebook.instruments.values(),
    ...(rulebook.defaultRule ? [rulebook.defaultRule] : []),
  ];
  return rules.some(scalesWithOpenInterest);
}

/** Whether the rule measures a contract's requirement notional at the index (else at the mark). */
export function isMarginedAtIndex(rule: MarginRule): boolean {
  return rule.kind !== 'option-standard' && rule.marginPrice === 'index';
}

/** Whether the rule measures a contract's requirement notional at the position's entry price. */
export function isMarginedAtEntry(rule: MarginRule): boolean {
  return rule.kind !== 'option-standard' && rule.marginPrice === 'entry';
}

/**
 * The taker fee of closing a position, where the venue reserves it (the fee its liquidation would
 * pay), valued at the position's bankruptcy price (`bankruptcy`: Bybit's "Estimated Fee to Close
 * Position", Phemex's "Fee to Close Position") or on the requirement notional itself
 * (`notional`: OKX's "liquidation fee", Gate's and KuCoin's `MMR + taker fee rate`).
 * `inMaintenance`: the fee counts in the liquidation condition (equity < MM + fee), and a
 * position's maintenance margin includes it; `inInitial`: it is added to the margin an order or
 * position is assigned (Phemex's order cost), valued at the bankruptcy price of a position holding
 * exactly its initial margin (entry × (1 ∓ IMR)).
 */
export interface ClosingFeeRule {
  readonly takerRate: Ratio;
  readonly valuedAt: 'bankruptcy' | 'notional';
  readonly inMaintenance: boolean;
  readonly inInitial: boolean;
}

/**
 * The cross liquidation price a venue reports beside the one where the pool really falls (each
 * other position held at its mark): `apportioned` gives each position the share of the pool's
 * equity its mark value is of all of them, and solves it as an isolated position (KuCoin: "AMR =
 * Total Margin in Cross Margin Mode / ∑abs(Mark Value)").
 */
export type CrossLiquidationPrice = 'apportioned';

/**
 * How cross positions pool collateral: one pool valued in USD across every asset (a unified or
 * multi-asset account), or one pool per settle asset, each margined only by its own coin (Binance
 * COIN-M, Bybit inverse).
 */
export type CrossPool = 'unified' | 'per-settle-asset';

export interface Rulebook {
  readonly id: string;
  readonly name: string;
  readonly crossPool: CrossPool;
  readonly collateral: ReadonlyMap<AssetId, CollateralRule>;
  readonly instruments: ReadonlyMap<InstrumentId, MarginRule>;
  /** The rule for instruments the rulebook does not name ("*" in the file). */
  readonly defaultRule?: MarginRule;
  /** Options the rulebook does not name ("option" in the file). */
  readonly defaultOptionRule?: OptionStandardRule;
  /** The closing fee the venue reserves for futures and perpetuals; absent: none. */
  readonly closingFee?: ClosingFeeRule;
  /** The venue's own cross liquidation price, reported beside xmargin's; absent: none. */
  readonly crossLiquidationPrice?: CrossLiquidationPrice;
  /** How an account in portfolio mode is margined; absent: the venue offers no portfolio mode. */
  readonly portfolio?: PortfolioRule;
  /** The weight on positive PnL; absent: PnL counts in full. */
  readonly unrealisedProfit?: UnrealisedProfitRule;
  /**
   * Mango's health: each contract's health (its value less its requirement, a positive one × its
   * profit weight) is added to its settle asset's balance before that asset's collateral or
   * liability weight applies, so a perp's loss is owed at the settle asset's liability weight.
   */
  readonly contractHealthInSettleAsset?: boolean;
  /**
   * true: a bucket is liquidatable only while it has a maintenance requirement (dYdX v4: "if-and-
   * only-if the maintenance margin requirement is non-zero and greater than the net collateral"); its
   * negative equity with none is a debt to settle. Absent or false: equity below maintenance,
   * zero included, is liquidatable.
   */
  readonly liquidationNeedsMargin?: boolean;
  /**
   * The margin ratio (a bucket's maintenance margin over its equity, as Binance states it:
   * liquidated at 100 %) at and above which a bucket not yet liquidatable puts its account in
   * `liquidation_warning`, so the trader is told while there is still room to act. Between 0 and
   * 1, exclusive. Absent: no warning state.
   */
  readonly liquidationWarning?: Ratio;
  /**
   * How the venue liquidates a bucket below maintenance (engine/liquidation.ts). Absent: the
   * engine reports margin states and liquidates nothing (a desk watching another venue's
   * accounts); a figure that needs a rule then takes `defaultLiquidationRule`.
   */
  readonly liquidation?: LiquidationRule;
  /**
   * Assets whose index the venue computes from several sources (engine/index-sources.ts), each
   * source a feed of its own; an asset not named takes its index from one feed, as it is given.
   */
  readonly index?: ReadonlyMap<AssetId, IndexRule>;
  /**
   * The largest basis a perpetual's or future's mark may keep from its index, as a fraction
   * (engine/mark-basis.ts): a mark tick beyond it is applied at the band's edge. Absent: marks
   * as the feed sends them.
   */
  readonly markBasisCap?: Ratio;
  /**
   * The largest open interest (contracts held long, venue-wide) a market may reach through new
   * orders (engine/decide-order.ts, S16): a venue sets it from the market's depth, so that no
   * build-up outgrows what a liquidation could sell into. Absent for a market: no limit.
   */
  readonly openInterestLimits?: ReadonlyMap<InstrumentId, Quantity>;
  /**
   * dYdX v4's net collateral: the chain keeps no entry price, so a linear future's or perpetual's
   * value is its quote balance (−size × contractSize × entry, plus its unsettled PnL, rounded down
   * to the settle unit) plus its signed notional at the mark truncated toward zero to the unit
   * (`GetNetNotionalInQuoteQuantums`), computed from the exact product. Absent or false: the
   * unrealised PnL plus the unsettled, rounded down to the unit.
   */
  readonly netNotionalValue?: boolean;
  /**
   * Mango's liquidation-end health: once liquidation starts it goes on until the health at the
   * initial weights, unscaled by the venue's totals, at the oracle (no stable price) is ≥ 0
   * (`HealthType::LiquidationEnd`); the report gives each bucket that figure. Absent or false:
   * none reported.
   */
  readonly liquidationEndHealth?: boolean;
  /**
   * Mango's init health: initial checks value a holding, and a futures or perpetual position that
   * is long, at the lower of its price and its stable price (`Market.stablePrices`,
   * `stableMarkPrices`), a debt or a short at the higher; venue-total weight scaling values the
   * totals at the higher (`Prices::asset`, `Prices::liab`, `new_health_cache`). Maintenance stays
   * at the price. Absent or false: one price.
   */
  readonly initialAtStablePrice?: boolean;
  /**
   * Open orders on contracts count in maintenance too, at the worse of all buys or all sells
   * filling (Mango counts them in every health type); absent or false: in initial only.
   */
  readonly openOrdersInMaintenance?: boolean;
  /**
   * An open order on a contract is taken to fill at the mark (Mango's oracle: bids at
   * `Prices::liab`, asks at `Prices::asset`, so at the worse of mark and stable price in initial
   * health under `initialAtStablePrice`), whatever its own price; absent or false: at its own
   * price where that is worse than the mark.
   */
  readonly openOrdersFilledAtMark?: boolean;
}

/**
 * A scenario grid per underlying: every price move with every volatility shock, plus extreme moves
 * of which only `extremeCover` of the loss counts (SPAN: 2× the range at 35 %). Moves are fractions
 * of the underlying's price; a shock moves the whole volatility surface (see pricing/vol-shock.ts).
 */
export interface ScenarioGrid {
  readonly priceMoves: readonly number[];
  readonly volShocks: readonly VolShock[];
  readonly extremeMoves: readonly number[];
  readonly extremeCover: number;
  /** The volatility shock applied with the extreme moves. */
  readonly extremeVolShock: VolShock;
  /** Time the scenarios look ahead (SPAN: one day), decaying options' time value. */
  readonly lookaheadYears: number;
  /**
   * Deribit's roll shock: × the coins every futures and perpetual position covers, matched or not
   * (its `min_annualised_move`, 0.01 for BTC, 0.005 for ETH).
   */
  readonly rollShockRate: number;
  /**
   * SPAN's price scan ranges by expiry, nearest first, the last unbounded. Where given, the moves
   * are multiples of each contract's own range (SPAN's 0, ±⅓, ±⅔, ±1 and the extreme ±2) instead
   * of fractions of price, so contracts of one underlying move by their own ranges in a scenario.
   */
  readonly scanRanges?: readonly ScanRange[];
}

/**
 * A price scan range for the contracts expiring within `upToDays` (perpetuals and spot take the
 * first): a fraction of price, or an amount (USD) per contract as risk-parameter files state it.
 */
export interface ScanRange {
  readonly upToDays: number | null;
  readonly range: { readonly fraction: number } | { readonly perContract: number };
}

/**
 * How the charges of one underlying add up:
 * - span: MM = max(scan + calendar + basis + delta shock, short-option minimum, contract floor),
 *   scan the worst loss over all scenarios, the extreme ones at their cover;
 * - okx: MM = max(max(MR1, MR6) + MR4, MR7) with MR1 the worst regular scenario, MR6 the worst
 *   extreme one at its cover, MR4 the basis risk (here the basis and calendar charges) and MR7 the
 *   contract floor (OKX's minimum charge). OKX's MR2 (theta), MR3 (vega term structure), MR5
 *   (rates), MR8 (borrowing) and MR9 (correlation) are not modelled.
 */
export type PortfolioAggregation = 'span' | 'okx';

/**
 * A SPAN inter-commodity spread between two underlyings' books. Spreads are formed from deltas of
 * opposite sign, `deltaPerSpread` coins of each underlying per spread (SPAN's ratio), as many as the
 * smaller remaining delta allows, in the rulebook's order (SPAN's priority). Each leg is credited its
 * rate × the spread's share of its weighted price risk (scan loss ÷ |net delta|, SPAN's WPR), so a
 * credit grows with the matched delta and never exceeds the leg's own scan loss.
 */
export interface UnderlyingOffset {
  readonly underlyings: readonly [AssetId, AssetId];
  readonly deltaPerSpread: readonly [Ratio, Ratio];
  /** The credit rate of each leg (SPAN's inter rate; per leg, as CME allows). */
  readonly credit: readonly [Ratio, Ratio];
}

/**
 * SPAN's intra-commodity spread charge: a flat amount (USD) per spread between two tiers of
 * expiries of one underlying, spreads formed from opposite-signed tier deltas of `deltaPerSpread`
 * coins each, in the rulebook's order.
 */
export interface CalendarSpread {
  /** Indexes into `expiryTiers`. */
  readonly tiers: readonly [number, number];
  readonly deltaPerSpread: Ratio;
  readonly chargePerSpread: Amount;
}

/** A tier of expiries: the contracts expiring within `upToDays` of now and after the tier before. */
export interface ExpiryTier {
  readonly upToDays: number | null;
}

export interface PortfolioRule {
  readonly aggregation: PortfolioAggregation;
  readonly grid: ScenarioGrid;
  readonly gridByUnderlying: ReadonlyMap<AssetId, ScenarioGrid>;
  /** Spot balances of an underlying are scanned with its contracts (a spot hedge counts). */
  readonly scanSpot: boolean;
  /** × the notional matched between perpetuals (and spot) and dated futures. */
  readonly basisRate: Ratio;
  /** × the notional matched between dated futures of different expiries. */
  readonly calendarRate: Ratio;
  /** × the absolute net delta (USD) of each underlying. */
  readonly deltaShockRate: Ratio;
  /** × the underlying notional of each short option contract. */
  readonly shortOptionMinimumRate: Ratio;
  /** × the underlying notional of every contract: the least any position costs. */
  readonly contractFloorRate: Ratio;
  readonly offsets: readonly UnderlyingOffset[];
  /** Tiers of expiries for `calendarSpreads`, nearest first, the last unbounded; may be empty. */
  readonly expiryTiers: readonly ExpiryTier[];
  /** Flat charges per calendar spread, beside `calendarRate`; may be empty. */
  readonly calendarSpreads: readonly CalendarSpread[];
  /**
   * SPAN's delivery (spot-month) risk: × the underlying value of every contract expiring within
   * `withinDays` of the valuation time; absent: none.
   */
  readonly delivery?: { readonly withinDays: number; readonly rate: Ratio };
  /** MM = the risk (worst loss + add-ons, after credits) × this: Deribit's mm_factor 0.8; else 1. */
  readonly maintenanceFactor: Ratio;
  /** IM = MM × this (≥ 1). */
  readonly initialToMaintenance: Ratio;
}

/**
 * How a venue liquidates (src/core/liquidation): each step's size, its order's limit price and
 * the fee it pays the insurance fund.
 */
export interface LiquidationRule {
  /** A step brings the bucket back to maintenance margin × (1 + buffer): 0 or more. */
  readonly buffer: Ratio;
  /** A position worth this much or less, in its settle asset, is closed whole: 0 or more. */
  readonly minNotional: Amount;
  /** The largest share of a position one step closes: above 0, at most 1. */
  readonly maxPortion: Ratio;
  /** The liquidation fee, a share of the fill's value, to the insurance fund: 0 to 1. */
  readonly feeRate: Ratio;
  /** dYdX's bankruptcy adjustment: how fast the limit leaves the mark below maintenance; ≥ 1. */
  readonly bankruptcyAdjustment: Ratio;
  /** The widest spread of the limit from the mark, a share of the position's MM: above 0, ≤ 1. */
  readonly spreadToMaintenance: Ratio;
  /** Log time (ms) after an account's step is ordered before its next one; absent: none. */
  readonly coolDownMs?: number;
  /**
   * The block of time (ms) over which `maxBlockValue` bounds what an account has liquidated
   * (dYdX v4's per-block subaccount limit); both or neither.
   */
  readonly blockMs?: number;
  /** The most an account may have ordered liquidated in one block: value at the mark, USD. */
  readonly maxBlockValue?: Amount;
  /**
   * What takes a position the book cannot absorb (engine/decide-waterfall.ts); absent: nothing,
   * the order stays with the book and the insurance fund covers any fill, even below zero.
   */
  readonly waterfall?: Waterfall;
}

/**
 * The loss waterfall after the book: the insurance fund covers a fill worse than bankruptcy only
 * from what it holds above `fundFloor`; a position the book cannot absorb within its order's
 * limit (or whose fill the fund could not cover) goes to the backstops in order, then to
 * auto-deleveraging, each at the bankruptcy price.
 */
export interface Waterfall {
  /** The fund's balance (USD at its asset's price) below which it covers nothing: 0 or more. */
  readonly fundFloor: Amount;
  /** In the order they are asked; each account at most once. */
  readonly backstops: readonly Backstop[];
  /** Absent: no auto-deleveraging; what the backstops cannot take stays with the book. */
  readonly autoDeleverage?: AutoDeleverage;
}

/** An account that takes over liquidated positions at their bankruptcy price (Bybit's, Deribit's
 * backstop liquidity providers), while it stays at or above initial margin. */
export interface Backstop {
  readonly account: AccountId;
  /** The most it may hold on one market, |size| valued at the mark in USD: above 0. */
  readonly maxValue: Amount;
}

export interface AutoDeleverage {
  readonly ranking: AutoDeleverageRanking;
  /**
   * Log time (ms) after being deleveraged during which an account is not liquidated: it is told
   * and may add margin (SCENARIOS.md S5: a market maker's hedge taken from it must not make it the
   * next liquidation at once). 0 or more.
   */
  readonly graceMs: number;
}

/** How auto-deleveraging ranks the positions it closes (liquidation/deleverage-ranking.ts). */
export type AutoDeleverageRanking = 'profit_times_leverage' | 'profit';

export const autoDeleverageRankings: readonly AutoDeleverageRanking[] = [
  'profit_times_leverage',
  'profit',
];

/**
 * dYdX v4's defaults (dydxprotocol/v4-chain protocol/x/clob/types/liquidations_config_keeper.go
 * `LiquidationsConfig_Default`: a fee of 5,000 ppm, bankruptcy adjustment 1,000,000 ppm, spread
 * 100,000 ppm of MM, a minimum notional of 1,000 quote quantums, a portion of 1,000,000 ppm), with
 * no buffer: a step closes just enough to bring the bucket back to maintenance.
 */
export const defaultLiquidationRule: LiquidationRule = {
  buffer: 0n,
  minNotional: fixed('0.001'),
  maxPortion: ONE,
  feeRate: fixed('0.005'),
  bankruptcyAdjustment: ONE,
  spreadToMaintenance: fixed('0.1'),
};

/**
 * An index computed from several sources (SCENARIOS.md INV-ORACLE, S13, S14): the median of the
 * sources that are fresh (a last tick no older than `staleAfterMs` of log time) and within
 * `maxDeviation` of the median of the fresh ones. With fewer than `minHealthy` of those, the
 * asset's price is unreliable: the index holds its last price, no new risk is taken on it, and
 * liquidations that read it pause for at most `pauseMaxMs` from when it became so, then go on at
 * the price held (a pause without end would leave the venue the loss). A source at or beyond the
 * bounds its own feed clamps at (`floor`, `ceiling`: Chainlink's minAnswer and maxAnswer) is left
 * out too: a feed pinned at its floor says only that the price is somewhere below (S13).
 */
export interface IndexRule {
  readonly sources: readonly string[];
  readonly minHealthy: number;
  readonly maxDeviation: Ratio;
  readonly staleAfterMs: number;
  readonly pauseMaxMs: number;
  readonly floor?: Price;
  readonly ceiling?: Price;
}
