import { collateralRuleAt } from '../margin/maintenance-weight-shift.ts';
import { profitWeightOf } from '../margin/profit-weight.ts';
import { ruleFor } from '../margin/rule-for.ts';
import type { Account } from '../model/account.ts';
import type { AssetId, InstrumentId } from '../model/ids.ts';
import type { Market, VenueTotal } from '../model/market.ts';
import {
  type CollateralRule,
  isMarginedAtEntry,
  isMarginedAtIndex,
  type MarginRule,
  type ProfitWeight,
} from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import { assert } from '../num/assert.ts';
import { ONE, toNumber } from '../num/fixed.ts';
import { ratioCeil } from '../num/rounding.ts';
import { type AccountColumns, compileAccounts } from './account-columns.ts';

/**
 * The fast path's form of a whole book: float64 columns (struct of arrays), built once from the
 * exact model and then re-margined on every tick without allocating. Float64 is for bulk work and
 * screening only (DESIGN.md): a state change near a threshold is confirmed on the exact path.
 *
 * Every margin rule becomes a bracket table: a max-leverage rule is one unbounded bracket, a
 * size-premium rule keeps its curve in `premium*` columns.
 */
export const ruleBrackets = 0;
export const rulePremiumSqrt = 1;
export const rulePremiumLinear = 2;
export const rulePremiumStepped = 3;
export const ruleOptionStandard = 4;
/** dYdX's liquidity tier: base IMF in the bracket row, maintenance fraction in `premiumFactor`. */
export const ruleLiquidityTier = 5;

export interface RiskBook extends AccountColumns {
  readonly accounts: readonly Account[];
  readonly venue: Venue;
  /** The book's own copy of the exact prices, kept in step with the columns by `movePrices`. */
  readonly market: Market & {
    readonly assetPrices: Map<AssetId, bigint>;
    readonly markPrices: Map<InstrumentId, bigint>;
  };
  readonly assetIndex: ReadonlyMap<AssetId, number>;
  readonly instrumentIndex: ReadonlyMap<InstrumentId, number>;
  // instruments
  /** 1 for an inverse future or perpetual (its PnL is in 1/price); options are never. */
  readonly inverse: Uint8Array;
  /** 0 for a future or perpetual, 1 for a call, 2 for a put. */
  readonly option: Uint8Array;
  readonly strike: Float64Array;
  /** For options: 1 when the premium is in the coin, so the underlying covered is in coins. */
  readonly coinPremium: Uint8Array;
  /** The underlying's asset row, for an option and for a contract margined at the index; else -1. */
  readonly underlyingAsset: Int32Array;
  /** 1 for a contract whose rule measures its requirement notional at the index (`MarginPrice`). */
  readonly marginAtIndex: Uint8Array;
  /** 1 for a contract whose rule measures its requirement notional at the entry (`MarginPrice`). */
  readonly marginAtEntry: Uint8Array;
  /** 1 for a bracket table tiered by the size in contracts (OKX), not by notional. */
  readonly tierByContracts: Uint8Array;
  /** The rulebook's `closingFee`: its taker rate, 0 where there is none. */
  readonly closingFeeRate: number;
  /** 1 where the fee is valued at the bankruptcy price, 0 on the notional. */
  readonly closingFeeAtBankruptcy: number;
  /** 1 where the fee counts in maintenance margin (the liquidation condition). */
  readonly closingFeeInMaintenance: number;
  /** 1 where the fee is added to initial margin. */
  readonly closingFeeInInitial: number;
  /** The rulebook's `liquidationWarning` margin ratio; NaN where it warns at none. */
  readonly warningRatio: number;
  /** The rulebook's `openOrdersInMaintenance` and `openOrdersFilledAtMark`, 1 where true. */
  readonly ordersInMaintenance: number;
  readonly ordersFilledAtMark: number;
  /** The rulebook's `netNotionalValue` (dYdX's net collateral), 1 where true. */
  readonly netNotionalValue: number;
  readonly contractSize: Float64Array;
  readonly mark: Float64Array;
  readonly settleAsset: Int32Array;
  /** The weight on positive PnL by kind (1: counts in full), and its IMF size discount (0: none). */
  /** 1 when some instrument counts less than all of a gain (a profit weight below 1, or an IMF). */
  readonly weighsProfit: number;
  readonly profitInitialWeight: Float64Array;
  readonly profitMaintenanceWeight: Float64Array;
  readonly profitImf: Float64Array;
  readonly ruleKind: Uint8Array;
  readonly bracketStart: Int32Array;
  readonly bracketEnd: Int32Array;
  readonly bracketCap: Float64Array;
  readonly bracketInitialRate: Float64Array;
  readonly bracketMaintenanceRate: Float64Array;
  readonly bracketAmount: Float64Array;
  readonly premiumFactor: Float64Array;
  readonly premiumBaseline: Float64Array;
  readonly premiumStep: Float64Array;
  readonly premiumInitialOnly: Uint8Array;
  /** The market's open interest in contracts (0 where none is given), and a liquidity tier's caps
   * (settle asset; +∞ where it has none, so the open interest never reaches them). */
  readonly openInterest: Float64Array;
  readonly openInterestLowerCap: Float64Array;
  readonly openInterestUpperCap: Float64Array;
  // assets
  readonly price: Float64Array;
  readonly tierStart: Int32Array;
  readonly tierEnd: Int32Array;
  readonly tierUpTo: Float64Array;
  readonly tierInitialWeight: Float64Array;
  readonly tierMaintenanceWeight: Float64Array;
  readonly liabilityInitialWeight: Float64Array;
  readonly liabilityMaintenanceWeight: Float64Array;
  /** Drift's spot IMF (0: none); venue totals' scale starts (USD, +∞: none) and the totals. */
  /** 0 where the asset's weights are its listed tiers alone (no size or venue-total scaling). */
  readonly weighsCollateral: Uint8Array;
  readonly collateralImf: Float64Array;
  readonly depositScaleStart: Float64Array;
  readonly venueDeposits: Float64Array;
  readonly borrowScaleStart: Float64Array;
  readonly venueBorrows: Float64Array;
  /** The asset's smallest unit (the rulebook's collateral `unit`), 0 where none is given. */
  readonly unit: Float64Array;
}

