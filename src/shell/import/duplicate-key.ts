/**
 * The first key given twice in one object of a JSON text, which JSON.parse accepts silently (the
 * last wins), so a file edited by hand could say one thing and mean another.
 *
 * Runs after JSON.parse has accepted the text, so it may assume valid JSON and only follows
 * strings and brackets: one pass of charCodeAt, no allocation for the small objects a book is made
 * of (keys compared by hash and span in the text), a Map only for a large or escaped object. Big
 * books must parse fast; this pass is measured against JSON.parse in bench/run.ts.
 */
export interface DuplicateKey {
  /** The key as JSON.parse reads it. */
  readonly key: string;
  /** Where the key sits, as the reader names fields: `accounts[3].positions[0].size`. */
  readonly path: string;
  /** Offsets in the text of the key's opening quote, the second time and the first. */
  readonly offset: number;
  readonly firstOffset: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The characters the pass acts on, by code: 1 for each, 0 for the rest (most of a book). */
const structural = new Uint8Array(128);
for (const c of [QUOTE, COMMA, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY]) {
  structural[c] = 1;
}

/** Beyond this many keys an object's keys go in a Map, so a large map stays linear. */
const linearKeysMax = 16;

/** The keys of the objects open at one moment, a stack: an object's keys sit above its parent's. */
class OpenKeys {
  start: Int32Array = new Int32Array(1024);
  end: Int32Array = new Int32Array(1024);
  hash: Int32Array = new Int32Array(1024);
  count = 0;

  push(start: number, end: number, hash: number): number {
    if (this.count === this.start.length) this.grow();
    this.start[this.count] = start;
    this.end[this.count] = end;
    this.hash[this.count] = hash;
    return this.count++;
  }

  private grow(): void {
    const double = (old: Int32Array) => {
      const grown = new Int32Array(old.length * 2);
      grown.set(old);
      return grown;
    };
    this.start = double(this.start);
    this.end = double(this.end);
    this.hash = double(this.hash);
  }
}

/**
 * The stack every call works in, emptied at its start: a book's file read by account asks this
 * of each account (book-stream.ts), and three fresh arrays each time cost more than the pass.
 */
const scratch = new OpenKeys();

export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const keys = scratch;
  keys.count = 0;
  // Per depth: is it an array; where its keys start in `keys` (objects); its current element
  // index (arrays) or the index in `keys` of its current key (objects).
  const isArray: boolean[] = [];
  const base: number[] = [];
  const current: number[] = [];
  const large: (Map<string, number> | undefined)[] = [];
  let depth = -1;
  let expectingKey = false;
  const length = text.length;
  for (let pos = 0; pos < length; pos++) {
    const c = text.charCodeAt(pos);
    if (c >= 128 || structural[c] === 0) continue;
    if (c === QUOTE) {
      if (!expectingKey) {
        pos = stringEnd(text, pos);
        // No closing quote: the text is not JSON after all (book-json.ts scans before parsing).
        if (pos < 0) return undefined;
        continue;
      }
      expectingKey = false;
      let hash = 0;
      let escaped = false;
      let end = pos + 1;
      for (; end < length; end++) {
        const k = text.charCodeAt(end);
        if (k === QUOTE) break;
        if (k === BACKSLASH) {
          escaped = true;
          end++;
        }
        hash = (Math.imul(hash, 31) + k) | 0;
      }
      const index = keys.push(pos + 1, end, hash);
      current[depth] = index;
      const first = earlier(text, keys, base[depth]!, index, escaped, large, depth);
      if (first !== undefined) {
        return {
          key: keyText(text, keys, index),
          path: pathOf(text, keys, isArray, current, depth),
          offset: pos,
          firstOffset: first,
        };
      }
      pos = end;
    } else if (c === COMMA) {
      if (isArray[depth]) current[depth]!++;
      else expectingKey = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      isArray[depth] = c === OPEN_ARRAY;
      base[depth] = keys.count;
      current[depth] = 0;
      large[depth] = undefined;
      expectingKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      keys.count = base[depth]!;
      large[depth] = undefined;
      depth--;
      expectingKey = false;
    }
  }
  return undefined;
}

/** The offset of the closing quote of the string opening at `open`, or -1. */
export function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  // A quote is escaped when an odd run of backslashes precedes it.
  for (;;) {
    if (close === -1) return -1;
    let slashes = 0;
    while (text.charCodeAt(close - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
}

/** The offset of an earlier key of this object equal to key `index`, if any. */
function earlier(
  text: string,
  keys: OpenKeys,
  from: number,
  index: number,
  escaped: boolean,
  large: (Map<string, number> | undefined)[],
  depth: number,
): number | undefined {
  let map = large[depth];
  if (map === undefined && (escaped || index - from >= linearKeysMax)) {
    // Escaped keys compare by what they decode to ("\u0061" is "a"), so by string from here on.
    map = new Map();
    for (let i = from; i < index; i++) map.set(keyText(text, keys, i), keys.start[i]! - 1);
    large[depth] = map;
  }
  if (map !== undefined) {
    const key = keyText(text, keys, index);
    const first = map.get(key);
    if (first !== undefined) return first;
    map.set(key, keys.start[index]! - 1);
    return undefined;
  }
  const start = keys.start[index]!;
  const span = keys.end[index]! - start;
  const hash = keys.hash[index]!;
  for (let i = from; i < index; i++) {
    if (keys.hash[i] !== hash || keys.end[i]! - keys.start[i]! !== span) continue;
    if (sameSpan(text, keys.start[i]!, start, span)) return keys.start[i]! - 1;
  }
  return undefined;
}

function sameSpan(text: string, a: number, b: number, span: number): boolean {
  for (let i = 0; i < span; i++) {
    if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  }
  return true;
}

function keyText(text: string, keys: OpenKeys, index: number): string {
  const raw = text.slice(keys.start[index]!, keys.end[index]!);
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

function pathOf(
  text: string,
  keys: OpenKeys,
  isArray: readonly boolean[],
  current: readonly number[],
  depth: number,
): string {
  let path = '';
  for (let d = 0; d <= depth; d++) {
    if (isArray[d]) path += `[${current[d]}]`;
    else {
      const key = keyText(text, keys, current[d]!);
      path += path === '' ? key : `.${key}`;
    }
  }
  return path;
}
