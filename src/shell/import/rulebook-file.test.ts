import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { portfolioIssues } from '../../../test/portfolio-file-kit.ts';
import { requirement } from '../../core/margin/leg-risk.ts';
import { sizePremiumRate } from '../../core/margin/size-premium.ts';
import type { Instrument } from '../../core/model/instrument.ts';
import { defaultLiquidationRule, type Rulebook } from '../../core/model/rulebook.ts';
import { assert } from '../../core/num/assert.ts';
import { fixed, ONE } from '../../core/num/fixed.ts';
import { mulCeil } from '../../core/num/rounding.ts';
import { readPortfolio } from './portfolio-file.ts';
import { presetIds, readPreset } from './presets.ts';
import { Reader } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

/**
 * The portfolio-margin presets load into the core's numbers: option rules under "option", and
 * the portfolio section's grids as float64 with look-ahead in years, rates as fixed point.
 */
const presetJson = (id: string) => JSON.parse(readFileSync(`rulebooks/${id}.json`, 'utf8'));

function read(doc: unknown): { rulebook: Rulebook; issues: readonly string[] } {
  const reader = new Reader(doc, '');
  const rulebook = readRulebook(reader);
  return { rulebook, issues: reader.issues };
}

describe('deribit-options', () => {
  const book = readPreset('deribit-options');

  it('standard option margin under "option", futures under their ids and "*"', () => {
    expect(book.defaultOptionRule).toEqual({
      kind: 'option-standard',
      initialRate: fixed('0.15'),
      initialFloor: fixed('0.1'),
      maintenanceRate: fixed('0.075'),
      marginFactor: fixed('1'),
    });
    expect(book.instruments.has('option')).toBe(false);
    expect(book.defaultRule?.kind).toBe('size-premium');
    expect(book.instruments.get('BTC-PERPETUAL')).toMatchObject({
      initialRate: fixed('0.02'),
      maintenanceRate: fixed('0.01'),
      premium: { curve: 'linear', ratePerUnit: fixed('0.000000000555555556') },
    });
    expect(book.crossPool).toBe('per-settle-asset');
  });

  it('a ±16 % grid in 9 buckets × vol up, same, down; ETH ±18 %; MM = 0.8 × risk, IM = risk', () => {
    const rule = book.portfolio!;
    expect(rule.aggregation).toBe('span');
    expect(rule.grid.priceMoves).toEqual([-0.16, -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12, 0.16]);
    // Deribit's vega power: (30/days)^0.3 under 30 days, ^0.13 beyond; vol up floored at 0.5.
    const term = { referenceYears: 30 / 365.25, power: 0.3, longPower: 0.13, weightMax: 10 };
    const volUp = { parallel: 0, proportional: 0.5, floor: 0.5, term };
    expect(rule.grid.volShocks).toHaveLength(3);
    expect(rule.grid.volShocks[0]).toMatchObject({
      ...volUp,
      term: expect.objectContaining({ power: 0.3, longPower: 0.13 }),
    });
    expect(rule.grid.volShocks[0]!.term!.referenceYears).toBeCloseTo(term.referenceYears, 15);
    expect(rule.grid.volShocks[1]).toEqual({ parallel: 0, proportional: 0 });
    expect(rule.grid.volShocks[2]).toMatchObject({ parallel: 0, proportional: -0.25 });
    expect(rule.grid.extremeMoves).toEqual([-0.66, -0.33, 0.5, 1, 2, 3, 4, 5]);
    expect(rule.grid.extremeCover).toBe(0.08);
    expect(rule.grid.extremeVolShock).toMatchObject({ proportional: 0.5, floor: 0.5 });
    expect(rule.grid.lookaheadYears).toBe(0);
    const eth = rule.gridByUnderlying.get('ETH')!;
    expect(eth.priceMoves).toHaveLength(9);
    expect(eth.priceMoves[0]).toBe(-0.18);
    expect(eth.volShocks[0]).toMatchObject({ parallel: 0, proportional: 0.4, floor: 0.5 });
    expect(rule.initialToMaintenance).toBe(fixed('1.25'));
    expect(rule.maintenanceFactor).toBe(fixed('0.8'));
    // The roll shock (every futures position, matched or not) replaces basis and calendar charges.
    expect(rule.grid.rollShockRate).toBe(0.01);
    expect(rule.gridByUnderlying.get('ETH')!.rollShockRate).toBe(0.005);
    expect(rule.basisRate).toBe(0n);
    expect(rule.calendarRate).toBe(0n);
    expect(rule.offsets).toEqual([]);
    expect(rule.scanSpot).toBe(false);
  });
});

