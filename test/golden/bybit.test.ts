import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import { bracketFor } from '../../src/core/margin/brackets.ts';
import type { BracketsRule } from '../../src/core/model/rulebook.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, linearPerp, market, venue } from '../kit.ts';

/**
 * Bybit's published margin figures (docs/venue-rules.md, "Bybit"):
 * - Y1: "Liquidation Price (USDT Contract)", Example 1,
 *   https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract
 * - Y5: "Maintenance Margin (USDT Contract)": ≤ 2,000,000 USDT → 0.5 %, 2,600,000 → 0.56 %.
 */
describe('Bybit USDT perpetual', () => {
  const bybit = readPreset('bybit-linear');
  const perp = linearPerp('BTCUSDT', 'BTC');

  it('Y1: 1 BTC long at 20,000, 50x: "Initial Margin = 400 USDT", "Maintenance Margin = 100 USDT"', () => {
    const report = assess(
      {
        ...account({}, [
          {
            instrument: 'BTCUSDT',
            size: d('1'),
            entryPrice: d('20000'),
            marginMode: 'isolated',
            isolatedMargin: d('400'),
          },
        ]),
        leverage: new Map([['BTCUSDT', d('50')]]),
      },
      venue([perp], bybit),
      market({ USDT: '1' }, { BTCUSDT: '20000' }),
    );
    expect(report.positions[0]!.initialMargin).toBe(d('400'));
    expect(report.positions[0]!.maintenanceMargin).toBe(d('100'));
    // "LP = 20,000 USDT - (400 - 100) = 19,700 USDT": the preset measures the MM at the entry
    // value, as Bybit does (marginPrice "entry"); at the liquidation price itself it would be
    // 19,600 / 0.995 = 19,698.49, a price at which Bybit has already liquidated the position.
    expect(report.positions[0]!.liquidationPrice).toBe(d('19700'));
    // Bankrupt where the 400 USDT are gone: 20,000 − 400 (Bybit's "entry price × (1 − IMR)").
    expect(report.positions[0]!.bankruptcyPrice).toBe(d('19600'));
  });

  it('Y1: the report calls the position liquidatable wherever Bybit has liquidated it', () => {
    const at = (mark: string) =>
      assess(
        account({}, [
          {
            instrument: 'BTCUSDT',
            size: d('1'),
            entryPrice: d('20000'),
            marginMode: 'isolated',
            isolatedMargin: d('400'),
          },
        ]),
        venue([perp], bybit),
        market({ USDT: '1' }, { BTCUSDT: mark }),
      );
    // Bybit liquidates once the mark reaches 19,700; 19,699.9 is already past it.
    expect(at('19699.9').liquidatable).toBe(true);
    expect(at('19698.6').liquidatable).toBe(true);
    expect(at('19700.1').liquidatable).toBe(false);
    // The MM stays the entry value's 100 USDT as the mark falls.
    expect(at('19699.9').positions[0]!.maintenanceMargin).toBe(d('100'));
  });

  it('Y5: 2,000,000 USDT is at 0.5 %, 2,600,000 USDT at 0.56 %', () => {
    const rule = bybit.instruments.get('BTCUSDT') as BracketsRule;
    expect(bracketFor(rule.brackets, d('2000000')).maintenanceRate).toBe(d('0.005'));
    expect(bracketFor(rule.brackets, d('2600000')).maintenanceRate).toBe(d('0.0056'));
  });
});
