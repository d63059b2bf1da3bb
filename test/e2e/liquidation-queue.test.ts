import { describe, expect, it } from 'vitest';
import { pinClock, readExample, runCli, scratchFolder } from './cli-harness.ts';

pinClock();

/**
 * A many-account file: the report ranks the liquidatable accounts (equity / MM of the worst
 * bucket, lowest first), and under dYdX's rule a bucket with no requirement owes rather than
 * being liquidated.
 */
describe('the liquidation queue of a many-account file', () => {
  const scratch = scratchFolder();
  const book = () => {
    const doc = readExample('cross-and-isolated.json');
    const long = (id: string, size: string, usdt: string) => ({
      id,
      balances: { USDT: usdt },
      positions: [{ instrument: 'BTCUSDT', size, entryPrice: '112774.5', marginMode: 'cross' }],
    });
    // Binance BTCUSDT at the mark 112,774.5: 1 and 2 BTC are both in the first bracket (up to
    // 300,000 of notional, 0.4 %, amount 0), so MM = 451.098 and 400 / 451.098 = 0.8867; 2 BTC:
    // 902.196 and 700 / 902.196 = 0.7758, further under; 10,000 over 451.098 is healthy.
    doc.accounts = [
      long('thin', '1', '400'),
      long('thinner', '2', '700'),
      long('fine', '1', '10000'),
    ];
    return doc;
  };

  it('text: the queue after the reports, most underwater first', () => {
    const result = runCli(['margin', scratch.write('queue.json', book())]);
    expect(result.code).toBe(0);
    const queue = result.stdout.slice(result.stdout.indexOf('Liquidation queue'));
    const rows = queue.trimEnd().split('\n').slice(2);
    expect(rows[0]).toMatch(/^1\s+thinner\s+cross\s+700\.00\s+902\.20\s+77\.58%$/);
    expect(rows[1]).toMatch(/^2\s+thin\s+cross\s+400\.00\s+451\.10\s+88\.67%$/);
    expect(rows).toHaveLength(2);
  });

  it('JSON: each report carries its rank, null when not liquidatable', () => {
    const result = runCli(['margin', scratch.write('queue.json', book()), '--json']);
    const ranks = JSON.parse(result.stdout).map((r: Record<string, unknown>) => [
      r.account,
      r.liquidationRank,
    ]);
    expect(ranks).toEqual([
      ['thin', 2],
      ['thinner', 1],
      ['fine', null],
    ]);
  });

  it('dYdX: negative equity with no requirement is a debt to settle, not a liquidation', () => {
    const doc = readExample('cross-and-isolated.json');
    doc.rulebook = 'dydx-v4';
    doc.assets = [{ id: 'USDC' }, { id: 'BTC' }];
    doc.instruments = [];
    doc.market = { asOf: '2026-11-24T00:00:00Z', assetPrices: { USDC: '1' }, markPrices: {} };
    doc.accounts = [
      { id: 'owes', balances: { USDC: '-123.456789' } },
      { id: 'clean', balances: { USDC: '10' } },
    ];
    const result = runCli(['margin', scratch.write('debt.json', doc), '--json']);
    expect(result.code).toBe(0);
    const [owes] = JSON.parse(result.stdout);
    expect(owes.liquidatable).toBe(false);
    expect(owes.buckets[0].debt).toBe('123.456789');
    const text = runCli(['margin', scratch.write('debt.json', doc)]).stdout;
    expect(text).toContain('Debt to settle in bucket cross: 123.46 USD');
    expect(text).toContain('Liquidation queue: no account is liquidatable.');
  });
});
