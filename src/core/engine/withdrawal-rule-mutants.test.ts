import { describe, expect, it } from 'vitest';
import { bookVenue, d } from '../../../test/kit.ts';
import { ONE } from '../num/fixed.ts';
import { withProfitAtMost } from './withdrawal-rule.ts';

describe('withProfitAtMost', () => {
  it("caps each contract's own weight as well as the default", () => {
    const venue = {
      ...bookVenue,
      rulebook: {
        ...bookVenue.rulebook,
        unrealisedProfit: {
          initialWeight: ONE,
          maintenanceWeight: ONE,
          instruments: new Map([['BTCUSDT', { initialWeight: d('0.8'), maintenanceWeight: ONE }]]),
        },
      },
    };
    const rule = withProfitAtMost(venue, d('0.5')).rulebook.unrealisedProfit!;
    expect(rule.initialWeight).toBe(d('0.5'));
    expect([...rule.instruments!]).toEqual([
      ['BTCUSDT', { initialWeight: d('0.5'), maintenanceWeight: ONE }],
    ]);
  });

  it('gives a venue with no profit rule an empty list of contract weights', () => {
    const rule = withProfitAtMost(bookVenue, d('0.5')).rulebook.unrealisedProfit!;
    expect(rule.initialWeight).toBe(d('0.5'));
    expect(rule.maintenanceWeight).toBe(ONE);
    expect([...rule.instruments!]).toEqual([]);
  });
});
