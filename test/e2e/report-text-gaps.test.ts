import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mutated, pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * The text report's last gaps (issue 8): escaping that no id can forge, a backslash included; and
 * Mango's liquidation-end health printed where the rulebook has the rule.
 */
pinClock();
const scratch = scratchFolder();
const main = 'examples/cross-and-isolated.json';
const esc = '\u001b';
// Six characters a file may hold in an id, and what an id holding a real ESC prints as.
const literal = '\\u001b';

describe('a backslash is escaped too, so no two ids print the same', () => {
  const twins = () =>
    scratch.write(
      'twins.json',
      mutated('cross-and-isolated.json', (doc) => {
        const real = { ...doc.accounts[0], id: `x${esc}[2Jy` };
        doc.accounts = [{ ...doc.accounts[0], id: `x${literal}[2Jy` }, real];
      }),
    );

  it.each(['margin', 'compare', 'whatif'])('%s: a literal \\u001b is not an ESC', (command) => {
    const result = runCli([command, twins()]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(esc);
    const head = command === 'whatif' ? 'Limits for' : 'Account';
    // The literal one shows its backslash doubled; the real ESC as the escape of it.
    expect(result.stdout).toContain(`${head} x\\\\u001b[2Jy`);
    expect(result.stdout).toContain(`${head} x\\u001b[2Jy`);
    const lines = result.stdout.split('\n');
    const named = (id: string) => lines.filter((line) => line.startsWith(`${head} ${id}`));
    expect(named('x\\\\u001b[2Jy')).toHaveLength(1);
    expect(named('x\\u001b[2Jy')).toHaveLength(1);
  });

  it('in a table, an instrument with a literal \\u001b and one with an ESC show apart', () => {
    const text = readFileSync(main, 'utf8')
      .split('"BTCUSDT"')
      .join(JSON.stringify(`P${literal}[31m`))
      .split('"ETHUSDT"')
      .join(JSON.stringify(`P${esc}[31m`));
    const result = runCli(['margin', scratch.write('instruments.json', text)]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(esc);
    const rows = result.stdout.split('\n').filter((line) => /^P\\/.test(line));
    expect(rows.map((row) => row.split(/\s+/).slice(0, 3))).toEqual([
      ['P\\\\u001b[31m', 'cross', '0.800'],
      ['P\\u001b[31m', 'cross', '-15.000'],
    ]);
  });

  it('an id without a control character or a backslash prints as it is', () => {
    const result = runCli(['margin', main]);
    expect(result.stdout).toMatch(/^Account main: equity /);
    expect(result.stdout).toContain('\nBTCUSDT   cross');
  });

  it('an error message doubles a backslash it quotes: --account that does not exist', () => {
    const refused = (account: string) => {
      const result = runCli(['margin', main, '--account', account]);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(2);
      return result.stderr;
    };
    expect(refused(`no${literal}one`)).toBe(
      `xmargin: bad input\n  --account: no account "no\\\\u001bone" in ${main} ` +
        '(its accounts: "main")\n',
    );
    expect(refused(`no${esc}one`)).toBe(
      `xmargin: bad input\n  --account: no account "no\\u001bone" in ${main} ` +
        '(its accounts: "main")\n',
    );
    expect(refused('C:\\desk')).toContain('no account "C:\\\\desk"');
  });

  it("an error message quoting a file's key shows a literal \\u001b apart from an ESC", () => {
    const unknown = (key: string) => {
      const file = scratch.write(
        'unknown-key.json',
        mutated('cross-and-isolated.json', (doc) => {
          doc[key] = 'x';
        }),
      );
      const result = runCli(['margin', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toContain(esc);
      return result.stderr.split('\n').find((line) => line.includes('unknown field'));
    };
    expect(unknown(`note${literal}`)).toMatch(/^ {2}note\\\\u001b: unknown field/);
    expect(unknown(`note${esc}`)).toMatch(/^ {2}note\\u001b: unknown field/);
  });

  it("a JSON syntax error names the character found in words, so no backslash is the CLI's", () => {
    const syntaxError = (text: string) => {
      const result = runCli(['margin', scratch.write('broken.json', text)]);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(2);
      return result.stderr;
    };
    const file = scratch.path('broken.json');
    expect(syntaxError('{"format": "a\tb"}')).toBe(
      `xmargin: bad input\n  ${file}: not valid JSON at line 1:14: a control character inside a ` +
        'string (write it escaped), found the control character U+0009\n',
    );
    expect(syntaxError('{"format": "a\\qb"}')).toBe(
      `xmargin: bad input\n  ${file}: not valid JSON at line 1:14: a backslash must be followed ` +
        'by b, f, n, r, t, u and four hex digits, a slash, a double quote or another backslash, ' +
        'found a backslash\n',
    );
    expect(syntaxError('{"format" "x"}')).toContain(
      'expected ":" after the property name, found a double quote\n',
    );
  });
});

/**
 * Mango's own vector (programs/mango-v4/src/instructions/token_liq_with_token.rs
 * `test_liq_with_token_stable_price`, as test/golden/mango.test.ts pins it in the core): 10 of
 * an asset at weight 1 and 9 owed of a token whose initial liability weight is 1.4 (maint 1.2),
 * both at oracle 1, the liability's stable price 1.25. Liquidation-end health is initial health
 * at the oracle without the bank's weight scaling: 10 − 9 × 1.4 = −2.6 USD, and 3.5 − 2.5 × 1.4 = 0
 * once the liquidation has run. Mango's MID listing tier has those liability weights.
 */
function mangoBook(): unknown {
  return {
    format: 'xmargin.portfolio/1',
    rulebook: 'mango-v4',
    assets: [{ id: 'USDC' }, { id: 'MID' }],
    instruments: [],
    market: {
      asOf: '2026-11-24T08:00:00Z',
      assetPrices: { USDC: '1', MID: '1' },
      markPrices: {},
      stablePrices: { USDC: '1', MID: '1.25' },
      // Borrows worth 125,000 at the stable price, 2.5 × the tier's scale start of 50,000: init
      // health scales the liability weight up by 2.5; liquidation-end health does not.
      venueTotals: { MID: { deposits: '200000', borrows: '100000' } },
    },
    accounts: [
      { id: 'liqee', balances: { USDC: '10', MID: '-9' } },
      { id: 'liquidated', balances: { USDC: '3.5', MID: '-2.5' } },
    ],
  };
}

describe('the liquidation-end health of a Mango account', () => {
  it('is printed with its unit and what it means, at Mango’s figure', () => {
    const result = runCli(['margin', scratch.write('mango.json', mangoBook())]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const reports = result.stdout.split(/\n(?=Account )/);
    expect(reports).toHaveLength(2);
    const [liqee, liquidated] = reports as [string, string];
    // Maintenance: 10 − 9 × 1.2 = −0.8 < 0, so liquidatable; init 10 − 9 × 1.25 × 1.4 × 2.5.
    expect(liqee).toMatch(/^Account liqee: .*free collateral -29\.38 USD {2}\*\* LIQUIDATABLE/);
    expect(liqee).toContain(
      '\nLiquidation-end health under rulebook mango-v4: bucket cross -2.60 USD.\n' +
        'It is the health a liquidation brings the account back to: once equity is below ' +
        'maintenance margin, the liquidator may go on until this figure is 0 or above',
    );
    expect(liquidated).toContain(
      '\nLiquidation-end health under rulebook mango-v4: bucket cross 0.00 USD.\n',
    );
    // --json carries the exact figure.
    const json = JSON.parse(
      runCli(['margin', scratch.write('mango.json', mangoBook()), '--json']).stdout,
    );
    expect(json[0].buckets[0].liquidationEndHealth).toBe('-2.6');
    expect(json[1].buckets[0].liquidationEndHealth).toBe('0');
  });

  it('is printed for the bundled Mango example, and not under a rulebook without the rule', () => {
    const mango = runCli(['margin', 'examples/mango-health.json']);
    // By hand, at the oracle with initial weights: USDC 2,000 + the perp folded into it (short
    // 20 + the ask's 5 at 150 × 1.2, quote 2,800 + 750, unsettled −35.5: −985.5) + PREMIUM 10 × 150
    // × 0.8 + the bid's 725 USDC turned into 725 / 150 PREMIUM × 150 × 0.8 − 725 = 2,069.5; the
    // engine's divisions round in the venue's favour, to 2,069.4999… USD.
    expect(mango.stdout).toContain(
      'Liquidation-end health under rulebook mango-v4: bucket cross 2,069.49 USD.',
    );
    for (const file of [main, 'examples/hyperliquid.json', 'examples/straddle.json']) {
      const result = runCli(['margin', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Account /);
      expect(result.stdout).not.toContain('Liquidation-end');
    }
  });
});
