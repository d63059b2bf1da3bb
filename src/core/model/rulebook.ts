import type { Amount, Ratio } from '../num/fixed.ts';
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

export type MarginRule = BracketsRule | MaxLeverageRule | SizePremiumRule;

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
}
