import {
  calendarSpreadsMax,
  expiryDaysMax,
  expiryTiersMax,
  extremeMovesPerGridMax,
  gridsPerRuleMax,
  initialToMaintenanceMax,
  lookaheadDaysMax,
  offsetsPerRuleMax,
  priceMoveMax,
  proportionalShockMax,
  referenceYearsMax,
  scenariosPerGridMax,
  termPowerMax,
  termWeightMax,
  volatilityMax,
  volShocksPerGridMax,
} from '../../core/limits.ts';
import type {
  CalendarSpread,
  ExpiryTier,
  PortfolioRule,
  ScanRange,
  ScenarioGrid,
  UnderlyingOffset,
} from '../../core/model/rulebook.ts';
import { ONE, SCALE } from '../../core/num/fixed.ts';
import {
  type ShockIssue,
  shockIssue,
  unshocked,
  type VolShock,
} from '../../core/pricing/vol-shock.ts';
import { atMost, type DecimalBounds, nonNegative, type Reader } from './reader.ts';

const rate = { min: nonNegative, max: atMost(ONE, '1') };
const daysPerYear = 365.25;

const ruleFields = [
  'aggregation',
  'grid',
  'gridByUnderlying',
  'scanSpot',
  'basisRate',
  'calendarRate',
  'deltaShockRate',
  'shortOptionMinimumRate',
  'contractFloorRate',
  'offsets',
  'expiryTiers',
  'calendarSpreads',
  'delivery',
  'maintenanceFactor',
  'initialToMaintenance',
];

/**
 * A rulebook's `portfolio` section (docs/rulebook-format.md): how an account in portfolio mode is
 * margined. Scenario figures (moves, shocks, cover, look-ahead) become float64, the zone the
 * scenarios are priced in; rates stay exact. Issues go to the reader, with their paths.
 */
export function readPortfolioRule(reader: Reader): PortfolioRule {
  if (!reader.object()) return emptyPortfolioRule;
  reader.only(ruleFields);
  const gridByUnderlying = new Map<string, ScenarioGrid>();
  if (reader.has('gridByUnderlying')) {
    for (const [underlying, entry] of reader.field('gridByUnderlying').entries(gridsPerRuleMax)) {
      gridByUnderlying.set(underlying, readGrid(entry));
    }
  }
  const initialToMaintenance = reader.field('initialToMaintenance').decimal({
    min: { value: ONE, message: 'must be at least 1 (initial margin is never below maintenance)' },
    max: atMost(BigInt(initialToMaintenanceMax) * SCALE, `${initialToMaintenanceMax}`),
  });
  return {
    aggregation: reader.field('aggregation').oneOf(['span', 'okx'] as const),
    grid: readGrid(reader.field('grid')),
    gridByUnderlying,
    scanSpot: readBoolean(reader.field('scanSpot')),
    basisRate: reader.field('basisRate').decimal(rate),
    calendarRate: reader.field('calendarRate').decimal(rate),
    deltaShockRate: reader.field('deltaShockRate').decimal(rate),
    shortOptionMinimumRate: reader.field('shortOptionMinimumRate').decimal(rate),
    contractFloorRate: reader.field('contractFloorRate').decimal(rate),
    offsets: reader.has('offsets') ? readOffsets(reader.field('offsets')) : [],
    ...readCalendarSpreads(reader),
    ...(reader.has('delivery') ? { delivery: readDelivery(reader.field('delivery')) } : {}),
    maintenanceFactor: reader.has('maintenanceFactor')
      ? reader.field('maintenanceFactor').decimal({ positive: true, max: atMost(ONE, '1') })
      : ONE,
    initialToMaintenance,
  };
}

const emptyGrid: ScenarioGrid = {
  priceMoves: [],
  volShocks: [],
  extremeMoves: [],
  extremeCover: 0,
  extremeVolShock: unshocked,
  lookaheadYears: 0,
  rollShockRate: 0,
};

