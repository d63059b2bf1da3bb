import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerLine, pinClock, runCliAsync, runDay, scratchFolder } from './cli-harness.ts';

/**
 * examples/engine/day.jsonl through `xmargin run --clock commands` on examples/engine/venue.json
 * (Binance USD-M's rules): a day of a small venue, built, traded, priced, funded and settled, each
 * figure below worked by hand from the commands. Then the log replayed, listed and written out as a
 * portfolio file that `margin` reads.
 */
pinClock();
const scratch = scratchFolder();
const venue = ['--venue', 'examples/engine/venue.json'];

const dayLog = (name: string) =>
  runDay(scratch.path(name), 'examples/engine/day.jsonl', 'examples/engine/venue.json');
const line = answerLine;

describe('a day of the engine from examples/engine/day.jsonl', () => {
  it('answers each command as the venue would, and the log replays to the hash it printed', async () => {
    const { db, lines } = await dayLog('day.db');
    // Alice's check before she buys 1.5 BTCUSDT at the mark 95,010: 20,000 USDT + 0.5 BTC at
    // 95,000 × 95 % = 65,125 of equity; at her 20× leverage IM is 1.5 × 95,010 / 20 = 7,125.75;
    // MM 0.4 % of 142,515 = 570.06 (Binance's first bracket).
    expect(line(lines, 'check-alice')).toBe(
      'check-alice  checked  would be accepted (fills); after it: equity 65125, initial margin ' +
        '7125.75, maintenance margin 570.06, free collateral 57999.25',
    );
    // The market maker's ask is taken by two fills naming it: 1.5 then 0.2 of its 2.
    expect(line(lines, 'fill-1')).toBe('fill-1  accepted  events 21-22');
    // Carol (1,000 USDT, long 0.2 at 95,020, fee 9.502, funding 1.980022 paid at 08:00) has
    // 988.517978 in cash and 796.22 of paper profit at 99,001.1: 985 out would leave 3.517978
    // against IM 0.2 × 99,001.1 / 125 = 158.40176, the profit not counted; 800 out leaves
    // 188.517978.
    expect(line(lines, 'carol-takes-profit')).toBe(
      'carol-takes-profit  rejected  initial_margin_insufficient (amount)',
    );
    expect(line(lines, 'carol-withdraws')).toMatch(/^carol-withdraws {2}accepted {2}event \d+$/);
    // The 16:00 funding sent twice is paid once.
    expect(lines.filter((l) => l.startsWith('funding-btc-2  '))).toEqual([
      'funding-btc-2  accepted  event 56',
      'funding-btc-2  already answered  event 56',
    ]);
    const summary = lines.at(-1)!;
    expect(summary).toMatch(
      /^61 commands: 58 accepted, 1 already answered, 1 rejected, 1 pre-trade check answered\. The log holds 66 events; state hash [0-9a-f]{64}\.$/,
    );
    const hash = summary.match(/state hash ([0-9a-f]{64})/)![1];
    const replay = await runCliAsync(['replay', db]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain(`State hash ${hash}.`);
    expect(replay.stdout).toContain('USDT: 546000 deposited, 800 withdrawn');
  });

  it('records margin states, funding and the expiry, and lists them by account', async () => {
    const { db } = await dayLog('events.db');
    const carol = await runCliAsync(['events', db, '--account', 'carol', '--json']);
    expect(carol.code).toBe(0);
    const events = carol.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => [e.type, e.command])).toEqual([
      ['account_opened', 'open-carol'],
      ['deposited', 'dep-carol'],
      ['filled', 'fill-3'],
      ['funding_paid', 'funding-btc-1'],
      ['withdrawn', 'carol-withdraws'],
      ['margin_state_changed', 'tick-23'],
      ['funding_paid', 'funding-btc-2'],
      ['margin_state_changed', 'tick-28'],
      ['funding_paid', 'funding-btc-3'],
    ]);
    // At 94,100.7 carol's 0.2 has lost 183.86: 4.66 left against MM 75.28: liquidatable.
    expect(events[5]).toMatchObject({
      state: 'liquidatable',
      equity: '4.657978',
      maintenanceMargin: '75.28056',
    });
    // Her first funding: 0.2 × 99,001.1 × 0.01 % = 1.980022, paid to the shorts.
    const paid = events[3].movements.find((m: { account: string }) => m.account === 'carol');
    expect(paid).toEqual({
      account: 'carol',
      asset: 'USDT',
      amount: '-1.980022',
      reason: 'funding',
    });
    const expiry = await runCliAsync(['events', db, '--type', 'expiry_settled', '--json']);
    // Alice sold 1 of the December future at 95,420; it settles at 96,150.3: she pays 730.3.
    const settled = JSON.parse(expiry.stdout.trim());
    expect(settled.movements[0]).toEqual({
      account: 'alice',
      asset: 'USDT',
      amount: '-730.3',
      reason: 'realised-pnl',
    });
  });

  it('writes the books out as a portfolio file that margin reads, the settled future gone', async () => {
    const { db } = await dayLog('snapshot.db');
    const snapshot = await runCliAsync(['snapshot', db, ...venue]);
    expect(snapshot.code).toBe(0);
    const book = scratch.write('book.json', snapshot.stdout);
    const file = JSON.parse(readFileSync(book, 'utf8'));
    expect(file.instruments.map((i: { id: string }) => i.id)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(file.market.asOf).toBe('2026-12-25T08:00:00.000Z');
    const alice = file.accounts.find((a: { id: string }) => a.id === 'alice');
    expect(alice.leverage).toEqual({ BTCUSDT: '20' });
    const margin = await runCliAsync(['margin', book, '--account', 'alice']);
    expect(margin.code).toBe(0);
    // 1.5 × 96,120.4 / 20 (her leverage) = 7,209.03 of initial margin.
    expect(margin.stdout.split('\n')[0]).toContain('initial margin 7,209.03 USD');
  });
});
