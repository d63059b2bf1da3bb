import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * Ids named in the report's sentences (not its tables) go through printable() once, as table
 * cells do (issue 8): so an id holding the six characters `\u001b` prints with its backslash
 * doubled, and one holding a real ESC as the escape of it, and the two never print alike. Before,
 * only the output-wide pass escaped them, which leaves a backslash as it is.
 */
pinClock();
const scratch = scratchFolder();
const esc = '\u001b';
const literal = '\\u001b';
const marks = { literal, esc } as const;

/** A copy of a bundled file with each quoted `id` written as `renamed` (JSON-escaped). */
function renamed(file: string, id: string, to: string, name: string): string {
  const text = readFileSync(file, 'utf8').split(JSON.stringify(id)).join(JSON.stringify(to));
  return scratch.write(name, text);
}

/** The line starting with `start` of each run, the id marked once with each mark. */
function bothLines(
  start: string,
  run: (mark: string, tag: string) => { code: number; stdout: string },
): Record<keyof typeof marks, string> {
  const lines = {} as Record<keyof typeof marks, string>;
  for (const [tag, mark] of Object.entries(marks) as [keyof typeof marks, string][]) {
    const result = run(mark, tag);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(esc);
    const line = result.stdout.split('\n').find((text) => text.startsWith(start));
    expect(line, `no line starts with ${start}`).toBeDefined();
    lines[tag] = line!;
  }
  expect(lines.literal).not.toBe(lines.esc);
  return lines;
}

const doubled = (id: string) => `${id}\\\\u001b[31m`;
const escaped = (id: string) => `${id}\\u001b[31m`;

describe('an id in a sentence prints once escaped, a literal \\u001b apart from an ESC', () => {
  it('joint moves: the settle coins left out of the table', () => {
    const lines = bothLines('Left out, as settle coins', (mark, tag) =>
      runCli([
        'margin',
        renamed('examples/cross-and-isolated.json', 'USDT', `U${mark}[31m`, `usdt-${tag}.json`),
      ]),
    );
    expect(lines.literal).toBe(
      `Left out, as settle coins whose own move is a depeg: ${doubled('U')} (cross), ` +
        `${doubled('U')} (SOLUSDT).`,
    );
    expect(lines.esc).toBe(
      `Left out, as settle coins whose own move is a depeg: ${escaped('U')} (cross), ` +
        `${escaped('U')} (SOLUSDT).`,
    );
  });

  it('collateral: an asset that counts for nothing, its bucket and the rulebook', () => {
    const lines = bothLines('Counts for nothing: 12,000', (mark, tag) => {
      const rulebook = JSON.parse(readFileSync('rulebooks/deribit-linear.json', 'utf8'));
      rulebook.id = `r${mark}[31m`;
      const book = scratch.write(`rulebook-${tag}.json`, rulebook);
      return runCli(['margin', 'examples/cross-and-isolated.json', '--rulebook', book]);
    });
    expect(lines.literal).toBe(
      'Counts for nothing: 12,000 USDT (12,000.00 USD) in bucket cross: rulebook ' +
        `${doubled('r')} lists no collateral weight for USDT, so it is not collateral.`,
    );
    expect(lines.esc).toBe(
      'Counts for nothing: 12,000 USDT (12,000.00 USD) in bucket cross: rulebook ' +
        `${escaped('r')} lists no collateral weight for USDT, so it is not collateral.`,
    );
  });

  it("collateral: a pool's own equity, under a rulebook named with the mark", () => {
    const lines = bothLines('Bucket cross: equity', (mark, tag) => {
      const rulebook = JSON.parse(readFileSync('rulebooks/mango-v4.json', 'utf8'));
      rulebook.id = `m${mark}[31m`;
      const book = scratch.write(`mango-${tag}.json`, rulebook);
      return runCli(['margin', 'examples/mango-health.json', '--rulebook', book]);
    });
    expect(lines.literal).toContain(`own sum under rulebook ${doubled('m')} (weighted profit`);
    expect(lines.esc).toContain(`own sum under rulebook ${escaped('m')} (weighted profit`);
  });

  it('compare: the rulebook in its heading and the instruments it moves between modes', () => {
    const heading = bothLines('Account main: isolated vs cross', (mark, tag) => {
      const rulebook = JSON.parse(readFileSync('rulebooks/binance-usdm.json', 'utf8'));
      rulebook.id = `b${mark}[31m`;
      const book = scratch.write(`usdm-${tag}.json`, rulebook);
      return runCli(['compare', 'examples/cross-and-isolated.json', '--rulebook', book]);
    });
    expect(heading.literal).toBe(
      `Account main: isolated vs cross margin, same book and collateral, rulebook ${doubled('b')}`,
    );
    expect(heading.esc).toBe(
      `Account main: isolated vs cross margin, same book and collateral, rulebook ${escaped('b')}`,
    );
    const moved = bothLines('  cross: ', (mark, tag) =>
      runCli([
        'compare',
        renamed('examples/cross-and-isolated.json', 'SOLUSDT', `S${mark}[31m`, `sol-${tag}.json`),
      ]),
    );
    expect(moved.literal).toBe(
      `  cross: ${doubled('S')} into the cross pool, with its 2,300 USDT of margin`,
    );
    expect(moved.esc).toBe(
      `  cross: ${escaped('S')} into the cross pool, with its 2,300 USDT of margin`,
    );
    const isolated = bothLines('  isolated: ', (mark, tag) =>
      runCli([
        'compare',
        renamed('examples/cross-and-isolated.json', 'USDT', `U${mark}[31m`, `settle-${tag}.json`),
      ]),
    );
    expect(isolated.literal).toContain(`SOLUSDT isolated with 2,300 ${doubled('U')}, given`);
    expect(isolated.esc).toContain(`SOLUSDT isolated with 2,300 ${escaped('U')}, given`);
  });

  it('portfolio: the underlyings of a credit between them', () => {
    const lines = bothLines('Credit BTC/', (mark, tag) => {
      const to = `E${mark}[31m`;
      const book = renamed('rulebooks/span-16.json', 'ETH', to, `span-${tag}.json`);
      const file = renamed('examples/delta-hedged-book.json', 'ETH', to, `hedged-${tag}.json`);
      return runCli(['margin', file, '--rulebook', book]);
    });
    expect(lines.literal).toBe(
      `Credit BTC/${doubled('E')}: 0.0558274 spreads, −615.19 to BTC, −3,069.56 to ${doubled('E')}`,
    );
    expect(lines.esc).toBe(
      `Credit BTC/${escaped('E')}: 0.0558274 spreads, −615.19 to BTC, −3,069.56 to ${escaped('E')}`,
    );
  });
});
