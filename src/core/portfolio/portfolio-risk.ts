import type { Bucket } from '../model/bucket.ts';
import type { AssetId } from '../model/ids.ts';
import type { Instrument } from '../model/instrument.ts';
import type { PriceView } from '../model/price-view.ts';
import type { PortfolioRule, ScenarioGrid } from '../model/rulebook.ts';
import type { Venue } from '../model/venue.ts';
import type { Amount } from '../num/fixed.ts';
import { toNumber } from '../num/fixed.ts';
import { amountUp } from '../num/float-bridge.ts';
import { calendarSpreadCharge, type DatedDelta } from './calendar-spreads.ts';
import { givenArray, riskArray, spotArray } from './risk-array.ts';
import { scanRangeFraction } from './scan-range.ts';
import { type Scenario, scaledScenarios, scenariosOf } from './scenarios.ts';
import { type Credit, creditTo, spreadCredits } from './spread-credits.ts';

export type { Credit } from './spread-credits.ts';

const dayMs = 86_400_000;

/** What one underlying's book does in its scenarios, and what it is charged (USD, float64). */
export interface UnderlyingRisk {
  readonly underlying: AssetId;
  readonly grid: ScenarioGrid;
  readonly scenarios: readonly Scenario[];
  /** The book's P&L in each scenario, gain positive, before the extreme cover. */
  readonly pnl: Float64Array;
  /** The scenario whose weighted loss binds; -1 when no scenario loses. */
  readonly binding: number;
  /** The worst weighted loss over every scenario (0 when none loses). */
  readonly scanLoss: number;
  readonly regularLoss: number;
  readonly extremeLoss: number;
  /** Net delta in USD per unit move of the underlying (Σ size × ∂V/∂p). */
  readonly netDelta: number;
  readonly charges: Charges;
  /** The scan loss and add-ons, before credits between underlyings and floors. */
  readonly outright: number;
  /** What the inter-commodity spreads credit this underlying (spread-credits.ts). */
  readonly credit: number;
  /**
   * The underlying's maintenance requirement: the outright less its credit, floored by the
   * short-option minimum and the contract floor after the credit (SPAN: max(SOM, scan + intra −
   * inter), ASX and JSCC), so a hedge between underlyings never takes a book below its minimums.
   */
  readonly requirement: number;
  /** Each position's P&L in the binding scenario: what it adds to the binding loss (negated). */
  readonly contributions: readonly Contribution[];
}

export interface Charges {
  readonly roll: number;
  readonly basis: number;
  readonly calendar: number;
  /** SPAN's delivery (spot-month) risk: the rate × what the contracts near expiry cover. */
  readonly delivery: number;
  readonly deltaShock: number;
  readonly shortOptionMinimum: number;
  readonly contractFloor: number;
}

export interface Contribution {
  /** An instrument id, or the asset id of a spot balance. */
  readonly holding: string;
  readonly pnl: number;
}

export interface PortfolioRisk {
  readonly underlyings: readonly UnderlyingRisk[];
  readonly credits: readonly Credit[];
  /** Σ requirements (each after its credit and floors) × the factor, rounded up to an exact amount. */
  readonly maintenanceMargin: Amount;
  readonly initialMargin: Amount;
}

interface Holding {
  readonly id: string;
  readonly size: number;
  readonly array: Float64Array;
  readonly instrument?: Instrument;
  readonly mark?: number;
}

/**
 * Portfolio margin of a bucket: each underlying's book is scanned over its grid, charged its
 * add-ons, floored by its minimums; hedges between underlyings earn the rulebook's credits; IM is
 * MM × the rulebook's ratio. Risk arrays come from the view's cache, priced once per instrument.
 */
