import {
  assetsMax,
  bracketsPerRuleMax,
  collateralTiersMax,
  instrumentsMax,
  leverageMax,
  sizeUnitsMax,
} from '../../core/limits.ts';
import { type BracketTerms, completeBrackets } from '../../core/margin/brackets.ts';
import {
  type Bracket,
  type CollateralRule,
  type CollateralTier,
  defaultLiquidationRule,
  type LiquidationRule,
  type MarginPrice,
  type MarginRule,
  type OptionStandardRule,
  type PremiumScope,
  type Rulebook,
  type SizePremium,
  type TierContinuation,
  type TierMeasure,
} from '../../core/model/rulebook.ts';
import type { Amount, Ratio } from '../../core/num/fixed.ts';
import { formatFixed, ONE, SCALE } from '../../core/num/fixed.ts';
import { ratioCeil } from '../../core/num/rounding.ts';
import { bankLimitFields, readBankLimits } from './bank-limits-file.ts';
import { readClosingFee } from './closing-fee-file.ts';
import { checkClosingFeeRoom } from './closing-fee-room.ts';
import { readIndexRules } from './index-rule-file.ts';
import { readLiquidityTier } from './liquidity-tier-file.ts';
import { readMaintenanceWeightShift } from './maintenance-weight-shift-file.ts';
import {
  collateralScalingFields,
  readCollateralScaling,
  readContractHealthInSettleAsset,
  readUnrealisedProfit,
} from './pool-rule-file.ts';
import { readPortfolioRule } from './portfolio-rule-file.ts';
import { checkPremiumRoom } from './premium-room.ts';
import { atMost, type DecimalBounds, nonNegative, type Reader } from './reader.ts';
import { healthFlagFields, readHealthFlags } from './stable-price-file.ts';
import { continuedTerms, readTierContinuation } from './tier-continuation-file.ts';
import { readWaterfall } from './waterfall-file.ts';
import { readWholeMs } from './whole-ms-field.ts';

export const rate = { min: nonNegative, max: atMost(ONE, '1') };
const leverage = { positive: true, max: atMost(leverageMax * SCALE, `${leverageMax}`) };

