import { describe, expect, it } from 'vitest';
import type { BracketsRule, Rulebook } from '../../core/model/rulebook.ts';
import { fixed } from '../../core/num/fixed.ts';
import { Reader } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

/**
 * The rulebook fields of the venues' liquidation rules (docs/rulebook-format.md): where the
 * requirement is measured (`marginPrice: "entry"`), tiers by contracts, a position limit, a
 * closing fee, the venue's own cross liquidation price. Bad input names its field.
 */
function read(doc: unknown): { rulebook: Rulebook; issues: readonly string[] } {
  const reader = new Reader(doc, '');
  const rulebook = readRulebook(reader);
  return { rulebook, issues: reader.issues };
}

function book(extra: object, brackets: unknown[], rule: object = {}) {
  return {
    id: 'x',
    name: 'x',
    collateral: { USDT: { tiers: [{ upTo: null, initialWeight: '1', maintenanceWeight: '1' }] } },
    instruments: { '*': { kind: 'brackets', brackets, ...rule } },
    ...extra,
  };
}

const bybitTiers = [
  { notionalCap: '2000000', maxLeverage: '100', maintenanceRate: '0.005', maintenanceAmount: '0' },
  { notionalCap: null, maxLeverage: '90', maintenanceRate: '0.0056', maintenanceAmount: '1200' },
];

describe('closingFee', () => {
  it('reads the taker rate, where it is valued and where it counts', () => {
    const fee = {
      takerRate: '0.00055',
      valuedAt: 'bankruptcy',
      inMaintenance: true,
      inInitial: true,
    };
    const { rulebook, issues } = read(book({ closingFee: fee }, bybitTiers));
    expect(issues).toEqual([]);
    expect(rulebook.closingFee).toEqual({
      takerRate: fixed('0.00055'),
      valuedAt: 'bankruptcy',
      inMaintenance: true,
      inInitial: true,
    });
  });

  it('names each bad field; a fee that counts nowhere is refused', () => {
    const fee = { takerRate: '0.2', valuedAt: 'mark', inMaintenance: 'yes', inInitial: false };
    expect(read(book({ closingFee: fee }, bybitTiers)).issues).toEqual([
      'closingFee.takerRate: must be at most 0.1',
      'closingFee.valuedAt: must be one of: bankruptcy, notional',
      'closingFee.inMaintenance: must be true or false',
      'closingFee.inMaintenance: a closing fee must count in maintenance or initial margin',
    ]);
  });

  it('crossLiquidationPrice is "apportioned" or absent', () => {
    expect(read(book({ crossLiquidationPrice: 'apportioned' }, bybitTiers)).rulebook).toMatchObject(
      { crossLiquidationPrice: 'apportioned' },
    );
    expect(read(book({ crossLiquidationPrice: 'kucoin' }, bybitTiers)).issues).toEqual([
      'crossLiquidationPrice: must be one of: apportioned',
    ]);
  });
});

describe('brackets as venues publish them', () => {
  it('a bounded last bracket is read as the position limit', () => {
    const capped = [{ ...bybitTiers[0] }, { ...bybitTiers[1], notionalCap: '5000000' }];
    const { rulebook, issues } = read(book({}, capped));
    expect(issues).toEqual([]);
    const rule = rulebook.defaultRule as BracketsRule;
    expect(rule.brackets.at(-1)!.cap).toBe(fixed('5000000'));
  });

  it('a stated maintenance amount that the brackets do not give names the bracket and the sum', () => {
    const wrong = [{ ...bybitTiers[0] }, { ...bybitTiers[1], maintenanceAmount: '1250' }];
    expect(read(book({}, wrong)).issues).toEqual([
      'instruments.*.brackets[1].maintenanceAmount: is 1250, but the brackets give 1200 ' +
        '(bracket 2, above 2000000: 0 + 2000000 × (0.0056 − 0.005))',
    ]);
  });

  it('tiers by contracts take contractsCap, no maintenance amount, the whole-position rate', () => {
    const okx = [
      { contractsCap: '1000', maxLeverage: '100', maintenanceRate: '0.004', initialRate: '0.01' },
      { contractsCap: '5000', maxLeverage: '66.66', maintenanceRate: '0.005' },
    ];
    const { rulebook, issues } = read(book({}, okx, { tierBy: 'contracts' }));
    expect(issues).toEqual([]);
    const rule = rulebook.defaultRule as BracketsRule;
    expect(rule.tierBy).toBe('contracts');
    expect(rule.brackets.map((b) => b.maintenanceAmount)).toEqual([0n, 0n]);
    const withAmount = [okx[0], { ...okx[1], maintenanceAmount: '1' }];
    expect(read(book({}, withAmount, { tierBy: 'contracts' })).issues).toEqual([
      'instruments.*.brackets[1].maintenanceAmount: tiers by contracts have no maintenance amount ' +
        '(the rate applies to the whole)',
    ]);
    expect(read(book({}, bybitTiers, { tierBy: 'contracts' })).issues[0]).toMatch(
      /^instruments\.\*\.brackets\[0\]\.notionalCap: unknown field/,
    );
  });

  it('marginPrice "entry" is read onto the rule', () => {
    const { rulebook } = read(book({ marginPrice: 'entry' }, bybitTiers));
    expect(rulebook.defaultRule).toMatchObject({ kind: 'brackets', marginPrice: 'entry' });
  });
});