describe('span-16', () => {
  const rule = readPreset('span-16').portfolio!;

  it('7 price points × 2 vol shocks + 2 extremes at 35 % = 16 scenarios, one day ahead', () => {
    const { grid } = rule;
    expect(grid.priceMoves).toEqual([-0.15, -0.1, -0.05, 0, 0.05, 0.1, 0.15]);
    expect(grid.volShocks).toEqual([
      { parallel: 0.1, proportional: 0 },
      { parallel: -0.1, proportional: 0 },
    ]);
    expect(grid.extremeMoves).toEqual([-0.3, 0.3]);
    expect(grid.priceMoves.length * grid.volShocks.length + grid.extremeMoves.length).toBe(16);
    expect(grid.extremeCover).toBe(0.35);
    expect(grid.lookaheadYears).toBe(1 / 365.25);
    expect(rule.gridByUnderlying.size).toBe(0);
  });

  it('charges and the BTC/ETH offset as exact rates', () => {
    expect(rule).toMatchObject({
      aggregation: 'span',
      basisRate: fixed('0.005'),
      calendarRate: fixed('0.005'),
      deltaShockRate: 0n,
      shortOptionMinimumRate: fixed('0.03'),
      contractFloorRate: 0n,
      initialToMaintenance: fixed('1.1'),
      offsets: [
        {
          underlyings: ['BTC', 'ETH'],
          deltaPerSpread: [fixed('1'), fixed('30')],
          credit: [fixed('0.5'), fixed('0.5')],
        },
      ],
      expiryTiers: [],
      calendarSpreads: [],
    });
  });
});

describe('okx-portfolio', () => {
  const rule = readPreset('okx-portfolio').portfolio!;

  it('MR1 and MR6 moves by underlying group, IMR = 1.3 × MMR', () => {
    expect(rule.aggregation).toBe('okx');
    expect(rule.gridByUnderlying.get('BTC')?.priceMoves).toEqual([
      -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12,
    ]);
    expect(rule.gridByUnderlying.get('BTC')?.extremeMoves).toEqual([-0.24, 0.24]);
    expect(rule.gridByUnderlying.get('SOL')?.extremeMoves).toEqual([-0.36, 0.36]);
    expect(rule.grid.priceMoves).toEqual([-0.25, -0.16, -0.08, 0, 0.08, 0.16, 0.25]);
    expect(rule.grid.extremeMoves).toEqual([-0.5, 0.5]);
    expect(rule.grid.extremeCover).toBe(0.5);
    expect(rule.grid.volShocks).toHaveLength(3);
    expect(rule.initialToMaintenance).toBe(fixed('1.3'));
    expect(rule.contractFloorRate).toBe(fixed('0.0045'));
    expect(rule.scanSpot).toBe(true);
  });
});

describe('the portfolio section, refused', () => {
  it('names every problem by path', () => {
    const doc = presetJson('span-16');
    const grid = doc.portfolio.grid;
    grid.priceMoves = ['0.05', '-0.05', '0.050'];
    grid.volShocks[0] = {
      parallel: '0.1',
      term: { referenceYears: '0', power: '0.5', weightMax: '3' },
    };
    grid.extremeMoves = ['-1'];
    grid.lookaheadDays = '31';
    doc.portfolio.offsets.push({ underlyings: ['ETH', 'BTC'], credit: '0.2' });
    doc.portfolio.gridByUnderlying = { SOL: { ...grid, volShocks: [] } };
    expect(read(doc).issues).toEqual([
      'portfolio.gridByUnderlying.SOL.priceMoves[2]: duplicate move 0.05',
      'portfolio.gridByUnderlying.SOL.volShocks: must list at least one (a scenario grid with no points)',
      'portfolio.gridByUnderlying.SOL.extremeMoves[0]: must be above -1',
      'portfolio.gridByUnderlying.SOL.lookaheadDays: must be at most 30 (the look-ahead limit)',
      'portfolio.grid.priceMoves[2]: duplicate move 0.05',
      'portfolio.grid.volShocks[0].term.referenceYears: must be greater than zero',
      'portfolio.grid.extremeMoves[0]: must be above -1',
      'portfolio.grid.lookaheadDays: must be at most 30 (the look-ahead limit)',
      'portfolio.offsets[1].underlyings: duplicate offset between "ETH" and "BTC"',
    ]);
  });

  it('bounds a grid: at most 256 scenarios', () => {
    const doc = presetJson('span-16');
    const moves = Array.from({ length: 129 }, (_, index) => `0.00${index + 100}`);
    doc.portfolio.grid.priceMoves = moves;
    expect(read(doc).issues).toEqual([
      'portfolio.grid: has 260 scenarios (price moves × vol shocks + extreme moves), at most 256',
    ]);
  });

  it('an option rule keeps initial ≥ maintenance', () => {
    const doc = presetJson('span-16');
    doc.instruments.option.maintenanceRate = '0.12';
    expect(read(doc).issues).toEqual([
      'instruments.option.maintenanceRate: 0.12 is at or above the initialFloor 0.1, the ' +
        'initial rate of a short call far out of the money; maintenance must stay below ' +
        'initial margin, or an order that passes the initial check is liquidatable at once',
    ]);
  });
});