/** A rulebook from JSON (docs/rulebook-format.md). Issues go to the reader, with their paths. */
export function readRulebook(reader: Reader): Rulebook {
  if (!reader.object()) return emptyRulebook;
  reader.only([
    'id',
    'name',
    'asOf',
    'sources',
    'notes',
    'crossPool',
    'marginPrice',
    'liquidationNeedsMargin',
    'liquidationWarning',
    'liquidation',
    'index',
    'markBasisCap',
    'openInterestLimits',
    'netNotionalValue',
    'liquidationEndHealth',
    'closingFee',
    'crossLiquidationPrice',
    'collateral',
    'instruments',
    'portfolio',
    'unrealisedProfit',
    'contractHealthInSettleAsset',
    ...healthFlagFields,
  ]);
  const id = reader.field('id').string();
  const name = reader.field('name').string();
  const crossPool = reader.has('crossPool')
    ? reader.field('crossPool').oneOf(['unified', 'per-settle-asset'] as const)
    : 'unified';
  readInformation(reader);
  // The rulebook's default for the rules that do not say where their notional is measured.
  const marginPrice = reader.has('marginPrice') ? readMarginPrice(reader) : undefined;
  const collateral = new Map<string, CollateralRule>();
  for (const [asset, entry] of reader.field('collateral').entries(assetsMax)) {
    collateral.set(asset, readCollateral(entry));
  }
  // One step of redemption is followed: a token redeeming for itself, or for another wrapped
  // token, would be valued by a rule the engine does not apply.
  for (const [asset, rule] of collateral) {
    const into = rule.redemption?.asset;
    if (into === undefined) continue;
    const field = reader.field('collateral').field(asset).field('redemption').field('asset');
    if (into === asset) field.fail('a token does not redeem for itself');
    else if (collateral.get(into)?.redemption !== undefined) {
      field.fail(`"${into}" is itself a wrapped token: name what it redeems for`);
    }
  }
  const instruments = new Map<string, MarginRule>();
  let defaultRule: MarginRule | undefined;
  let defaultOptionRule: OptionStandardRule | undefined;
  for (const [instrument, entry] of reader.field('instruments').entries(instrumentsMax)) {
    const rule = readMarginRule(entry, marginPrice);
    if (instrument === '*') {
      // The "*" rule margins futures and perpetuals, which an option rule cannot.
      if (rule.kind === 'option-standard') {
        entry.field('kind').fail('the "*" default cannot be an option rule (use "option")');
      }
      defaultRule = rule;
    } else if (instrument === 'option') {
      if (rule.kind === 'option-standard') defaultOptionRule = rule;
      else entry.field('kind').fail('the "option" default must be an option-standard rule');
    } else instruments.set(instrument, rule);
  }
  const portfolio = reader.has('portfolio')
    ? readPortfolioRule(reader.field('portfolio'))
    : undefined;
  const closingFee = reader.has('closingFee')
    ? readClosingFee(reader.field('closingFee'))
    : undefined;
  if (closingFee !== undefined) {
    const rules = new Map(instruments);
    if (defaultRule !== undefined) rules.set('*', defaultRule);
    checkClosingFeeRoom(reader.field('instruments'), rules, closingFee);
  }
  const crossLiquidationPrice = reader.has('crossLiquidationPrice')
    ? reader.field('crossLiquidationPrice').oneOf(['apportioned'] as const)
    : undefined;
  const needsMargin = reader.field('liquidationNeedsMargin').optionalBoolean();
  // A ratio of 1 is liquidation itself: a warning must come before it.
  const warning = reader.field('liquidationWarning').optionalDecimal({
    positive: true,
    max: { value: ONE - 1n, message: 'must be below 1 (a margin ratio of 1 is liquidation)' },
  });
  const netNotional = reader.field('netNotionalValue').optionalBoolean();
  const markBasisCap = reader.field('markBasisCap').optionalDecimal({
    positive: true,
    max: { value: ONE - 1n, message: 'must be below 1 (a basis of the whole index)' },
  });
  const liquidationEnd = reader.field('liquidationEndHealth').optionalBoolean();
  return {
    id,
    name,
    crossPool,
    collateral,
    instruments,
    ...(defaultRule ? { defaultRule } : {}),
    ...(defaultOptionRule ? { defaultOptionRule } : {}),
    ...(portfolio ? { portfolio } : {}),
    ...(closingFee ? { closingFee } : {}),
    ...(crossLiquidationPrice ? { crossLiquidationPrice } : {}),
    ...(needsMargin ? { liquidationNeedsMargin: true } : {}),
    ...(warning === undefined ? {} : { liquidationWarning: warning }),
    ...(reader.has('liquidation')
      ? { liquidation: readLiquidation(reader.field('liquidation')) }
      : {}),
    ...(reader.has('index') ? { index: readIndexRules(reader.field('index')) } : {}),
    ...(markBasisCap === undefined ? {} : { markBasisCap }),
    ...(reader.has('openInterestLimits')
      ? { openInterestLimits: readOpenInterestLimits(reader.field('openInterestLimits')) }
      : {}),
    ...(netNotional ? { netNotionalValue: true } : {}),
    ...(liquidationEnd ? { liquidationEndHealth: true } : {}),
    ...(reader.has('unrealisedProfit')
      ? { unrealisedProfit: readUnrealisedProfit(reader.field('unrealisedProfit')) }
      : {}),
    ...(readContractHealthInSettleAsset(reader) ? { contractHealthInSettleAsset: true } : {}),
    ...readHealthFlags(reader),
  };
}

/**
 * How the venue liquidates: each field optional, dYdX v4's default where absent; a rule that
 * could not end a liquidation (a buffer below zero, a step of nothing) is refused.
 */
