import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import { maxOrderSize, verdict } from '../../src/core/margin/what-if.ts';
import { marketView } from '../../src/core/model/price-view.ts';
import { toNumber } from '../../src/core/num/fixed.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, decimalArb, linearPerp, market, position, venue } from '../kit.ts';

/**
 * Gate (rulebooks/gate-futures.json):
 * - G1: "Risk Limit Explanation" (2025-09-30), its BTCUSDT table and its worked example,
 *   https://bi.live/pt/help/futures/futures-logic/22162 (a mirror of gate.io/help/futures/…/22162).
 * - G2: "Calculation of Liquidation Price", https://www.gate.io/help/futures/perpetual/22160 (as
 *   quoted by Gate's support, https://www.gatenode.pro/post/status/3870211): no worked figure of
 *   Gate's own was found, so xmargin is held to the formula with random inputs.
 */
const gate = readPreset('gate-futures');
const perp = linearPerp('BTC_USDT', 'BTC', { tickSize: d('0.1'), sizeStep: d('0.0001') });
const v = venue([perp], gate);
const prices = marketView(market({ USDT: '1', BTC: '100000' }, { BTC_USDT: '100000' }));

describe('Gate G1: the chosen leverage sets the largest position', () => {
  const flat = (leverage: string) => ({
    ...account({ USDT: '100000000' }, []),
    leverage: new Map([['BTC_USDT', d(leverage)]]),
  });

  it('"Choosing 90x leverage leads to a maximum position value of 100,000 USDT"', () => {
    // At 100,000 USDT a BTC, 100,000 USDT is 1 BTC.
    expect(maxOrderSize(flat('90'), v, prices, 'BTC_USDT', 'buy', d('100000'))).toBe(d('1'));
  });

  it('"Selecting 30x is 1,000,000 USDT, while 2x is 3,000,000 USDT"', () => {
    expect(maxOrderSize(flat('30'), v, prices, 'BTC_USDT', 'buy', d('100000'))).toBe(d('10'));
    expect(maxOrderSize(flat('2'), v, prices, 'BTC_USDT', 'sell', d('100000'))).toBe(d('30'));
  });

  it('"BTCUSDT 8 5,000,000": no leverage opens more', () => {
    const order = (size: string) =>
      ({
        kind: 'order',
        instrument: 'BTC_USDT',
        side: 'buy',
        size: d(size),
        price: d('100000'),
      }) as const;
    const unlevered = account({ USDT: '100000000' }, []);
    expect(verdict(unlevered, v, prices, order('50'))).toBe('accepted');
    expect(verdict(unlevered, v, prices, order('50.0001'))).toBe('position_limit_exceeded');
  });

  it('maintenance by gradient: 1,000,000 USDT needs 80 + 135 + 250 + 700 + 8,000', () => {
    // "applying the next tier's MMR only to the portion exceeding the previous limit": 20,000 ×
    // 0.40 % + 30,000 × 0.45 % + 50,000 × 0.50 % + 100,000 × 0.70 % + 800,000 × 1.00 %.
    const held = assess(
      account({ USDT: '1000000' }, [position('BTC_USDT', '10', '100000')]),
      v,
      market({ USDT: '1', BTC: '100000' }, { BTC_USDT: '100000' }),
    ).positions[0]!;
    expect(held.maintenanceMargin - held.closingFee).toBe(d('9165'));
    expect(held.closingFee).toBe(d('750'));
  });
});

describe('Gate G2: the liquidation price divides by 1 ∓ (MMR + taker rate)', () => {
  it('"(Entry Price ∓ Margin / Contract Multiplier / Size) / [1 ∓ (MMR + Taker Rate)]"', () => {
    fc.assert(
      fc.property(
        decimalArb(30_000, 120_000, 1),
        fc.integer({ min: 1, max: 1_500 }),
        fc.boolean(),
        fc.integer({ min: 10, max: 100 }),
        (entry, tenThousandths, long, leverage) => {
          // Within tier 1 (20,000 USDT), so MMR 0.40 % on the whole position.
          const size = tenThousandths / 10_000;
          const price = toNumber(entry);
          if (size * price * 1.05 > 20_000) return;
          const margin = ((price * size) / leverage).toFixed(6);
          const report = assess(
            account({}, [
              position('BTC_USDT', `${long ? size : -size}`, `${price}`, {
                marginMode: 'isolated',
                isolatedMargin: d(margin),
              }),
            ]),
            v,
            market({ USDT: '1', BTC: `${price}` }, { BTC_USDT: `${price}` }),
          );
          const rates = 0.004 + 0.00075;
          const m = Number(margin);
          const gatePrice = long
            ? (price - m / size) / (1 - rates)
            : (price + m / size) / (1 + rates);
          const ours = toNumber(report.positions[0]!.liquidationPrice!);
          expect(Math.abs(ours - gatePrice)).toBeLessThanOrEqual(0.1 + gatePrice * 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});
