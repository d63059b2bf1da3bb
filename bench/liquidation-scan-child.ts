/**
 * The liquidation scan at scale (bench/liquidation-scan.ts), alone in a process of its own (run
 * with --expose-gc and a heap the book fits in): prints one line of JSON with each tick's time,
 * the dense pass's, what the ticks did, and the memory each form of the book holds.
 *
 *   ACCOUNTS ROUNDS
 */
import type { Command } from '../src/core/engine/command.ts';
import { judgeCommand } from '../src/core/engine/execute.ts';
import { MarginBook } from '../src/core/engine/margin-book.ts';
import { applyRecord } from '../src/core/ledger/ledger.ts';
import { defaultLiquidationRule } from '../src/core/model/rulebook.ts';
import { fixed } from '../src/core/num/fixed.ts';
import { seededRandom } from '../src/shell/seeded-random.ts';
import { benchContext, bookOf, densePass, venueOf } from './engine.ts';

const count = Number(process.argv[2]);
const rounds = Number(process.argv[3]);
const collect = (globalThis as { gc?: () => void }).gc!;
/** The heap and the typed arrays' buffers (outside the heap: the columns), collected first. */
const held = () => {
  collect();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
};

const nowMs = Date.UTC(2026, 11, 1, 12);
const listed = venueOf();
// The preset with the engine's default liquidation rule: a bucket below maintenance is ordered.
const venue = { ...listed, rulebook: { ...listed.rulebook, liquidation: defaultLiquidationRule } };
const context = benchContext(venue, nowMs);

const empty = held();
const ledger = bookOf(count, venue, nowMs, 4);
const withAccounts = held();
const book = new MarginBook();
const tally = { ordered: 0, changes: 0 };
const run = (command: Command) => {
  const { record } = judgeCommand(ledger, command, context, book);
  if (record === undefined) throw new Error(`refused: ${command.type}`);
  applyRecord(ledger, record);
  for (const event of record.events) {
    if (event.type === 'liquidation_ordered') tally.ordered += 1;
    if (event.type === 'margin_state_changed') tally.changes += 1;
  }
};
let sequence = 1;
let commandNumber = 0;
const tickAt = (instrument: string, price: bigint) => {
  sequence += 1;
  commandNumber += 1;
  run({
    id: `tick-${commandNumber}`,
    type: 'price_tick',
    feed: `mark:${instrument}`,
    sequence,
    timeMs: nowMs,
    price,
  });
};
// The book is built at the first command; one tick of each market at its mark then records the
// states the set-up left, so what the timed ticks count are changes.
run({ id: 'warm', type: 'deposit', account: 'acct-0', asset: 'USDT', amount: fixed('1') });
for (const [instrument, mark] of [...ledger.markPrices]) tickAt(instrument, mark);
const withBook = held();
const settled = { ...tally };

// The same positions as dense columns: the floor a pass over them cannot go under.
const { positions, pass } = densePass([...ledger.accounts.values()], ledger.markPrices);

const next = seededRandom(23);
let walk = 95_000;
/** A liquid mark's tick: a walk of up to ±0.05 %, kept within 3 % of 95,000. */
const walking = () => {
  walk = Math.min(97_850, Math.max(92_150, walk * (1 + (next() - 0.5) * 0.001)));
  return walk;
};
/** The last mark again: every holder screened, none re-margined (the scan alone). */
const unmoved = () => walk;
/** A crash's tick: up to 2 % either way from 95,000. */
const jumping = () => 95_000 * (1 + (next() - 0.5) * 0.04);

const timed = (move: () => number) => {
  const tickMs: number[] = [];
  const passMs: number[] = [];
  const before = { ...tally, ...book.tally };
  for (let round = 0; round < rounds; round++) {
    const price = fixed(move().toFixed(1));
    let start = performance.now();
    tickAt('BTCUSDT', price);
    tickMs.push(performance.now() - start);
    start = performance.now();
    pass();
    passMs.push(performance.now() - start);
  }
  return {
    tickMs,
    passMs,
    ordered: tally.ordered - before.ordered,
    changes: tally.changes - before.changes,
    screened: book.tally.screened - before.screened,
    fast: book.tally.fast - before.fast,
    exact: book.tally.exact - before.exact,
  };
};
pass();
const still = timed(unmoved);
const walked = timed(walking);
const jumped = timed(jumping);
process.stderr.write(
  `${JSON.stringify({
    accounts: count,
    positions,
    memory: { empty, withAccounts, withBook },
    settled,
    still,
    walked,
    jumped,
    liquidations: ledger.liquidations.size,
  })}\n`,
);
