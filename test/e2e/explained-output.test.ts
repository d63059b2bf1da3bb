import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * The tables explain themselves (issue 8, "Output that explains itself"): every figure with its
 * unit, prices at the tick, what drives each figure (collateral by weight, the rule and leverage
 * of each position), shortfalls no other pool offsets, and what `compare` changed to compare.
 */
pinClock();

const main = 'examples/cross-and-isolated.json';

function stdoutOf(argv: readonly string[]): string {
  const result = runCli(argv);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** The lines of the table that starts with the line matching `header`, up to a blank line. */
function tableAfter(text: string, header: RegExp): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => header.test(line));
  expect(start, `a table headed ${header}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start && line.trim() === '');
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('margin: units and precision', () => {
  it('says USD for every account figure and prices at the tick, grouped', () => {
    const text = stdoutOf(['margin', main]);
    expect(text).toContain(
      'Account main: equity 22,601.52 USD, initial margin 10,208.31 USD, maintenance margin ' +
        '703.72 USD, free collateral 10,964.78 USD',
    );
    expect(text).toContain('Buckets, in USD');
    const positions = tableAfter(text, /^position +bucket +contracts +price in/);
    // BTCUSDT ticks at 0.1: entry, mark and liquidation price at one decimal, never 18.
    expect(positions.find((line) => line.startsWith('BTCUSDT'))).toMatch(
      /^BTCUSDT +cross +0\.800 +USDT +121,250\.0 +112,774\.5 +89,781\.0 +20\.38% +-6,780\.40 +5,074\.86 +360\.88 +20× set +own$/,
    );
    expect(text).not.toMatch(/\d\.\d{9,}/);
    expect(positions[0]).toMatch(/uPnL USD/);
  });
});

describe('margin: what drives the figures', () => {
  it('lists collateral by asset with its weight: BTC at 95 %, the haircut', () => {
    const text = stdoutOf(['margin', main]);
    const collateral = tableAfter(text, /^bucket +asset +balance +price USD +value USD +weight/);
    expect(collateral).toContainEqual(
      expect.stringMatching(/^cross +BTC +0\.05 +112,750 +5,637\.50 +95\.00% +5,355\.62$/),
    );
    expect(collateral).toContainEqual(
      expect.stringMatching(/^SOLUSDT +USDT +2,300 +1 +2,300\.00 +100\.00% +2,300\.00$/),
    );
  });

  it('says why the account is liquidatable when its collateral counts for nothing (deribit-linear)', () => {
    const text = stdoutOf(['margin', main, '--rulebook', 'deribit-linear']);
    expect(text).toContain('** LIQUIDATABLE **');
    expect(text).toContain(
      'Bucket cross is liquidatable: equity 1,556.30 USD is below its maintenance margin ' +
        '2,957.67 USD; its BTC and USDT count for nothing under rulebook deribit-linear',
    );
    expect(text).toContain(
      'Counts for nothing: 12,000 USDT (12,000.00 USD) in bucket cross: rulebook deribit-linear ' +
        'lists no collateral weight for USDT, so it is not collateral.',
    );
    expect(text).toMatch(/^cross +USDT +12,000 +1 +12,000\.00 +0\.00% \(no rule\) +0\.00$/m);
  });

  it("marks a position margined by the rulebook's default rule", () => {
    const own = stdoutOf(['margin', main]);
    expect(own).not.toMatch(/ default$/m);
    expect(own).not.toContain('Margined by');
    const text = stdoutOf(['margin', main, '--rulebook', 'deribit-linear']);
    expect(text).toMatch(/^BTCUSDT .* \* default$/m);
    expect(text).toContain(
      `Margined by rulebook deribit-linear's default "*", as it has no rule of its own for ` +
        'them: BTCUSDT, ETHUSDT, SOLUSDT.',
    );
  });

  it('shows the leverage used, and the setting where the rule asks for more', () => {
    const text = stdoutOf(['margin', main, '--rulebook', 'bybit-inverse']);
    // Bybit counts its closing fee in initial margin: 20× set, 19.7× used.
    expect(text).toMatch(/^BTCUSDT .* 19\.7× \(set 20×\) +\* default$/m);
    // No setting: what the rule's own rate implies.
    const deribit = stdoutOf(['margin', 'examples/deribit-linear.json']);
    expect(deribit).toMatch(/^BTC_USDC-PERPETUAL .* +\d+(\.\d+)?× +own$/m);
  });
});