const emptyPortfolioRule: PortfolioRule = {
  aggregation: 'span',
  grid: emptyGrid,
  gridByUnderlying: new Map(),
  scanSpot: false,
  basisRate: 0n,
  calendarRate: 0n,
  deltaShockRate: 0n,
  shortOptionMinimumRate: 0n,
  contractFloorRate: 0n,
  offsets: [],
  expiryTiers: [],
  calendarSpreads: [],
  maintenanceFactor: ONE,
  initialToMaintenance: ONE,
};

const move = { above: -1, max: priceMoveMax, maxName: 'the move limit' };

function readGrid(reader: Reader): ScenarioGrid {
  if (!reader.object()) return emptyGrid;
  reader.only([
    'priceMoves',
    'volShocks',
    'extremeMoves',
    'extremeCover',
    'extremeVolShock',
    'lookaheadDays',
    'rollShockRate',
    'scanRanges',
  ]);
  const priceMoves = readMoves(reader.field('priceMoves'), scenariosPerGridMax);
  const volShocks = reader
    .field('volShocks')
    .items(volShocksPerGridMax)
    .map((item) => readVolShock(item));
  const noPoints = 'must list at least one (a scenario grid with no points)';
  for (const key of ['priceMoves', 'volShocks']) {
    const list = reader.field(key).value;
    if (Array.isArray(list) && list.length === 0) reader.field(key).fail(noPoints);
  }
  const extremeMoves = readMoves(reader.field('extremeMoves'), extremeMovesPerGridMax);
  const scenarios = priceMoves.length * volShocks.length + extremeMoves.length;
  if (scenarios > scenariosPerGridMax) {
    const counted = 'price moves × vol shocks + extreme moves';
    reader.fail(`has ${scenarios} scenarios (${counted}), at most ${scenariosPerGridMax}`);
  }
  return {
    priceMoves,
    volShocks,
    extremeMoves,
    extremeCover: reader.field('extremeCover').float({ min: 0, max: 1 }),
    extremeVolShock: readVolShock(reader.field('extremeVolShock')),
    lookaheadYears:
      reader
        .field('lookaheadDays')
        .float({ min: 0, max: lookaheadDaysMax, maxName: 'the look-ahead limit' }) / daysPerYear,
    rollShockRate: reader.has('rollShockRate')
      ? reader.field('rollShockRate').float({ min: 0, max: 1 })
      : 0,
    ...(reader.has('scanRanges')
      ? { scanRanges: readScanRanges(reader.field('scanRanges'), [...priceMoves, ...extremeMoves]) }
      : {}),
  };
}

/**
 *   "scanRanges": [{ "upToDays": "45", "fraction": "0.05" }, { "perContract": "10000" }]
 * nearest expiry first with rising bounds, the last unbounded; the grid's moves are then multiples
 * of each range, and a fraction times the lowest move must stay above −1.
 */
function readScanRanges(reader: Reader, moves: readonly number[]): ScanRange[] {
  const ranges: ScanRange[] = [];
  const items = reader.items(expiryTiersMax);
  if (Array.isArray(reader.value) && items.length === 0)
    reader.fail('must list at least one range');
  const lowest = Math.min(0, ...moves);
  let previous = -1;
  items.forEach((item, index) => {
    if (!item.object()) return;
    item.only(['upToDays', 'fraction', 'perContract']);
    const last = index === items.length - 1;
    let upToDays: number | null = null;
    if (item.has('upToDays')) {
      if (last)
        item.field('upToDays').fail('the last range must be unbounded (leave upToDays out)');
      upToDays = item.field('upToDays').float({ min: 0, max: expiryDaysMax });
      if (upToDays <= previous) item.field('upToDays').fail('must rise from range to range');
      previous = upToDays;
    } else if (!last) {
      item.fail('only the last range may be unbounded (give upToDays)');
    }
    if (item.has('fraction') === item.has('perContract')) {
      item.fail('must give one of fraction or perContract');
      return;
    }
    if (item.has('fraction')) {
      const fraction = item.field('fraction').float({ above: 0, max: priceMoveMax });
      if (fraction * lowest <= -1) {
        item.field('fraction').fail(`× the lowest move ${lowest} must stay above -1`);
      }
      ranges.push({ upToDays, range: { fraction } });
    } else {
      const perContract = item.field('perContract').float({ above: 0, max: 1e15 });
      ranges.push({ upToDays, range: { perContract } });
    }
  });
  return ranges;
}

