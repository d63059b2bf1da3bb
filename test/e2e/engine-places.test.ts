import { describe, expect, it } from 'vitest';
import { pinClock, runCliAsync, scratchFolder } from './cli-harness.ts';

/**
 * `run --locations examples/engine/places.json`: collateral at the venue, on a chain and at a
 * custodian, each counted at its place's weight; a move between places pending until the venue
 * confirms it; `replay` showing what is held where; `snapshot` writing each holding at its weight.
 */
pinClock();
const scratch = scratchFolder();
const t0 = Date.UTC(2026, 11, 24);
const lines = (...commands: object[]) => commands.map((c) => JSON.stringify(c)).join('\n');
const at = (minutes: number) => t0 + minutes * 60_000;
const flags = [
  '--venue',
  'examples/engine/venue.json',
  '--locations',
  'examples/engine/places.json',
  '--clock',
  'commands',
];

describe('collateral in several places through xmargin run', () => {
  it('counts each place at its weight, moves between them when confirmed, and shows them', async () => {
    const db = scratch.path('places.db');
    const commands = scratch.write(
      'places.jsonl',
      lines(
        {
          id: 'p1',
          type: 'price_tick',
          issuedAtMs: at(0),
          feed: 'index:USDT',
          sequence: 1,
          timeMs: at(0),
          price: '1',
        },
        {
          id: 'p2',
          type: 'price_tick',
          issuedAtMs: at(0),
          feed: 'index:BTC',
          sequence: 1,
          timeMs: at(0),
          price: '95000',
        },
        {
          id: 'p3',
          type: 'price_tick',
          issuedAtMs: at(0),
          feed: 'mark:BTCUSDT',
          sequence: 1,
          timeMs: at(0),
          price: '95000',
        },
        { id: 'o', type: 'open_account', issuedAtMs: at(0), account: 'dana' },
        {
          id: 'd1',
          type: 'deposit',
          issuedAtMs: at(1),
          account: 'dana',
          asset: 'USDT',
          amount: '1000',
        },
        {
          id: 'd2',
          type: 'deposit',
          issuedAtMs: at(1),
          account: 'dana',
          asset: 'USDT',
          amount: '4000',
          location: 'arbitrum',
        },
        {
          id: 'd3',
          type: 'deposit',
          issuedAtMs: at(1),
          account: 'dana',
          asset: 'BTC',
          amount: '1',
          location: 'mars',
        },
        {
          id: 'c1',
          type: 'pre_trade_check',
          issuedAtMs: at(2),
          account: 'dana',
          instrument: 'BTCUSDT',
          side: 'buy',
          size: '0.01',
        },
        {
          id: 'm1',
          type: 'move_collateral',
          issuedAtMs: at(3),
          account: 'dana',
          asset: 'USDT',
          amount: '2500',
          from: 'arbitrum',
          to: 'custodian',
        },
        { id: 's1', type: 'settle_collateral_move', issuedAtMs: at(10), move: 'm1' },
        { id: 's2', type: 'settle_collateral_move', issuedAtMs: at(63), move: 'm1' },
        {
          id: 'w1',
          type: 'withdraw',
          issuedAtMs: at(64),
          account: 'dana',
          asset: 'USDT',
          amount: '1001',
        },
      ),
    );
    const run = await runCliAsync(['run', db, '--commands', commands, ...flags]);
    expect(run.stderr).toBe('');
    const out = run.stdout.trim().split('\n');
    expect(out[6]).toBe('d3  rejected  location_not_found (location)');
    // 1,000 + 4,000 × 0.95 = 4,800 of equity.
    expect(out[7]).toMatch(/^c1 {2}checked {2}would be accepted \(fills\); after it: equity 4800,/);
    // Settled no earlier than the custodian's hour.
    expect(out.slice(9, 12)).toEqual([
      's1  rejected  move_not_due (move)',
      's2  accepted  event 9',
      'w1  rejected  insufficient_balance (amount)',
    ]);
    const replay = await runCliAsync(['replay', db]);
    expect(replay.stdout).toContain('  USDT held at arbitrum: 1500\n');
    expect(replay.stdout).toContain('  USDT held at custodian: 2500\n');
    expect(replay.stdout).toContain('  USDT held at venue: 1000\n');
    const snapshot = await runCliAsync([
      'snapshot',
      db,
      '--venue',
      'examples/engine/venue.json',
      '--locations',
      'examples/engine/places.json',
    ]);
    const file = JSON.parse(snapshot.stdout);
    // 1,000 + 1,500 × 0.95 + 2,500 × 0.8 = 4,425.
    expect(file.accounts[0].balances).toEqual({ USDT: '4425' });
  });
});
