import { describe, expect, it } from 'vitest';
import { assess } from '../src/core/margin/assess.ts';
import { maxWithdrawal } from '../src/core/margin/what-if.ts';
import { marketView } from '../src/core/model/price-view.ts';
import { readPreset } from '../src/shell/import/presets.ts';
import { account, d, inversePerp, market, position, venue } from './kit.ts';

/**
 * Binance COIN-M margins each coin's contracts with that coin alone ("per-settle-asset" pools):
 * BTC in the wallet does nothing for an ETH contract.
 */
describe('per-settle-asset cross pools', () => {
  const coinm = readPreset('binance-coinm');
  const v = venue(
    [
      inversePerp('BTCUSD_PERP', 'BTC'),
      inversePerp('ETHUSD_PERP', 'ETH', { contractSize: d('10') }),
    ],
    coinm,
  );
  const m = market({ BTC: '60000', ETH: '3000' }, { BTCUSD_PERP: '60000', ETHUSD_PERP: '3000' });

  it('puts each coin and its contracts in a pool of their own', () => {
    const report = assess(
      account({ BTC: '10', ETH: '0.01' }, [position('ETHUSD_PERP', '-100', '2500')]),
      v,
      m,
    );
    expect(report.buckets.map((b) => b.id)).toEqual(['cross:BTC', 'cross:ETH']);
    const eth = report.buckets.find((b) => b.id === 'cross:ETH')!;
    // Short 1,000 USD of ETH from 2,500, now 3,000: a loss of 1,000/2,500 − 1,000/3,000 ETH that
    // 0.01 ETH cannot carry, though 10 BTC sit in the other pool.
    expect(eth.liquidatable).toBe(true);
    expect(report.liquidatable).toBe(true);
    expect(report.buckets.find((b) => b.id === 'cross:BTC')!.liquidatable).toBe(false);
  });

  it("lets a coin leave its pool only as far as that pool's own margin allows", () => {
    const acct = account({ BTC: '0.1', ETH: '5' }, [position('BTCUSD_PERP', '1000', '60000')]);
    const prices = marketView(m);
    // All the ETH is free: no ETH contract needs it.
    expect(maxWithdrawal(acct, v, prices, 'ETH')).toBe(d('5'));
    // BTC must keep its contracts' initial margin: 100,000 USD / 60,000 = 1.667 BTC notional.
    expect(maxWithdrawal(acct, v, prices, 'BTC') < d('0.1')).toBe(true);
  });
});
