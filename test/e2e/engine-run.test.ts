import { describe, expect, it } from 'vitest';
import { pinClock, pinnedNow, runCliAsync, scratchFolder } from './cli-harness.ts';

/**
 * `xmargin run DB --commands FILE --venue FILE`: the engine over a SQLite event log, each
 * command answered on its own line, and a second run on the same log starting from what the
 * first left (the ledger rebuilt from the log: a command sent again is answered, not repeated).
 */
pinClock();
const scratch = scratchFolder();
const now = pinnedNow.getTime();

const lines = (...commands: object[]) => commands.map((c) => JSON.stringify(c)).join('\n');

describe('xmargin run', () => {
  it('answers each command, and a second run on the same log answers a repeat as before', async () => {
    const db = scratch.path('engine.db');
    const first = scratch.write(
      'first.jsonl',
      lines(
        { id: 't1', type: 'price_tick', feed: 'index:USDT', sequence: 1, timeMs: now, price: '1' },
        { id: '1', type: 'open_account', account: 'alice' },
        { id: '2', type: 'deposit', account: 'alice', asset: 'USDT', amount: '1000.25' },
        {
          id: '3',
          type: 'withdraw',
          account: 'alice',
          asset: 'USDT',
          amount: '1000.250000000000000001',
        },
        { id: '4', type: 'withdraw', account: 'alice', asset: 'USDT', amount: '0.25' },
        { id: '5', type: 'deposit', account: 'bob', asset: 'USDT', amount: '1' },
      ),
    );
    const venue = ['--venue', 'examples/cross-and-isolated.json'];
    const one = await runCliAsync(['run', db, '--commands', first, ...venue]);
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    const answers = one.stdout.trim().split('\n');
    expect(answers.slice(0, 6)).toEqual([
      't1  accepted  event 2',
      '1  accepted  event 3',
      '2  accepted  event 4',
      '3  rejected  insufficient_balance (amount)',
      '4  accepted  event 5',
      '5  rejected  account_not_found (account)',
    ]);
    const hash = answers[6]!.match(/state hash ([0-9a-f]{64})/)![1];
    expect(answers[6]).toMatch(
      /^6 commands: 4 accepted, 0 already answered, 2 rejected\. The log holds 5 events/,
    );

    const second = scratch.write(
      'second.jsonl',
      lines(
        { id: '2', type: 'deposit', account: 'alice', asset: 'USDT', amount: '1000.25' },
        { id: '2', type: 'deposit', account: 'alice', asset: 'USDT', amount: '5' },
      ),
    );
    const two = await runCliAsync(['run', db, '--commands', second, ...venue, '--json']);
    expect(two.code).toBe(0);
    const [repeat, reused, summary] = two.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(repeat).toEqual({ id: '2', kind: 'duplicate', first: 4, count: 1 });
    expect(reused).toEqual({
      id: '2',
      kind: 'rejected',
      rejection: { code: 'command_id_reused', field: 'id' },
    });
    // Nothing changed: the same five events (the venue's rules first), the same state.
    expect(summary.summary).toMatchObject({ events: 5, stateHash: hash });

    // The rules recorded are the venue file's, without the accounts that file holds.
    const rules = await runCliAsync(['events', db, '--type', 'venue_set', '--json']);
    const recorded = JSON.parse(JSON.parse(rules.stdout.trim()).rules);
    expect(recorded.file.accounts).toEqual([]);
    expect(recorded.file.instruments.length).toBeGreaterThan(0);
    // The log alone rebuilds the same ledger, and margins it under the rules it recorded.
    const replayed = await runCliAsync(['replay', db]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(
      new RegExp(
        `^${[
          'Replayed 5 events of 5 commands: 1 accounts.',
          '  USDT: 1000.25 deposited, 0.25 withdrawn',
          'Margin states as the log recorded them: 1 healthy, 0 margin call, 0 liquidatable.',
          `State hash ${hash}.`,
          '',
          "The book margined at the log's last prices and time \\(2026-11-24T12:00:00.000Z\\):",
          '',
          'Book of 1 accounts: 0 liquidatable, 0 below initial margin',
        ].join('\n')}\n`,
      ),
    );
  });

  it('events lists the log, by account, type and range', async () => {
    const db = scratch.path('listed.db');
    const file = scratch.write(
      'listed.jsonl',
      lines(
        { id: 't1', type: 'price_tick', feed: 'index:USDT', sequence: 1, timeMs: now, price: '1' },
        { id: '1', type: 'open_account', account: 'a' },
        { id: '2', type: 'open_account', account: 'b' },
        { id: '3', type: 'deposit', account: 'a', asset: 'USDT', amount: '10' },
        { id: '4', type: 'transfer', from: 'a', to: 'b', asset: 'USDT', amount: '2.5' },
      ),
    );
    await runCliAsync([
      'run',
      db,
      '--commands',
      file,
      '--venue',
      'examples/cross-and-isolated.json',
    ]);
    const at = pinnedNow.toISOString();
    const ofB = await runCliAsync(['events', db, '--account', 'b']);
    expect(ofB.stdout).toBe(
      [
        `4  ${at}  account_opened  {"account":"b","poolMode":"cross"}  (command 2)`,
        `6  ${at}  transferred  {"from":"a","to":"b","asset":"USDT","amount":"2.5"}  (command 4)`,
        '',
      ].join('\n'),
    );
    const deposits = await runCliAsync(['events', db, '--type', 'deposited', '--json']);
    expect(JSON.parse(deposits.stdout)).toMatchObject({ sequence: 5, amount: '10', command: '3' });
    const range = await runCliAsync(['events', db, '--from', '2', '--to', '3']);
    expect(
      range.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[0]),
    ).toEqual(['2', '3']);
    const bad = await runCliAsync(['events', db, '--from', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from: must be an event number, 1 or more (got "0")');
  });

  it('snapshot writes the ledger as a portfolio file that margin reads', async () => {
    const db = scratch.path('snap.db');
    const file = scratch.write(
      'snap.jsonl',
      lines(
        { id: 't1', type: 'price_tick', feed: 'index:USDT', sequence: 1, timeMs: now, price: '1' },
        {
          id: 't2',
          type: 'price_tick',
          feed: 'index:BTC',
          sequence: 1,
          timeMs: now,
          price: '113000',
        },
        { id: '1', type: 'open_account', account: 'carol' },
        { id: '2', type: 'deposit', account: 'carol', asset: 'USDT', amount: '5000.5' },
        { id: '3', type: 'deposit', account: 'carol', asset: 'BTC', amount: '0.01' },
      ),
    );
    const venue = ['--venue', 'examples/cross-and-isolated.json'];
    await runCliAsync(['run', db, '--commands', file, ...venue]);
    const snapshot = await runCliAsync(['snapshot', db, ...venue]);
    expect(snapshot.code).toBe(0);
    const portfolio = JSON.parse(snapshot.stdout);
    expect(portfolio.accounts).toEqual([
      { id: 'carol', balances: { BTC: '0.01', USDT: '5000.5' } },
    ]);
    expect(portfolio.market.assetPrices.BTC).toBe('113000');
    expect(portfolio.market.asOf).toBe(pinnedNow.toISOString());
    const written = scratch.write('snap.json', snapshot.stdout);
    const report = await runCliAsync(['margin', written, '--json']);
    expect(report.code).toBe(0);
    // Worth 5,000.5 + 0.01 × 113,000 = 6,130.5; binance-usdm counts BTC at 0.95, so the equity
    // is 5,000.5 + 1,073.5 = 6,074.
    const [carol] = JSON.parse(report.stdout);
    expect(carol.account).toBe('carol');
    expect(carol.buckets[0].collateralValue).toBe('6130.5');
    expect(carol.buckets[0].equity).toBe('6074');
  });

  it('replay refuses a log that is not there, or not an event log', async () => {
    const nothing = scratch.path('nothing.db');
    const missing = await runCliAsync(['replay', nothing]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${nothing}: no such event log`);
    const notLog = scratch.write('not-a-log.db', 'hello');
    const bad = await runCliAsync(['replay', notLog]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the event log is damaged');
  });

  it('refuses a bad commands file whole, naming line and field, and writes nothing', async () => {
    const db = scratch.path('untouched.db');
    const bad = scratch.write(
      'bad.jsonl',
      lines(
        { id: '1', type: 'open_account', account: 'alice' },
        { id: '2', type: 'deposit', account: 'alice', asset: 'USDT', amount: 5 },
      ),
    );
    const result = await runCliAsync([
      'run',
      db,
      '--commands',
      bad,
      '--venue',
      'examples/cross-and-isolated.json',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${bad}:2: amount: must be a decimal string (write "0.1", not 0.1)`,
    );
    expect(result.stdout).toBe('');
  });
});

describe('the venue recorded in the log', () => {
  it('refuses a run, or a snapshot, under other rules than the log was written under', async () => {
    const db = scratch.path('venue.db');
    const file = scratch.write(
      'venue.jsonl',
      lines({ id: '1', type: 'open_account', account: 'a' }),
    );
    const first = await runCliAsync([
      'run',
      db,
      '--commands',
      file,
      '--venue',
      'examples/cross-and-isolated.json',
    ]);
    expect(first.code).toBe(0);
    const other = ['--venue', 'examples/engine/venue.json'];
    const refused = await runCliAsync(['run', db, '--commands', file, ...other]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /--venue: this log was written under other rules \(venue digest [0-9a-f]{64}; these give [0-9a-f]{64}\): give the venue and places it ran with, or --venue-change/,
    );
    const snapshot = await runCliAsync(['snapshot', db, ...other]);
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toContain('--venue: the log was written under other rules');
    // Said to be a change: recorded, and the command answered as before.
    const changed = await runCliAsync(['run', db, '--commands', file, ...other, '--venue-change']);
    expect(changed.code).toBe(0);
    expect(changed.stdout.split('\n')[0]).toBe('1  already answered  event 2');
    const venues = await runCliAsync(['events', db, '--type', 'venue_set', '--json']);
    expect(
      venues.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).sequence),
    ).toEqual([1, 3]);
  });
});
