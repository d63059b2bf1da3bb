import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mutated, pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * The CLI's input and output boundary (issue 8): what it reads (dates that exist, JSON without
 * duplicate keys, a byte order mark, standard input) and what it writes (nothing a file can use to
 * drive the terminal; a closed pipe ends it quietly). A closed pipe and standard input need a real
 * process, so those tests spawn the CLI.
 */
pinClock();
const scratch = scratchFolder();
const main = 'examples/cross-and-isolated.json';
const esc = '\u001b';

/** The CLI as a user runs it, in its own process. */
function cliCommand(args: readonly string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', 'src/shell/cli/main.ts', ...args]];
}

function expectRefused(argv: readonly string[], issue: string): void {
  const result = runCli(argv);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(`xmargin: bad input\n  ${issue}\n`);
}

describe('defect 2: a closed pipe', () => {
  const book = () =>
    scratch.write(
      'big.json',
      mutated('cross-and-isolated.json', (doc) => {
        doc.accounts = Array.from({ length: 300 }, (_, i) => ({ ...doc.accounts[0], id: `a${i}` }));
      }),
    );

  // Each writes far more than a pipe holds (64 KiB): the summary alone would fit.
  it.each([['--json'], ['--jsonl'], ['--all']])(
    'margin BIG.json %s | head -1: ends quietly, exit 0',
    (flag) => {
      // A real pipe into a reader that closes it after one line; a pipe of Node's own would be a
      // socket, whose larger buffer could take the whole report before it is closed.
      const [node, args] = cliCommand(['margin', book(), flag]);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash script, not a template.
      const script = '"$@" 2>"$ERR" | head -1; echo "exit ${PIPESTATUS[0]}"';
      const err = scratch.path('stderr.txt');
      const shell = spawnSync('bash', ['-c', script, 'bash', node, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ERR: err },
      });
      const [firstLine, exit] = shell.stdout.split('\n');
      expect(firstLine).not.toBe('');
      expect(readFileSync(err, 'utf8')).toBe('');
      expect(exit).toBe('exit 0');
    },
    60_000,
  );
});

describe('defect 4: a date must exist', () => {
  it('refuses an expiry of 30 February instead of reading 2 March', () => {
    const file = scratch.write(
      'february.json',
      mutated('calendar-spread.json', (doc) => {
        doc.instruments[1].expiry = '2027-02-30T08:00:00Z';
      }),
    );
    expectRefused(
      ['margin', file],
      'instruments[1].expiry: has no day 30 in February 2027, which has 28 days',
    );
  });

  it('refuses a valuation time of 31 April, and an hour 24', () => {
    const april = scratch.write(
      'april.json',
      mutated('cross-and-isolated.json', (doc) => {
        doc.market.asOf = '2025-04-31T12:00:00Z';
      }),
    );
    expectRefused(['margin', april], 'market.asOf: has no day 31 in April 2025, which has 30 days');
    const hour = scratch.write(
      'hour.json',
      mutated('cross-and-isolated.json', (doc) => {
        doc.market.asOf = '2025-10-10T24:00:00Z';
      }),
    );
    expectRefused(
      ['margin', hour],
      'market.asOf: has no time 24:00:00 (hours run 00 to 23, minutes and seconds 00 to 59)',
    );
  });

  it('accepts 29 February in a leap year', () => {
    const file = scratch.write(
      'leap.json',
      mutated('cross-and-isolated.json', (doc) => {
        doc.market.asOf = '2028-02-29T12:00:00Z';
      }),
    );
    expect(runCli(['margin', file]).code).toBe(0);
  });
});

describe('defect 5: a file with no accounts', () => {
  it('says the file has no accounts, naming the field', () => {
    const file = scratch.write(
      'empty.json',
      mutated('cross-and-isolated.json', (doc) => {
        doc.accounts = [];
      }),
    );
    for (const command of ['margin', 'compare', 'whatif']) {
      expectRefused(
        [command, file],
        `accounts: ${file} has no accounts (the list is empty): give at least one`,
      );
    }
  });

  it('lists the accounts there are when --account names none of them', () => {
    expectRefused(
      ['margin', main, '--account', 'nobody'],
      `--account: no account "nobody" in ${main} (its accounts: "main")`,
    );
  });
});