export function portfolioRisk(
  venue: Venue,
  bucket: Bucket,
  prices: PriceView,
  rule: PortfolioRule,
): PortfolioRisk {
  const byUnderlying = new Map<AssetId, Holding[]>();
  const holdingsOf = (asset: AssetId) => {
    let list = byUnderlying.get(asset);
    if (list === undefined) {
      list = [];
      byUnderlying.set(asset, list);
    }
    return list;
  };
  for (const leg of bucket.legs) {
    if (leg.size === 0n) continue;
    const instrument = venue.instruments.get(leg.instrument)!;
    const grid = gridOf(rule, instrument.underlying);
    holdingsOf(instrument.underlying).push({
      id: instrument.id,
      size: toNumber(leg.size),
      array: cachedArray(venue, instrument, prices, grid),
      instrument,
      mark: toNumber(prices.markPrice(instrument.id)),
    });
  }
  // A pool counted in its own coin holds that coin still (risk-array.ts, coinTerms).
  if (rule.scanSpot && venue.rulebook.crossPool === 'unified') {
    for (const [asset, balance] of bucket.balances) {
      if (balance === 0n || !byUnderlying.has(asset)) continue;
      const grid = gridOf(rule, asset);
      const index = toNumber(prices.assetPrice(asset));
      const scenarios = scaledScenarios(
        grid,
        scanRangeFraction(grid, undefined, index, prices.asOfMs),
      );
      holdingsOf(asset).push({
        id: asset,
        size: toNumber(balance),
        array: spotArray(index, scenarios),
      });
    }
  }
  const outrights = [...byUnderlying]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([asset, holdings]) => underlyingRisk(asset, holdings, rule, prices));
  const credits = spreadCredits(
    outrights.map((risk) => ({
      underlying: risk.underlying,
      netDelta: risk.netDelta / toNumber(prices.assetPrice(risk.underlying)),
      scanLoss: risk.scanLoss,
    })),
    rule.offsets,
  );
  const underlyings = outrights.map((risk) =>
    withCredit(risk, creditTo(credits, risk.underlying), rule.aggregation),
  );
  let total = 0;
  for (const risk of underlyings) total += risk.requirement;
  const maintenance = total * toNumber(rule.maintenanceFactor);
  return {
    underlyings,
    credits,
    maintenanceMargin: amountUp(maintenance),
    initialMargin: amountUp(maintenance * toNumber(rule.initialToMaintenance)),
  };
}

function gridOf(rule: PortfolioRule, underlying: AssetId): ScenarioGrid {
  return rule.gridByUnderlying.get(underlying) ?? rule.grid;
}

function cachedArray(
  venue: Venue,
  instrument: Instrument,
  prices: PriceView,
  grid: ScenarioGrid,
): Float64Array {
  const cached = prices.riskArrays.get(instrument.id);
  if (cached !== undefined) return cached;
  const index = toNumber(prices.assetPrice(instrument.underlying));
  const scale = scanRangeFraction(grid, instrument, index, prices.asOfMs);
  const scenarios = scaledScenarios(grid, scale);
  const given = prices.givenRiskArrays?.get(instrument.id);
  const coinTerms = venue.rulebook.crossPool === 'per-settle-asset';
  const array =
    given === undefined
      ? riskArray(instrument, prices, scenarios, grid.lookaheadYears, coinTerms)
      : givenArray(given, scenarios, index);
  prices.riskArrays.set(instrument.id, array);
  return array;
}

type Outright = Omit<UnderlyingRisk, 'credit' | 'requirement'>;

function underlyingRisk(
  underlying: AssetId,
  holdings: readonly Holding[],
  rule: PortfolioRule,
  prices: PriceView,
): Outright {
  const grid = gridOf(rule, underlying);
  const scenarios = scenariosOf(grid);
  const count = scenarios.length;
  const pnl = new Float64Array(count);
  let netDelta = 0;
  for (const holding of holdings) {
    for (let s = 0; s < count; s += 1) pnl[s] = pnl[s]! + holding.size * holding.array[s]!;
    netDelta += holding.size * holding.array[count]!;
  }
  const { binding, scanLoss, regularLoss, extremeLoss } = worstLoss(pnl, scenarios);
  const index = toNumber(prices.assetPrice(underlying));
  const charges = chargesOf(holdings, rule, grid, index, netDelta, prices.asOfMs);
  const spreads = charges.roll + charges.calendar + charges.basis + charges.delivery;
  const outright =
    rule.aggregation === 'okx'
      ? Math.max(regularLoss, extremeLoss) + spreads
      : scanLoss + spreads + charges.deltaShock;
  return {
    underlying,
    grid,
    scenarios,
    pnl,
    binding,
    scanLoss,
    regularLoss,
    extremeLoss,
    netDelta,
    charges,
    outright,
    contributions: holdings.map((holding) => ({
      holding: holding.id,
      pnl: binding < 0 ? 0 : holding.size * holding.array[binding]!,
    })),
  };
}

/**
 * SPAN: max(scan + add-ons − credit, short-option minimum, contract floor);
 * OKX: max(max(MR1, MR6) + MR4 − credit, MR7).
 */
function withCredit(
  risk: Outright,
  credit: number,
  aggregation: PortfolioRule['aggregation'],
): UnderlyingRisk {
  const { charges } = risk;
  const floor =
    aggregation === 'okx'
      ? charges.contractFloor
      : Math.max(charges.shortOptionMinimum, charges.contractFloor);
  return { ...risk, credit, requirement: Math.max(risk.outright - credit, floor, 0) };
}

export interface WorstLoss {
  /** The scenario whose weighted loss binds; -1 when none loses. */
  readonly binding: number;
  readonly scanLoss: number;
  readonly regularLoss: number;
  readonly extremeLoss: number;
}