function readLiquidation(reader: Reader): LiquidationRule {
  if (!reader.object()) return defaultLiquidationRule;
  const optional = ['coolDownMs', 'blockMs', 'maxBlockValue', 'waterfall'] as const;
  reader.only([...Object.keys(defaultLiquidationRule), ...optional]);
  type Figure = Exclude<keyof LiquidationRule, (typeof optional)[number]>;
  const read = (field: Figure, bounds: DecimalBounds) =>
    reader.field(field).optionalDecimal(bounds) ?? defaultLiquidationRule[field];
  const coolDownMs = readWholeMs(reader, 'coolDownMs', false);
  const blockMs = readWholeMs(reader, 'blockMs', true);
  const maxBlockValue = reader.field('maxBlockValue').optionalDecimal({ positive: true });
  // A block bounds nothing without its most, and a most needs its block.
  if ((blockMs === undefined) !== (maxBlockValue === undefined)) {
    reader
      .field(blockMs === undefined ? 'blockMs' : 'maxBlockValue')
      .fail(
        'blockMs and maxBlockValue come together (the block of time and the most liquidated in it)',
      );
  }
  return {
    buffer: read('buffer', { min: nonNegative, max: atMost(10n * ONE, '10') }),
    minNotional: read('minNotional', { min: nonNegative }),
    maxPortion: read('maxPortion', { positive: true, max: atMost(ONE, '1 (the whole position)') }),
    feeRate: read('feeRate', rate),
    bankruptcyAdjustment: read('bankruptcyAdjustment', {
      min: { value: ONE, message: 'must be at least 1' },
    }),
    spreadToMaintenance: read('spreadToMaintenance', { positive: true, max: atMost(ONE, '1') }),
    ...(coolDownMs === undefined ? {} : { coolDownMs }),
    ...(blockMs === undefined || maxBlockValue === undefined ? {} : { blockMs, maxBlockValue }),
    ...(reader.has('waterfall') ? { waterfall: readWaterfall(reader.field('waterfall')) } : {}),
  };
}

const emptyRulebook: Rulebook = {
  id: '',
  name: '',
  crossPool: 'unified',
  collateral: new Map(),
  instruments: new Map(),
};

/** The fields that inform rather than compute are still checked for their type. */
function readInformation(reader: Reader): void {
  if (reader.has('asOf')) reader.field('asOf').string();
  if (reader.has('notes')) reader.field('notes').text();
  if (!reader.has('sources')) return;
  for (const source of reader.field('sources').items(100)) {
    if (!source.object()) continue;
    source.only(['title', 'url']);
    source.field('title').text();
    source.field('url').text();
  }
}

function readCollateral(reader: Reader): CollateralRule {
  if (!reader.object()) return { tiers: [] };
  reader.only([
    'tiers',
    'liabilityInitialWeight',
    'liabilityMaintenanceWeight',
    'unit',
    'maintenanceWeightShift',
    'redemption',
    ...collateralScalingFields,
    ...bankLimitFields,
  ]);
  const unit = reader.field('unit').optionalDecimal({ positive: true, max: atMost(ONE, '1') });
  const shift = reader.has('maintenanceWeightShift')
    ? readMaintenanceWeightShift(reader.field('maintenanceWeightShift'))
    : undefined;
  const redemption = reader.has('redemption')
    ? readRedemption(reader.field('redemption'))
    : undefined;
  const precision = {
    ...(unit === undefined ? {} : { unit }),
    ...(redemption === undefined ? {} : { redemption }),
    ...readCollateralScaling(reader),
    ...(shift === undefined ? {} : { maintenanceWeightShift: shift }),
    ...readBankLimits(reader),
  };
  const tiers: CollateralTier[] = [];
  const items = reader.field('tiers').items(collateralTiersMax);
  if (items.length === 0) reader.field('tiers').fail('must list at least one tier');
  let previous: Amount = 0n;
  items.forEach((item, index) => {
    if (!item.object()) return;
    item.only(['upTo', 'initialWeight', 'maintenanceWeight']);
    const upTo = item.field('upTo').nullableDecimal({ positive: true });
    const last = index === items.length - 1;
    if (last && upTo !== null) item.field('upTo').fail('the last tier must be unbounded (null)');
    if (!last && upTo === null) item.field('upTo').fail('only the last tier may be unbounded');
    if (upTo !== null && upTo <= previous) item.field('upTo').fail('tiers must increase');
    if (upTo !== null) previous = upTo;
    const initialWeight = item.field('initialWeight').decimal(rate);
    const maintenanceWeight = item.field('maintenanceWeight').decimal(rate);
    if (initialWeight > maintenanceWeight) {
      item.field('initialWeight').fail('must not exceed maintenanceWeight');
    }
    tiers.push({ upTo, initialWeight, maintenanceWeight });
  });
  if (shift !== undefined && items.length > 1) {
    reader
      .field('maintenanceWeightShift')
      .fail('needs a single tier (Mango banks have one weight)');
  }
  const liabilityWeight = { min: { value: ONE, message: 'must be at least 1' } };
  const initial = reader.field('liabilityInitialWeight').optionalDecimal(liabilityWeight);
  const maintenance = reader.field('liabilityMaintenanceWeight').optionalDecimal(liabilityWeight);
  if ((initial === undefined) !== (maintenance === undefined)) {
    reader.fail('give both liability weights or neither');
  }
  if (initial !== undefined && maintenance !== undefined) {
    if (initial < maintenance) {
      reader.field('liabilityInitialWeight').fail('must not be below liabilityMaintenanceWeight');
    }
    return {
      tiers,
      liabilityInitialWeight: initial,
      liabilityMaintenanceWeight: maintenance,
      ...precision,
    };
  }
  return { tiers, ...precision };
}