describe('marginPrice', () => {
  it("deribit-linear measures every rule's notional at the index", () => {
    const book = readPreset('deribit-linear');
    for (const rule of [...book.instruments.values(), book.defaultRule]) {
      expect(rule).toMatchObject({ marginPrice: 'index' });
    }
  });

  it("a rule's own marginPrice overrides the rulebook's; absent both, the rule says none", () => {
    const doc = presetJson('deribit-linear');
    doc.instruments['BTC_USDC-PERPETUAL'].marginPrice = 'mark';
    const { rulebook, issues } = read(doc);
    expect(issues).toEqual([]);
    expect(rulebook.instruments.get('BTC_USDC-PERPETUAL')).toMatchObject({ marginPrice: 'mark' });
    delete doc.marginPrice;
    const plain = read(doc).rulebook.instruments.get('SOL_USDC-PERPETUAL');
    expect(plain).not.toHaveProperty('marginPrice');
  });

  it('anything but "mark", "index" or "entry" is refused, and an option rule takes none', () => {
    const doc = presetJson('deribit-linear');
    doc.instruments['*'].marginPrice = 'last';
    doc.instruments.option = { ...presetJson('deribit-options').instruments.option };
    doc.instruments.option.marginPrice = 'index';
    expect(read(doc).issues).toEqual([
      'instruments.*.marginPrice: must be one of: mark, index, entry',
      expect.stringMatching(/^instruments\.option\.marginPrice: unknown field/),
    ]);
  });
});

describe('netNotionalValue (dYdX net collateral)', () => {
  it('the dYdX preset sets it; a rulebook without it does not', () => {
    expect(read(presetJson('dydx-v4')).rulebook.netNotionalValue).toBe(true);
    expect(read({ ...presetJson('dydx-v4'), netNotionalValue: false }).rulebook).not.toHaveProperty(
      'netNotionalValue',
    );
  });

  it('refuses a value that is not a boolean, naming the field', () => {
    const { issues } = read({ ...presetJson('dydx-v4'), netNotionalValue: 'yes' });
    expect(issues).toEqual(['netNotionalValue: must be true or false']);
  });
});

describe('liquidationWarning (a margin ratio to warn at)', () => {
  it('reads a ratio below 1 as a fixed-point ratio; absent, there is none', () => {
    const doc = presetJson('binance-usdm');
    expect(read({ ...doc, liquidationWarning: '0.85' }).rulebook.liquidationWarning).toBe(
      fixed('0.85'),
    );
    expect(read(doc).rulebook).not.toHaveProperty('liquidationWarning');
  });

  it('refuses 1 (liquidation itself), more, zero and a number that is not a decimal string', () => {
    const issues = (value: unknown) =>
      read({ ...presetJson('binance-usdm'), liquidationWarning: value }).issues;
    expect(issues('1')).toEqual([
      'liquidationWarning: must be below 1 (a margin ratio of 1 is liquidation)',
    ]);
    expect(issues('1.5')).toHaveLength(1);
    expect(issues('0')).toEqual([expect.stringMatching(/^liquidationWarning: /)]);
    expect(issues('eighty')).toEqual([expect.stringMatching(/^liquidationWarning: /)]);
  });
});

describe('Mango: maintenanceWeightShift and liquidationEndHealth', () => {
  const withShift = (shift: unknown, tiers?: unknown) => {
    const doc = presetJson('mango-v4');
    doc.collateral.MID = { ...doc.collateral.MID, maintenanceWeightShift: shift };
    if (tiers !== undefined) doc.collateral.MID.tiers = tiers;
    return read(doc);
  };
  const shift = {
    start: '2026-12-01T00:00:00Z',
    end: '2026-12-08T00:00:00Z',
    assetTarget: '0.5',
    liabilityTarget: '1.5',
  };

  it('reads a shift as ms and ratios, and the preset reports liquidation-end health', () => {
    const { rulebook, issues } = withShift(shift);
    expect(issues).toEqual([]);
    expect(rulebook.collateral.get('MID')?.maintenanceWeightShift).toEqual({
      startMs: Date.parse('2026-12-01T00:00:00Z'),
      endMs: Date.parse('2026-12-08T00:00:00Z'),
      assetTarget: fixed('0.5'),
      liabilityTarget: fixed('1.5'),
    });
    expect(rulebook.liquidationEndHealth).toBe(true);
  });

  it('refuses an end before its start, a bad target, a stray key and several tiers', () => {
    const bad = { ...shift, end: '2026-11-30T00:00:00Z', liabilityTarget: '0.9', step: '1' };
    const tiers = [
      { upTo: '1000', initialWeight: '0.5', maintenanceWeight: '0.75' },
      { upTo: null, initialWeight: '0.4', maintenanceWeight: '0.6' },
    ];
    expect(withShift(bad).issues).toEqual([
      'collateral.MID.maintenanceWeightShift.step: unknown field ' +
        '(expected one of: start, end, assetTarget, liabilityTarget)',
      'collateral.MID.maintenanceWeightShift.liabilityTarget: must be at least 1',
      'collateral.MID.maintenanceWeightShift.end: must be at least a second after start',
    ]);
    expect(withShift(shift, tiers).issues).toEqual([
      'collateral.MID.maintenanceWeightShift: needs a single tier (Mango banks have one weight)',
    ]);
  });

  it('refuses a liquidationEndHealth that is not a boolean', () => {
    const { issues } = read({ ...presetJson('mango-v4'), liquidationEndHealth: 1 });
    expect(issues).toEqual(['liquidationEndHealth: must be true or false']);
  });
});

