import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { badInputs, type Doc } from './bad-inputs.ts';
import {
  decimalPattern,
  expectRefused,
  mutated,
  pinClock,
  readExample,
  runCli,
  scratchFolder,
} from './cli-harness.ts';

/**
 * Bad input is refused at the boundary (DESIGN.md, "Errors"): exit code 2, a message on stderr
 * naming the field path, and nothing on stdout. Each case is one mutation of a valid example.
 */
pinClock();
const scratch = scratchFolder();

describe.each(badInputs)('$name', ({ name, base, mutate, path, message }) => {
  it.each(['margin', 'compare', 'whatif'])(
    '%s: exit 2, names the field, nothing on stdout',
    (command) => {
      const file = scratch.write(`${name.replace(/\W+/g, '-')}.json`, mutated(base, mutate));
      expectRefused([command, file], path, message);
    },
  );
});

describe('bad files and arguments', () => {
  const main = 'examples/cross-and-isolated.json';

  it('a missing file', () => {
    expectRefused(['margin', 'examples/nope.json'], 'examples/nope.json', /cannot read file/);
  });

  it('invalid JSON', () => {
    const file = scratch.write('truncated.json', '{ "format": "xmargin.portfolio/1", ');
    expectRefused(['margin', file], file, /not valid JSON/);
  });

  it('a file that is not an object', () => {
    const file = scratch.write('array.json', []);
    expectRefused(['margin', file], '(root)', /must be an object/);
  });

  it.each([
    ['buy BTCUSDT 0.5', /must read "buy\|sell SIZE INSTRUMENT\[@PRICE\]"/],
    ['purchase 0.5 BTCUSDT', /must read "buy\|sell SIZE INSTRUMENT\[@PRICE\]"/],
    ['buy 0 BTCUSDT', /must read/],
    ['buy 1.2.3 BTCUSDT', /must read/],
    ['buy 0.5 BTCUSDT@abc', /must read/],
    ['buy 0.5 BTCUSDT@-100', /must read/],
    ['buy 0.5 DOGEUSDT', /unknown instrument or no mark price: "DOGEUSDT"/],
  ])('--order %j', (order, message) => {
    expectRefused(['whatif', main, '--order', order], '--order', message);
  });

  it.each([
    ['USDT', /must read "ASSET AMOUNT"/],
    ['USDT abc', /must read "ASSET AMOUNT"/],
    ['USDT 0', /must read "ASSET AMOUNT"/],
    ['USDT 1,000', /must read "ASSET AMOUNT"/],
    ['DOGE 100', /unknown asset or no price: "DOGE"/],
  ])('--transfer %j', (transfer, message) => {
    expectRefused(['whatif', main, '--transfer', transfer], '--transfer', message);
  });

  it('--rulebook naming an unknown preset', () => {
    expectRefused(['margin', main, '--rulebook', 'no-such-venue'], 'rulebook', /unknown preset/);
  });

  it('--rulebook naming a rulebook file that is not right', () => {
    const book = structuredClone(readExample('multi-venue-rules.json').rulebook) as Doc;
    book.instruments['BTC-PERP'].brackets[2].maintenanceAmount = '16000';
    book.instruments.BTCUSDT = book.instruments['BTC-PERP'];
    book.instruments.ETHUSDT = book.instruments['BTC-PERP'];
    const file = scratch.write('house-rules.json', book);
    expectRefused(
      ['margin', main, '--rulebook', file],
      `${file}: instruments.BTC-PERP.brackets[2].maintenanceAmount`,
      /is 16000, but the brackets give 16250/,
    );
  });

  it('--account naming no account in the file', () => {
    expectRefused(['margin', main, '--account', 'nobody'], '--account', /no account "nobody"/);
  });

  it('--from naming an unknown format (a usage error)', () => {
    const result = runCli(['margin', main, '--from', 'csv']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/--from <format>.*Allowed choices are xmargin, ccxt/);
  });

  it('a ccxt export with a position that is not a contract', () => {
    const doc = structuredClone(readExample('ccxt-binance.json')) as Doc;
    doc.positions[1].symbol = 'ETH/USDT';
    const file = scratch.write('ccxt-spot.json', doc);
    expectRefused(
      ['margin', file, '--from', 'ccxt'],
      'positions[1].symbol',
      /ccxt contract symbol/,
    );
  });

  it('a ccxt export with a price that is not a number', () => {
    const doc = structuredClone(readExample('ccxt-binance.json')) as Doc;
    doc.positions[0].markPrice = 'NaN';
    const file = scratch.write('ccxt-nan.json', doc);
    expectRefused(['margin', file, '--from', 'ccxt'], 'positions[0].markPrice', /finite number/);
  });
});

