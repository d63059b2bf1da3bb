import type { Amount, Ratio } from '../num/fixed.ts';
import type { VolShock } from '../pricing/vol-shock.ts';
import type { AssetId, InstrumentId } from './ids.ts';

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
}

export interface Bracket {
  /** Notional (settle asset) above which this bracket starts; the previous bracket's cap. */
  readonly floor: Amount;
  readonly cap: Amount | null;
  readonly maxLeverage: Ratio;
  readonly maintenanceRate: Ratio;
  /** Replaces 1 / leverage where a venue publishes an initial rate. */
  readonly initialRate?: Ratio;
  /** Derived from the brackets so that maintenance margin is continuous in notional. */
  readonly maintenanceAmount: Amount;
}

export interface BracketsRule {
  readonly kind: 'brackets';
  readonly brackets: readonly Bracket[];
}

export interface MaxLeverageRule {
  readonly kind: 'max-leverage';
  readonly maxLeverage: Ratio;
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

export type MarginRule = BracketsRule | MaxLeverageRule | SizePremiumRule | OptionStandardRule;

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
  /** How an account in portfolio mode is margined; absent: the venue offers no portfolio mode. */
  readonly portfolio?: PortfolioRule;
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

export interface UnderlyingOffset {
  readonly underlyings: readonly [AssetId, AssetId];
  /** Fraction of the smaller of the two underlyings' scan losses credited when they hedge. */
  readonly credit: Ratio;
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
  /** MM = the risk (worst loss + add-ons, after credits) × this: Deribit's mm_factor 0.8; else 1. */
  readonly maintenanceFactor: Ratio;
  /** IM = MM × this (≥ 1). */
  readonly initialToMaintenance: Ratio;
}
