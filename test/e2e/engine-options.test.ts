import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerLine, pinClock, runCliAsync, runDay, scratchFolder } from './cli-harness.ts';

/**
 * examples/engine/options-day.jsonl through `xmargin run --clock commands` on
 * examples/engine/options-venue.json (Deribit's rules for inverse BTC options and the perpetual):
 * options are margined by the engine once the venue's feed sets BTC's volatility surface; a
 * portfolio-margin account's state follows its hedge and the surface. Figures worked by hand where
 * Deribit's standard formulas give them.
 */
pinClock();
const scratch = scratchFolder();
const venue = ['--venue', 'examples/engine/options-venue.json'];

const optionsLog = (name: string) =>
  runDay(
    scratch.path(name),
    'examples/engine/options-day.jsonl',
    'examples/engine/options-venue.json',
  );
const line = answerLine;

describe('a day of options through the engine, from examples/engine/options-day.jsonl', () => {
  it('prices options once the surface is set, and checks writers against Deribit’s formula', async () => {
    const { db, lines } = await optionsLog('options.db');
    // Before the feed has set a surface, an option cannot be priced: no check is made on it.
    expect(line(lines, 'check-early')).toBe(
      'check-early  check refused  price_unavailable (instrument)',
    );
    expect(line(lines, 'surface-1')).toMatch(/^surface-1 {2}accepted {2}event \d+$/);
    // The buyer's 5 BTC at 95,000: 4 calls bought at their mark (0.1) leave equity as it was,
    // and a long option needs no margin beyond its premium.
    expect(line(lines, 'check-buyer')).toBe(
      'check-buyer  checked  would be accepted (fills); after it: equity 475000, initial margin ' +
        '0, maintenance margin 0, free collateral 475000',
    );
    // The writer: 1.5 BTC and 0.4 of premium, owing 4 calls at 0.1 BTC. Deribit's initial
    // margin per call is max(0.15 − 5,000 / 95,000 out of the money, 0.1) + 0.1 = 0.2 BTC, so
    // 0.8 BTC (76,000 USD) for 4. After 0.5 out its equity is 1.0 BTC (95,000); 0.25 more would
    // leave 71,250.
    expect(line(lines, 'writer-withdraws')).toMatch(/^writer-withdraws {2}accepted/);
    expect(line(lines, 'writer-withdraws-more')).toBe(
      'writer-withdraws-more  rejected  initial_margin_insufficient (amount)',
    );
    expect(line(lines, 'surface-1-again')).toBe(
      'surface-1-again  rejected  tick_out_of_order (sequence)',
    );
    const hash = lines.at(-1)!.match(/state hash ([0-9a-f]{64})/)![1];
    const replay = await runCliAsync(['replay', db]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain(`State hash ${hash}.`);
    expect(replay.stdout).toContain(
      'Margin states as the log recorded them: 2 healthy, 1 margin call, 0 liquidatable.\n' +
        '  margin call: hedger',
    );
    // Under the venue's rules, margined again at the log's last prices: the same states.
    const again = await runCliAsync(['replay', db, ...venue, '--json']);
    expect(again.code).toBe(0);
    const { marginStates, book } = JSON.parse(again.stdout);
    expect(marginStates).toEqual({
      healthy: 2,
      marginCall: ['hedger'],
      liquidationWarning: [],
      liquidatable: [],
    });
    expect(book.byState).toEqual({ liquidatable: 0, 'below-initial': 1, healthy: 2 });
    expect(book.riskiest[0].account).toBe('hedger');
  });

  it('moves a portfolio account’s state with its hedge and with the surface', async () => {
    const { db } = await optionsLog('states.db');
    const listed = await runCliAsync(['events', db, '--type', 'margin_state_changed', '--json']);
    expect(listed.code).toBe(0);
    const changes = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // 0.22 BTC at 95,000 is 20,900 of equity throughout (the calls' premium in, their value owed).
    expect(changes.map((e) => [e.command, e.account, e.state, e.equity])).toEqual([
      ['hedger-calls', 'hedger', 'margin_call', '20900'],
      ['hedger-perp', 'hedger', 'healthy', '20900'],
      ['surface-2', 'hedger', 'margin_call', '20900'],
    ]);
    const im = changes.map((e) => Number(e.initialMargin));
    // Naked short calls, then hedged by the long perpetual (a lower requirement, below equity),
    // then the same book under 90 % volatility instead of 52 % (a higher one, above it).
    expect(im[1]).toBeLessThan(20_900);
    expect(im[1]).toBeLessThan(im[0]!);
    expect(im[2]).toBeGreaterThan(20_900);
    expect(Number(changes[2].maintenanceMargin)).toBeLessThan(20_900);
  });

  it('writes the surface into the portfolio file, which margin reads to the engine’s figures', async () => {
    const { db } = await optionsLog('snapshot.db');
    const snapshot = await runCliAsync(['snapshot', db, ...venue]);
    expect(snapshot.code).toBe(0);
    const book = scratch.write('book.json', snapshot.stdout);
    const file = JSON.parse(readFileSync(book, 'utf8'));
    expect(file.market.volatility).toEqual({
      BTC: {
        slices: [
          {
            expiry: '2027-03-26T08:00:00.000Z',
            atmVolatility: '0.9',
            b: '0.05',
            rho: '-0.25',
            m: '0',
            sigma: '0.1',
          },
        ],
      },
    });
    const listed = await runCliAsync(['events', db, '--type', 'margin_state_changed', '--json']);
    const last = JSON.parse(listed.stdout.trim().split('\n').at(-1)!);
    const margin = await runCliAsync(['margin', book, '--account', 'hedger', '--json']);
    expect(margin.code).toBe(0);
    const [report] = JSON.parse(margin.stdout);
    expect([report.equity, report.initialMargin, report.maintenanceMargin]).toEqual([
      last.equity,
      last.initialMargin,
      last.maintenanceMargin,
    ]);
  });
});

describe('the venue’s rules recorded in the log', () => {
  it('carries them whole, so a later run, replay and snapshot need no venue file', async () => {
    const { db } = await optionsLog('rules.db');
    const listed = await runCliAsync(['events', db, '--type', 'venue_set', '--json']);
    const recorded = JSON.parse(JSON.parse(listed.stdout.trim()).rules);
    // The preset the venue file names is written in: the log does not depend on what a later
    // build ships as `deribit-options`.
    expect(recorded.file.rulebook.id).toBe('deribit-options');
    expect(recorded.file.rulebook.instruments.option.kind).toBe('option-standard');
    expect(recorded.locations).toBeNull();
    // Another command on the same log, without --venue: judged under the rules it recorded.
    const more = scratch.write(
      'more.jsonl',
      `${JSON.stringify({
        id: 'writer-withdraws-again',
        type: 'withdraw',
        issuedAtMs: Date.UTC(2026, 11, 24),
        account: 'writer',
        asset: 'BTC',
        amount: '0.25',
      })}\n`,
    );
    const run = await runCliAsync(['run', db, '--commands', more, '--clock', 'commands']);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')[0]).toBe(
      'writer-withdraws-again  rejected  initial_margin_insufficient (amount)',
    );
    const replay = await runCliAsync(['replay', db]);
    expect(replay.stdout).toContain('Book of 3 accounts: 0 liquidatable, 1 below initial margin');
    const snapshot = await runCliAsync(['snapshot', db]);
    expect(snapshot.code).toBe(0);
    const book = scratch.write('from-log.json', snapshot.stdout);
    const margin = await runCliAsync(['margin', book, '--account', 'writer']);
    expect(margin.stdout.split('\n')[0]).toContain('initial margin 76,000.00 USD');
  });

  it('refuses a run of a new log without a venue, and places without a venue', async () => {
    const fresh = scratch.path('fresh.db');
    const none = scratch.write('none.jsonl', '');
    const run = await runCliAsync(['run', fresh, '--commands', none]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--venue: required: this log records no venue rules yet');
    const { db } = await optionsLog('places.db');
    const replay = await runCliAsync(['replay', db, '--locations', 'examples/engine/places.json']);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain('--locations: comes with --venue');
  });
});
