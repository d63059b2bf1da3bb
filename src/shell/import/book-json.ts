import { firstDuplicateKey, stringEnd } from './duplicate-key.ts';
import { parseJsonText, withoutByteOrderMark } from './json-text.ts';
import type { AccountSource } from './portfolio-file.ts';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The length of text (in UTF-16 units; of a file, in bytes) from which a book's accounts are
 * parsed one by one: some 36,000 accounts of the benchmark's generated book
 * (bench/book-file.ts; 10,000 are 4.4 MB). A file that long is read a chunk at a time
 * (book-stream.ts); standard input is read whole, then parsed here.
 */
export const sliceFromLength = 16_000_000;

/** A portfolio file's JSON, its accounts parsed one at a time as the reader asks for each. */
export interface BookJson {
  /** The file's tree; where `source` is given, its `accounts` is a list of holes to be read. */
  readonly json: unknown;
  readonly source?: AccountSource;
}

/**
 * A portfolio file's text into JSON, with exactly parseJsonText's result and errors, but without
 * the whole tree in memory at once: a book's accounts are parsed one by one from their span of
 * the text as the reader takes them, each let go once read, so the tree of a 100,000-account file
 * and its model are never both whole (a text shorter than `sliceFrom` is parsed whole). The rest of the file is parsed first; every key given twice
 * is found on the whole text before any account is read. Any syntax error, anywhere, is reported
 * by parsing the whole text as parseJsonText does (the same message, line and column).
 */
export function parseBookJson(text: string, label: string, sliceFrom = sliceFromLength): BookJson {
  // Below this size the tree is small beside the runtime, and one parse of the whole text is
  // quicker than one per account.
  if (text.length < sliceFrom) return { json: parseJsonText(text, label) };
  const body = withoutByteOrderMark(text);
  const spans = accountSpans(body);
  if (spans === undefined) return { json: parseJsonText(text, label) };
  let json: Record<string, unknown>;
  try {
    const rest = JSON.parse(body.slice(0, spans[0]! + 1) + body.slice(spans[spans.length - 1]!));
    json = rest as Record<string, unknown>;
  } catch {
    return { json: parseJsonText(text, label) };
  }
  // A key given twice is reported as parseJsonText reports it (the text checked valid first).
  if (firstDuplicateKey(body) !== undefined) return { json: parseJsonText(text, label) };
  const count = spans.length - 1;
  const empty = count === 1 && body.slice(spans[0]! + 1, spans[1]).trim() === '';
  if (empty) return { json };
  json.accounts = new Array(count);
  const parse = (a: number): unknown => {
    try {
      return JSON.parse(body.slice(spans[a]! + 1, spans[a + 1]));
    } catch {
      // Throws the error the whole text has (this account's, or an earlier one's).
      parseJsonText(text, label);
      throw new Error(`accounts[${a}]: JSON.parse refused a span the whole text accepts`);
    }
  };
  return { json, source: { release: true, parse } };
}

/**
 * Where the root object's `accounts` array and its items sit in a JSON text: the offsets of its
 * `[`, of each comma between its items and of its `]`; undefined where the text has no such array
 * (or is not an object, or escapes the key). It follows only strings and brackets, trusting the
 * text no further than that: the caller parses every part it cuts.
 */
export function accountSpans(text: string): number[] | undefined {
  let pos = skipSpace(text, 0);
  if (text.charCodeAt(pos) !== OPEN_OBJECT) return undefined;
  let depth = 1;
  let expectingKey = true;
  const length = text.length;
  for (pos += 1; pos < length; pos++) {
    const c = text.charCodeAt(pos);
    if (c === QUOTE) {
      const close = stringEnd(text, pos);
      if (close < 0) return undefined;
      if (depth === 1 && expectingKey && text.slice(pos + 1, close) === 'accounts') {
        let at = skipSpace(text, close + 1);
        if (text.charCodeAt(at) !== COLON) return undefined;
        at = skipSpace(text, at + 1);
        if (text.charCodeAt(at) !== OPEN_ARRAY) return undefined;
        return itemSeparators(text, at);
      }
      expectingKey = false;
      pos = close;
    } else if (c === COMMA) {
      expectingKey = depth === 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return undefined;
    }
  }
  return undefined;
}

/** The offsets of the array's `[`, of the commas between its items, and of its `]`. */
function itemSeparators(text: string, open: number): number[] | undefined {
  const separators = [open];
  let depth = 0;
  const length = text.length;
  for (let pos = open + 1; pos < length; pos++) {
    const c = text.charCodeAt(pos);
    if (c === QUOTE) {
      pos = stringEnd(text, pos);
      if (pos < 0) return undefined;
    } else if (c === COMMA) {
      if (depth === 0) separators.push(pos);
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === 0) {
        if (c !== CLOSE_ARRAY) return undefined;
        separators.push(pos);
        return separators;
      }
      depth--;
    }
  }
  return undefined;
}

/** The offset of the first character at or after `from` that is not JSON whitespace. */
export function skipSpace(text: string, from: number): number {
  let pos = from;
  for (;;) {
    const c = text.charCodeAt(pos);
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return pos;
    pos++;
  }
}
