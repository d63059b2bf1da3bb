import { describe, expect, it } from 'vitest';
import { bookFile } from '../../../bench/book-file.ts';
import { accountSpans, parseBookJson, sliceFromLength } from './book-json.ts';
import { parseJsonText } from './json-text.ts';
import { readPortfolio } from './portfolio-file.ts';
import { readPreset } from './presets.ts';
import { InputError } from './reader.ts';

/**
 * A book's accounts parsed one at a time (book-json.ts) give what parsing the whole text gives:
 * the same tree, the same model, the same issues, and the same error for bad JSON anywhere.
 */
const label = 'book.json';
/** Every text here is parsed account by account, however short. */
const sliced = 0;

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  return '(no error)';
}

/** The tree as the reader sees it: every account parsed from its span. */
function treeOf(text: string): unknown {
  const { json, source } = parseBookJson(text, label, sliced);
  if (source?.parse === undefined) return json;
  const tree = json as { accounts: unknown[] };
  // The list is of holes: each account is parsed from its span.
  const accounts = Array.from({ length: tree.accounts.length }, (_, a) => source.parse!(a));
  return { ...tree, accounts };
}

const rulebook = readPreset('binance-usdm');
const read = (json: unknown, source?: Parameters<typeof readPortfolio>[4]) =>
  readPortfolio(json, () => rulebook, Date.UTC(2026, 0, 1), undefined, source);

describe('parseBookJson', () => {
  const book = bookFile({ accounts: 30, seed: 5 });

  it('finds each account of a book, and gives the tree parseJsonText gives', () => {
    const spans = accountSpans(book)!;
    expect(spans).toHaveLength(31);
    expect(treeOf(book)).toEqual(parseJsonText(book, label));
    // A byte order mark, an empty list, one account, a book with no accounts field.
    expect(treeOf(`\ufeff${book}`)).toEqual(parseJsonText(book, label));
    expect(treeOf('{"accounts": [ ], "format": "x"}')).toEqual({ accounts: [], format: 'x' });
    expect(treeOf('{"a": "[,]", "accounts": [{"id": "x,]"}]}')).toEqual({
      a: '[,]',
      accounts: [{ id: 'x,]' }],
    });
    expect(parseBookJson('{"format": 1}', label, sliced).source).toBeUndefined();
    expect(accountSpans('{"nested": {"accounts": [1]}}')).toBeUndefined();
  });

  it('parses a text shorter than the slicing length whole, and a longer one by account', () => {
    expect(book.length).toBeLessThan(sliceFromLength);
    const short = parseBookJson(book, label);
    expect(short.source).toBeUndefined();
    expect(short.json).toEqual(parseJsonText(book, label));
    const long = parseBookJson(book, label, book.length);
    expect(long.source?.parse).toBeTypeOf('function');
    expect((long.json as { accounts: unknown[] }).accounts).toHaveLength(30);
  });

  it('reads the same model and the same issues as the whole tree', () => {
    const whole = read(parseJsonText(book, label));
    const { json, source } = parseBookJson(book, label, sliced);
    expect(read(json, source)).toEqual(whole);
    // Bad fields in accounts: the same issues, in the same order, at the same paths.
    const doc = JSON.parse(book) as { accounts: Record<string, unknown>[] };
    doc.accounts[2]!.id = doc.accounts[1]!.id;
    doc.accounts[4]!.balances = { USDT: 'lots' };
    doc.accounts[7]!.rulebook = 'house';
    doc.accounts[9]!.leverage = { BTCUSDT: '1000' };
    const bad = JSON.stringify(doc, null, 1);
    const expected = errorOf(() => read(parseJsonText(bad, label)));
    expect(expected).toContain('accounts[2]: duplicate account id');
    expect(expected).toContain('accounts[4].balances.USDT: must be a decimal string');
    expect(expected).toContain('accounts[7].rulebook: names no rulebook');
    const lazy = parseBookJson(bad, label, sliced);
    expect(errorOf(() => read(lazy.json, lazy.source))).toBe(expected);
  });

  it("names a leverage setting's own field, after the tree is gone", () => {
    const doc = JSON.parse(book) as { accounts: Record<string, unknown>[] };
    const account = doc.accounts[3]! as { positions: Record<string, string>[] };
    const instrument = account.positions[0]!.instrument!;
    // Above every bracket: the check after reading names where the setting was given.
    account.positions[0]!.leverage = '125';
    const text = JSON.stringify(doc);
    const expected = errorOf(() => read(parseJsonText(text, label)));
    expect(expected).toMatch(/^accounts\[3\]\.positions\[0\]\.leverage: 125 is above/);
    const lazy = parseBookJson(text, label, sliced);
    expect(errorOf(() => read(lazy.json, lazy.source))).toBe(expected);
    delete account.positions[0]!.leverage;
    (doc.accounts[3] as Record<string, unknown>).leverage = { [instrument]: '125' };
    const own = JSON.stringify(doc);
    const ownExpected = errorOf(() => read(parseJsonText(own, label)));
    expect(ownExpected).toMatch(new RegExp(`^accounts\\[3\\]\\.leverage\\.${instrument}: 125`));
    const ownLazy = parseBookJson(own, label, sliced);
    expect(errorOf(() => read(ownLazy.json, ownLazy.source))).toBe(ownExpected);
  });

  it('reports bad JSON anywhere, and a key given twice, as parseJsonText does', () => {
    const spans = accountSpans(book)!;
    const inAccount = spans[5]! + 3;
    const cases = [
      // A syntax error inside the sixth account, outside the accounts, a trailing comma.
      `${book.slice(0, inAccount)}?${book.slice(inAccount)}`,
      book.replace('"format"', '"format" "'),
      `${book.slice(0, spans[30])},${book.slice(spans[30])}`,
      book.replace('"balances"', '"id": "twice", "balances"'),
      book.replace('"assets"', '"accounts": [], "assets"'),
      `${book.slice(0, spans[30])}]`,
      '{"accounts": [{"id": "a"} {"id": "b"}]}',
    ];
    for (const text of cases) {
      const expected = errorOf(() => parseJsonText(text, label));
      expect(expected).toMatch(/^book\.json: /);
      expect(errorOf(() => treeOf(text))).toBe(expected);
    }
  });
});