describe('Mango bank limits in the files', () => {
  const nowMs = Date.parse('2026-11-25T08:00:00Z');
  const example = () => JSON.parse(readFileSync('examples/mango-health.json', 'utf8'));
  const limits = {
    depositLimit: '2000',
    netBorrowLimit: { perWindow: '6000', windowSeconds: '1000' },
    loanOriginationFeeRate: '0.0005',
  };
  const issuesOf = (doc: unknown) => portfolioIssues(doc, nowMs);

  it('reads a collateral entry’s limits and a bank’s window', () => {
    const doc = presetJson('mango-v4');
    doc.collateral.PREMIUM = { ...doc.collateral.PREMIUM, ...limits };
    const rule = read(doc).rulebook.collateral.get('PREMIUM');
    expect(rule?.depositLimit).toBe(fixed('2000'));
    expect(rule?.netBorrowLimit).toEqual({ perWindow: fixed('6000'), windowMs: 1_000_000 });
    expect(rule?.loanOriginationFeeRate).toBe(fixed('0.0005'));
    const portfolio = example();
    portfolio.rulebook = doc;
    portfolio.market.venueTotals.PREMIUM.netBorrowsInWindow = '-12.5';
    portfolio.market.venueTotals.PREMIUM.netBorrowsWindowStart = '2026-11-24T07:00:00Z';
    const read2 = readPortfolio(portfolio, (reader) => readRulebook(reader), nowMs);
    expect(read2.market.venueTotals?.get('PREMIUM')).toEqual({
      deposits: fixed('2500'),
      borrows: fixed('400'),
      netBorrowsInWindow: fixed('-12.5'),
      netBorrowsWindowStartMs: Date.parse('2026-11-24T07:00:00Z'),
    });
  });

  it('refuses a window of part of a second, half a window, and limits without totals', () => {
    const doc = presetJson('mango-v4');
    doc.collateral.PREMIUM = {
      ...doc.collateral.PREMIUM,
      ...limits,
      netBorrowLimit: { perWindow: '6000', windowSeconds: '0.5' },
    };
    expect(read(doc).issues).toEqual([
      'collateral.PREMIUM.netBorrowLimit.windowSeconds: must be a whole number of seconds',
    ]);
    const portfolio = example();
    portfolio.rulebook = presetJson('mango-v4');
    portfolio.rulebook.collateral.USDC = {
      ...portfolio.rulebook.collateral.USDC,
      depositLimit: '1',
    };
    expect(issuesOf(portfolio)).toEqual([
      'market.venueTotals.USDC: "USDC" has a bank deposit or net borrow limit (rulebook ' +
        '"mango-v4"): give its deposits and borrows',
    ]);
    const half = example();
    half.rulebook = presetJson('mango-v4');
    half.market.venueTotals.PREMIUM.netBorrowsInWindow = '1';
    expect(issuesOf(half)).toEqual([
      'market.venueTotals.PREMIUM: give netBorrowsInWindow and netBorrowsWindowStart together',
    ]);
  });
});

/**
 * Issue 8, defect 6 beyond brackets: every rule kind keeps maintenance below initial margin for
 * every position, or an order that passes the initial check is liquidatable at once.
 */