/**
 * A margin rule; `marginPrice` is the rulebook's default for a future's rule that does not name
 * its own (an option's notional is always the underlying it covers).
 */
export function readMarginRule(reader: Reader, marginPrice?: MarginPrice): MarginRule {
  if (!reader.object()) return { kind: 'max-leverage', maxLeverage: ONE };
  const kind = reader
    .field('kind')
    .oneOf([
      'brackets',
      'max-leverage',
      'size-premium',
      'option-standard',
      'liquidity-tier',
    ] as const);
  const price = reader.has('marginPrice') ? readMarginPrice(reader) : marginPrice;
  const at = price === undefined ? {} : { marginPrice: price };
  switch (kind) {
    case 'brackets': {
      reader.only(['kind', 'brackets', 'marginPrice', 'tierBy', 'continued']);
      const tierBy = reader.has('tierBy')
        ? reader.field('tierBy').oneOf(['notional', 'contracts'] as const)
        : 'notional';
      const continuation = reader.has('continued')
        ? readTierContinuation(reader.field('continued'), tierBy)
        : undefined;
      const { brackets, listedTiers } = readBrackets(reader, tierBy, continuation);
      const continued =
        continuation === undefined ? {} : { continued: { ...continuation, listedTiers } };
      return { kind, brackets, ...at, ...(tierBy === 'contracts' ? { tierBy } : {}), ...continued };
    }
    case 'max-leverage':
      reader.only(['kind', 'maxLeverage', 'marginPrice']);
      return { kind, maxLeverage: reader.field('maxLeverage').decimal(leverage), ...at };
    case 'size-premium': {
      reader.only(['kind', 'initialRate', 'maintenanceRate', 'premium', 'marginPrice']);
      const issues = reader.issues.length;
      const initialRate = reader.field('initialRate').decimal(rate);
      const maintenanceRate = reader.field('maintenanceRate').decimal(rate);
      // Rates that did not read are 0: comparing them would add a false issue.
      const read = reader.issues.length === issues;
      const premium = readPremium(reader.field('premium'));
      if (read) checkPremiumRoom(reader, initialRate, maintenanceRate, premium);
      return { kind, initialRate, maintenanceRate, premium, ...at };
    }
    case 'option-standard':
      return readOptionStandard(reader);
    case 'liquidity-tier':
      return readLiquidityTier(reader, price);
  }
}

/** Where a contract's requirement notional is measured: "mark" (the default), "index" or "entry". */
function readMarginPrice(reader: Reader): MarginPrice {
  return reader.field('marginPrice').oneOf(['mark', 'index', 'entry'] as const);
}

/**
 * A short option's standard margin (Deribit's 0.15 / 0.10 / 0.075): initialFloor ≤ initialRate,
 * and maintenance below initial for every short option needs maintenanceRate < initialFloor, the
 * initial rate of a call far enough out of the money (a put's initial margin is at least its
 * maintenance by the rule itself). The margin factor, at least 1, keeps two rates a unit apart
 * apart after its rounding.
 */
function readOptionStandard(reader: Reader): OptionStandardRule {
  reader.only(['kind', 'initialRate', 'initialFloor', 'maintenanceRate', 'marginFactor']);
  const issues = reader.issues.length;
  const initialRate = reader.field('initialRate').decimal(rate);
  const initialFloor = reader.field('initialFloor').decimal(rate);
  const maintenanceRate = reader.field('maintenanceRate').decimal(rate);
  // Rates that did not read are 0: comparing them would add a false issue.
  const read = reader.issues.length === issues;
  if (initialFloor > initialRate) reader.field('initialFloor').fail('must not exceed initialRate');
  if (read && maintenanceRate >= initialFloor) {
    reader
      .field('maintenanceRate')
      .fail(
        `${formatFixed(maintenanceRate)} is at or above the initialFloor ` +
          `${formatFixed(initialFloor)}, the initial rate of a short call far out of the money; ` +
          'maintenance must stay below initial margin, or an order that passes the initial ' +
          'check is liquidatable at once',
      );
  }
  const marginFactor = reader.has('marginFactor')
    ? reader.field('marginFactor').decimal({
        min: { value: ONE, message: 'must be at least 1' },
        max: atMost(10n * ONE, '10'),
      })
    : ONE;
  return { kind: 'option-standard', initialRate, initialFloor, maintenanceRate, marginFactor };
}

