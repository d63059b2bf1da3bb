/**
 * `npm run bench`: the risk core's hot paths, each as a ratio against a baseline measured in the
 * same run (bench/timing.ts). `--quick` for a short run. The peer comparison (Drift, Mango) is in
 * bench/peers, with its own package.json.
 */
import '../src/shell/jit.ts';
import { figureCount, marginAccount } from '../src/core/fast/fast-margin.ts';
import { buildRiskBook } from '../src/core/fast/risk-book.ts';
import { movePrices, screenLiquidatable } from '../src/core/fast/screen.ts';
import { assess } from '../src/core/margin/assess.ts';
import type { Account } from '../src/core/model/account.ts';
import { bucketsOf } from '../src/core/model/bucket.ts';
import { marketView } from '../src/core/model/price-view.ts';
import { SCALE } from '../src/core/num/fixed.ts';
import { portfolioRisk } from '../src/core/portfolio/portfolio-risk.ts';
import { viewAfterTick } from '../src/core/portfolio/tick.ts';
import { bookBench } from './book.ts';
import { jsonReadingBench } from './json-reading.ts';
import { naiveScenarioPnl } from './naive-portfolio.ts';
import { omnibusBucket, optionAccount, optionBook } from './option-book.ts';
import { portfolios } from './portfolios.ts';
import { type Timing, timing } from './timing.ts';
import { xmarginRiskOnly, xmarginSide } from './xmargin-side.ts';

const quick = process.argv.includes('--quick');
const { race } = timing(quick);
const us = (t: Timing) => `${t.medianUs.toFixed(2).padStart(10)} µs`;
const ratio = (a: Timing, b: Timing) => (a.medianUs / b.medianUs).toFixed(4);

console.log(
  `xmargin bench — node ${process.version}, ${quick ? 'quick' : 'full'} run, median of batches`,
);

console.log('\n1. One account assessed (µs per account)');
for (const p of portfolios) {
  const side = xmarginSide(p);
  const book = buildRiskBook([side.account], side.venue, side.market);
  const out = new Float64Array(figureCount);
  const [full, withMoves, riskOnly, fast, build] = race([
    () => assess(side.account, side.venue, side.market),
    () => assess(side.account, side.venue, side.market, { jointMoves: true }),
    () => xmarginRiskOnly(side),
    () => marginAccount(book, 0, out),
    () => buildRiskBook([side.account], side.venue, side.market),
  ]);
  console.log(`  (${p.id}) ${p.title}`);
  console.log(`    exact assess (report, liquidation prices)  ${us(full!)}   baseline`);
  console.log(
    `    exact assess + joint moves                 ${us(withMoves!)}   ×${ratio(withMoves!, full!)}`,
  );
  console.log(
    `    exact margin figures only (bucketRisk)     ${us(riskOnly!)}   ×${ratio(riskOnly!, full!)}`,
  );
  console.log(
    `    fast path marginAccount (float64)          ${us(fast!)}   ×${ratio(fast!, full!)}`,
  );
  console.log(
    `    building its RiskBook (once per load)      ${us(build!)}   ×${ratio(build!, full!)}`,
  );
}

console.log('\n2. A whole book re-margined after one price tick (µs per account)');
const base = xmarginSide(portfolios[1]!);
const accounts: Account[] = [];
const bookSize = quick ? 2_000 : 10_000;
for (let i = 0; i < bookSize; i += 1) {
  // The same book on less and less cash, so a share of the accounts sit near or below maintenance.
  const cash = BigInt(i % 100);
  accounts.push({
    ...base.account,
    id: `acct-${i}`,
    balances: new Map(
      [...base.account.balances].map(([asset, amount]) => [
        asset,
        asset === 'USDC' ? (amount * cash) / 100n - 45_000n * SCALE : amount,
      ]),
    ),
  });
}
const book = buildRiskBook(accounts, base.venue, base.market);
const marks = [...base.market.markPrices];
let step = 0;
const tick = () => {
  step += 1;
  const [instrument, mark] = marks[step % marks.length]!;
  const moved = mark + (mark * BigInt((step % 7) - 3)) / 1000n;
  movePrices(book, new Map(), new Map([[instrument, moved]]));
};
const sample = accounts.slice(0, 100);
const [screen, exactSample] = race([
  () => {
    tick();
    return screenLiquidatable(book);
  },
  () => sample.map((account) => assess(account, base.venue, book.market).liquidatable),
]);
const screened = screenLiquidatable(book);
const perAccountFast = screen!.medianUs / bookSize;
const perAccountExact = exactSample!.medianUs / sample.length;
console.log(
  `  ${bookSize} accounts × ${base.account.positions.length} perps, ${base.account.balances.size} assets`,
);
console.log(
  `    exact assess, per account                  ${perAccountExact.toFixed(2).padStart(10)} µs   baseline`,
);
console.log(
  `    fast screen + exact confirmation, per acct ${perAccountFast.toFixed(2).padStart(10)} µs   ×${(perAccountFast / perAccountExact).toFixed(4)}`,
);
console.log(
  `    whole book per tick                        ${(screen!.medianUs / 1000).toFixed(2).padStart(10)} ms`,
);
console.log(
  `    liquidatable: ${screened.liquidatable.length}, decided on the exact path: ${screened.confirmedExactly}`,
);