describe('maintenance below initial margin, in every rule', () => {
  const why =
    'maintenance must stay below initial margin, or an order that passes the initial check is ' +
    'liquidatable at once';

  it('every bundled preset still reads', () => {
    for (const id of presetIds()) {
      expect(read(presetJson(id)).issues, id).toEqual([]);
    }
  });

  it('size-premium: a maintenanceRate at (or above) the initialRate is refused', () => {
    const doc = presetJson('deribit-linear');
    // Before the fix only a maintenance rate above the initial one was refused.
    doc.instruments['BTC_USDC-PERPETUAL'].maintenanceRate = '0.02';
    doc.instruments['*'].maintenanceRate = '0.05';
    expect(read(doc).issues).toEqual([
      `instruments.BTC_USDC-PERPETUAL.maintenanceRate: 0.02 is at or above the initialRate 0.02; ${why}`,
      `instruments.*.maintenanceRate: 0.05 is at or above the initialRate 0.04; ${why}`,
    ]);
  });

  it('size-premium, linear on both: one unit below initial is enough at every size', () => {
    const doc = presetJson('deribit-linear');
    doc.instruments['BTC_USDC-PERPETUAL'].maintenanceRate = '0.019999999999999999';
    const { rulebook, issues } = read(doc);
    expect(issues).toEqual([]);
    const rule = rulebook.instruments.get('BTC_USDC-PERPETUAL')!;
    assert(rule.kind === 'size-premium', 'the rule read is a size premium');
    // The premium adds the same rate to both: 0.00005 × 10⁶ BTC = 50 on each.
    const size = fixed('1000000');
    expect(sizePremiumRate(rule, 'initial', size)).toBe(fixed('50.02'));
    expect(sizePremiumRate(rule, 'maintenance', size)).toBe(fixed('50.019999999999999999'));
  });

  it('size-premium, √size: rates a unit apart that discount to one rate meet at large sizes', () => {
    const doc = presetJson('drift');
    // 0.05 − 0.01 = 0.04 and 0.049999999999999999 − 0.009999999999999999 = 0.04 as well.
    doc.instruments['BTC-PERP'].maintenanceRate = '0.049999999999999999';
    expect(read(doc).issues).toEqual([
      'instruments.BTC-PERP.maintenanceRate: 0.049999999999999999 and the initialRate 0.05 ' +
        'discount to the same 0.04 under the √size premium (4/5 of each, the fifth rounded ' +
        'down), so past the size where the premium outgrows the initial rate maintenance ' +
        `reaches initial; ${why}`,
    ]);
    // Why: at 4 BTC the premium 0.008 × √4 = 0.016 lifts both to 0.056.
    const rule = {
      kind: 'size-premium' as const,
      initialRate: fixed('0.05'),
      maintenanceRate: fixed('0.049999999999999999'),
      premium: { curve: 'sqrt' as const, imfFactor: fixed('0.008') },
    };
    expect(sizePremiumRate(rule, 'initial', fixed('4'))).toBe(fixed('0.056'));
    expect(sizePremiumRate(rule, 'maintenance', fixed('4'))).toBe(fixed('0.056'));
    // Exactly that is refused: with no premium, or bases that discount apart, it is accepted.
    doc.instruments['BTC-PERP'].premium.imfFactor = '0';
    expect(read(doc).issues).toEqual([]);
    doc.instruments['BTC-PERP'].premium.imfFactor = '0.008';
    doc.instruments['BTC-PERP'].initialRate = '0.050000000000000001';
    doc.instruments['BTC-PERP'].maintenanceRate = '0.05';
    expect(read(doc).issues).toEqual([]);
  });

  it('option-standard: a maintenanceRate at the initialFloor is refused (a far OTM short call)', () => {
    const doc = presetJson('deribit-options');
    // Before the fix only a maintenance rate above the floor was refused.
    doc.instruments.option.maintenanceRate = '0.1';
    expect(read(doc).issues).toEqual([
      'instruments.option.maintenanceRate: 0.1 is at or above the initialFloor 0.1, the initial ' +
        `rate of a short call far out of the money; ${why}`,
    ]);
    // Why: a short call 50 % out of the money is margined at the floor, as maintenance is.
    const call: Instrument = {
      id: 'BTC-C',
      kind: 'option',
      settlement: 'inverse',
      underlying: 'BTC',
      quote: 'USD',
      settle: 'BTC',
      contractSize: fixed('1'),
      tickSize: fixed('0.0001'),
      sizeStep: fixed('0.1'),
      option: { right: 'call', strike: fixed('150000') },
    };
    const rule = {
      kind: 'option-standard' as const,
      initialRate: fixed('0.15'),
      initialFloor: fixed('0.1'),
      maintenanceRate: fixed('0.1'),
      marginFactor: ONE,
    };
    const [size, mark, index] = [-ONE, fixed('0.001'), fixed('100000')];
    const initial = requirement(call, rule, 'initial', size, mark, undefined, index);
    expect(initial).toBe(fixed('0.101'));
    expect(requirement(call, rule, 'maintenance', size, mark, undefined, index)).toBe(initial);
    doc.instruments.option.maintenanceRate = '0.099999999999999999';
    expect(read(doc).issues).toEqual([]);
  });

  it('liquidity-tier: a maintenanceFraction of 1, or an initialRate of 0, is refused', () => {
    const doc = presetJson('dydx-v4');
    doc.instruments['BTC-USD'].maintenanceFraction = '1';
    doc.instruments['ETH-USD'].initialRate = '0';
    expect(read(doc).issues).toEqual([
      `instruments.BTC-USD.maintenanceFraction: 1 makes maintenance the whole initial margin; ${why}`,
      'instruments.ETH-USD.initialRate: 0 leaves maintenance and initial margin both nothing, ' +
        `equal; ${why}`,
    ]);
    doc.instruments['BTC-USD'].maintenanceFraction = '0.999999';
    doc.instruments['ETH-USD'].initialRate = '0.000001';
    expect(read(doc).issues).toEqual([]);
  });
});