function readMoves(reader: Reader, countMax: number): number[] {
  const moves = reader.items(countMax).map((item) => item.float(move));
  const seen = new Set<number>();
  moves.forEach((value, index) => {
    if (seen.has(value)) reader.fail(`duplicate move ${value}`, `${reader.path}[${index}]`);
    seen.add(value);
  });
  return moves;
}

/**
 *   { "parallel": "0.05", "proportional": "0",
 *     "term": { "referenceYears": "0.0821", "power": "0.5", "weightMax": "3" } }
 * parallel and proportional defaulting to 0, term optional; the core's `shockIssue` judges the
 * rest.
 */
function readVolShock(reader: Reader): VolShock {
  if (!reader.object()) return unshocked;
  reader.only(['parallel', 'proportional', 'term', 'floor']);
  const volatility = { min: -volatilityMax, max: volatilityMax, maxName: 'the volatility limit' };
  const parallel = reader.has('parallel') ? reader.field('parallel').float(volatility) : 0;
  const proportional = reader.has('proportional')
    ? reader.field('proportional').float({ max: proportionalShockMax })
    : 0;
  const before = reader.issues.length;
  let shock: VolShock = { parallel, proportional };
  if (reader.has('floor')) {
    shock = { ...shock, floor: reader.field('floor').float({ max: volatilityMax }) };
  }
  if (reader.has('term')) {
    const term = reader.field('term');
    if (term.object()) {
      term.only(['referenceYears', 'power', 'longPower', 'weightMax']);
      const longPower = term.has('longPower')
        ? { longPower: term.field('longPower').float({ max: termPowerMax }) }
        : {};
      shock = {
        ...shock,
        term: {
          referenceYears: term.field('referenceYears').float({ max: referenceYearsMax }),
          power: term.field('power').float({ max: termPowerMax }),
          ...longPower,
          weightMax: term.field('weightMax').float({ max: termWeightMax }),
        },
      };
    }
  }
  if (reader.issues.length > before) return shock;
  const issue = shockIssue(shock, reader.path);
  if (issue !== null) reader.fail(shockMessage[issue.code], issue.path);
  return shock;
}

const shockMessage: Record<ShockIssue['code'], string> = {
  not_finite: 'must be a finite number',
  must_be_above_minus_one: 'must be above -1 (a fall of 100 % leaves no volatility)',
  must_be_positive: 'must be greater than zero',
  must_be_non_negative: 'must not be negative',
  must_be_at_least_one: 'must be at least 1',
};

function readOffsets(reader: Reader): UnderlyingOffset[] {
  const offsets: UnderlyingOffset[] = [];
  const pairs = new Set<string>();
  reader.items(offsetsPerRuleMax).forEach((item) => {
    if (!item.object()) return;
    item.only(['underlyings', 'credit', 'deltaPerSpread']);
    const field = item.field('underlyings');
    const names = field.items(2).map((name) => name.string());
    const credit = readPair(item.field('credit'), rate, true);
    const deltaPerSpread = item.has('deltaPerSpread')
      ? readPair(item.field('deltaPerSpread'), { positive: true }, false)
      : ([ONE, ONE] as const);
    if (names.length !== 2) {
      if (Array.isArray(field.value) && field.value.length < 2)
        field.fail('must name two underlyings');
      return;
    }
    const [first, second] = names as [string, string];
    if (first === second && first !== '') field.fail('must name two different underlyings');
    const pair = [first, second].sort().join('\u0000');
    if (pairs.has(pair)) field.fail(`duplicate offset between "${first}" and "${second}"`);
    pairs.add(pair);
    offsets.push({ underlyings: [first, second], deltaPerSpread, credit });
  });
  return offsets;
}