interface Columns {
  [name: string]: number[];
}

export function buildRiskBook(
  accounts: readonly Account[],
  venue: Venue,
  market: Market,
): RiskBook {
  const tables = marketTables(venue, market, 'refused');
  const rows = compileAccounts(accounts, { ...tables, exactOnly: exactOnlyIn(venue) });
  return { accounts, ...tables.finish(), ...rows };
}

/** The columns a RiskBook holds besides its accounts' rows. */
export type MarketColumns = Omit<RiskBook, keyof AccountColumns | 'accounts'>;

/**
 * The book's asset and instrument rows, each added the first time `asset` or `instrument` names
 * it, then `finish`ed into columns. A price the market lacks is refused (an invariant: a reader
 * checks the file), or under `unpriced` held as NaN, which no fast figure survives, so an account
 * reading it goes to the exact path (a live book, before every feed has ticked).
 */
export function marketTables(
  venue: Venue,
  market: Market,
  missing: 'refused' | 'unpriced',
): {
  readonly asset: (id: AssetId) => number;
  readonly instrument: (id: InstrumentId) => number;
  readonly finish: () => MarketColumns;
} {
  const priceOf = (price: bigint | undefined, what: string): number => {
    assert(price !== undefined || missing === 'unpriced', `no ${what}`);
    return price === undefined ? Number.NaN : toNumber(price);
  };
  const assetIndex = new Map<AssetId, number>();
  const instrumentIndex = new Map<InstrumentId, number>();
  const c: Columns = {};
  const push = (name: string, value: number) => {
    const values = c[name];
    if (values === undefined) c[name] = [value];
    else values.push(value);
  };
  const asset = (id: AssetId): number => {
    const known = assetIndex.get(id);
    if (known !== undefined) return known;
    const index = assetIndex.size;
    assetIndex.set(id, index);
    push('price', priceOf(market.assetPrices.get(id), `price for asset ${id}`));
    // Weights as a maintenance weight shift has taken them at the market's time (exact path's).
    const rule = collateralRuleAt(venue.rulebook.collateral.get(id), market.asOfMs ?? Number.NaN);
    push('unit', rule?.unit === undefined ? 0 : toNumber(rule.unit));
    push('tierStart', c.tierUpTo?.length ?? 0);
    for (const tier of rule?.tiers ?? []) {
      push('tierUpTo', tier.upTo === null ? Number.POSITIVE_INFINITY : toNumber(tier.upTo));
      push('tierInitialWeight', toNumber(tier.initialWeight));
      push('tierMaintenanceWeight', toNumber(tier.maintenanceWeight));
    }
    push('tierEnd', c.tierUpTo?.length ?? 0);
    push(
      'liabilityInitialWeight',
      rule?.liabilityInitialWeight === undefined ? 1 : toNumber(rule.liabilityInitialWeight),
    );
    push(
      'liabilityMaintenanceWeight',
      rule?.liabilityMaintenanceWeight === undefined
        ? 1
        : toNumber(rule.liabilityMaintenanceWeight),
    );
    compileWeightScaling(rule, market.venueTotals?.get(id), push);
    return index;
  };
  const instrument = (id: InstrumentId): number => {
    const known = instrumentIndex.get(id);
    if (known !== undefined) return known;
    const index = instrumentIndex.size;
    instrumentIndex.set(id, index);
    const spec = venue.instruments.get(id)!;
    const option = spec.option;
    const rule = ruleFor(venue, spec);
    const atIndex = isMarginedAtIndex(rule);
    push('inverse', spec.settlement === 'inverse' && option === undefined ? 1 : 0);
    push('option', option === undefined ? 0 : option.right === 'call' ? 1 : 2);
    push('strike', option === undefined ? 0 : toNumber(option.strike));
    push('coinPremium', spec.settlement === 'inverse' ? 1 : 0);
    push('underlyingAsset', option === undefined && !atIndex ? -1 : asset(spec.underlying));
    push('marginAtIndex', atIndex ? 1 : 0);
    push('marginAtEntry', isMarginedAtEntry(rule) ? 1 : 0);
    push('tierByContracts', rule.kind === 'brackets' && rule.tierBy === 'contracts' ? 1 : 0);
    push('contractSize', toNumber(spec.contractSize));
    push('mark', priceOf(market.markPrices.get(id), `mark price for instrument ${id}`));
    push('settleAsset', asset(spec.settle));
    compileProfitWeight(profitWeightOf(venue.rulebook, spec), push);
    const openInterest = market.openInterest?.get(id);
    push('openInterest', openInterest === undefined ? 0 : toNumber(openInterest));
    compileRule(rule, push, c);
    return index;
  };
  const f = (name: string) => Float64Array.from(c[name] ?? []);
  const i = (name: string) => Int32Array.from(c[name] ?? []);
  const u = (name: string) => Uint8Array.from(c[name] ?? []);
  const fee = venue.rulebook.closingFee;
  const finish = (): MarketColumns => ({
    venue,
    market: {
      ...market,
      assetPrices: new Map(market.assetPrices),
      markPrices: new Map(market.markPrices),
    },
    assetIndex,
    instrumentIndex,
    inverse: u('inverse'),
    option: u('option'),
    strike: f('strike'),
    coinPremium: u('coinPremium'),
    underlyingAsset: i('underlyingAsset'),
    marginAtIndex: u('marginAtIndex'),
    marginAtEntry: u('marginAtEntry'),
    tierByContracts: u('tierByContracts'),
    closingFeeRate: fee === undefined ? 0 : toNumber(fee.takerRate),
    closingFeeAtBankruptcy: fee?.valuedAt === 'bankruptcy' ? 1 : 0,
    closingFeeInMaintenance: fee?.inMaintenance === true ? 1 : 0,
    closingFeeInInitial: fee?.inInitial === true ? 1 : 0,
    warningRatio:
      venue.rulebook.liquidationWarning === undefined
        ? Number.NaN
        : toNumber(venue.rulebook.liquidationWarning),
    ordersInMaintenance: venue.rulebook.openOrdersInMaintenance === true ? 1 : 0,
    ordersFilledAtMark: venue.rulebook.openOrdersFilledAtMark === true ? 1 : 0,
    netNotionalValue: venue.rulebook.netNotionalValue === true ? 1 : 0,
    contractSize: f('contractSize'),
    mark: f('mark'),
    settleAsset: i('settleAsset'),
    weighsProfit:
      (c.profitInitialWeight ?? []).some((w) => w !== 1) ||
      (c.profitMaintenanceWeight ?? []).some((w) => w !== 1) ||
      (c.profitImf ?? []).some((imf) => imf !== 0)
        ? 1
        : 0,
    profitInitialWeight: f('profitInitialWeight'),
    profitMaintenanceWeight: f('profitMaintenanceWeight'),
    profitImf: f('profitImf'),
    ruleKind: u('ruleKind'),
    bracketStart: i('bracketStart'),
    bracketEnd: i('bracketEnd'),
    bracketCap: f('bracketCap'),
    bracketInitialRate: f('bracketInitialRate'),
    bracketMaintenanceRate: f('bracketMaintenanceRate'),
    bracketAmount: f('bracketAmount'),
    premiumFactor: f('premiumFactor'),
    premiumBaseline: f('premiumBaseline'),
    premiumStep: f('premiumStep'),
    premiumInitialOnly: u('premiumInitialOnly'),
    openInterest: f('openInterest'),
    openInterestLowerCap: f('openInterestLowerCap'),
    openInterestUpperCap: f('openInterestUpperCap'),
    price: f('price'),
    tierStart: i('tierStart'),
    tierEnd: i('tierEnd'),
    tierUpTo: f('tierUpTo'),
    tierInitialWeight: f('tierInitialWeight'),
    tierMaintenanceWeight: f('tierMaintenanceWeight'),
    liabilityInitialWeight: f('liabilityInitialWeight'),
    liabilityMaintenanceWeight: f('liabilityMaintenanceWeight'),
    weighsCollateral: u('weighsCollateral'),
    collateralImf: f('collateralImf'),
    depositScaleStart: f('depositScaleStart'),
    venueDeposits: f('venueDeposits'),
    borrowScaleStart: f('borrowScaleStart'),
    venueBorrows: f('venueBorrows'),
    unit: f('unit'),
  });
  return { asset, instrument, finish };
}

