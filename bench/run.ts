/**
 * `npm run bench`: the risk core's hot paths, each as a ratio against a baseline measured in the
 * same run (bench/timing.ts). `--quick` for a short run. The peer comparison (Drift, Mango) is in
 * bench/peers, with its own package.json.
 */
import { figureCount, marginAccount } from '../src/core/fast/fast-margin.ts';
import { buildRiskBook } from '../src/core/fast/risk-book.ts';
import { movePrices, screenLiquidatable } from '../src/core/fast/screen.ts';
import { assess } from '../src/core/margin/assess.ts';
import type { Account } from '../src/core/model/account.ts';
import { SCALE } from '../src/core/num/fixed.ts';
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
