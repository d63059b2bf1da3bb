import { describe, expect, it } from 'vitest';
import type { BracketsRule, Rulebook } from '../../core/model/rulebook.ts';
import { formatFixed } from '../../core/num/fixed.ts';
import { Reader } from './reader.ts';
import { readRulebook } from './rulebook-file.ts';

/**
 * A brackets rule's `continued` (OKX's published "Increase by … from the previous tier") read at
 * the boundary: the tiers it adds, and every fault named by its field.
 */
const tier = (cap: string | null, maxLeverage: string, initialRate: string, mmr: string) => ({
  contractsCap: cap,
  maxLeverage,
  initialRate,
  maintenanceRate: mmr,
});
const listed = [tier('1500', '50', '0.02', '0.005'), tier('3000', '40', '0.025', '0.0075')];

function read(continued: unknown, brackets: unknown[] = listed, fee = false) {
  const rule = { kind: 'brackets', tierBy: 'contracts', brackets, continued };
  const doc = {
    id: 'x',
    name: 'x',
    collateral: { USDT: { tiers: [{ upTo: null, initialWeight: '1', maintenanceWeight: '1' }] } },
    instruments: { 'ADA-USDT-SWAP': rule },
    ...(fee
      ? {
          closingFee: {
            takerRate: '0.005',
            valuedAt: 'notional',
            inMaintenance: true,
            inInitial: false,
          },
        }
      : {}),
  };
  const reader = new Reader(doc, '');
  const rulebook: Rulebook = readRulebook(reader);
  return { rule: rulebook.instruments.get('ADA-USDT-SWAP') as BracketsRule, issues: reader.issues };
}
const at = 'instruments.ADA-USDT-SWAP';

describe('continued tiers in a rulebook file', () => {
  it('adds the tiers up to tiersMax, the last cap the position limit', () => {
    const { rule, issues } = read({
      contractsStep: '3000',
      maintenanceRateStep: '0.005',
      initialRateStep: '0.005',
      tiersMax: '5',
    });
    expect(issues).toEqual([]);
    expect(rule.brackets.map((b) => formatFixed(b.cap!))).toEqual([
      '1500',
      '3000',
      '6000',
      '9000',
      '12000',
    ]);
    expect(formatFixed(rule.brackets[4]!.maintenanceRate)).toBe('0.0225');
    expect(formatFixed(rule.brackets[4]!.initialRate!)).toBe('0.04');
    expect(formatFixed(rule.brackets[4]!.maxLeverage)).toBe('25');
    expect(rule.continued?.listedTiers).toBe(2);
    expect(rule.continued?.tiersMax).toBe(5);
  });

  it('refuses steps that are not positive, and a cap step under the wrong name', () => {
    const { issues } = read({
      contractsStep: '0',
      maintenanceRateStep: '-0.005',
      initialRateStep: '0.005',
    });
    expect(issues).toEqual([
      `${at}.continued.contractsStep: must be greater than zero`,
      `${at}.continued.maintenanceRateStep: must be greater than zero`,
    ]);
    const named = read({
      notionalStep: '1',
      maintenanceRateStep: '0.005',
      initialRateStep: '0.005',
    });
    expect(named.issues[0]).toContain(`${at}.continued`);
    expect(named.issues.join('\n')).toContain('notionalStep');
  });

  it('names the step that brings maintenance to the initial rate, and the tier', () => {
    // 0.75 % and 2.5 % at tier 2; closing by 0.5 % a tier, equal at tier 6 (2.75 % both).
    const { issues } = read({
      contractsStep: '3000',
      maintenanceRateStep: '0.01',
      initialRateStep: '0.005',
    });
    expect(issues).toEqual([
      `${at}.continued.maintenanceRateStep: tier 6: the maintenance rate reaches the initial ` +
        'rate (steps 0.01 and 0.005); maintenance must stay below initial margin, or an order ' +
        'that passes the initial check is liquidatable at once',
    ]);
  });

  it('refuses a tiersMax past 1× leverage, not above the listed tiers, or not whole', () => {
    const steps = { contractsStep: '3000', maintenanceRateStep: '0.005', initialRateStep: '0.1' };
    // 2.5 % + 10 × 10 % = 102.5 % at tier 12.
    expect(read({ ...steps, tiersMax: '20' }).issues).toEqual([
      `${at}.continued.tiersMax: tier 12: the initial rate passes 1 (from 0.025 by 0.1 a tier); ` +
        'the last tier must margin at 1× leverage or more',
    ]);
    expect(read({ ...steps, tiersMax: '2' }).issues).toEqual([
      `${at}.continued.tiersMax: 2 must be above the 2 listed tiers it continues`,
    ]);
    expect(read({ ...steps, tiersMax: '4.5' }).issues).toEqual([
      `${at}.continued.tiersMax: must be a whole number of tiers`,
    ]);
  });

  it('needs the last listed tier bounded: the continuation starts from its cap', () => {
    const open = [listed[0], tier(null, '40', '0.025', '0.0075')];
    const steps = { contractsStep: '3000', maintenanceRateStep: '0.005', initialRateStep: '0.005' };
    expect(read(steps, open).issues).toEqual([
      `${at}.brackets: the last listed tier's contractsCap must be bounded: the tiers after it ` +
        'follow "continued"',
    ]);
  });

  it('a closing fee without room in a continued tier names the continuation', () => {
    // Fee 0.5 % in maintenance only: tier 4's 0.75 % + 2 × 1.2 % = 3.15 %, plus 0.5 %, passes
    // its initial 3.5 %; tier 3's 1.95 % + 0.5 % does not reach 3 %.
    const steps = { contractsStep: '3000', maintenanceRateStep: '0.012', initialRateStep: '0.005' };
    const { issues } = read({ ...steps, tiersMax: '4' }, listed, true);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      new RegExp(
        `^${at}\\.continued\\.maintenanceRateStep: bracket 4: 0\\.0315 plus the closing fee 0\\.005`,
      ),
    );
  });
});
