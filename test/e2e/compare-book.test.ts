import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bookFile } from '../../bench/book-file.ts';
import { fixed, min } from '../../src/core/num/fixed.ts';
import { amountDown, amountUp } from '../../src/shell/cli/figures.ts';
import { pinClock, runCli, scratchFolder } from './cli-harness.ts';

/**
 * Issue 8, "Big books", for `compare`: a book's comparison is the book's totals per mode and the
 * accounts that gain the most in full (every account with --all), every comparison a line of
 * JSON with --jsonl, and the totals the exact sums of the accounts' own comparisons.
 */
pinClock();
const scratch = scratchFolder();
const accounts = 24;
const file = () => scratch.write('book.json', bookFile({ accounts, seed: 5 }));

type Mode = 'isolated' | 'cross' | 'portfolio';

interface Outcome {
  readonly requiredCapital: string;
  readonly initialMargin: string;
  readonly maintenanceMargin: string;
  readonly report: { readonly liquidatable: boolean };
}

type Comparison = { readonly account: string; readonly capitalFreed: string } & {
  readonly portfolioCapitalFreed?: string;
} & { readonly [mode in Mode]?: Outcome };

interface JointMoves {
  readonly cross: { readonly report: { readonly buckets: { readonly jointMoves: unknown[] }[] } };
}

function comparisonsOf(path: string, ...flags: string[]): Comparison[] {
  const result = runCli(['compare', path, '--json', ...flags]);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Comparison[];
}

const sum = (values: readonly string[]) => values.reduce((total, v) => total + fixed(v), 0n);

/** A mode's totals over the comparisons, as the book's summary must state them. */
function totalsOf(comparisons: readonly Comparison[], mode: Mode) {
  const outcomes = comparisons.flatMap((c) => (c[mode] === undefined ? [] : [c[mode]]));
  return {
    accounts: outcomes.length,
    requiredCapital: sum(outcomes.map((o) => o.requiredCapital)),
    initialMargin: sum(outcomes.map((o) => o.initialMargin)),
    maintenanceMargin: sum(outcomes.map((o) => o.maintenanceMargin)),
    liquidatable: outcomes.filter((o) => o.report.liquidatable).length,
  };
}

function gainOf(c: Comparison): bigint {
  const best = [c.cross, c.portfolio].flatMap((o) => (o ? [fixed(o.requiredCapital)] : []));
  return fixed(c.isolated!.requiredCapital) - best.reduce(min);
}

/** The row the book's table prints for a mode. */
function rowOf(totals: ReturnType<typeof totalsOf>, mode: Mode): RegExp {
  const share = ((100 * totals.liquidatable) / totals.accounts).toFixed(2);
  const cells = [
    mode,
    String(totals.accounts),
    amountUp(totals.requiredCapital),
    amountUp(totals.initialMargin),
    amountUp(totals.maintenanceMargin),
    `${totals.liquidatable} \\(${share}%\\)`,
  ];
  return new RegExp(`^${cells.join('\\s+')}$`, 'm');
}

/** The first bundled portfolio-margined example's accounts, copied to make a book of `n`. */
function portfolioBook(n: number): string {
  const example = JSON.parse(readFileSync('examples/delta-hedged-book.json', 'utf8'));
  const given = example.accounts as { id: string }[];
  const copies = Array.from({ length: n }, (_, i) => ({
    ...given[i % given.length]!,
    id: `${given[i % given.length]!.id}-${i}`,
  }));
  return scratch.write('portfolio-book.json', JSON.stringify({ ...example, accounts: copies }));
}