console.log(
  '\n3. Portfolio margin of one account: 1,000 options over 100 instruments, 21 × 5 grid',
);
{
  const book = optionBook(2, 50);
  const bucket = omnibusBucket(book, 1000, 7);
  const rule = book.venue.rulebook.portfolio!;
  const ours = portfolioRisk(book.venue, bucket, marketView(book.market), rule);
  const naive = naiveScenarioPnl(bucket.legs, book);
  let gap = 0;
  for (const underlying of ours.underlyings) {
    const theirs = naive.get(underlying.underlying)!;
    underlying.pnl.forEach((pnl, s) => {
      gap = Math.max(gap, Math.abs(pnl - theirs[s]!));
    });
  }
  const [withArrays, pricedEachTime] = race([
    () => portfolioRisk(book.venue, bucket, marketView(book.market), rule),
    () => naiveScenarioPnl(bucket.legs, book),
  ]);
  console.log(
    `    naive: every position priced in every scenario   ${us(pricedEachTime!)}   baseline`,
  );
  console.log(
    `    risk arrays priced once per instrument (all)     ${us(withArrays!)}   ×${ratio(withArrays!, pricedEachTime!)}`,
  );
  console.log(
    `    speed-up ${(pricedEachTime!.medianUs / withArrays!.medianUs).toFixed(1)}× (target ≥ 5×); largest |Δ scenario P&L| ${gap.toExponential(2)} USD`,
  );
}

console.log('\n4. A book of option accounts re-margined after one price tick (µs per account)');
{
  const accountCount = quick ? 2_000 : 10_000;
  const book = optionBook(5, 100);
  const accounts = Array.from({ length: accountCount }, (_, i) =>
    optionAccount(book, 50, 1000 + i),
  );
  const buckets = accounts.map((account) => bucketsOf(account, book.venue)[0]!);
  const rule = book.venue.rulebook.portfolio!;
  let view = marketView(book.market);
  for (const bucket of buckets) portfolioRisk(book.venue, bucket, view, rule);
  let step = 0;
  const tickedMarket = () => {
    step += 1;
    const btc = book.market.assetPrices.get('BTC')!;
    const moved = btc + (btc * BigInt((step % 5) - 2)) / 1000n;
    return { ...book.market, assetPrices: new Map([...book.market.assetPrices, ['BTC', moved]]) };
  };
  const sample = buckets.slice(0, 20);
  const [tickAware, fromScratch, naive] = race([
    () => {
      view = viewAfterTick(view, tickedMarket(), book.venue, new Set(['BTC']));
      for (const bucket of buckets) portfolioRisk(book.venue, bucket, view, rule);
    },
    () => {
      const fresh = marketView(tickedMarket());
      for (const bucket of buckets) portfolioRisk(book.venue, bucket, fresh, rule);
    },
    () => {
      for (const account of accounts.slice(0, sample.length))
        naiveScenarioPnl(account.positions, book);
    },
  ]);
  const perAccount = (t: Timing, n: number) => t.medianUs / n;
  const naivePer = perAccount(naive!, sample.length);
  console.log(
    `  ${accountCount} accounts × 50 options over 500 instruments (5 underlyings), BTC ticks`,
  );
  console.log(
    `    naive pricing per position, per account          ${naivePer.toFixed(2).padStart(10)} µs   baseline`,
  );
  console.log(
    `    all 500 risk arrays repriced, per account        ${perAccount(fromScratch!, accountCount).toFixed(2).padStart(10)} µs   ×${(perAccount(fromScratch!, accountCount) / naivePer).toFixed(4)}`,
  );
  console.log(
    `    only BTC's 100 repriced (tick-aware), per account ${perAccount(tickAware!, accountCount).toFixed(2).padStart(10)} µs   ×${(perAccount(tickAware!, accountCount) / naivePer).toFixed(4)}`,
  );
  console.log(
    `    whole book per tick (tick-aware)                 ${(tickAware!.medianUs / 1000).toFixed(1).padStart(10)} ms`,
  );
}

jsonReadingBench(quick);
bookBench(quick);
await (await import('./event-store.ts')).eventStoreBench(quick);
await (await import('./engine.ts')).engineBench(quick);
await (await import('./server.ts')).serverBench(quick);
(await import('./liquidation.ts')).liquidationBench(quick);
await (await import('./simulator.ts')).simulatorBench(quick);
(await import('./liquidation-scan.ts')).liquidationScanBench(quick);
(await import('./index-sources.ts')).indexSourcesBench(quick);
