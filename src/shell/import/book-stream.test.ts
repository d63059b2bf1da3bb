import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bookFile } from '../../../bench/book-file.ts';
import { accountSpans } from './book-json.ts';
import { streamBookFile } from './book-stream.ts';
import { parseJsonText } from './json-text.ts';
import { readPortfolio } from './portfolio-file.ts';
import { readPreset } from './presets.ts';
import { InputError } from './reader.ts';

/**
 * A book's file read a chunk at a time (book-stream.ts) gives what parsing its whole text gives:
 * the same tree, the same model, the same issues, the same error for bad JSON or a key given
 * twice anywhere, whatever the chunks cut (a string, a key, a character of several bytes).
 */
const label = 'book.json';
const folder = mkdtempSync(join(tmpdir(), 'xmargin-book-stream-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

function fileOf(text: string | Buffer): string {
  const path = join(folder, `book-${files++}.json`);
  writeFileSync(path, text);
  return path;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  return '(no error)';
}

/** The tree as the reader sees it: every account parsed from its span, in turn. */
function treeOf(path: string, chunkBytes: number): unknown {
  const book = streamBookFile(path, label, { sliceFrom: 0, chunkBytes });
  if (book === undefined) return undefined;
  if (book.source?.parse === undefined) return book.json;
  const tree = book.json as { accounts: unknown[] };
  const accounts = Array.from({ length: tree.accounts.length }, (_, a) => book.source!.parse!(a));
  return { ...tree, accounts };
}

const rulebook = readPreset('binance-usdm');
const read = (json: unknown, source?: Parameters<typeof readPortfolio>[4]) =>
  readPortfolio(json, () => rulebook, Date.UTC(2026, 0, 1), undefined, source);

describe('streamBookFile', () => {
  const book = bookFile({ accounts: 30, seed: 5 });

  it('gives the tree and the model parseJsonText gives, whatever the chunk size', () => {
    const path = fileOf(book);
    const whole = parseJsonText(book, label);
    for (const chunk of [1, 2, 3, 7, 64, 1000, 1 << 20]) {
      expect(treeOf(path, chunk)).toEqual(whole);
    }
    const streamed = streamBookFile(path, label, { sliceFrom: 0, chunkBytes: 5 })!;
    expect(read(streamed.json, streamed.source)).toEqual(read(whole));
  });

  it('cuts characters of several bytes, a byte order mark and strings holding brackets', () => {
    const doc = JSON.parse(book) as { accounts: Record<string, unknown>[] };
    doc.accounts[0]!.id = 'é,]"}€𝄞';
    doc.accounts[1]!.id = '\\",[{';
    const text = JSON.stringify(doc, null, 1);
    const expected = parseJsonText(text, label);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 97 }), fc.boolean(), (chunk, bom) => {
        const path = fileOf(bom ? `\ufeff${text}` : text);
        expect(treeOf(path, chunk)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
    expect(treeOf(fileOf('{"accounts": [ ], "format": "x"}'), 4)).toEqual({
      accounts: [],
      format: 'x',
    });
    expect(treeOf(fileOf('{"a": "[,]", "accounts": [{"id": "x,]"}], "b": {}}'), 3)).toEqual({
      a: '[,]',
      accounts: [{ id: 'x,]' }],
      b: {},
    });
  });

  it('decodes bytes that are not UTF-8 as reading the whole file decodes them', () => {
    const doc = JSON.parse(book) as { accounts: Record<string, unknown>[] };
    doc.accounts[0]!.id = 'MARK';
    const [before, after] = JSON.stringify(doc).split('MARK') as [string, string];
    // A lead byte without its continuation, a stray continuation, a four-byte one cut short,
    // a surrogate, and a good character of each length.
    const odd = [0xe0, 0x41, 0x80, 0xf0, 0x90, 0x80, 0x42, 0xed, 0xa0, 0x80, 0xc3, 0xa9];
    const bytes = Buffer.concat([
      Buffer.from(before),
      Buffer.from(odd),
      Buffer.from('€𝄞'),
      Buffer.from(after),
    ]);
    const path = fileOf(bytes);
    const expected = parseJsonText(readFileSync(path, 'utf8'), label);
    expect((expected as typeof doc).accounts[0]!.id).toContain('\ufffd');
    for (let chunk = 1; chunk <= 24; chunk++) expect(treeOf(path, chunk)).toEqual(expected);
  });

  it('leaves to the whole-text reader a short file, and one with no accounts array', () => {
    expect(streamBookFile(fileOf(book), label)).toBeUndefined();
    expect(treeOf(fileOf('{"format": 1}'), 4)).toBeUndefined();
    expect(treeOf(fileOf('{"nested": {"accounts": [1]}}'), 4)).toBeUndefined();
    expect(treeOf(fileOf('[1, 2]'), 4)).toBeUndefined();
    expect(streamBookFile(join(folder, 'missing.json'), label, { sliceFrom: 0 })).toBeUndefined();
  });

  it('reads the same issues as the whole tree, at the same paths', () => {
    const doc = JSON.parse(book) as { accounts: Record<string, unknown>[] };
    doc.accounts[2]!.id = doc.accounts[1]!.id;
    doc.accounts[4]!.balances = { USDT: 'lots' };
    doc.accounts[7]!.rulebook = 'house';
    const bad = JSON.stringify(doc, null, 1);
    const expected = errorOf(() => read(parseJsonText(bad, label)));
    expect(expected).toContain('accounts[2]: duplicate account id');
    expect(expected).toContain('accounts[4].balances.USDT: must be a decimal string');
    const streamed = streamBookFile(fileOf(bad), label, { sliceFrom: 0, chunkBytes: 13 })!;
    expect(errorOf(() => read(streamed.json, streamed.source))).toBe(expected);
  });

  it('reports bad JSON anywhere, and a key given twice, as parseJsonText does', () => {
    const spans = accountSpans(book)!;
    const inAccount = spans[5]! + 3;
    const cases = [
      // A syntax error inside the sixth account, outside the accounts, a trailing comma.
      `${book.slice(0, inAccount)}?${book.slice(inAccount)}`,
      book.replace('"format"', '"format" "'),
      `${book.slice(0, spans[30])},${book.slice(spans[30])}`,
      // A key twice in an account, at the root, and after the accounts.
      book.replace('"balances"', '"id": "twice", "balances"'),
      book.replace('"assets"', '"accounts": [], "assets"'),
      `${book.slice(0, -2)}, "format": "x"}`,
      `${book.slice(0, spans[30])}]`,
      '{"accounts": [{"id": "a"} {"id": "b"}]}',
      '{"accounts": [{"id": "a"}, , {"id": "b"}]}',
      '{"accounts": [{"id": "a"}',
    ];
    for (const text of cases) {
      const expected = errorOf(() => parseJsonText(text, label));
      expect(expected).toMatch(/^book\.json: /);
      const path = fileOf(text);
      // As loadPortfolio reads it: a file the stream leaves alone is read whole.
      const loaded = (chunk: number) => treeOf(path, chunk) ?? parseJsonText(text, label);
      for (const chunk of [3, 4096]) expect(errorOf(() => loaded(chunk))).toBe(expected);
    }
  });

  it('refuses a file changed between its two passes', () => {
    const path = fileOf(book);
    const streamed = streamBookFile(path, label, { sliceFrom: 0, chunkBytes: 64 })!;
    writeFileSync(path, book.replace('"acct-000000"', '"acct-0000000"'));
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    expect(errorOf(() => streamed.source!.parse!(0))).toBe(
      'book.json: the file changed while it was being read',
    );
  });
});