function readPremium(reader: Reader): SizePremium {
  if (!reader.object()) return { curve: 'sqrt', imfFactor: 0n };
  const curve = reader.field('curve').oneOf(['sqrt', 'linear', 'stepped'] as const);
  const scope = (): PremiumScope =>
    reader.has('appliesTo')
      ? reader.field('appliesTo').oneOf(['both', 'initial'] as const)
      : 'both';
  switch (curve) {
    case 'sqrt':
      reader.only(['curve', 'imfFactor']);
      return { curve, imfFactor: reader.field('imfFactor').decimal(rate) };
    case 'linear':
      reader.only(['curve', 'ratePerUnit', 'appliesTo']);
      return { curve, ratePerUnit: reader.field('ratePerUnit').decimal(rate), appliesTo: scope() };
    case 'stepped':
      reader.only(['curve', 'baselineSize', 'stepSize', 'ratePerStep', 'appliesTo']);
      return {
        curve,
        baselineSize: reader.field('baselineSize').decimal({ min: nonNegative }),
        stepSize: reader.field('stepSize').decimal({ positive: true }),
        ratePerStep: reader.field('ratePerStep').decimal(rate),
        appliesTo: scope(),
      };
  }
}

/** A bracket's initial terms: its max leverage and the initial rate it margins at. */
interface InitialTerms {
  readonly maxLeverage: Ratio;
  readonly rate: Ratio;
}

/**
 * Initial margin above maintenance in every bracket, and no looser as notional grows. A bracket
 * whose maintenance rate reaches its initial rate (the listed `initialRate`, else 1 / maxLeverage)
 * lets the initial check pass an order that leaves the account liquidatable at once; a max
 * leverage that rises with notional (or an initial rate that falls) rewards size with leverage,
 * which no venue's table does.
 */
function checkInitialTerms(
  item: Reader,
  index: number,
  maintenanceRate: Ratio,
  initial: InitialTerms,
  previous: InitialTerms | undefined,
  listedRate: Ratio | undefined,
): void {
  const bracket = `bracket ${index + 1}`;
  if (maintenanceRate >= initial.rate) {
    const source =
      listedRate === undefined
        ? `1 / maxLeverage ${formatFixed(initial.maxLeverage)}`
        : 'its initialRate';
    item
      .field('maintenanceRate')
      .fail(
        `${bracket}: ${formatFixed(maintenanceRate)} is at or above the initial rate ` +
          `${formatFixed(initial.rate)} (${source}); maintenance must stay below initial ` +
          'margin, or an order that passes the initial check is liquidatable at once',
      );
  }
  if (previous === undefined) return;
  if (initial.maxLeverage > previous.maxLeverage) {
    item
      .field('maxLeverage')
      .fail(
        `${bracket}: ${formatFixed(initial.maxLeverage)} rises above bracket ${index}'s ` +
          `${formatFixed(previous.maxLeverage)}; max leverage must not rise with notional`,
      );
  } else if (listedRate !== undefined && initial.rate < previous.rate) {
    item
      .field('initialRate')
      .fail(
        `${bracket}: ${formatFixed(initial.rate)} falls below bracket ${index}'s ` +
          `${formatFixed(previous.rate)}; the initial rate must not fall with notional`,
      );
  }
}

/**
 * A bracket table: caps increase (`notionalCap`, or `contractsCap` for tiers by contracts); the
 * last one is null (unbounded) or the venue's position limit. A listed maintenance amount must be
 * the one the brackets give; tiers by contracts have none. `continuation` (the rule's `continued`)
 * adds the tiers the venue's published rule derives after the listed ones.
 */
