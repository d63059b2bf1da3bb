import { describe, expect, it } from 'vitest';
import { assess } from '../../src/core/margin/assess.ts';
import { bracketFor } from '../../src/core/margin/brackets.ts';
import type { BracketsRule } from '../../src/core/model/rulebook.ts';
import { toNumber } from '../../src/core/num/fixed.ts';
import { readPreset } from '../../src/shell/import/presets.ts';
import { account, d, inversePerp, linearPerp, market, position, venue } from '../kit.ts';

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

/**
 * Y4, Bybit's older "How to calculate Liquidation Price (Inverse Contract)", cross margin,
 * https://help.bybit.com/hc/en-us/articles/360039261334: "account balance of 0.5BTC and buy long
 * 10000 contracts at 8,000 USD using Cross Margin"; "Bankruptcy Price = … = 5718.57";
 * "10000 × (1/8000 − 1/Liquidation Price) = −(0.5 − 0 − (10000/8000) × 0.5% − 10000 × 0.00075 /
 * 5718.57)", "Liquidation Price = 5739.50". That article measures MM at the entry value (the rule
 * of its day; the preset follows the 2026 text, at the mark) and charges the fee to close at the
 * bankruptcy price: marginPrice "entry" with the preset's closing fee.
 */
describe('Bybit inverse Y4: the fee to close counts in the liquidation price', () => {
  const inverse = readPreset('bybit-inverse');
  const older = {
    ...inverse,
    instruments: new Map(
      [...inverse.instruments].map(([id, rule]) => [
        id,
        { ...rule, marginPrice: 'entry' as const },
      ]),
    ),
  };
  const btcusd = inversePerp('BTCUSD', 'BTC', { contractSize: d('1'), tickSize: d('0.01') });
  const report = assess(
    account({ BTC: '0.5' }, [position('BTCUSD', '10000', '8000')]),
    venue([btcusd], older),
    market({ BTC: '8000' }, { BTCUSD: '8000' }),
  );
  const long = report.positions[0]!;

  it("the liquidation price solves Bybit's printed equation: 5,739.08, not its printed 5,739.50", () => {
    // 10000 / L = 1.25 + 0.5 − 0.00625 − 0.0013115 ⇒ L = 5,739.08: the article's last two digits
    // do not follow from its own equation (docs/venue-rules.md, Y4), so xmargin is held to it.
    expect(Math.abs(toNumber(long.liquidationPrice!) - 5739.08)).toBeLessThan(0.01);
  });

  it('the fee is 10000 × 0.00075 / the bankruptcy price, counted in maintenance', () => {
    // xmargin's bankruptcy price is where equity is zero, 10000 / 1.75 = 5,714.29; Bybit's
    // 5,718.57 is where equity less the fee is zero (1.00075 × 10000 / 1.75).
    expect(long.bankruptcyPrice).toBe(d('5714.29'));
    expect(Math.abs(toNumber(long.closingFee) / 8000 - 0.0013125)).toBeLessThan(1e-9);
  });
});
