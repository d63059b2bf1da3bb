import { describe, expect, it } from 'vitest';
import { bookFile } from '../../bench/book-file.ts';
import { progressOn } from '../../src/shell/cli/progress.ts';
import { runCli, scratchFolder } from './cli-harness.ts';

/**
 * Issue 8, "Big books": a file of many accounts prints the book's summary and its riskiest
 * accounts in full (every account with --all), streams every report as a line of JSON with
 * --jsonl, and shows progress on a terminal only.
 */
const scratch = scratchFolder();
const accounts = 40;
const file = () => scratch.write('book.json', bookFile({ accounts, seed: 3 }));

interface Report {
  readonly account: string;
  readonly liquidatable: boolean;
  readonly freeCollateral: string;
  readonly liquidationRank: number | null;
  readonly buckets: readonly { readonly jointMoves: readonly unknown[] }[];
}

/** Every report as --json prints it, joint moves searched (a book's --json asks for them). */
function reportsOf(path: string): Report[] {
  const result = runCli(['margin', path, '--json', '--joint-moves']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Report[];
}

function statesOf(reports: readonly Report[]) {
  const liquidatable = reports.filter((r) => r.liquidatable).length;
  const belowInitial = reports.filter(
    (r) => !r.liquidatable && r.freeCollateral.startsWith('-'),
  ).length;
  return { liquidatable, belowInitial, healthy: reports.length - liquidatable - belowInitial };
}

describe('margin on a book', () => {
  it('prints the summary with the exact counts, the riskiest first, and how to see more', () => {
    const path = file();
    const reports = reportsOf(path);
    const { liquidatable, belowInitial, healthy } = statesOf(reports);
    const result = runCli(['margin', path, '--top', '3']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toContain(
      `Book of ${accounts} accounts: ${liquidatable} liquidatable, ${belowInitial} below initial margin`,
    );
    expect(out).toMatch(new RegExp(`healthy\\s+${healthy}\\s`));
    expect(out).toContain('Riskiest 3 accounts');
    // Three accounts in full, not forty; the liquidation queue's first is the riskiest.
    expect(out.match(/^Account acct-/gm)).toHaveLength(3);
    const first = reports.find((r) => r.liquidationRank === 1);
    if (first !== undefined) expect(out).toMatch(new RegExp(`^1\\s+${first.account}\\s`, 'm'));
    expect(out).toContain('Every account in full: --all');
  });

  it('--all prints every account in full and the liquidation queue', () => {
    const result = runCli(['margin', file(), '--all']);
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^Account acct-/gm)).toHaveLength(accounts);
    expect(result.stdout).toMatch(/Liquidation queue/);
    expect(result.stdout).not.toContain('Book of');
  });

  it('--jsonl: one line per account, each what --json prints for it, then the summary', () => {
    const path = file();
    const reports = reportsOf(path);
    const withMoves = runCli(['margin', path, '--jsonl', '--joint-moves']);
    expect(withMoves.code).toBe(0);
    const lines = withMoves.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(accounts + 1);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.slice(0, accounts)).toEqual(reports);
    const { summary } = parsed[accounts] as { summary: { byState: Record<string, string> } };
    const states = statesOf(reports);
    expect(summary.byState).toEqual({
      liquidatable: String(states.liquidatable),
      'below-initial': String(states.belowInitial),
      healthy: String(states.healthy),
    });
    // Without --joint-moves the same reports, their joint moves left unsearched.
    const plain = runCli(['margin', path, '--jsonl']).stdout.trimEnd().split('\n');
    const first = JSON.parse(plain[0]!) as Report;
    expect(first.buckets.every((b) => b.jointMoves.length === 0)).toBe(true);
    expect({ ...first, buckets: [] }).toEqual({ ...reports[0]!, buckets: [] });
  });

  it("--json on a book searches joint moves only with --joint-moves, as --jsonl's lines", () => {
    const path = file();
    const withMoves = reportsOf(path);
    expect(withMoves.some((r) => r.buckets.some((b) => b.jointMoves.length > 0))).toBe(true);
    const result = runCli(['margin', path, '--json']);
    expect(result.code).toBe(0);
    const plain = JSON.parse(result.stdout) as Report[];
    expect(plain).toHaveLength(accounts);
    expect(plain.every((r) => r.buckets.every((b) => b.jointMoves.length === 0))).toBe(true);
    // The same reports otherwise, and the same as --jsonl streams without --joint-moves.
    const strip = (r: Report) => ({
      ...r,
      buckets: r.buckets.map((b) => ({ ...b, jointMoves: [] })),
    });
    expect(plain).toEqual(withMoves.map(strip));
    const lines = runCli(['margin', path, '--jsonl']).stdout.trimEnd().split('\n');
    expect(lines.slice(0, accounts).map((line) => JSON.parse(line))).toEqual(plain);
  });

  it('--json with --jsonl is bad input (exit 2), as is a --top that is not a count', () => {
    const path = file();
    const both = runCli(['margin', path, '--json', '--jsonl']);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
    expect(both.stderr).toContain('--json, --jsonl: choose one');
    const top = runCli(['margin', path, '--top', 'ten']);
    expect(top.code).toBe(2);
    expect(top.stderr).toContain('--top: must be a whole number from 0 to 1000');
  });

  it('a book over a megabyte shows no progress when stderr is not a terminal', () => {
    const big = scratch.write('big.json', bookFile({ accounts: 2_600, seed: 5 }));
    expect(process.stderr.isTTY).not.toBe(true);
    const result = runCli(['margin', big]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Book of 2,600 accounts');
  });
});

describe('whatif on a book', () => {
  it('the book before and after the change, its before the same counts as margin', () => {
    const path = file();
    const { liquidatable, belowInitial } = statesOf(reportsOf(path));
    const result = runCli(['whatif', path, '--transfer', 'USDT -100', '--top', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `What-if over a book of ${accounts} accounts: a withdrawal of 100 USDT in every account`,
    );
    expect(result.stdout).toMatch(
      new RegExp(`liquidatable \\(below maintenance\\)\\s+${liquidatable}\\s`),
    );
    expect(result.stdout).toMatch(
      new RegExp(`below initial \\(a pool's free collateral < 0\\)\\s+${belowInitial}\\s`),
    );
    expect(result.stdout.match(/^What-if for acct-/gm)).toHaveLength(2);
  });
});

describe('the progress line', () => {
  it('on a terminal: the stage, a bar and the count, cleared at the end', () => {
    const written: string[] = [];
    let now = 0;
    const progress = progressOn(
      { isTTY: true, columns: 120, write: (text) => written.push(text) > 0 },
      () => now,
    );
    progress.stage('margining', 1_000);
    now = 500;
    progress.update(500);
    now = 510;
    progress.update(600); // within 100 ms of the last: not redrawn
    progress.end();
    expect(written).toEqual([
      '\r\u001b[2Kxmargin: margining [..............................] 0% 0/1,000',
      '\r\u001b[2Kxmargin: margining [###############...............] 50% 500/1,000',
      '\r\u001b[2K',
    ]);
  });

  it('not on a terminal: writes nothing at all', () => {
    const written: string[] = [];
    const progress = progressOn({ isTTY: false, write: (text) => written.push(text) > 0 });
    progress.stage('margining', 10);
    progress.update(10);
    progress.end();
    expect(written).toEqual([]);
  });
});
