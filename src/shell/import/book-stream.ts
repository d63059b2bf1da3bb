import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type BookJson, skipSpace, sliceFromLength } from './book-json.ts';
import { firstDuplicateKey, stringEnd } from './duplicate-key.ts';
import { readInputText } from './input-text.ts';
import { parseJsonText } from './json-text.ts';
import { InputError } from './reader.ts';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * How much of the file is read at a time: about the most of its text held at once. Small enough
 * that each decoded chunk is a young object, collected as cheaply as a parsed account; a large
 * one is collected only by a full collection, and 40 MB of them pile up before one comes.
 */
export const chunkBytesDefault = 1 << 15;

/** The longest text before the `accounts` array that is streamed; a longer one is read whole. */
const headLengthMax = 1 << 24;

export interface StreamOptions {
  /** Files of fewer bytes are not streamed (undefined: read them whole). */
  readonly sliceFrom?: number;
  readonly chunkBytes?: number;
}

/**
 * A portfolio file's JSON read from disk a chunk at a time, so that neither the file's text nor
 * its tree is ever whole in memory: the text of a 100,000-account book is as large as a third of
 * its model. Two passes over the file: the first finds where the root's `accounts` array and each
 * of its items sit, checks every item and the rest of the file for a key given twice, and parses
 * the rest of the file; the second parses each account from its span as the reader asks for it.
 * The result and every error are parseBookJson's (and so parseJsonText's): on any doubt (bad
 * JSON, a key given twice) the whole file is read and parsed as parseJsonText does, for its error.
 * Undefined for a file shorter than `sliceFrom` bytes, or with no `accounts` array at its root:
 * the caller reads those whole.
 */
export function streamBookFile(
  path: string,
  label: string,
  options: StreamOptions = {},
): BookJson | undefined {
  const chunkBytes = options.chunkBytes ?? chunkBytesDefault;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // readInputText says why, as for any file.
    return undefined;
  }
  let scanned: Scanned | 'absent';
  const before = fstatSync(fd);
  try {
    if (!before.isFile() || before.size < (options.sliceFrom ?? sliceFromLength)) return undefined;
    scanned = scan(new ChunkedText(fd, chunkBytes), () => wholeFileError(path, label));
  } finally {
    closeSync(fd);
  }
  if (scanned === 'absent') return undefined;
  const { rest, separators } = scanned;
  const count = separators.length - 1;
  const json = parsedRest(rest, () => wholeFileError(path, label));
  // A key given twice is reported as parseJsonText reports it (the text checked valid first).
  if (firstDuplicateKey(rest) !== undefined) wholeFileError(path, label);
  if (count === 1 && scanned.firstItemBlank) return { json };
  json.accounts = new Array(count);
  const parse = accountReader(path, label, separators, chunkBytes, before);
  return { json, source: { release: true, parse } };
}

/** The rest of the file (its `accounts` an empty array) as an object, or the whole file's error. */
function parsedRest(rest: string, fail: () => never): Record<string, unknown> {
  try {
    return JSON.parse(rest) as Record<string, unknown>;
  } catch {
    return fail();
  }
}

/**
 * Throws the error parseJsonText gives the whole file: called where a part of it is bad JSON or
 * gives a key twice, which the whole text then is or does too.
 */
function wholeFileError(path: string, label: string): never {
  parseJsonText(readInputText(path, label), label);
  throw new Error(`${label}: a part of the file was refused that the whole text accepts`);
}

/** A file's text decoded a chunk at a time, a window of it held, from `start` (in characters). */
class ChunkedText {
  window = '';
  /** The offset in the text (the byte order mark left out) of the window's first character. */
  start = 0;
  private readonly buffer: Buffer;
  /** Bytes at the buffer's start read but not yet decoded: a character cut by the chunk's end. */
  private carried = 0;
  private position = 0;
  private ended = false;

  constructor(
    private readonly fd: number,
    chunkBytes: number,
  ) {
    // Room for a chunk beside the up to three bytes carried.
    this.buffer = Buffer.alloc(Math.max(chunkBytes, 4));
  }

  /** Appends the next chunk to the window; false at the end of the file. */
  more(): boolean {
    if (this.ended) return false;
    const room = this.buffer.length - this.carried;
    const read = readSync(this.fd, this.buffer, this.carried, room, this.position);
    let from = 0;
    // A byte order mark is left out, as parseJsonText leaves it out.
    if (this.position === 0 && read >= 3 && this.buffer.readUIntBE(0, 3) === 0xefbbbf) from = 3;
    this.position += read;
    const end = this.carried + read;
    if (read === 0) this.ended = true;
    const cut = this.ended ? end : characterEnd(this.buffer, from, end);
    this.window += this.buffer.toString('utf8', from, cut);
    this.buffer.copy(this.buffer, 0, cut, end);
    this.carried = end - cut;
    return true;
  }

  /**
   * Appends chunks until the window is twice as long, or the file ends: a long part (the text
   * before the accounts, an account larger than a chunk) is scanned again only as it doubles, so
   * it costs twice its length, not its length times its chunks. False at the end of the file.
   */
  grow(): boolean {
    const target = 2 * this.window.length;
    if (!this.more()) return false;
    while (this.window.length < target && this.more());
    return true;
  }

  /** Lets go of the text before `offset`. */
  drop(offset: number): void {
    this.window = this.window.slice(offset - this.start);
    this.start = offset;
  }
}