describe('compare on a book', () => {
  it('prints each mode’s totals: the exact sums of the accounts’ comparisons', () => {
    const path = file();
    const comparisons = comparisonsOf(path);
    expect(comparisons).toHaveLength(accounts);
    const result = runCli(['compare', path, '--top', '3']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toContain(`Book of ${accounts} accounts: isolated vs cross margin`);
    const isolated = totalsOf(comparisons, 'isolated');
    const cross = totalsOf(comparisons, 'cross');
    expect(out).toMatch(rowOf(isolated, 'isolated'));
    expect(out).toMatch(rowOf(cross, 'cross'));
    // The generated book has accounts that isolated margin leaves liquidatable: the count is tested.
    expect(isolated.liquidatable).toBeGreaterThan(0);
    const freed = sum(comparisons.map((c) => c.capitalFreed));
    expect(freed).toBe(isolated.requiredCapital - cross.requiredCapital);
    expect(out).toContain(`Capital freed over the book by cross margin: ${amountDown(freed)} USD`);
    expect(out).not.toContain('by portfolio margin');
  });

  it('shows the --top N accounts that gain the most, most first, each in full', () => {
    const path = file();
    const ranked = comparisonsOf(path)
      .map((c, i) => ({ account: c.account, gained: gainOf(c), i }))
      .sort((a, b) => (a.gained === b.gained ? a.i - b.i : a.gained > b.gained ? -1 : 1));
    const out = runCli(['compare', path, '--top', '3']).stdout;
    expect(out).toContain('The 3 accounts that gain the most');
    const headings = [...out.matchAll(/^Account (acct-\d+): /gm)].map((m) => m[1]);
    expect(headings).toEqual(ranked.slice(0, 3).map((r) => r.account));
    const first = ranked[0]!;
    expect(out).toMatch(
      new RegExp(
        `^1\\s+${first.account}\\s+${amountDown(first.gained).replace('.', '\\.')}\\s`,
        'm',
      ),
    );
    expect(out).toContain('Every account in full: --all');
    // Each printed as `compare --account ID` prints it, joint moves searched.
    const alone = runCli(['compare', path, '--account', first.account]).stdout.trimEnd();
    expect(alone).toContain('Joint move of each underlying');
    expect(out).toContain(alone);
    // --top 0: the totals alone.
    const bare = runCli(['compare', path, '--top', '0']);
    expect(bare.code).toBe(0);
    expect(bare.stdout).not.toMatch(/^Account /m);
    expect(bare.stdout).toMatch(rowOf(totalsOf(comparisonsOf(path), 'cross'), 'cross'));
  });

  it('--all prints every account’s comparison in full, and no book summary', () => {
    const result = runCli(['compare', file(), '--all']);
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^Account acct-\d+: isolated vs cross margin/gm)).toHaveLength(
      accounts,
    );
    expect(result.stdout).not.toContain('Book of');
  });

  it('--jsonl streams each --json comparison as a line, then the totals', () => {
    const path = file();
    const comparisons = comparisonsOf(path, '--joint-moves');
    const result = runCli(['compare', path, '--jsonl', '--joint-moves']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(accounts + 1);
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual(comparisons);
    const { summary } = JSON.parse(lines.at(-1)!);
    const cross = totalsOf(comparisons, 'cross');
    expect(summary.cross).toEqual({
      mode: 'cross',
      accounts: String(accounts),
      requiredCapital: summary.cross.requiredCapital,
      initialMargin: summary.cross.initialMargin,
      maintenanceMargin: summary.cross.maintenanceMargin,
      liquidatable: String(cross.liquidatable),
    });
    expect(fixed(summary.cross.requiredCapital)).toBe(cross.requiredCapital);
    expect(fixed(summary.cross.initialMargin)).toBe(cross.initialMargin);
    expect(fixed(summary.cross.maintenanceMargin)).toBe(cross.maintenanceMargin);
    const isolated = totalsOf(comparisons, 'isolated');
    expect(fixed(summary.isolated.requiredCapital)).toBe(isolated.requiredCapital);
    expect(fixed(summary.capitalFreed)).toBe(sum(comparisons.map((c) => c.capitalFreed)));
    expect(summary.portfolio).toBeUndefined();
    const searched = (list: readonly Comparison[]) =>
      list
        .flatMap((c) => (c as unknown as JointMoves).cross.report.buckets)
        .filter((bucket) => bucket.jointMoves.length > 0).length;
    expect(searched(comparisons)).toBeGreaterThan(0);
    // Without --joint-moves, a book's lines equal its --json, which searches none either.
    const plain = runCli(['compare', path, '--jsonl']).stdout.trimEnd().split('\n');
    const unsearched = comparisonsOf(path);
    expect(plain.slice(0, -1).map((line) => JSON.parse(line))).toEqual(unsearched);
    expect(searched(unsearched)).toBe(0);
    // Searching joint moves changes no other figure: the book's totals may skip them.
    const withoutMoves = (list: readonly Comparison[]) =>
      JSON.parse(JSON.stringify(list), (key, value) => (key === 'jointMoves' ? undefined : value));
    expect(withoutMoves(unsearched)).toEqual(withoutMoves(comparisons));
  });

  it('adds portfolio margin where the rulebook offers it, and what it frees over cross', () => {
    const path = portfolioBook(12);
    const comparisons = comparisonsOf(path);
    const out = runCli(['compare', path, '--top', '1']).stdout;
    expect(out).toContain('Book of 12 accounts: isolated vs cross vs portfolio margin');
    const portfolio = totalsOf(comparisons, 'portfolio');
    expect(portfolio.accounts).toBe(12);
    expect(out).toMatch(rowOf(portfolio, 'portfolio'));
    const freed = sum(comparisons.map((c) => c.portfolioCapitalFreed!));
    expect(out).toContain(`by portfolio margin over cross: ${amountDown(freed)} USD`);
    expect(out.match(/^Account /gm)).toHaveLength(1);
  });

  it('on a terminal, a book over a megabyte shows the comparison’s progress on stderr only', () => {
    const path = scratch.write('large.json', bookFile({ accounts: 2_600, seed: 7 }));
    const was = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    let result: ReturnType<typeof runCli>;
    try {
      result = runCli(['compare', path, '--top', '1']);
    } finally {
      if (was === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stderr, 'isTTY', was);
    }
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/xmargin: comparing \[[#.]{30}\] \d+% [\d,]+\/2,600/);
    expect(result.stderr).toContain('xmargin: comparing the 1 that gain the most in full');
    // Cleared before the result is printed; stdout holds none of it.
    expect(result.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect(result.stdout).toContain('Book of 2,600 accounts');
    expect(result.stdout).not.toContain('\u001b');
  });

  it.each([['x'], ['-1'], ['1.5'], ['1001']])(
    'refuses --top %s: exit 2, nothing on stdout',
    (top) => {
      const result = runCli(['compare', file(), '--top', top]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('--top: must be a whole number from 0 to 1000');
    },
  );

  it('refuses --json with --jsonl', () => {
    const result = runCli(['compare', file(), '--json', '--jsonl']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--json, --jsonl: choose one');
  });
});
