import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Painted, printable, printableOutput } from './printable.ts';
import { table } from './table.ts';

const esc = '\u001b';
// Every character a terminal may obey or reorder: C0, DEL, C1, separators, bidi controls.
const unprintableCodes = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
  0x2028,
  0x2029,
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069],
];

describe('printable', () => {
  it('escapes every control and bidi character, as JSON writes it', () => {
    for (const code of unprintableCodes) {
      const shown = printable(`a${String.fromCharCode(code)}b`);
      expect(shown).toMatch(/^a\\(n|r|t|u[0-9a-f]{4})b$/);
      if (code > 0x0d || code < 0x09) {
        expect(shown).toBe(`a\\u${code.toString(16).padStart(4, '0')}b`);
      }
    }
    expect(printable(`evil\n${esc}[2JAccount fake`)).toBe('evil\\n\\u001b[2JAccount fake');
    expect(printable('\u202egnp.exe')).toBe('\\u202egnp.exe');
  });

  it('leaves printable text without a backslash alone', () => {
    expect(printable('BTC/USDT:USDT-261225 € 💥 désk')).toBe('BTC/USDT:USDT-261225 € 💥 désk');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const shown = printable(text);
        expect([...shown].some((ch) => unprintableCodes.includes(ch.charCodeAt(0)))).toBe(false);
        const plain = [...text].every(
          (ch) => ch !== '\\' && !unprintableCodes.includes(ch.charCodeAt(0)),
        );
        if (plain) expect(shown).toBe(text);
      }),
    );
  });

  it('writes a backslash as two, so an id cannot print as another one', () => {
    // The six characters `\u001b` in an id, and an id that holds a real ESC.
    expect(printable('x\\u001b[2J')).toBe('x\\\\u001b[2J');
    expect(printable(`x${esc}[2J`)).toBe('x\\u001b[2J');
    expect(printable('a\\nb')).toBe('a\\\\nb');
    expect(printable('a\nb')).toBe('a\\nb');
    expect(printable('C:\\desk\\')).toBe('C:\\\\desk\\\\');
    // What is shown reads back as what the file holds, so no two strings print the same; tried
    // on text made mostly of what escapes are made of.
    const readBack = (shown: string) =>
      shown.replace(/\\(\\|n|r|t|u[0-9a-f]{4})/g, (_, code: string) =>
        code === '\\'
          ? '\\'
          : code.startsWith('u')
            ? String.fromCharCode(Number.parseInt(code.slice(1), 16))
            : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[code]!,
      );
    const tricky = fc.constantFrom('\\', 'u', '0', '1', 'b', 'n', 'x', esc, '\n', '\u202e');
    for (const unit of [tricky, 'binary' as const]) {
      fc.assert(
        fc.property(fc.string({ unit }), (text) => {
          expect(readBack(printable(text))).toBe(text);
        }),
      );
    }
  });

  it('leaves a report its own line breaks and colours, and nothing else', () => {
    const red = `${esc}[48;5;160m${esc}[97m-1.00${esc}[0m`;
    expect(printableOutput(`a\nb ${red}`)).toBe(`a\nb ${red}`);
    expect(printableOutput(`title${esc}]0;pwned\u0007 ${esc}[2J\r\u202e`)).toBe(
      'title\\u001b]0;pwned\\u0007 \\u001b[2J\\r\\u202e',
    );
    // In JSON output such a character sits in a string; its escape keeps the JSON valid.
    const json = JSON.stringify({ id: 'a\u009b\u202eb' });
    expect(JSON.parse(printableOutput(json))).toEqual({ id: 'a\u009b\u202eb' });
  });
});

describe('printableOutput with the names of a book', () => {
  it('escapes each name wherever it stands, a longer one first', () => {
    const names = ['SOL\nX', 'SOL\nX2'];
    const report = 'position SOL\nX2 in bucket SOL\nX: ok\nnext line';
    expect(printableOutput(report, names)).toBe(
      'position SOL\\nX2 in bucket SOL\\nX: ok\nnext line',
    );
  });
});

describe('table', () => {
  it('escapes a cell from a file, so it cannot forge a row or colour one', () => {
    const forged = `x\n${esc}[31mAccount fake: LIQUIDATABLE`;
    const text = table(
      ['account', 'equity'],
      [
        [forged, '1.00'],
        ['b', '2.00'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'account                                  equity',
      'x\\n\\u001b[31mAccount fake: LIQUIDATABLE    1.00',
      'b                                          2.00',
    ]);
  });

  it('shows a cell with a literal \\u001b apart from one with an ESC', () => {
    const text = table(['instrument'], [['P\\u001b[31m'], [`P${esc}[31m`]]);
    expect(text.split('\n')).toEqual(['instrument', 'P\\\\u001b[31m', 'P\\u001b[31m']);
  });

  it("keeps the CLI's own colours, aligned by what shows", () => {
    const loss = new Painted('-12.00', `${esc}[48;5;160m${esc}[97m`);
    const text = table(
      ['move', 'pnl'],
      [
        ['-10%', loss],
        ['+10%', '3.00'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'move     pnl',
      `-10%  ${esc}[48;5;160m${esc}[97m-12.00${esc}[0m`,
      '+10%    3.00',
    ]);
    // Its text is escaped all the same; a template shows it coloured.
    expect(`${new Painted(`1${esc}[2J`, `${esc}[97m`)}`).toBe(`${esc}[97m1\\u001b[2J${esc}[0m`);
    expect(() => new Painted('1', `${esc}[2J`)).toThrow(/not an SGR colour code/);
  });
});