describe('a closing fee in maintenance only leaves room in every rule kind', () => {
  const inMaintenance = (takerRate: string, valuedAt: 'notional' | 'bankruptcy') => ({
    takerRate,
    valuedAt,
    inMaintenance: true,
    inInitial: false,
  });

  it('max-leverage: 1 / (2 × 3) plus a fee of 0.17 reaches 1 / 3', () => {
    const doc = presetJson('hyperliquid');
    doc.closingFee = inMaintenance('0.17', 'notional');
    // Its brackets (1 / 40 and up) have no room for such a fee either; the "*" rule is asked here.
    const ofDefault = () => read(doc).issues.filter((issue) => issue.startsWith('instruments.*'));
    expect(ofDefault()).toEqual([
      'instruments.*.maxLeverage: maintenance rate 0.166666666666666667 plus the closing fee 0.17 ' +
        '(closingFee.takerRate, in maintenance only, on the notional) reaches the initial rate ' +
        '0.333333333333333334: maintenance must stay below initial margin',
    ]);
    doc.closingFee = inMaintenance('0.16', 'notional');
    expect(ofDefault()).toEqual([]);
  });

  it('liquidity-tier: 0.02 × 0.6 plus 0.008 on the notional reaches 0.02', () => {
    const doc = presetJson('dydx-v4');
    doc.closingFee = inMaintenance('0.008', 'notional');
    expect(read(doc).issues).toEqual(
      ['BTC-USD', 'ETH-USD'].map(
        (id) =>
          `instruments.${id}.maintenanceFraction: maintenance rate 0.012 plus the closing fee ` +
          '0.008 (closingFee.takerRate, in maintenance only, on the notional) reaches the ' +
          'initial rate 0.02: maintenance must stay below initial margin',
      ),
    );
  });

  it('size-premium on both, fee on the notional: the gap holds at every size', () => {
    const doc = presetJson('deribit-linear');
    doc.closingFee = inMaintenance('0.0099', 'notional');
    expect(read(doc).issues).toEqual([]);
    doc.closingFee = inMaintenance('0.01', 'notional');
    // BTC's and ETH's 0.01 + 0.01 reach 0.02; SOL's and the default's 0.02 + 0.01 stay below 0.04.
    expect(read(doc).issues).toHaveLength(2);
    expect(read(doc).issues[0]).toBe(
      'instruments.BTC_USDC-PERPETUAL.maintenanceRate: maintenance rate 0.01 plus the closing ' +
        'fee 0.01 (closingFee.takerRate, in maintenance only, on the notional) reaches the ' +
        'initial rate 0.02: maintenance must stay below initial margin',
    );
  });

  it('size-premium on both, fee at the bankruptcy price: the first premium past the room', () => {
    const doc = presetJson('deribit-linear');
    doc.instruments = { '*': doc.instruments['*'] };
    doc.closingFee = inMaintenance('0.0005', 'bankruptcy');
    const [issue] = read(doc).issues;
    // (0.04 + p) − ⌈(0.04 + p) × 0.0005⌉ > 0.02 + p + 0.0005 needs ⌈(0.04 + p) / 2000⌉ <
    // 0.0195, so 0.04 + p ≤ 39 − 2000 units: it fails first at p = 38.96 − 1999 units.
    expect(issue).toBe(
      'instruments.*.premium: from a size premium of 38.959999999999998001 on (maintenance ' +
        'rate 38.979999999999998001, initial 38.999999999999998001, reached at a large enough ' +
        'size), maintenance plus the closing fee 0.0005 ' +
        '(closingFee.takerRate, in maintenance only, on the value at the bankruptcy price) ' +
        'reaches the initial rate net of the fee: maintenance must stay below initial margin',
    );
    const fits = (p: bigint) => {
      const initial = fixed('0.04') + p;
      return fixed('0.02') + p + fixed('0.0005') < initial - mulCeil(initial, fixed('0.0005'));
    };
    expect(fits(fixed('38.959999999999998'))).toBe(true);
    expect(fits(fixed('38.959999999999998001'))).toBe(false);
    // On initial only, the premium widens the room: accepted.
    doc.instruments['*'].premium.appliesTo = 'initial';
    expect(read(doc).issues).toEqual([]);
  });
});