function readBrackets(
  rule: Reader,
  tierBy: TierMeasure,
  continuation: TierContinuation | undefined,
): { brackets: Bracket[]; listedTiers: number } {
  const reader = rule.field('brackets');
  const capKey = tierBy === 'contracts' ? 'contractsCap' : 'notionalCap';
  const items = reader.items(bracketsPerRuleMax);
  const none = { brackets: [], listedTiers: items.length };
  if (items.length === 0) {
    reader.fail('must list at least one bracket');
    return none;
  }
  const terms: BracketTerms[] = [];
  const listedAmounts: (Amount | undefined)[] = [];
  let previousCap: Amount = 0n;
  let previousRate: Ratio = 0n;
  let previousInitial: InitialTerms | undefined;
  items.forEach((item, index) => {
    if (!item.object()) return;
    item.only([capKey, 'maxLeverage', 'maintenanceRate', 'initialRate', 'maintenanceAmount']);
    const cap = item.field(capKey).nullableDecimal({ positive: true });
    const last = index === items.length - 1;
    if (!last && cap === null) item.field(capKey).fail('only the last bracket may be unbounded');
    if (cap !== null && cap <= previousCap) item.field(capKey).fail('caps must increase');
    if (cap !== null) previousCap = cap;
    const maintenanceRate = item.field('maintenanceRate').decimal(rate);
    if (maintenanceRate < previousRate) {
      item.field('maintenanceRate').fail("must not fall below the previous bracket's");
    }
    previousRate = maintenanceRate;
    const maxLeverage = item.field('maxLeverage').decimal(leverage);
    const initialRate = item.field('initialRate').optionalDecimal(rate);
    if (maxLeverage > 0n) {
      const initial = { maxLeverage, rate: initialRate ?? ratioCeil(ONE, maxLeverage) };
      checkInitialTerms(item, index, maintenanceRate, initial, previousInitial, initialRate);
      previousInitial = initial;
    }
    listedAmounts.push(item.field('maintenanceAmount').optionalDecimal({ min: nonNegative }));
    terms.push({
      cap,
      maxLeverage,
      maintenanceRate,
      ...(initialRate === undefined ? {} : { initialRate }),
    });
  });
  if (reader.issues.length > 0 || terms.length !== items.length) return none;
  const all =
    continuation === undefined ? terms : continuedTerms(rule, terms, continuation, tierBy);
  const brackets = completeBrackets(all, tierBy);
  brackets.forEach((bracket, index) => {
    const listed = listedAmounts[index];
    if (listed === undefined || listed === bracket.maintenanceAmount) return;
    const field = items[index]!.field('maintenanceAmount');
    if (tierBy === 'contracts') {
      field.fail('tiers by contracts have no maintenance amount (the rate applies to the whole)');
      return;
    }
    // Name the bracket and the recursion that gives its amount, so a typo can be found.
    const before = brackets[index - 1];
    const how =
      before === undefined
        ? 'the first bracket has none'
        : `${formatFixed(before.maintenanceAmount)} + ${formatFixed(bracket.floor)} × ` +
          `(${formatFixed(bracket.maintenanceRate)} − ${formatFixed(before.maintenanceRate)})`;
    field.fail(
      `is ${formatFixed(listed)}, but the brackets give ${formatFixed(bracket.maintenanceAmount)} ` +
        `(bracket ${index + 1}, above ${formatFixed(bracket.floor)}: ${how})`,
    );
  });
  return { brackets, listedTiers: items.length };
}

/** Per instrument, the open interest (contracts) new orders may take its market to. */
function readOpenInterestLimits(reader: Reader): ReadonlyMap<string, bigint> {
  const limits = new Map<string, bigint>();
  for (const [instrument, entry] of reader.entries(instrumentsMax)) {
    limits.set(
      instrument,
      entry.decimal({ positive: true, max: atMost(sizeUnitsMax * SCALE, `${sizeUnitsMax}`) }),
    );
  }
  return limits;
}

/** A wrapped token's redemption: the asset and how much of it one unit redeems for. */
function readRedemption(reader: Reader): { asset: string; rate: bigint } | undefined {
  if (!reader.object()) return undefined;
  reader.only(['asset', 'rate']);
  return {
    asset: reader.field('asset').string(),
    rate: reader
      .field('rate')
      .decimal({ positive: true, max: atMost(10n ** 6n * SCALE, '1000000') }),
  };
}