/**
 * Where to cut bytes [from, end) so that decoding the part before the cut, then the rest with the
 * next chunk, gives what decoding the whole gives: before the last byte that may lead a character
 * of several bytes (0xC0 or above), where it is one of the last three. A decoder meets such a
 * byte afresh whatever came before it (a character left incomplete before it is an error there as
 * at the end of a part), and a lead byte further back has all its continuation bytes in the part.
 */
function characterEnd(bytes: Buffer, from: number, end: number): number {
  for (let at = end - 1; at >= Math.max(from, end - 3); at--) {
    if (bytes[at]! >= 0xc0) return at;
  }
  return end;
}

interface Scanned {
  /** The file's text without its accounts: up to the array's `[` and from its `]`. */
  readonly rest: string;
  /** The text offsets of the array's `[`, of each comma between its items, and of its `]`. */
  readonly separators: readonly number[];
  readonly firstItemBlank: boolean;
}

/**
 * The first pass (book-json.ts's accountSpans, over a window): the `accounts` array of the root
 * object, each item checked for a key given twice (`fail` where one is) as it is passed.
 */
function scan(text: ChunkedText, fail: () => never): Scanned | 'absent' {
  let open: number | 'more' | 'absent' = 'more';
  while (open === 'more') {
    if (text.window.length > headLengthMax || !text.grow()) return 'absent';
    open = accountsOpen(text.window);
  }
  if (open === 'absent') return 'absent';
  const head = text.window.slice(0, open + 1);
  const separators = [open];
  let firstItemBlank = false;
  let depth = 0;
  let pos = open + 1;
  for (;;) {
    const local = pos - text.start;
    if (local >= text.window.length) {
      if (!text.grow()) return 'absent';
      continue;
    }
    const c = text.window.charCodeAt(local);
    if (c === QUOTE) {
      const close = stringEnd(text.window, local);
      if (close < 0) {
        if (!text.grow()) return 'absent';
        continue;
      }
      pos = text.start + close + 1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && depth > 0) depth--;
    else if (c === CLOSE_OBJECT) return 'absent';
    else if (c === COMMA && depth === 0) {
      const item = text.window.slice(separators[separators.length - 1]! + 1 - text.start, local);
      if (firstDuplicateKey(item) !== undefined) fail();
      separators.push(pos);
      text.drop(pos);
    } else if (c === CLOSE_ARRAY) {
      const item = text.window.slice(separators[separators.length - 1]! + 1 - text.start, local);
      if (firstDuplicateKey(item) !== undefined) fail();
      firstItemBlank = separators.length === 1 && item.trim() === '';
      separators.push(pos);
      text.drop(pos);
      while (text.more());
      return { rest: head + text.window, separators, firstItemBlank };
    }
    pos++;
  }
}

/**
 * The offset of the root `accounts` array's `[` in the text so far; 'more' where the text ends
 * before it can tell; 'absent' where the root is not an object or has no such array (or escapes
 * the key).
 */
function accountsOpen(text: string): number | 'more' | 'absent' {
  const length = text.length;
  let pos = skipSpace(text, 0);
  if (pos >= length) return 'more';
  if (text.charCodeAt(pos) !== OPEN_OBJECT) return 'absent';
  let depth = 1;
  let expectingKey = true;
  for (pos += 1; pos < length; pos++) {
    const c = text.charCodeAt(pos);
    if (c === QUOTE) {
      const close = stringEnd(text, pos);
      if (close < 0) return 'more';
      if (depth === 1 && expectingKey && text.slice(pos + 1, close) === 'accounts') {
        let at = skipSpace(text, close + 1);
        if (at >= length) return 'more';
        if (text.charCodeAt(at) !== COLON) return 'absent';
        at = skipSpace(text, at + 1);
        if (at >= length) return 'more';
        return text.charCodeAt(at) === OPEN_ARRAY ? at : 'absent';
      }
      expectingKey = false;
      pos = close;
    } else if (c === COMMA) {
      expectingKey = depth === 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return 'absent';
    }
  }
  return 'more';
}

/**
 * The second pass: account `a` parsed from its span, the file read on as the reader asks for
 * each in turn (from the start again should it ask for an earlier one). A file changed since the
 * first pass is bad input: its spans are no longer where they were.
 */
function accountReader(
  path: string,
  label: string,
  separators: readonly number[],
  chunkBytes: number,
  stat: { readonly size: number; readonly mtimeMs: number },
): (a: number) => unknown {
  let text: ChunkedText | undefined;
  let fd = -1;
  let next = 0;
  const close = () => {
    if (fd >= 0) closeSync(fd);
    fd = -1;
    text = undefined;
  };
  return (a: number) => {
    if (text === undefined || a < next) {
      close();
      fd = openSync(path, 'r');
      const now = fstatSync(fd);
      if (now.size !== stat.size || now.mtimeMs !== stat.mtimeMs) {
        close();
        throw new InputError([`${label}: the file changed while it was being read`]);
      }
      text = new ChunkedText(fd, chunkBytes);
    }
    const from = separators[a]! + 1;
    const to = separators[a + 1]!;
    while (text.start + text.window.length < to) {
      if (!text.more()) break;
    }
    text.drop(from);
    const span = text.window.slice(0, to - from);
    next = a + 1;
    if (next === separators.length - 1) close();
    try {
      return JSON.parse(span);
    } catch {
      close();
      // Throws the error the whole text has (this account's, or an earlier one's).
      return wholeFileError(path, label);
    }
  };
}