describe('liquidation (how the venue liquidates)', () => {
  const doc = presetJson('binance-usdm') as Record<string, unknown>;
  it("reads each field given and takes dYdX v4's default for each one not", () => {
    const { rulebook } = read({ ...doc, liquidation: { buffer: '0.1', maxPortion: '0.25' } });
    expect(rulebook.liquidation).toEqual({
      ...defaultLiquidationRule,
      buffer: fixed('0.1'),
      maxPortion: fixed('0.25'),
    });
    expect(defaultLiquidationRule).toMatchObject({
      feeRate: fixed('0.005'),
      spreadToMaintenance: fixed('0.1'),
      minNotional: fixed('0.001'),
    });
    expect(read(doc).rulebook).not.toHaveProperty('liquidation');
  });

  it('refuses a rule that could not end a liquidation, naming the field', () => {
    const issues = (liquidation: unknown) => read({ ...doc, liquidation }).issues;
    expect(issues({ buffer: '-0.1' })).toEqual(['liquidation.buffer: must not be negative']);
    expect(issues({ maxPortion: '0' })).toEqual([
      expect.stringMatching(/^liquidation\.maxPortion: /),
    ]);
    expect(issues({ maxPortion: '1.5' })).toEqual([
      'liquidation.maxPortion: must be at most 1 (the whole position)',
    ]);
    expect(issues({ bankruptcyAdjustment: '0.9' })).toEqual([
      'liquidation.bankruptcyAdjustment: must be at least 1',
    ]);
    expect(issues({ spreadToMaintenance: '0' })).toEqual([
      expect.stringMatching(/^liquidation\.spreadToMaintenance: /),
    ]);
    expect(issues({ feeRate: '2' })).toEqual([expect.stringMatching(/^liquidation\.feeRate: /)]);
    expect(issues({ minNotional: '-1' })).toEqual([
      'liquidation.minNotional: must not be negative',
    ]);
    expect(issues({ cooldown: '1' })).toEqual([expect.stringMatching(/^liquidation\.cooldown: /)]);
    expect(issues('fast')).toEqual([expect.stringMatching(/^liquidation: /)]);
  });

  it('reads a rest between steps and a bound per block of time, refusing either half alone', () => {
    const paced = { coolDownMs: '2000', blockMs: '1000', maxBlockValue: '250000' };
    expect(read({ ...doc, liquidation: paced }).rulebook.liquidation).toEqual({
      ...defaultLiquidationRule,
      coolDownMs: 2000,
      blockMs: 1000,
      maxBlockValue: fixed('250000'),
    });
    const issues = (liquidation: unknown) => read({ ...doc, liquidation }).issues;
    expect(issues({ blockMs: '1000' })).toEqual([
      'liquidation.maxBlockValue: blockMs and maxBlockValue come together (the block of time and the most liquidated in it)',
    ]);
    expect(issues({ maxBlockValue: '1' })).toEqual([
      expect.stringMatching(/^liquidation\.blockMs: /),
    ]);
    expect(issues({ coolDownMs: '1.5' })).toEqual([
      'liquidation.coolDownMs: must be a whole number of milliseconds',
    ]);
    expect(issues({ coolDownMs: '86400001' })).toEqual([
      expect.stringMatching(/^liquidation\.coolDownMs: must be at most 86400000/),
    ]);
    expect(issues({ blockMs: '0', maxBlockValue: '1' })).toEqual([
      expect.stringMatching(/^liquidation\.blockMs: /),
    ]);
    expect(issues({ blockMs: '10', maxBlockValue: '0' })).toEqual([
      expect.stringMatching(/^liquidation\.maxBlockValue: /),
    ]);
  });

  it('reads a loss waterfall, refusing one that could loop or hand a position to the house', () => {
    const waterfall = {
      fundFloor: '100',
      backstops: [{ account: 'bk-1', maxValue: '5000000' }],
      autoDeleverage: { ranking: 'profit', graceMs: '60000' },
    };
    expect(read({ ...doc, liquidation: { waterfall } }).rulebook.liquidation?.waterfall).toEqual({
      fundFloor: fixed('100'),
      backstops: [{ account: 'bk-1', maxValue: fixed('5000000') }],
      autoDeleverage: { ranking: 'profit', graceMs: 60000 },
    });
    const issues = (w: unknown) => read({ ...doc, liquidation: { waterfall: w } }).issues;
    const twice = { account: 'bk-1', maxValue: '1' };
    expect(issues({ backstops: [twice, twice] })).toEqual([
      'liquidation.waterfall.backstops[1].account: "bk-1" is a backstop already: each is asked once',
    ]);
    expect(issues({ backstops: [{ account: '@insurance', maxValue: '1' }] })).toEqual([
      'liquidation.waterfall.backstops[0].account: a house account (its id begins with @) takes no position',
    ]);
    expect(issues({ backstops: [{ account: 'bk', maxValue: '0' }] })).toEqual([
      expect.stringMatching(/^liquidation\.waterfall\.backstops\[0\]\.maxValue: /),
    ]);
    expect(issues({ fundFloor: '-1' })).toEqual([
      expect.stringMatching(/^liquidation\.waterfall\.fundFloor: /),
    ]);
    expect(issues({ autoDeleverage: { ranking: 'random' } })).toEqual([
      expect.stringMatching(/^liquidation\.waterfall\.autoDeleverage\.ranking: /),
    ]);
  });
});