/** 1 for an account the columns do not margin (AccountColumns `exactOnly`). */
export function exactOnlyIn(venue: Venue): (account: Account) => 0 | 1 {
  const unified = venue.rulebook.crossPool === 'unified';
  return (account) =>
    account.poolMode === 'portfolio' || !unified || isWeighedInPool(account, venue) ? 1 : 0;
}

function compileRule(
  rule: MarginRule,
  push: (name: string, value: number) => void,
  c: Columns,
): void {
  push('bracketStart', c.bracketCap?.length ?? 0);
  const bracket = (cap: number, initialRate: number, maintenanceRate: number, amount: number) => {
    push('bracketCap', cap);
    push('bracketInitialRate', initialRate);
    push('bracketMaintenanceRate', maintenanceRate);
    push('bracketAmount', amount);
  };
  let kind = ruleBrackets;
  let factor = 0;
  let baseline = 0;
  let step = 1;
  let initialOnly = 0;
  let lowerCap = Number.POSITIVE_INFINITY;
  let upperCap = Number.POSITIVE_INFINITY;
  switch (rule.kind) {
    case 'brackets':
      for (const b of rule.brackets) {
        const initial = b.initialRate ?? ratioCeil(ONE, b.maxLeverage);
        bracket(
          b.cap === null ? Number.POSITIVE_INFINITY : toNumber(b.cap),
          toNumber(initial),
          toNumber(b.maintenanceRate),
          toNumber(b.maintenanceAmount),
        );
      }
      break;
    case 'max-leverage':
      bracket(
        Number.POSITIVE_INFINITY,
        1 / toNumber(rule.maxLeverage),
        1 / (2 * toNumber(rule.maxLeverage)),
        0,
      );
      break;
    case 'size-premium': {
      bracket(
        Number.POSITIVE_INFINITY,
        toNumber(rule.initialRate),
        toNumber(rule.maintenanceRate),
        0,
      );
      const premium = rule.premium;
      if (premium.curve === 'sqrt') {
        kind = rulePremiumSqrt;
        factor = toNumber(premium.imfFactor);
      } else if (premium.curve === 'linear') {
        kind = rulePremiumLinear;
        factor = toNumber(premium.ratePerUnit);
        initialOnly = premium.appliesTo === 'initial' ? 1 : 0;
      } else {
        kind = rulePremiumStepped;
        factor = toNumber(premium.ratePerStep);
        baseline = toNumber(premium.baselineSize);
        step = toNumber(premium.stepSize);
        initialOnly = premium.appliesTo === 'initial' ? 1 : 0;
      }
      break;
    }
    case 'liquidity-tier':
      kind = ruleLiquidityTier;
      bracket(
        Number.POSITIVE_INFINITY,
        toNumber(rule.initialRate),
        toNumber(rule.initialRate) * toNumber(rule.maintenanceFraction),
        0,
      );
      factor = toNumber(rule.maintenanceFraction);
      if (rule.openInterestCaps !== undefined) {
        lowerCap = toNumber(rule.openInterestCaps.lower);
        upperCap = toNumber(rule.openInterestCaps.upper);
      }
      break;
    case 'option-standard':
      kind = ruleOptionStandard;
      bracket(
        Number.POSITIVE_INFINITY,
        toNumber(rule.initialRate),
        toNumber(rule.maintenanceRate),
        0,
      );
      factor = toNumber(rule.initialFloor);
      // The margin factor scales every rate; the floor applies before it, as on the exact path.
      baseline = toNumber(rule.marginFactor);
      break;
  }
  push('bracketEnd', c.bracketCap?.length ?? 0);
  push('ruleKind', kind);
  push('openInterestLowerCap', lowerCap);
  push('openInterestUpperCap', upperCap);
  push('premiumFactor', factor);
  push('premiumBaseline', baseline);
  push('premiumStep', step);
  push('premiumInitialOnly', initialOnly);
}