describe('margin: free collateral never hides a shortfall', () => {
  it('names a separate pool short of initial margin that the account figure leaves out', () => {
    const text = stdoutOf(['margin', main, '--rulebook', 'bybit-inverse']);
    // cross:BTC has 5,637.50 of room, cross:USDT is 6,442.34 short: the account's 5,637.50 is
    // only what the BTC pool may still commit.
    expect(text).toMatch(/free collateral 5,637\.50 USD/);
    expect(text).toContain(
      'Not in that free collateral, short of initial margin: cross:USDT -6,442.34 USD (a pool ' +
        'of its own), SOLUSDT -885.79 USD (isolated)',
    );
  });

  it('names an isolated bucket below its initial margin', () => {
    const text = stdoutOf(['margin', 'examples/multi-venue-rules.json', '--account', 'desk-sol']);
    expect(text).toContain('short of initial margin: SOL-PERP -5,341.60 USD (isolated)');
  });
});

describe('margin: portfolio buckets and joint moves', () => {
  it('shows each position of a portfolio bucket by what it adds to the binding loss, not standard margin', () => {
    const text = stdoutOf(['margin', 'examples/calendar-spread.json', '--account', 'portfolio']);
    const rows = tableAfter(
      text,
      /^position +bucket +contracts +price in +entry +mark +uPnL USD +value USD +underlying +adds to loss$/,
    );
    expect(rows).toContainEqual(
      expect.stringMatching(/^BTC-25DEC26-100000-C .* BTC +-17,347\.47$/),
    );
    // The short call's standard initial margin, 65,880.26 USD, is not the portfolio's figure.
    expect(text).not.toContain('65,880.26');
    // The roll add-on closes the gap from the scan loss to the requirement.
    expect(text).toMatch(/^scan loss \(the sum above\) +16,940\.89$/m);
    expect(text).toMatch(/^add-ons: roll 989\.91, .* +989\.91$/m);
    expect(text).toMatch(/^requirement .* +17,930\.80$/m);
    expect(text).toContain("Σ underlyings' requirements 17,930.80 × the maintenance factor 0.8000");
  });

  it('leaves stablecoin rows out of the joint-move table, and names them', () => {
    const text = stdoutOf(['margin', main]);
    const moves = tableAfter(text, /^bucket +underlying +down +up$/);
    expect(moves.filter((line) => /^\S+ +USDT /.test(line))).toEqual([]);
    expect(moves).toContainEqual(expect.stringMatching(/^cross +BTC +-19\.24% +none$/));
    expect(text).toContain(
      'Left out, as settle coins whose own move is a depeg: USDT (cross), USDT (SOLUSDT).',
    );
  });
});