/** The worst weighted loss of a book's scenario P&L (SPAN's scan risk), and where it is. */
export function worstLoss(pnl: Float64Array, scenarios: readonly Scenario[]): WorstLoss {
  let binding = -1;
  let scanLoss = 0;
  let regularLoss = 0;
  let extremeLoss = 0;
  for (let s = 0; s < scenarios.length; s += 1) {
    const scenario = scenarios[s]!;
    const loss = -pnl[s]! * scenario.weight;
    if (scenario.extreme) extremeLoss = Math.max(extremeLoss, loss);
    else regularLoss = Math.max(regularLoss, loss);
    if (loss > scanLoss) {
      scanLoss = loss;
      binding = s;
    }
  }
  return { binding, scanLoss, regularLoss, extremeLoss };
}

/**
 * The add-ons of one underlying, in USD:
 * - roll: the grid's rate × the coins every future and perpetual covers, matched or not;
 * - basis: rate × the delta matched between perpetuals (and scanned spot) and dated futures;
 * - calendar: rate × the delta matched between dated futures of different expiries, plus the
 *   flat charges of the rulebook's calendar spreads (calendar-spreads.ts);
 * - delivery: rate × the underlying value of the contracts expiring within the rule's days;
 * - delta shock: rate × |net delta|;
 * - short-option minimum: rate × the underlying value of the short options;
 * - contract floor: rate × the underlying value of every contract.
 * A matched amount is what offsets: for deltas d by tenor, (Σ|d| − |Σd|) / 2.
 */
function chargesOf(
  holdings: readonly Holding[],
  rule: PortfolioRule,
  grid: ScenarioGrid,
  index: number,
  netDelta: number,
  asOfMs: number,
): Charges {
  const deltaIndex = (holding: Holding) => holding.array.length - 1;
  let spotAndPerpetual = 0;
  const futuresByExpiry = new Map<number, number>();
  let shortOptions = 0;
  let contracts = 0;
  let futuresCoins = 0;
  let nearExpiry = 0;
  const deliveryUntilMs =
    rule.delivery === undefined
      ? Number.NEGATIVE_INFINITY
      : asOfMs + rule.delivery.withinDays * dayMs;
  const dated: DatedDelta[] = [];
  for (const holding of holdings) {
    const delta = holding.size * holding.array[deltaIndex(holding)]!;
    const instrument = holding.instrument;
    if (instrument?.expiryMs !== undefined) {
      dated.push({ expiryMs: instrument.expiryMs, delta: delta / index });
    }
    if (instrument === undefined || instrument.kind === 'perpetual') {
      spotAndPerpetual += delta;
    } else if (instrument.kind === 'future') {
      const expiry = instrument.expiryMs ?? 0;
      futuresByExpiry.set(expiry, (futuresByExpiry.get(expiry) ?? 0) + delta);
    }
    if (instrument === undefined) continue;
    const underlyingValue = Math.abs(holding.size) * toNumber(instrument.contractSize) * index;
    // An inverse contract's size is a USD face, not coins.
    const covered =
      instrument.kind !== 'option' && instrument.settlement === 'inverse'
        ? Math.abs(holding.size) * toNumber(instrument.contractSize)
        : underlyingValue;
    contracts += covered;
    if (instrument.expiryMs !== undefined && instrument.expiryMs <= deliveryUntilMs) {
      nearExpiry += covered;
    }
    if (instrument.kind === 'option' && holding.size < 0) shortOptions += covered;
    if (instrument.kind !== 'option') futuresCoins += coinsCovered(instrument, holding);
  }
  const futures = [...futuresByExpiry.values()];
  const futuresNet = futures.reduce((sum, delta) => sum + delta, 0);
  return {
    roll: grid.rollShockRate * futuresCoins * index,
    basis: toNumber(rule.basisRate) * matched([spotAndPerpetual, futuresNet]),
    calendar:
      toNumber(rule.calendarRate) * matched(futures) +
      calendarSpreadCharge(dated, rule.expiryTiers, rule.calendarSpreads, asOfMs),
    delivery: rule.delivery === undefined ? 0 : toNumber(rule.delivery.rate) * nearExpiry,
    deltaShock: toNumber(rule.deltaShockRate) * Math.abs(netDelta),
    shortOptionMinimum: toNumber(rule.shortOptionMinimumRate) * shortOptions,
    contractFloor: toNumber(rule.contractFloorRate) * contracts,
  };
}

/** The coins a futures position covers: its size in base units, or its USD face at its mark. */
function coinsCovered(instrument: Instrument, holding: Holding): number {
  const face = Math.abs(holding.size) * toNumber(instrument.contractSize);
  return instrument.settlement === 'inverse' ? face / holding.mark! : face;
}

function matched(deltas: readonly number[]): number {
  let gross = 0;
  let net = 0;
  for (const delta of deltas) {
    gross += Math.abs(delta);
    net += delta;
  }
  return (gross - Math.abs(net)) / 2;
}
