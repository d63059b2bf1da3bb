import { describe, expect, it } from 'vitest';
import { account, d, flatCollateral, linearPerp, rulebook, venue } from '../../../test/kit.ts';
import { bucketsOf } from '../model/bucket.ts';
import { marketView } from '../model/price-view.ts';
import { collateralLines } from './collateral-lines.ts';

/**
 * The collateral lines a report prints: one per balance held, by asset whatever the order the
 * file gave, each weighted for initial and for maintenance as the bucket weighs it.
 */
const book = venue(
  [linearPerp('BTCUSDT', 'BTC')],
  rulebook(
    {},
    new Map([
      ['USDT', flatCollateral('1')],
      ['BTC', flatCollateral('0.9', '0.95')],
      ['ETH', flatCollateral('0.8', '0.85')],
    ]),
  ),
);
const prices = (stable?: Record<string, string>) =>
  marketView({
    assetPrices: new Map([
      ['USDT', d('1')],
      ['BTC', d('100000')],
      ['ETH', d('3000')],
      ['DOGE', d('0.3')],
    ]),
    markPrices: new Map([['BTCUSDT', d('100000')]]),
    ...(stable === undefined
      ? {}
      : { stablePrices: new Map(Object.entries(stable).map(([k, v]) => [k, d(v)])) }),
  });
const linesOf = (balances: Record<string, string>, v = book, p = prices()) =>
  collateralLines(v, bucketsOf(account(balances, []), v)[0]!, p);

describe('collateral lines', () => {
  it('come by asset, whatever the order the balances were given in', () => {
    const orders = [
      { USDT: '1', ETH: '1', BTC: '1', DOGE: '1' },
      { DOGE: '1', BTC: '1', USDT: '1', ETH: '1' },
      { ETH: '1', DOGE: '1', USDT: '1', BTC: '1' },
      { BTC: '1', USDT: '1', DOGE: '1', ETH: '1' },
    ];
    for (const balances of orders) {
      expect(linesOf(balances).map((line) => line.asset)).toEqual(['BTC', 'DOGE', 'ETH', 'USDT']);
    }
  });

  it('leave out a zero balance', () => {
    expect(linesOf({ USDT: '10', BTC: '0' }).map((line) => line.asset)).toEqual(['USDT']);
  });

  it('weigh each kind of check with its own weight, and count an unlisted asset for nothing', () => {
    const [btc, doge, eth] = linesOf({ BTC: '0.5', ETH: '-2', DOGE: '1000' });
    expect(btc).toMatchObject({
      value: d('50000'),
      initialValue: d('45000'),
      maintenanceValue: d('47500'),
      counted: 'weighted',
    });
    // A liability with no liability weight counts at face value, both ways.
    expect(eth).toMatchObject({ value: d('-6000'), maintenanceValue: d('-6000') });
    expect(doge).toMatchObject({ value: d('300'), maintenanceValue: 0n, counted: 'none' });
  });

  it('value initial collateral at the stable price where the rulebook reads it, maintenance at the oracle', () => {
    const mango = { ...book, rulebook: { ...book.rulebook, initialAtStablePrice: true } };
    const stable = prices({ USDT: '1', BTC: '90000', ETH: '3000', DOGE: '0.3' });
    const [btc] = linesOf({ BTC: '0.5' }, mango, stable);
    // 0.5 BTC at min(100,000, 90,000) × 0.9 = 40,500; maintenance 0.5 × 100,000 × 0.95.
    expect(btc).toMatchObject({ initialValue: d('40500'), maintenanceValue: d('47500') });
  });
});