/** A collateral rule's size and venue-total weights as columns (collateral-weight.ts). */
function compileWeightScaling(
  rule: CollateralRule | undefined,
  total: VenueTotal | undefined,
  push: (name: string, value: number) => void,
): void {
  const start = (value: bigint | undefined) =>
    value === undefined ? Number.POSITIVE_INFINITY : toNumber(value);
  push('collateralImf', rule?.imfFactor === undefined ? 0 : toNumber(rule.imfFactor));
  push('depositScaleStart', start(rule?.depositWeightScaleStart));
  push('venueDeposits', total === undefined ? 0 : toNumber(total.deposits));
  push('borrowScaleStart', start(rule?.borrowWeightScaleStart));
  push('venueBorrows', total === undefined ? 0 : toNumber(total.borrows));
  const weighs =
    rule?.imfFactor !== undefined ||
    rule?.depositWeightScaleStart !== undefined ||
    rule?.borrowWeightScaleStart !== undefined;
  push('weighsCollateral', weighs ? 1 : 0);
}

function compileProfitWeight(
  rule: ProfitWeight | undefined,
  push: (name: string, value: number) => void,
): void {
  push('profitInitialWeight', rule === undefined ? 1 : toNumber(rule.initialWeight));
  push('profitMaintenanceWeight', rule === undefined ? 1 : toNumber(rule.maintenanceWeight));
  push('profitImf', rule?.imfFactor === undefined ? 0 : toNumber(rule.imfFactor));
}

/**
 * An account the columns do not margin because its pool weighs contracts with balances: resting
 * spot orders (their worst case reads every balance they touch) or Mango's contract health in its
 * settle asset; or because its initial figures read a second price per asset and contract (the
 * rulebook's `initialAtStablePrice`), which the columns do not hold. The exact path
 * (pool-equity.ts, stable-price.ts) margins it.
 */
function isWeighedInPool(account: Account, venue: Venue): boolean {
  if (account.spotOrders !== undefined && account.spotOrders.length > 0) return true;
  if (venue.rulebook.initialAtStablePrice === true) return true;
  return venue.rulebook.contractHealthInSettleAsset === true;
}
