import { describe, expect, it } from 'vitest';
import { completeBrackets } from '../src/core/margin/brackets.ts';
import { maxOrderSize, verdict } from '../src/core/margin/what-if.ts';
import { marketView } from '../src/core/model/price-view.ts';
import type { MarginRule } from '../src/core/model/rulebook.ts';
import { account, d, linearPerp, market, position, rulebook, venue } from './kit.ts';

/**
 * A bounded last bracket is the venue's position limit (docs/rulebook-format.md): an order past
 * it fails with its own reason whatever the margin, max order size stops at it, and a reduction
 * always passes. Tiers by contracts (OKX) limit the size in contracts.
 */
const capped: MarginRule = {
  kind: 'brackets',
  brackets: completeBrackets([
    { cap: d('2000000'), maxLeverage: d('100'), maintenanceRate: d('0.005') },
    { cap: d('5000000'), maxLeverage: d('90'), maintenanceRate: d('0.0056') },
  ]),
};
const byContracts: MarginRule = {
  kind: 'brackets',
  tierBy: 'contracts',
  brackets: completeBrackets(
    [
      { cap: d('1000'), maxLeverage: d('100'), maintenanceRate: d('0.004') },
      { cap: d('5000'), maxLeverage: d('50'), maintenanceRate: d('0.005') },
    ],
    'contracts',
  ),
};
const perp = linearPerp('BTCUSDT', 'BTC', { tickSize: d('0.1') });
const okxPerp = linearPerp('BTC-USDT-SWAP', 'BTC', { contractSize: d('0.01'), sizeStep: d('1') });
const v = venue([perp, okxPerp], rulebook({ BTCUSDT: capped, 'BTC-USDT-SWAP': byContracts }));
const prices = marketView(
  market({ USDT: '1', BTC: '50000' }, { BTCUSDT: '50000', 'BTC-USDT-SWAP': '50000' }),
);
const rich = account({ USDT: '10000000' }, [position('BTCUSDT', '60', '50000')]);
const order = (size: string, side: 'buy' | 'sell' = 'buy', instrument = 'BTCUSDT') =>
  ({ kind: 'order', instrument, side, size: d(size), price: d('50000') }) as const;

describe('a bounded last bracket is a position limit', () => {
  it('an order past 5,000,000 USDT fails with its own reason, however much margin there is', () => {
    // 60 BTC held at 50,000 is 3,000,000; 40 more reach the limit exactly, 40.001 pass it.
    expect(verdict(rich, v, prices, order('40'))).toBe('accepted');
    expect(verdict(rich, v, prices, order('40.001'))).toBe('position_limit_exceeded');
  });

  it('max order size stops at the limit; a reduction always passes', () => {
    expect(maxOrderSize(rich, v, prices, 'BTCUSDT', 'buy', d('50000'))).toBe(d('40'));
    // Selling 160 closes 60 and opens 100 short: 5,000,000, at the limit.
    expect(maxOrderSize(rich, v, prices, 'BTCUSDT', 'sell', d('50000'))).toBe(d('160'));
    const huge = account({ USDT: '1' }, [position('BTCUSDT', '200', '50000')]);
    expect(verdict(huge, v, prices, order('10', 'sell'))).toBe('accepted');
  });

  it('tiers by contracts limit the contracts: 5,000 of 0.01 BTC', () => {
    const flat = account({ USDT: '10000000' }, []);
    expect(verdict(flat, v, prices, order('5000', 'buy', 'BTC-USDT-SWAP'))).toBe('accepted');
    expect(verdict(flat, v, prices, order('5001', 'buy', 'BTC-USDT-SWAP'))).toBe(
      'position_limit_exceeded',
    );
    expect(maxOrderSize(flat, v, prices, 'BTC-USDT-SWAP', 'sell', d('50000'))).toBe(d('5000'));
  });
});
