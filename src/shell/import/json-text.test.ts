import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDuplicateKey } from './duplicate-key.ts';
import { firstSyntaxError } from './json-syntax-error.ts';
import { lineColumn, parseJsonText } from './json-text.ts';
import { InputError } from './reader.ts';

function issuesOf(text: string): readonly string[] {
  try {
    parseJsonText(text, 'book.json');
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  throw new Error('accepted');
}

/** An object's members written out by hand, so a key can be given twice. */
function objectText(members: readonly (readonly [string, string])[]): string {
  return `{${members.map(([key, value]) => `${key}:${value}`).join(',')}}`;
}

/** A key written with every character escaped as \uXXXX: the same key to JSON.parse. */
function escapedKey(key: string): string {
  return `"${[...key]
    .flatMap((ch) => [...ch].map((_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`))
    .join('')}"`;
}

describe('parseJsonText', () => {
  it('reads any JSON value as JSON.parse does, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonText(text, 'book.json')).toEqual(JSON.parse(text));
        expect(firstDuplicateKey(text)).toBeUndefined();
      }),
    );
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(parseJsonText('\ufeff{"format": "xmargin.portfolio/1"}', 'book.json')).toEqual({
      format: 'xmargin.portfolio/1',
    });
  });

  it('refuses a duplicate key, naming it, its path and both places', () => {
    const text = '{\n  "accounts": [\n    { "id": "a", "id": "b" }\n  ]\n}';
    expect(issuesOf(text)).toEqual([
      'book.json: accounts[0].id: key "id" given twice, at line 3:18 (first at line 3:7): ' +
        'give each key once, JSON keeps only the last',
    ]);
  });

  it('refuses a key given twice in any object, however it is written', () => {
    const keyed = fc.uniqueArray(fc.tuple(fc.string(), fc.jsonValue()), {
      minLength: 1,
      maxLength: 40,
      selector: ([key]) => key,
    });
    fc.assert(
      fc.property(keyed, fc.nat(), fc.boolean(), fc.nat(3), (members, pick, escaped, nesting) => {
        const key = members[pick % members.length]![0];
        const written = members.map(
          ([k, v]) => [JSON.stringify(k), JSON.stringify(v)] as [string, string],
        );
        const again = escaped && key !== '' ? escapedKey(key) : JSON.stringify(key);
        let text = objectText([...written, [again, '1']]);
        // Wrapped, inner to outer, in arrays and objects; the path is named outer to inner.
        const outer: string[] = [];
        for (let level = 0; level < nesting; level++) {
          text = level % 2 === 0 ? `[0, ${text}]` : `{"book": ${text}, "other": {"x": 1}}`;
          outer.unshift(level % 2 === 0 ? '[1]' : 'book');
        }
        const path = [...outer, key].reduce((at, part, i) =>
          i === 0 ? part : part === '[1]' && i < outer.length ? `${at}[1]` : `${at}.${part}`,
        );
        const found = firstDuplicateKey(text);
        expect(found?.key).toBe(key);
        expect(found?.path).toBe(path);
        expect(text.slice(found!.firstOffset, found!.firstOffset + 1)).toBe('"');
        expect(JSON.parse(text.slice(found!.offset).match(/^"(?:[^"\\]|\\.)*"/)![0])).toBe(key);
      }),
    );
  });

  it('names the path of a duplicate deep in a book', () => {
    const text = JSON.stringify({
      accounts: [{ id: 'a' }, { id: 'b', positions: [{}, {}] }],
    }).replace('{},{}', '{},{"size":"1","size":"2"}');
    expect(firstDuplicateKey(text)?.path).toBe('accounts[1].positions[1].size');
  });

  it('finds a duplicate in a large object, and none where keys only look alike', () => {
    const members = Array.from({ length: 500 }, (_, i) => [`"k${i}"`, `${i}`] as [string, string]);
    expect(firstDuplicateKey(objectText(members))).toBeUndefined();
    const found = firstDuplicateKey(objectText([...members, ['"k17"', '0']]));
    expect(found?.key).toBe('k17');
    expect(found?.path).toBe('k17');
    // The same key in sibling objects, or as a value, is no duplicate.
    expect(firstDuplicateKey('[{"a":1},{"a":2},{"b":"a","a":"b"}]')).toBeUndefined();
    expect(firstDuplicateKey('{"a":{},"b":[{},"a"],"c":{"a":1}}')).toBeUndefined();
    expect(firstDuplicateKey('{"a\\"":1,"a":2,"a\\\\":3}')).toBeUndefined();
  });

  it('reports a syntax error by line and column, without quoting the text raw', () => {
    expect(issuesOf('{\n  "format": "x",\n  "accounts": [1, 2,]\n}')).toEqual([
      'book.json: not valid JSON at line 3:21: expected a value, found "]"',
    ]);
    expect(issuesOf('{"a": }')).toEqual([
      'book.json: not valid JSON at line 1:7: expected a value, found "}"',
    ]);
    expect(issuesOf('{ "format": "xmargin.portfolio/1", ')).toEqual([
      'book.json: not valid JSON at line 1:36: expected a double-quoted property name, ' +
        'found the end of the text',
    ]);
    expect(issuesOf('{"a": "x\ny"}')).toEqual([
      'book.json: not valid JSON at line 1:9: a control character inside a string ' +
        '(write it escaped), found the control character U+000A',
    ]);
    expect(issuesOf('')).toEqual([
      'book.json: not valid JSON at line 1:1: expected a value, found the end of the text',
    ]);
  });

  it('finds a syntax error exactly where JSON.parse refuses a text', () => {
    const piece = fc.constantFrom(
      ...'{}[]",:0123456789-+.eE \n\t\\u'.split(''),
      'true',
      'fals',
      'null',
      '"a"',
      '\u0001',
      '💥',
    );
    const texts = fc.oneof(
      fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join('')),
      fc.tuple(fc.jsonValue(), fc.nat(), fc.nat(), piece).map(([value, at, cut, insert]) => {
        const text = JSON.stringify(value, null, 1);
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + (cut % 2));
      }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(firstSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('lineColumn', () => {
  it('counts lines from 1 and columns in characters', () => {
    expect(lineColumn('abc', 0)).toBe('1:1');
    expect(lineColumn('a\nbc', 3)).toBe('2:2');
    expect(lineColumn('a\r\n💥x', 5)).toBe('2:2');
  });
});