describe('compare: defined figures and what it moved', () => {
  it('defines capital used against initial margin, in USD', () => {
    const text = stdoutOf(['compare', main]);
    expect(text).toMatch(/^mode +capital used USD +initial USD +maintenance USD$/m);
    expect(text).toContain(
      "capital used: the collateral the book ties up to open it, at initial margin: each bucket's " +
        'initial margin less what its positions are worth',
    );
    expect(text).toContain("initial, maintenance: the sum of the buckets' requirements");
  });

  it('says it moved the isolated SOLUSDT into the pool, and split the pool for isolated', () => {
    const text = stdoutOf(['compare', main]);
    expect(text).toContain('cross: SOLUSDT into the cross pool, with its 2,300 USDT of margin');
    expect(text).toContain(
      'isolated: BTCUSDT out of the cross pool, given 6,688.5252 USDT; ETHUSDT out of the cross ' +
        'pool, given 4,258.805 USDT; SOLUSDT isolated with 2,300 USDT, given 3,352.6696 USDT',
    );
    expect(text).toContain('these liquidation prices therefore differ from `margin`');
    // Its cross liquidation price of BTCUSDT, with SOLUSDT pooled, is not margin's 89,781.0.
    expect(text).toMatch(/^BTCUSDT +USDT +113,342\.8 +0\.00% +85,292\.4 +24\.36%$/m);
  });

  it('says nothing moved where the account is already as compared', () => {
    const text = stdoutOf(['compare', 'examples/deribit-linear.json']);
    expect(text).not.toContain('cross: ');
    expect(text).toContain('isolated: BTC_USDC-PERPETUAL out of the cross pool, given');
  });
});

describe('a preset that cannot read the example says why and how to fix it', () => {
  it('bybit-linear: the leverage chosen is above its brackets', () => {
    const result = runCli(['margin', main, '--rulebook', 'bybit-linear']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'accounts[0].positions[1].leverage: 20 is above the 12 allowed at this notional ' +
        '(65782.5 USDT of "ETHUSDT", under its default rule "*" in rulebook "bybit-linear"): set ' +
        "it to 12 or less, or leave it out to margin at the rule's own maximum",
    );
  });
});

describe('a preset without a rule for the symbols says how to fix it', () => {
  it('okx-swap: no rule for BTCUSDT, and no "*" default', () => {
    const result = runCli(['margin', main, '--rulebook', 'okx-swap']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'rulebook: instrument "BTCUSDT" has no margin rule in rulebook "okx-swap" (nor a "*" ' +
        'default): choose a rulebook that lists it, or add a rule for it to a rulebook file',
    );
  });
});

describe('the README and the format page show what the CLI prints', () => {
  const scratch = scratchFolder();

  it("README's first report lines are `xmargin margin examples/cross-and-isolated.json`'s", () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /## First steps[\s\S]*?```\n([\s\S]*?)```/.exec(readme)![1]!;
    const shown = block
      .split('\n')
      .map((line) => line.replace(/^ {3}/, ''))
      .filter((line) => line !== '' && line !== '…');
    const lines = stdoutOf(['margin', main]).split('\n');
    for (const line of shown) expect(lines).toContain(line);
  });

  it("docs/portfolio-format.md's minimal file reads, margined at the bracket's leverage", () => {
    const page = readFileSync('docs/portfolio-format.md', 'utf8');
    const minimal = /## A complete minimal file[\s\S]*?```json\n([\s\S]*?)```/.exec(page)![1]!;
    const text = stdoutOf(['margin', scratch.write('minimal.json', minimal)]);
    // No leverage given: BTCUSDT's first bracket, 150×, and no "set".
    expect(text).toMatch(/^BTCUSDT +cross +0\.200 +USDT +110,000\.0 +112,774\.5 +.* 150× +own$/m);
  });

  it.each([
    'margin examples/cross-and-isolated.json',
    'margin examples/covered-call.json --account portfolio',
    'compare examples/cross-and-isolated.json',
    'compare examples/straddle.json --account portfolio',
  ])('docs/portfolio-format.md shows `xmargin %s` as it prints', (command) => {
    const page = readFileSync('docs/portfolio-format.md', 'utf8');
    const head = `\`\`\`\n$ xmargin ${command}\n`;
    const start = page.indexOf(head);
    expect(start, command).toBeGreaterThanOrEqual(0);
    const shown = page.slice(start + head.length, page.indexOf('```', start + head.length));
    expect(stdoutOf(command.split(' '))).toBe(shown);
  });
});
