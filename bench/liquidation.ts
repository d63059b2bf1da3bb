import fc from 'fast-check';
import { liquidationStep } from '../src/core/liquidation/liquidation-step.ts';
import { bucketRisk } from '../src/core/margin/bucket-risk.ts';
import { bucketsOf } from '../src/core/model/bucket.ts';
import { marketView } from '../src/core/model/price-view.ts';
import { defaultLiquidationRule } from '../src/core/model/rulebook.ts';
import { bookArb, bookVenue, d, withEquityAt } from '../test/kit.ts';
import { timing } from './timing.ts';

/**
 * Issue 11: one liquidation step decided (liquidation-step.ts), per bucket below maintenance,
 * against one exact margin of the same bucket (`bucketRisk`, the figure every step is made of).
 * The books are the property tests' (test/kit.ts `bookArb`, fixed seed): up to four positions on
 * BTC and ETH linear perpetuals at Binance-like brackets, a SOL perpetual at a leverage cap and a
 * BTC inverse perpetual at coin brackets, USDT and haircut BTC collateral, every one cut to 20 to
 * 99 % of its maintenance margin. Inside the step: the bucket without its orders margined, each
 * position's whole close margined (which to close), the fillable price's tick search, the size's
 * search over the size grid (each probe a close and an exact margin), the bankruptcy price's
 * search, and where the limit is held to it, the size and bankruptcy again.
 */
export function liquidationBench(quick: boolean): void {
  const { race } = timing(quick);
  const drawn = fc.sample(bookArb, { numRuns: quick ? 60 : 200, seed: 20_261_203 });
  const buckets = drawn.flatMap(({ account, market }, i) => {
    if (account.positions.length === 0) return [];
    const prices = marketView(market);
    const below = withEquityAt(account, bookVenue, prices, 20 + (i % 80));
    return [{ bucket: bucketsOf(below, bookVenue)[0]!, prices }];
  });
  const noBlockLimit = d('1000000000000');
  const rule = { ...defaultLiquidationRule, feeRate: d('0.001'), buffer: d('0.05') };
  const [margin, step] = race([
    () => buckets.map(({ bucket, prices }) => bucketRisk(bookVenue, bucket, prices)),
    () =>
      buckets.map(({ bucket, prices }) =>
        liquidationStep(bookVenue, bucket, prices, rule, noBlockLimit),
      ),
  ]);
  const per = (medianUs: number) => (medianUs / buckets.length).toFixed(2).padStart(10);
  const stepped = buckets.filter(
    ({ bucket, prices }) =>
      liquidationStep(bookVenue, bucket, prices, rule, noBlockLimit) !== undefined,
  ).length;
  console.log(
    `\n10. A liquidation step decided (issue 11), ${buckets.length} buckets below maintenance ` +
      `(${stepped} with a step), µs per bucket`,
  );
  console.log(
    `    one exact margin of the bucket (bucketRisk)   ${per(margin!.medianUs)} µs   baseline`,
  );
  console.log(
    `    its liquidation step (what, how much, limit)  ${per(step!.medianUs)} µs   ×${(step!.medianUs / margin!.medianUs).toFixed(1)}`,
  );
}