describe('index (an index computed from several sources)', () => {
  const btc = {
    sources: ['binance', 'okx', 'coinbase'],
    minHealthy: '2',
    maxDeviation: '0.03',
    staleAfterMs: '60000',
    pauseMaxMs: '900000',
  };
  const issues = (rule: Record<string, unknown>) =>
    read({ ...presetJson('binance-usdm'), index: { BTC: { ...btc, ...rule } } }).issues;

  it('reads the sources, the minimum, the cut-off and the times', () => {
    const rule = read({ ...presetJson('binance-usdm'), index: { BTC: btc } }).rulebook.index;
    expect(rule?.get('BTC')).toEqual({
      sources: ['binance', 'okx', 'coinbase'],
      minHealthy: 2,
      maxDeviation: fixed('0.03'),
      staleAfterMs: 60_000,
      pauseMaxMs: 900_000,
    });
  });

  it('refuses a rule that could never be reliable, a source twice, a cut-off of nothing, and no staleness', () => {
    expect(issues({ minHealthy: '4' })).toEqual([
      'index.BTC.minHealthy: must be at most 3 (the sources listed)',
    ]);
    expect(issues({ minHealthy: '1.5' })).toEqual([
      'index.BTC.minHealthy: must be a whole number of sources',
    ]);
    expect(issues({ sources: ['okx', 'okx'] })).toEqual([
      'index.BTC.sources[1]: "okx" is listed already',
    ]);
    expect(issues({ sources: [] })).toEqual([
      'index.BTC.sources: must list at least one source',
      'index.BTC.minHealthy: must be at most 0 (the sources listed)',
    ]);
    expect(issues({ maxDeviation: '0' })).toEqual([
      expect.stringMatching(/^index\.BTC\.maxDeviation: /),
    ]);
    expect(issues({ staleAfterMs: undefined })).toEqual(['index.BTC.staleAfterMs: is required']);
    expect(issues({ pauseMaxMs: '-1' })).toEqual([
      expect.stringMatching(/^index\.BTC\.pauseMaxMs: /),
    ]);
    expect(issues({ floor: '0.2', ceiling: '0.2' })).toEqual([
      'index.BTC.ceiling: must be above the floor',
    ]);
  });
});

describe('markBasisCap', () => {
  it('reads a fraction below 1, and refuses 0, 1 and more', () => {
    const cap = (value: string) => read({ ...presetJson('binance-usdm'), markBasisCap: value });
    expect(cap('0.03').rulebook.markBasisCap).toBe(fixed('0.03'));
    expect(cap('1').issues).toEqual(['markBasisCap: must be below 1 (a basis of the whole index)']);
    expect(cap('0').issues).toEqual([expect.stringMatching(/^markBasisCap: /)]);
  });
});

describe('a collateral entry’s redemption (a wrapped token)', () => {
  const withCollateral = (collateral: Record<string, unknown>) => {
    const preset = presetJson('binance-usdm');
    return read({ ...preset, collateral: { ...preset.collateral, ...collateral } });
  };
  const tiers = [{ upTo: null, initialWeight: '0.9', maintenanceWeight: '0.95' }];

  it('reads the asset and the rate', () => {
    const { rulebook, issues } = withCollateral({
      wBETH: { tiers, redemption: { asset: 'ETH', rate: '1.07' } },
    });
    expect(issues).toEqual([]);
    expect(rulebook.collateral.get('wBETH')?.redemption).toEqual({
      asset: 'ETH',
      rate: fixed('1.07'),
    });
  });

  it('refuses a token redeeming for itself or for another wrapped token, and a rate of 0', () => {
    expect(
      withCollateral({ wBETH: { tiers, redemption: { asset: 'wBETH', rate: '1' } } }).issues,
    ).toEqual(['collateral.wBETH.redemption.asset: a token does not redeem for itself']);
    const chained = withCollateral({
      wBETH: { tiers, redemption: { asset: 'ETH', rate: '1.07' } },
      vwBETH: { tiers, redemption: { asset: 'wBETH', rate: '1.01' } },
    });
    expect(chained.issues).toEqual([
      'collateral.vwBETH.redemption.asset: "wBETH" is itself a wrapped token: name what it redeems for',
    ]);
    expect(
      withCollateral({ wBETH: { tiers, redemption: { asset: 'ETH', rate: '0' } } }).issues,
    ).toEqual([expect.stringMatching(/^collateral\.wBETH\.redemption\.rate: /)]);
  });
});

describe('a collateral entry’s borrowLimit (a borrow cap)', () => {
  it('reads coins above zero, and refuses zero', () => {
    const preset = presetJson('binance-usdm');
    const entry = (borrowLimit: string) =>
      read({
        ...preset,
        collateral: {
          ...preset.collateral,
          USDC: {
            tiers: [{ upTo: null, initialWeight: '1', maintenanceWeight: '1' }],
            borrowLimit,
          },
        },
      });
    expect(entry('1000').rulebook.collateral.get('USDC')?.borrowLimit).toBe(fixed('1000'));
    expect(entry('0').issues).toEqual([expect.stringMatching(/^collateral\.USDC\.borrowLimit: /)]);
  });
});
