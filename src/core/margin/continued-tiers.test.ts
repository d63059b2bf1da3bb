import { describe, expect, it } from 'vitest';
import { d } from '../../../test/kit.ts';
import { bracketsContinuedMax } from '../limits.ts';
import { formatFixed } from '../num/fixed.ts';
import { type BracketTerms, continueBrackets } from './brackets.ts';

/**
 * OKX's "Tier 4: Increase by N conts from the previous tier | Increase by 0.5% (MMR) | Increase by
 * 0.5% (IMR) | Max. leverage of the tier" as `continueBrackets` reads it. The listed tiers are
 * BTCUSD Perpetual's after OKX's 2023-06-09 announcement (rulebooks/okx-swap.json).
 */
const btcusd: BracketTerms[] = [
  { cap: d('2000'), maxLeverage: d('125'), maintenanceRate: d('0.004'), initialRate: d('0.008') },
  { cap: d('5000'), maxLeverage: d('100'), maintenanceRate: d('0.005'), initialRate: d('0.01') },
  {
    cap: d('20000'),
    maxLeverage: d('66.66'),
    maintenanceRate: d('0.0075'),
    initialRate: d('0.015'),
  },
];
const steps = {
  capStep: d('20000'),
  maintenanceRateStep: d('0.005'),
  initialRateStep: d('0.005'),
};
const shown = (t: BracketTerms) =>
  [t.cap!, t.maintenanceRate, t.initialRate!, t.maxLeverage].map(formatFixed).join(' ');

describe('tiers continued by the published rule', () => {
  it('adds the steps to the previous tier; max leverage is 1 / IMR cut to 0.01', () => {
    const tiers = continueBrackets(btcusd, { ...steps, tiersMax: 7 });
    if (!Array.isArray(tiers)) throw new Error(tiers.failure);
    expect(tiers.slice(0, 3)).toEqual(btcusd);
    // 1 / 0.03 = 33.333…, 1 / 0.035 = 28.571…: cut down, as OKX prints 66.66 for 1.5 %.
    expect(tiers.slice(3).map(shown)).toEqual([
      '40000 0.0125 0.02 50',
      '60000 0.0175 0.025 40',
      '80000 0.0225 0.03 33.33',
      '100000 0.0275 0.035 28.57',
    ]);
  });

  it('without tiersMax, goes on while the initial rate is at most 1; the last is the limit', () => {
    const tiers = continueBrackets(btcusd, steps);
    if (!Array.isArray(tiers)) throw new Error(tiers.failure);
    // 1.5 % + 197 × 0.5 % = 100 %: tier 200, at 20,000 + 197 × 20,000 contracts.
    expect(tiers).toHaveLength(200);
    expect(shown(tiers.at(-1)!)).toBe('3960000 0.9925 1 1');
  });

  it('an initial rate that steps past 1 stops it: 0.3 a tier from 0.015', () => {
    const tiers = continueBrackets(btcusd, { ...steps, initialRateStep: d('0.3') });
    if (!Array.isArray(tiers)) throw new Error(tiers.failure);
    // 0.315, 0.615, 0.915; 1.215 would pass 1.
    expect(tiers.slice(3).map((t) => formatFixed(t.initialRate!))).toEqual([
      '0.315',
      '0.615',
      '0.915',
    ]);
    expect(formatFixed(tiers.at(-1)!.maxLeverage)).toBe('1.09');
  });

  it('names the tier where it cannot go on', () => {
    // Maintenance 0.75 % behind initial, closing by 0.25 % a tier: equal at tier 6.
    expect(continueBrackets(btcusd, { ...steps, maintenanceRateStep: d('0.0075') })).toEqual({
      failure: 'maintenance-reaches-initial',
      tier: 6,
    });
    // Tier 200 is the last at or below 1; tier 201 would be 100.5 %.
    expect(continueBrackets(btcusd, { ...steps, tiersMax: 201 })).toEqual({
      failure: 'initial-above-one',
      tier: 201,
    });
    const tiny = { ...steps, maintenanceRateStep: d('0.00001'), initialRateStep: d('0.00001') };
    expect(continueBrackets(btcusd, tiny)).toEqual({
      failure: 'too-many-tiers',
      tier: bracketsContinuedMax + 1,
    });
  });
});