/** Every decimal string in a document, by the path the reader names it with. */
function decimalPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return decimalPattern.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => decimalPaths(item, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) =>
      decimalPaths(item, path === '' ? key : `${path}.${key}`),
    );
  }
  return [];
}

function setAt(doc: Doc, path: string, value: unknown): void {
  const keys = path.split(/\.|\[(\d+)\]/).filter((key) => key !== undefined && key !== '');
  let target: Doc = doc;
  for (const key of keys.slice(0, -1)) target = target[key];
  target[keys.at(-1)!] = value;
}

describe('properties', () => {
  const base = readExample('cross-and-isolated.json');
  // Every amount, price and size of the main example (the rulebook is a preset id there).
  const paths = decimalPaths(base);

  it('finds the decimals to mutate', () => {
    expect(paths).toContain('accounts[0].positions[0].size');
    expect(paths).toContain('instruments[2].contractSize');
    expect(paths.length).toBeGreaterThan(25);
  });

  it('any decimal written as a JSON number is refused, naming its path', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (path, number) => {
          const doc = structuredClone(base) as Doc;
          setAt(doc, path, number);
          const file = scratch.write('number.json', doc);
          expectRefused(['margin', file], path, /must be a decimal string \(write "0\.1"/);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any string that is not a decimal is refused, naming its path', () => {
    const notDecimal = fc
      .oneof(
        fc.string(),
        fc.constantFrom('NaN', 'Infinity', '1e5', '+1', '.5', '1.', '0x10', ' 1', '1,000', '١'),
      )
      .filter((text) => !decimalPattern.test(text));
    fc.assert(
      fc.property(fc.constantFrom(...paths), notDecimal, (path, text) => {
        const doc = structuredClone(base) as Doc;
        setAt(doc, path, text);
        const file = scratch.write('not-decimal.json', doc);
        expectRefused(['margin', file], path, /must be a decimal string/);
      }),
      { numRuns: 60 },
    );
  });
});

describe('a change and a valuation time', () => {
  it('--order and --transfer together: exit 2, one change at a time', () => {
    const result = runCli([
      'whatif',
      'examples/cross-and-isolated.json',
      '--order',
      'buy 0.1 BTCUSDT',
      '--transfer',
      'USDT -1',
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--order, --transfer: give one change at a time/);
  });

  it('judges expiry as of market.asOf where the file gives one', () => {
    const doc = structuredClone(readExample('hedged-book.json')) as Doc;
    const future = (doc.instruments as { kind: string; expiry?: string }[]).find(
      (i) => i.kind === 'future',
    )!;
    future.expiry = '2026-06-26T08:00:00Z';
    (doc.market as Record<string, unknown>).asOf = '2026-06-01T00:00:00Z';
    const live = scratch.write('as-of-live.json', doc);
    expect(runCli(['margin', live]).code).toBe(0);
    (doc.market as Record<string, unknown>).asOf = '2026-07-01T00:00:00Z';
    const expired = runCli(['margin', scratch.write('as-of-expired.json', doc)]);
    expect(expired.code).toBe(2);
    expect(expired.stderr).toMatch(/expiry: has already passed/);
  });
});
