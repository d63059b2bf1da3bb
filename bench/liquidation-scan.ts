import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const child = resolve(dirname(fileURLToPath(import.meta.url)), 'liquidation-scan-child.ts');

interface Memory {
  readonly heapUsed: number;
  readonly arrayBuffers: number;
}

interface Ticks {
  readonly tickMs: readonly number[];
  readonly passMs: readonly number[];
  readonly ordered: number;
  readonly changes: number;
  readonly screened: number;
  readonly fast: number;
  readonly exact: number;
}

interface Scan {
  readonly accounts: number;
  readonly positions: number;
  readonly memory: {
    readonly empty: Memory;
    readonly withAccounts: Memory;
    readonly withBook: Memory;
  };
  readonly still: Ticks;
  readonly walked: Ticks;
  readonly jumped: Ticks;
}

/**
 * Issue 11: the liquidation scan after one tick over 1,000,000 accounts of four perpetuals each
 * (100,000 with --quick), in its own process (bench/liquidation-scan-child.ts) so the book's memory
 * is its own: each BTCUSDT mark tick judged by the engine (judgeCommand on the fast path's
 * MarginBook: the price guard, every holder screened or re-margined on the fast path's columns, the
 * exact path for those near a threshold or changing state, then the liquidation decision for every
 * bucket below maintenance: the orders it makes and the re-check of those outstanding) and applied,
 * against one plain pass over dense size / entry / mark columns of the same positions (Σ size ×
 * (mark − entry) per account: the physical floor; target: at most 5×). Three kinds of tick, eleven
 * of each (a collection of the large heap may fall in any: the median is reported): the last mark
 * again (every holder screened: the scan alone), a walk of a few basis points, jumps of up to 2 %
 * (thousands changing state). The book is issue 9's (bench/engine.ts `bookOf`: Binance USD-M
 * brackets, sizes over four orders of magnitude, one account in ten within 20 % of its maintenance
 * margin), on the engine's default liquidation rule; no fill comes back, so orders stand from tick
 * to tick. Not inside a tick: the log's append, the book's build (once per start). Memory: the heap
 * and typed arrays each form of the book holds, collected before and after, per position.
 */
export function liquidationScanBench(quick: boolean): void {
  const accounts = quick ? 100_000 : 1_000_000;
  const rounds = 11;
  const result = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=16000',
      '--import',
      'tsx',
      child,
      `${accounts}`,
      `${rounds}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 },
  );
  const last = result.stderr.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`the liquidation scan: ${result.stderr}`);
  const scan = JSON.parse(last) as Scan;
  const { empty, withAccounts, withBook } = scan.memory;
  const perPosition = (from: Memory, to: Memory, field: keyof Memory) =>
    (to[field] - from[field]) / scan.positions;
  const exactBytes = perPosition(empty, withAccounts, 'heapUsed');
  const columnBytes =
    perPosition(withAccounts, withBook, 'heapUsed') +
    perPosition(withAccounts, withBook, 'arrayBuffers');
  const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const pass = median([...scan.still.passMs, ...scan.walked.passMs, ...scan.jumped.passMs]);
  console.log(
    `\n12. The liquidation scan (issue 11): ${scan.accounts.toLocaleString('en-US')} accounts × 4 perpetuals ` +
      `(${scan.positions.toLocaleString('en-US')} positions), ${rounds} BTCUSDT ticks of each kind, median`,
  );
  console.log(
    `    memory per position: the exact accounts ${exactBytes.toFixed(0)} B, ` +
      `the fast path's columns ${columnBytes.toFixed(0)} B (heap and typed arrays)`,
  );
  console.log(
    `    one dense pass over the positions  ${pass.toFixed(2).padStart(9)} ms   baseline`,
  );
  for (const [name, ticks] of [
    ['the same mark again', scan.still],
    ['a walk of ±0.05 %', scan.walked],
    ['jumps of up to ±2 %', scan.jumped],
  ] as const) {
    const tick = median(ticks.tickMs);
    const holders = ticks.screened + ticks.fast + ticks.exact;
    console.log(
      `    a tick, ${name.padEnd(20)} ${tick.toFixed(2).padStart(9)} ms   ×${(tick / pass).toFixed(1)} (target ≤ ×5); ` +
        `${((100 * ticks.screened) / holders).toFixed(1)} % screened, ${((100 * ticks.exact) / holders).toFixed(2)} % exact, ` +
        `${(ticks.ordered / rounds).toFixed(0)} liquidation orders a tick`,
    );
  }
}