/** Two decimals, one per leg; `shared` also takes one decimal for both legs. */
function readPair(
  reader: Reader,
  bounds: DecimalBounds,
  shared: boolean,
): readonly [bigint, bigint] {
  if (shared && !Array.isArray(reader.value)) {
    const value = reader.decimal(bounds);
    return [value, value];
  }
  const items = reader.items(2);
  if (items.length !== 2) {
    // A list too long or not a list is named by items() already.
    if (Array.isArray(reader.value) && reader.value.length < 2) {
      reader.fail(shared ? 'must be a decimal string or two of them' : 'must list two decimals');
    }
    return [0n, 0n];
  }
  return [items[0]!.decimal(bounds), items[1]!.decimal(bounds)];
}

/**
 *   "expiryTiers": [{ "upToDays": "30" }, { "upToDays": "90" }, {}],
 *   "calendarSpreads": [{ "tiers": [0, 1], "deltaPerSpread": "1", "chargePerSpread": "200" }]
 * Tiers nearest first with rising bounds, the last unbounded; spreads in priority order.
 */
function readCalendarSpreads(
  reader: Reader,
): Pick<PortfolioRule, 'expiryTiers' | 'calendarSpreads'> {
  const expiryTiers: ExpiryTier[] = [];
  if (reader.has('expiryTiers')) {
    const list = reader.field('expiryTiers');
    const items = list.items(expiryTiersMax);
    let previous = -1;
    items.forEach((item, index) => {
      if (!item.object()) return;
      item.only(['upToDays']);
      const last = index === items.length - 1;
      if (!item.has('upToDays')) {
        if (!last) item.fail('only the last tier may be unbounded (give upToDays)');
        expiryTiers.push({ upToDays: null });
        return;
      }
      if (last) item.field('upToDays').fail('the last tier must be unbounded (leave upToDays out)');
      const upToDays = item.field('upToDays').float({ min: 0, max: expiryDaysMax });
      if (upToDays <= previous) item.field('upToDays').fail('must rise from tier to tier');
      previous = upToDays;
      expiryTiers.push({ upToDays });
    });
  }
  const calendarSpreads: CalendarSpread[] = [];
  if (reader.has('calendarSpreads') && expiryTiers.length === 0) {
    reader.field('calendarSpreads').fail('needs expiryTiers');
  } else if (reader.has('calendarSpreads')) {
    for (const item of reader.field('calendarSpreads').items(calendarSpreadsMax)) {
      if (!item.object()) continue;
      item.only(['tiers', 'deltaPerSpread', 'chargePerSpread']);
      const tiers = item.field('tiers');
      const indexes = tiers.items(2).map((tier) => tierIndex(tier, expiryTiers.length));
      if (indexes.length !== 2) tiers.fail('must name two tiers');
      else if (indexes[0] === indexes[1] && indexes[0]! >= 0) {
        tiers.fail('must name two different tiers');
      }
      calendarSpreads.push({
        tiers: [Math.max(0, indexes[0] ?? 0), Math.max(0, indexes[1] ?? 0)],
        deltaPerSpread: item.field('deltaPerSpread').decimal({ positive: true }),
        chargePerSpread: item.field('chargePerSpread').decimal({ min: nonNegative }),
      });
    }
  }
  return { expiryTiers, calendarSpreads };
}

/** `"delivery": { "withinDays": "7", "rate": "0.01" }` */
function readDelivery(reader: Reader): { withinDays: number; rate: bigint } {
  if (!reader.object()) return { withinDays: 0, rate: 0n };
  reader.only(['withinDays', 'rate']);
  return {
    withinDays: reader.field('withinDays').float({ min: 0, max: expiryDaysMax }),
    rate: reader.field('rate').decimal(rate),
  };
}

function tierIndex(reader: Reader, count: number): number {
  const value = reader.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= count) {
    reader.fail(`must be the index of a tier in expiryTiers (0 to ${count - 1})`);
    return -1;
  }
  return value;
}

function readBoolean(reader: Reader): boolean {
  if (typeof reader.value === 'boolean') return reader.value;
  reader.fail(reader.value === undefined ? 'is required (true or false)' : 'must be true or false');
  return false;
}
