import { describe, expect, it } from 'vitest';
import {
  account,
  d,
  deribitOptionRule,
  flatCollateral,
  linearPerp,
  market,
  option,
  position,
  rulebook,
  surface,
  venue,
} from '../../../test/kit.ts';
import { assess } from '../margin/assess.ts';
import type { Market } from '../model/market.ts';
import { buildRiskBook } from './risk-book.ts';
import { screenLiquidatable } from './screen.ts';

/** States at the edge of the model, decided the same on both paths. */
describe('edges on both paths', () => {
  it('a short put on an underlying at zero: the exact path prices it, the screen agrees', () => {
    // ETH at 0: the put is worth its strike, 3,000; marked there, short 1, the account's 2,000
    // USDT cannot cover it. 0 / 0 in the float OTM share was NaN, which neither branch caught.
    const put = option('ETH-P3000', 'ETH', 'put', '3000', 'linear');
    const book = venue(
      [put],
      rulebook({ 'ETH-P3000': deribitOptionRule }, new Map([['USDT', flatCollateral('1')]])),
    );
    const prices: Market = {
      ...market({ USDT: '1', ETH: '0' }, { 'ETH-P3000': '3000' }),
      asOfMs: Date.UTC(2026, 10, 24),
      volatility: new Map([['ETH', surface(0.7)]]),
    };
    const accounts = [
      account({ USDT: '2000' }, [position('ETH-P3000', '-1', '100')], 'short'),
      account({ USDT: '9000' }, [position('ETH-P3000', '-1', '100')], 'covered'),
    ];
    const exact = accounts.map((a) => assess(a, book, prices).liquidatable);
    expect(exact).toEqual([true, false]);
    const screened = screenLiquidatable(buildRiskBook(accounts, book, prices)).liquidatable;
    expect(screened).toEqual([0]);
  });

  it('dYdX: a debt with no requirement is not liquidated on the fast path either', () => {
    const perp = linearPerp('BTC-USD', 'BTC', { quote: 'USDC', settle: 'USDC' });
    const rules = {
      ...rulebook(
        { 'BTC-USD': { kind: 'max-leverage', maxLeverage: d('20') } },
        new Map([
          [
            'USDC',
            {
              ...flatCollateral('1'),
              liabilityInitialWeight: d('1'),
              liabilityMaintenanceWeight: d('1'),
            },
          ],
        ]),
      ),
      liquidationNeedsMargin: true,
    };
    const book = venue([perp], rules);
    const prices = market({ USDC: '1', BTC: '100000' }, { 'BTC-USD': '100000' });
    const accounts = [
      account({ USDC: '-50' }, [], 'owes'),
      account({ USDC: '100' }, [position('BTC-USD', '1', '110000')], 'under'),
    ];
    // owes: no requirement, equity −50: a debt. under: 100 − 10,000 of PnL below MM 2,500.
    expect(accounts.map((a) => assess(a, book, prices).liquidatable)).toEqual([false, true]);
    const screening = screenLiquidatable(buildRiskBook(accounts, book, prices));
    expect(screening.liquidatable).toEqual([1]);
  });
});