describe('defect 8: nothing from a file drives the terminal', () => {
  const forged = `evil\n${esc}[2J${esc}[31mAccount fake: equity 1,000,000.00 USD\u202e`;
  const shown = 'evil\\n\\u001b[2J\\u001b[31mAccount fake: equity 1,000,000.00 USD\\u202e';
  const file = () =>
    scratch.write(
      'forged.json',
      mutated('cross-and-isolated.json', (doc) => {
        doc.accounts[0].id = forged;
        doc.accounts.push({ ...doc.accounts[0], id: 'second' });
      }),
    );

  it.each(['margin', 'compare', 'whatif'])('%s: an account id is printed escaped', (command) => {
    const result = runCli([command, file()]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(esc);
    expect(result.stdout).not.toContain('\u202e');
    expect(result.stdout.split('\n').filter((line) => line.startsWith('Account fake'))).toEqual([]);
    expect(result.stdout).toContain(shown);
  });

  it.each([
    ['an instrument', '"SOLUSDT"'],
    ['an asset', '"SOL"'],
  ])('%s id with a newline forges no line in a sentence that names it', (_, quoted) => {
    const text = readFileSync(main, 'utf8')
      .split(quoted)
      .join(JSON.stringify(`${quoted.slice(1, -1)}\nAccount x: FORGED ${esc}[8m`));
    const forgedFile = scratch.write('forged-instrument.json', text);
    for (const command of ['margin', 'compare', 'whatif']) {
      const result = runCli([command, forgedFile]);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain(esc);
      expect(result.stdout.split('\n').filter((line) => line.startsWith('Account x'))).toEqual([]);
      // whatif's limits name no asset; margin names both.
      if (command === 'margin') expect(result.stdout).toContain('\\nAccount x: FORGED \\u001b[8m');
    }
  });

  it('--json keeps the id exact (JSON escapes it)', () => {
    const result = runCli(['margin', file(), '--json']);
    expect(result.stdout).not.toContain(esc);
    expect(JSON.parse(result.stdout)[0].account).toBe(forged);
  });

  it('an error message quotes a file or an argument escaped, one line per issue', () => {
    expectRefused(
      ['margin', main, '--account', `x\n${esc}[2Jy`],
      `--account: no account "x\\n\\u001b[2Jy" in ${main} (its accounts: "main")`,
    );
    const unknown = scratch.write(
      'unknown-key.json',
      mutated('cross-and-isolated.json', (doc) => {
        doc[`note${esc}]0;title\u0007`] = 'x';
      }),
    );
    const result = runCli(['margin', unknown]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(esc);
    expect(result.stderr).toContain('  note\\u001b]0;title\\u0007: unknown field');
  });

  it("keeps the CLI's own colours on a terminal", () => {
    const stdout = process.stdout as { isTTY?: boolean | undefined };
    const was = stdout.isTTY;
    stdout.isTTY = true;
    try {
      const result = runCli(['margin', 'examples/straddle.json']);
      expect(result.code).toBe(0);
      const heatCell = new RegExp(
        `${esc}\\[48;5;\\d+m${esc}\\[97m-?[\\d,]+\\.\\d\\d\\*?${esc}\\[0m`,
      );
      expect(result.stdout).toMatch(heatCell);
    } finally {
      stdout.isTTY = was;
    }
  });
});

describe('defect 10: JSON as written', () => {
  it('refuses a key given twice, naming it, its path and where', () => {
    const text = readFileSync(main, 'utf8').replace(
      '"id": "main",',
      '"id": "main",\n      "id": "other",',
    );
    const at = (needle: string) => {
      const offset = text.indexOf(needle);
      const before = text.slice(0, offset).split('\n');
      return `${before.length}:${before.at(-1)!.length + 1}`;
    };
    const file = scratch.write('duplicate.json', text);
    expectRefused(
      ['margin', file],
      `${file}: accounts[0].id: key "id" given twice, at line ${at('"id": "other"')} ` +
        `(first at line ${at('"id": "main"')}): give each key once, JSON keeps only the last`,
    );
  });

  it('reads a file that starts with a UTF-8 byte order mark', () => {
    const file = scratch.write('bom.json', `\ufeff${readFileSync(main, 'utf8')}`);
    const withBom = runCli(['margin', file]);
    expect(withBom.code).toBe(0);
    expect(withBom.stdout).toBe(runCli(['margin', main]).stdout);
  });

  it('reports a syntax error by line and column', () => {
    const text = readFileSync(main, 'utf8').replace('"rulebook": "binance-usdm",', '"rulebook": ,');
    const line = text.slice(0, text.indexOf('"rulebook": ,')).split('\n').length;
    const file = scratch.write('syntax.json', text);
    expectRefused(
      ['margin', file],
      `${file}: not valid JSON at line ${line}:15: expected a value, found ","`,
    );
  });

  it.each([
    ['margin', []],
    ['compare', []],
    ['whatif', ['--transfer', 'USDT -100']],
  ])(
    '%s - reads the file from standard input',
    (command, extra) => {
      const [node, args] = cliCommand([command, '-', ...extra]);
      const piped = spawnSync(node, args, { input: readFileSync(main), encoding: 'utf8' });
      expect(piped.stderr).toBe('');
      expect(piped.status).toBe(0);
      expect(piped.stdout).toBe(runCli([command, main, ...extra]).stdout);
    },
    60_000,
  );

  it('names standard input in a message about it', () => {
    const [node, args] = cliCommand(['margin', '-']);
    const piped = spawnSync(node, args, { input: '{"format": ', encoding: 'utf8' });
    expect(piped.status).toBe(2);
    expect(piped.stdout).toBe('');
    expect(piped.stderr).toBe(
      'xmargin: bad input\n  (stdin): not valid JSON at line 1:12: expected a value, ' +
        'found the end of the text\n',
    );
  }, 60_000);
});
