import { describe, expect, it } from 'vitest';
import {
  account,
  binanceLikeBrackets,
  d,
  linearPerp,
  market,
  position,
  rulebook,
  venue,
} from '../../../test/kit.ts';
import {
  accountInitialMargin,
  accountMaintenanceMargin,
  figureCount,
  marginAccount,
} from '../fast/fast-margin.ts';
import { buildRiskBook } from '../fast/risk-book.ts';
import type { Account } from '../model/account.ts';
import { bucketsOf } from '../model/bucket.ts';
import { formatFixed, toNumber } from '../num/fixed.ts';
import { assess } from './assess.ts';
import { applyHypothetical } from './hypothetical.ts';

/**
 * Hedge mode (Binance, Bybit, OKX): a long and a short on one instrument, each a position of its
 * own (Position.side), each margined on its own notional, both moved by the instrument's one
 * mark. One-way mode (no side) is the net position, as before.
 */
const btc = linearPerp('BTCUSDT', 'BTC', { tickSize: d('0.1') });
const binance = venue([btc], rulebook({ BTCUSDT: binanceLikeBrackets }));
const prices = market({ USDT: '1', BTC: '67500' }, { BTCUSDT: '67500' });

const hedged: Account = account({ USDT: '30' }, [
  position('BTCUSDT', '0.009', '67445.9', { side: 'long' }),
  position('BTCUSDT', '-0.004', '68000', { side: 'short' }),
]);
const oneWay: Account = account({ USDT: '30' }, [position('BTCUSDT', '0.005', '67445.9')]);

describe('hedge mode', () => {
  it('a long and a short on one instrument are two legs of the cross bucket', () => {
    const [cross] = bucketsOf(hedged, binance);
    expect(cross!.legs.map((leg) => [leg.side, formatFixed(leg.size)])).toEqual([
      ['long', '0.009'],
      ['short', '-0.004'],
    ]);
  });

  it('each side is margined on its own notional: 0.4% of 0.013 BTC, not of the net 0.005', () => {
    const report = assess(hedged, binance, prices);
    expect(report.positions.map((p) => p.side)).toEqual(['long', 'short']);
    expect(toNumber(report.maintenanceMargin)).toBeCloseTo(0.013 * 67500 * 0.004, 9);
    const net = assess(oneWay, binance, prices);
    expect(toNumber(net.maintenanceMargin)).toBeCloseTo(0.005 * 67500 * 0.004, 9);
  });

  it("the long's liquidation price moves both sides: Binance's hedge-mode formula", () => {
    // LP = (WB − Pl·El + Ps·Es) / (Pl·MMR + Ps·MMR − Pl + Ps), Binance "Liquidation Price
    // Calculation" (hedge mode, cross, no cumulative amount in the first bracket).
    const lp = (30 - 0.009 * 67445.9 + 0.004 * 68000) / (0.013 * 0.004 - 0.009 + 0.004);
    const long = assess(hedged, binance, prices).positions[0]!;
    expect(Math.abs(toNumber(long.liquidationPrice!) - lp)).toBeLessThan(0.1);
    // With the short held at today's mark (its value fixed while the long's mark falls), the long
    // would liquidate near 64,270: not what one mark moving both sides does.
    expect(toNumber(long.liquidationPrice!)).toBeLessThan(62_000);
  });

  it('a what-if buy adds to the long side, a sell to the short side (opening orders)', () => {
    const order = {
      kind: 'order' as const,
      instrument: 'BTCUSDT',
      size: d('0.001'),
      price: d('67500'),
    };
    const bought = applyHypothetical(hedged, binance, { ...order, side: 'buy' } as const);
    const sold = applyHypothetical(hedged, binance, { ...order, side: 'sell' } as const);
    const sizes = (a: Account) => a.positions.map((p) => `${p.side} ${formatFixed(p.size)}`).sort();
    expect(sizes(bought)).toEqual(['long 0.01', 'short -0.004']);
    expect(sizes(sold)).toEqual(['long 0.009', 'short -0.005']);
  });

  it('the fast path keeps both legs and agrees with the exact one', () => {
    const out = new Float64Array(figureCount);
    marginAccount(buildRiskBook([hedged], binance, prices), 0, out);
    const exact = assess(hedged, binance, prices);
    expect(out[accountMaintenanceMargin]).toBeCloseTo(toNumber(exact.maintenanceMargin), 8);
    expect(out[accountInitialMargin]).toBeCloseTo(toNumber(exact.initialMargin), 8);
  });

  it('an isolated side is a bucket of its own, named with its side', () => {
    const isolated = account({ USDT: '30' }, [
      position('BTCUSDT', '0.009', '67445.9', { side: 'long' }),
      position('BTCUSDT', '-0.004', '68000', {
        side: 'short',
        marginMode: 'isolated',
        isolatedMargin: d('10'),
      }),
    ]);
    expect(bucketsOf(isolated, binance).map((b) => b.id)).toEqual(['cross', 'BTCUSDT:short']);
  });
});
