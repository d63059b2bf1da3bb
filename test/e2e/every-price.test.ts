import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * A future whose price no longer decides its bucket, either way. In one BTC pool
 * (binance-coinm): a long of 100 BTCUSD_PERP (10,000 USD of face, 0.0823 BTC at its entry of
 * 121,500) and a short of 1,000 quarterlies (100,000 USD) sold at 80,000, 0.363 BTC under water
 * at 112,706.3, with 0.1 BTC of collateral. Held at its mark, the quarterly leaves the pool 0.27
 * BTC short of maintenance, more than the long can ever be worth: no price of the perpetual
 * saves the pool, and the report says "every price" (not "none", which reads as safe). The
 * quarterly's own price, where the pool would stand again, is a price like any other; and with
 * 1 BTC of collateral the long has one too.
 */
pinClock();
const scratch = scratchFolder();

function book(btc: string): string {
  const file = JSON.parse(readFileSync('examples/coin-margined.json', 'utf8'));
  const perp = file.instruments.find((i: { id: string }) => i.id === 'BTCUSD_PERP');
  const quarterly = {
    ...perp,
    id: 'BTCUSD_260327',
    kind: 'future',
    expiry: '2026-03-27T08:00:00Z',
  };
  file.instruments = [perp, quarterly];
  file.market.markPrices = { BTCUSD_PERP: '112706.3', BTCUSD_260327: '112706.3' };
  file.accounts = [
    {
      id: 'debt',
      balances: { BTC: btc },
      positions: [
        { instrument: 'BTCUSD_PERP', size: '100', entryPrice: '121500', leverage: '20' },
        { instrument: 'BTCUSD_260327', size: '-1000', entryPrice: '80000', leverage: '20' },
      ],
    },
  ];
  return scratch.write(`coin-${btc}.json`, file);
}

const row = (text: string, id = 'BTCUSD_PERP') =>
  text.split('\n').find((line) => line.startsWith(`${id} `))!;

describe('a long whose pool is short at every price', () => {
  it('margin reports "every price" for it, and --json says so beside its null price', () => {
    const text = runCli(['margin', book('0.1')]);
    expect(text.code).toBe(0);
    expect(row(text.stdout)).toMatch(/\bevery price\b/);
    expect(row(text.stdout, 'BTCUSD_260327')).not.toMatch(/every price|none/);
    const [report] = JSON.parse(runCli(['margin', book('0.1'), '--json']).stdout);
    expect(report.positions[0].liquidationPrice).toBeNull();
    expect(report.positions[0].liquidatedAtEveryPrice).toBe(true);
    // The quarterly's price would save the pool: a price, not every price.
    expect(report.positions[1].liquidationPrice).not.toBeNull();
    expect(report.positions[1].liquidatedAtEveryPrice).toBe(false);
    expect(report.buckets[0].liquidatable).toBe(true);
  });

  it('compare says so in cross; isolated, with a share of the collateral of its own, it has a price', () => {
    const text = runCli(['compare', book('0.1')]).stdout;
    // position, price in, isolated liq., distance, cross liq., distance
    expect(row(text)).toMatch(/^BTCUSD_PERP +USD +[\d,.]+ +[\d.]+% +every price +-$/);
  });

  it('held with 1 BTC of collateral, the same long has a price', () => {
    const text = runCli(['margin', book('1')]).stdout;
    expect(row(text)).not.toMatch(/every price|none/);
    const [report] = JSON.parse(runCli(['margin', book('1'), '--json']).stdout);
    expect(report.positions[0].liquidatedAtEveryPrice).toBe(false);
  });
});
