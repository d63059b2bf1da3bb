/**
 * `npx tsx bench/versus.ts OTHER_CHECKOUT [--quick]`: this tree's hot paths raced against another
 * checkout's (an earlier commit, `git worktree add /tmp/old REV`), in one process, on each tree's
 * own bench portfolios. Ratios only: new / old per path, so the machine's load cancels out. What
 * is inside each timing: one call of the path, the book built beforehand (never timed).
 */
import '../src/shell/jit.ts';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timing } from './timing.ts';

const other = process.argv[2];
if (other === undefined || other.startsWith('--')) {
  console.error('usage: npx tsx bench/versus.ts OTHER_CHECKOUT [--quick]');
  process.exit(2);
}
const quick = process.argv.includes('--quick');
const { race } = timing(quick);

async function tree(root: string) {
  const at = (path: string) => import(pathToFileURL(resolve(root, path)).href);
  return {
    side: await at('bench/xmargin-side.ts'),
    portfolios: (await at('bench/portfolios.ts')).portfolios,
    fast: await at('src/core/fast/fast-margin.ts'),
    book: await at('src/core/fast/risk-book.ts'),
    screen: await at('src/core/fast/screen.ts'),
    assess: await at('src/core/margin/assess.ts'),
  };
}

const [mine, theirs] = await Promise.all([tree('.'), tree(other)]);
console.log(`versus ${other}: new / old, median of batches (${quick ? 'quick' : 'full'} run)`);

mine.portfolios.forEach((p: { id: string; title: string }, n: number) => {
  const prepare = (t: Awaited<ReturnType<typeof tree>>) => {
    const side = t.side.xmarginSide(t.portfolios[n]);
    const book = t.book.buildRiskBook([side.account], side.venue, side.market);
    return { side, book, out: new Float64Array(t.fast.figureCount) };
  };
  const a = prepare(mine);
  const b = prepare(theirs);
  const [fastNew, fastOld, exactNew, exactOld] = race([
    () => mine.fast.marginAccount(a.book, 0, a.out),
    () => theirs.fast.marginAccount(b.book, 0, b.out),
    () => mine.assess.assess(a.side.account, a.side.venue, a.side.market),
    () => theirs.assess.assess(b.side.account, b.side.venue, b.side.market),
  ]);
  const line = (name: string, x: { medianUs: number }, y: { medianUs: number }) =>
    console.log(
      `  (${p.id}) ${name.padEnd(26)} ${x.medianUs.toFixed(2).padStart(9)} µs vs ` +
        `${y.medianUs.toFixed(2).padStart(9)} µs   ×${(x.medianUs / y.medianUs).toFixed(3)}`,
    );
  line('fast marginAccount', fastNew!, fastOld!);
  line('exact assess', exactNew!, exactOld!);
});

// A whole book after a tick: 2,000 copies of portfolio (b), screened.
const screenOf = (t: Awaited<ReturnType<typeof tree>>) => {
  const side = t.side.xmarginSide(t.portfolios[1]);
  const accounts = Array.from({ length: 2000 }, (_, i) => ({ ...side.account, id: `a${i}` }));
  const book = t.book.buildRiskBook(accounts, side.venue, side.market);
  return () => t.screen.screenLiquidatable(book);
};
const [screenNew, screenOld] = race([screenOf(mine), screenOf(theirs)]);
console.log(
  `  screen, 2,000 accounts (b)   ${(screenNew!.medianUs / 2000).toFixed(3)} µs vs ` +
    `${(screenOld!.medianUs / 2000).toFixed(3)} µs per account   ×${(screenNew!.medianUs / screenOld!.medianUs).toFixed(3)}`,
);
