import {
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
import type { PortfolioRule, ScenarioGrid, UnderlyingOffset } from '../../core/model/rulebook.ts';
import { ONE, SCALE } from '../../core/num/fixed.ts';
import {
  type ShockIssue,
  shockIssue,
  unshocked,
  type VolShock,
} from '../../core/pricing/vol-shock.ts';
import { atMost, nonNegative, type Reader } from './reader.ts';

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
  };
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
    item.only(['underlyings', 'credit']);
    const field = item.field('underlyings');
    const names = field.items(2).map((name) => name.string());
    const credit = item.field('credit').decimal(rate);
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
    offsets.push({ underlyings: [first, second], credit });
  });
  return offsets;
}

function readBoolean(reader: Reader): boolean {
  if (typeof reader.value === 'boolean') return reader.value;
  reader.fail(reader.value === undefined ? 'is required (true or false)' : 'must be true or false');
  return false;
}
