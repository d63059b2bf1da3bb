import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import { verdict } from '../../src/core/margin/what-if.ts';
import { marketView } from '../../src/core/model/price-view.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, linearPerp, market, position, venue } from '../kit.ts';

/**
 * Phemex's published figures (rulebooks/phemex-futures.json):
 * - P1: "Order Cost (USDT-M)", https://phemex.com/help-center/Order-Cost-USDT-Contract
 * - P2: "Leverage, IM and MM (USDT-M)", https://phemex.com/help-center/legerage-IM-MM-USDTM
 * - P3: "Adjustments to Contract Risk Limits and Ticker Sizes" (November 3, 2022),
 *   https://phemex.com/announcements/adjustments-to-contract-risk-limits-and-ticker-sizes
 */
const phemex = readPreset('phemex-futures');
const perp = linearPerp('BTCUSDT', 'BTC', { tickSize: d('0.1') });
const alt = linearPerp('SOLUSD', 'SOL');
const v = venue([perp, alt], phemex);

describe('Phemex P1: the fee to close is part of the margin a position is assigned', () => {
  it('"long position of 1 BTC at 70,000 USDT with 10x": IM 7,000 + fee to close 34.65', () => {
    // "Initial Margin = (70,000 × 1) / 10 = 7,000 USDT"; "Fee to Close Position = 1 × 70,000 ×
    // {1 - (10/100)} × 0.055% = 34.65USDT". The fee to open (38.5) is paid, not held as margin.
    const report = assess(
      {
        ...account({ USDT: '7100' }, [position('BTCUSDT', '1', '70000')]),
        leverage: new Map([['BTCUSDT', d('10')]]),
      },
      v,
      market({ USDT: '1', BTC: '70000' }, { BTCUSDT: '70000' }),
    );
    expect(report.positions[0]!.initialMargin).toBe(d('7000') + d('34.65'));
  });

  it('an isolated long holding its 7,000 IM is bankrupt at "Order Price × {1 - (IMR/100)}"', () => {
    const report = assess(
      account({}, [
        position('BTCUSDT', '1', '70000', { marginMode: 'isolated', isolatedMargin: d('7000') }),
      ]),
      v,
      market({ USDT: '1', BTC: '70000' }, { BTCUSDT: '70000' }),
    );
    expect(report.positions[0]!.bankruptcyPrice).toBe(d('63000'));
    // The fee its liquidation would pay, at that price, counts in the liquidation condition.
    expect(report.positions[0]!.closingFee).toBe(d('34.65'));
  });
});

describe('Phemex P2: tiered maintenance margin', () => {
  it('"Position Value of 3,000,000 … the maintenance margin is … = 17,500"', () => {
    const report = assess(
      account({ USDT: '1000000' }, [position('BTCUSDT', '60', '50000')]),
      v,
      market({ USDT: '1', BTC: '50000' }, { BTCUSDT: '50000' }),
    );
    const held = report.positions[0]!;
    expect(held.maintenanceMargin - held.closingFee).toBe(d('17500'));
    // Measured at the open value (marginPrice "entry"): the same 17,500 after the mark moves.
    const later = assess(
      account({ USDT: '1000000' }, [position('BTCUSDT', '60', '50000')]),
      v,
      market({ USDT: '1', BTC: '55000' }, { BTCUSDT: '55000' }),
    ).positions[0]!;
    expect(later.maintenanceMargin - later.closingFee).toBe(d('17500'));
  });
});

describe('Phemex P3: a published ladder with a maximum position', () => {
  const prices = marketView(market({ USDT: '1', SOL: '100' }, { SOLUSD: '100' }));
  const rich = account({ USDT: '100000000' }, []);
  const buy = (size: string) =>
    ({ kind: 'order', instrument: 'SOLUSD', side: 'buy', size: d(size), price: d('100') }) as const;

  it('"Position 200,000 | Max Leverage 50 | IM% 2%": 1,000 SOL at 100 needs 2,000', () => {
    const report = assess(
      account({ USDT: '10000' }, [position('SOLUSD', '1000', '100')]),
      v,
      market({ USDT: '1', SOL: '100' }, { SOLUSD: '100' }),
    );
    const held = report.positions[0]!;
    // 100,000 × 2 %, plus its fee to close at 100 × (1 − 2 %): 0.055 % × 98,000 = 53.9.
    expect(held.initialMargin).toBe(d('2000') + d('53.9'));
    // "MM% 1%"; the fee in the liquidation condition is at the pool's own bankruptcy price:
    // 10,000 USDT of cash carries the long down to 90: 0.055 % × 90,000 = 49.5.
    expect(held.maintenanceMargin - held.closingFee).toBe(d('1000'));
    expect(held.closingFee).toBe(d('49.5'));
    expect(held.bankruptcyPrice).toBe(d('90'));
  });

  it('"5,600,000" is the largest position: an order past it fails with its own reason', () => {
    expect(verdict(rich, v, prices, buy('56000'))).toBe('accepted');
    expect(verdict(rich, v, prices, buy('56000.001'))).toBe('position_limit_exceeded');
  });
});
