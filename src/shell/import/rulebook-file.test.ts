import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Rulebook } from '../../core/model/rulebook.ts';
import { fixed } from '../../core/num/fixed.ts';
import { readPreset } from './presets.ts';
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
      'instruments.option.maintenanceRate: must not exceed initialFloor',
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
